/**
 * Rate limits over HTTP (`routes/middleware/rate_limit.ts`): the per-person abuse limit of
 * session traffic with its headers and 429, a Free organization's browser traffic never charged
 * to an API quota, the same through the Upstash adapter over a real redis-server, and the
 * API-key branch (the plan's `apiRequestsPerMinute` per organization, 403 `feature_not_in_plan`
 * without charging) through the middleware with an `api_key` principal.
 *
 * {@linkcode assertRateLimited} is exported for key-authenticated integration tests.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { signUpOrg, testApp } from "../helpers.ts";
import { assertApiError, assertSameSnapshot, snapshot } from "./support.ts";
import { loadConfig } from "../../config.ts";
import type { AppDeps, AppEnv, OrgContext } from "../../routes/context.ts";
import { onError } from "../../routes/middleware/errors.ts";
import { rateLimit } from "../../routes/middleware/rate_limit.ts";
import { meterApiRequests } from "../../routes/middleware/usage.ts";
import type { OrgScope } from "../../lib/kv/mod.ts";
import { entitlementsOf } from "../../lib/billing/entitlements.ts";
import { newBillingRecord } from "../../lib/billing/lifecycle.ts";
import type { PlanId } from "../../lib/billing/plans.ts";
import { KvRateLimiter, type RateLimiter, UpstashRateLimiter } from "../../lib/ratelimit/mod.ts";
import { globalKeys, Store } from "../../lib/kv/mod.ts";
import { startUpstash } from "../fakes/upstash_rest.ts";

/**
 * Send `limit` requests with `send` and expect each to pass with the `RateLimit-*` headers
 * counting down from `limit - 1` to 0, then one more to be refused 429 `rate_limited` with
 * `Retry-After`, the same headers and the JSON error shape. Returns the refused answer.
 */
export async function assertRateLimited(
  send: () => Promise<Response>,
  limit: number,
): Promise<Response> {
  for (let i = 0; i < limit; i++) {
    const res = await send();
    await res.body?.cancel();
    assert.ok(res.status < 400, `request ${i + 1} of ${limit} answered ${res.status}`);
    assert.equal(res.headers.get("RateLimit-Limit"), String(limit));
    assert.equal(res.headers.get("RateLimit-Remaining"), String(limit - 1 - i));
    assert.match(res.headers.get("RateLimit-Reset") ?? "", /^\d+$/);
  }
  const refused = await send();
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("RateLimit-Limit"), String(limit));
  assert.equal(refused.headers.get("RateLimit-Remaining"), "0");
  const retryAfter = Number(refused.headers.get("Retry-After"));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${retryAfter}`);
  assert.equal(refused.headers.get("RateLimit-Reset"), String(retryAfter));
  const body = await refused.clone().json();
  assert.equal(body.error.code, "rate_limited");
  assert.equal(typeof body.error.message, "string");
  return refused;
}

const SESSION_RULE = { limit: 5, windowMs: 60_000 };

Deno.test("session traffic: a per-person abuse limit with headers, 429 and Retry-After", async () => {
  const app = await testApp({ rateLimit: { sessionRule: SESSION_RULE } });
  try {
    const { client, orgId } = await signUpOrg(app);
    const refused = await assertRateLimited(
      () => client.request("GET", `/api/v1/orgs/${orgId}`),
      5,
    );
    assert.equal(refused.headers.get("Retry-After"), "12"); // 60 s / 5: one request back in 12 s

    // Over the limit nothing else runs: a clock-in is refused and writes nothing.
    const before = await snapshot(app.store);
    const punch = await client.json("POST", `/api/v1/orgs/${orgId}/clock/in`, {});
    assertApiError(punch, 429, "rate_limited");
    assertSameSnapshot(before, await snapshot(app.store), "clock-in over the limit");

    app.clock.advance(12);
    const again = await client.request("GET", `/api/v1/orgs/${orgId}`);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get("RateLimit-Remaining"), "0");
  } finally {
    app.close();
  }
});

Deno.test("session traffic: error answers carry the headers; each person has their own limit", async () => {
  const app = await testApp({ rateLimit: { sessionRule: SESSION_RULE } });
  try {
    const { client, orgId } = await signUpOrg(app);
    const missing = await client.json("GET", `/api/v1/orgs/${orgId}/members/nobody`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("RateLimit-Limit"), "5");
    assert.equal(missing.headers.get("RateLimit-Remaining"), "4");
    const bad = await client.json("POST", `/api/v1/orgs/${orgId}/locations`, { name: 7 });
    assert.ok(bad.status >= 400 && bad.status < 500);
    assert.equal(bad.headers.get("RateLimit-Remaining"), "3");

    const other = await signUpOrg(app);
    const res = await other.client.request("GET", `/api/v1/orgs/${other.orgId}`);
    assert.equal(res.headers.get("RateLimit-Remaining"), "4");
  } finally {
    app.close();
  }
});

Deno.test("a Free organization's browser traffic is never charged to an API quota", async () => {
  const app = await testApp({
    config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: "free" }),
    rateLimit: { sessionRule: { limit: 100, windowMs: 60_000 } },
  });
  try {
    const { client, orgId } = await signUpOrg(app);
    const billing = await client.json("GET", `/api/v1/orgs/${orgId}/billing`);
    assert.equal(billing.body.plan, "free");
    // Free sells 0 API requests a minute; the clock island's calls go on all the same.
    for (let i = 0; i < 20; i++) {
      const res = await client.request("GET", `/api/v1/orgs/${orgId}/clock`);
      await res.body?.cancel();
      assert.ok(res.status < 400, `answer ${res.status}`);
      assert.equal(res.headers.get("RateLimit-Limit"), "100");
    }
    const punch = await client.json("POST", `/api/v1/orgs/${orgId}/clock/in`, {});
    assert.equal(punch.status, 201, JSON.stringify(punch.body));
    assert.equal((await app.store.get(globalKeys.rateLimit(`api:${orgId}`))).value, null);
  } finally {
    app.close();
  }
});

/** A small app with the middleware and an `api_key` principal on an org of `plan`. */
function keyApp(
  store: Store,
  plan: PlanId,
  limiter: RateLimiter,
  orgId = "org-k",
  scope?: OrgScope,
) {
  const now = () => Date.UTC(2026, 11, 2, 9);
  const deps = {
    store,
    config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: plan }),
    now,
    rateLimit: { limiter },
  } as unknown as AppDeps;
  const ent = entitlementsOf(newBillingRecord(0), [], now(), {
    enabled: false,
    defaultPlan: plan,
  });
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    c.set("principal", { type: "api_key", keyId: c.req.header("x-key") ?? "k1", scopes: [] });
    c.set("org", { scope: scope ?? { orgId } } as unknown as OrgContext);
    c.set("entitlements", ent);
    await next();
  });
  app.use("*", rateLimit());
  if (scope) app.use("*", meterApiRequests());
  let handled = 0;
  app.get("*", (c) => {
    handled++;
    return c.json({ ok: true });
  });
  return { app, handled: () => handled };
}

Deno.test("api keys: the plan's apiRequestsPerMinute per organization, shared by its keys", async () => {
  const store = await Store.open(":memory:");
  try {
    const limiter = new KvRateLimiter(store, () => Date.UTC(2026, 11, 2, 9));
    const { app, handled } = keyApp(store, "team", limiter); // Team: 60 a minute
    let n = 0;
    const refused = await assertRateLimited(
      async () => await app.request("/x", { headers: { "x-key": `k${n++ % 2}` } }),
      60,
    );
    assert.equal(refused.headers.get("Retry-After"), "1");
    assert.equal(handled(), 60, "the refused request ran no handler");
    // Another organization has its own quota.
    const other = keyApp(store, "team", limiter, "org-other");
    const res = await other.app.request("/x");
    assert.equal(res.headers.get("RateLimit-Remaining"), "59");
  } finally {
    store.close();
  }
});

Deno.test("api keys: a plan without the API → 403 feature_not_in_plan, nothing charged", async () => {
  const store = await Store.open(":memory:");
  try {
    const limiter = new KvRateLimiter(store, () => Date.UTC(2026, 11, 2, 9));
    const { app, handled } = keyApp(store, "free", limiter);
    const res = await app.request("/x");
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.code, "feature_not_in_plan");
    assert.equal(res.headers.get("RateLimit-Limit"), null);
    assert.equal(handled(), 0);
    assert.equal((await store.get(globalKeys.rateLimit("api:org-k"))).value, null);
  } finally {
    store.close();
  }
});

Deno.test("config: UPSTASH_REDIS_REST_URL and _TOKEN are set together", () => {
  assert.equal(loadConfig({}).upstash, null);
  assert.deepEqual(
    loadConfig({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: "t" })
      .upstash,
    { url: "https://eu1.upstash.io", token: "t" },
  );
  assert.throws(
    () => loadConfig({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io" }),
    /UPSTASH_REDIS_REST_TOKEN: set UPSTASH_REDIS_REST_TOKEN together/,
  );
  assert.throws(
    () => loadConfig({ UPSTASH_REDIS_REST_TOKEN: "t" }),
    /UPSTASH_REDIS_REST_URL: set UPSTASH_REDIS_REST_URL together/,
  );
  assert.throws(
    () => loadConfig({ UPSTASH_REDIS_REST_URL: "redis://x:6379", UPSTASH_REDIS_REST_TOKEN: "t" }),
    /UPSTASH_REDIS_REST_URL: an http\(s\):\/\/ URL/,
  );
});

Deno.test("API usage per key beside the organization's total: GET …/billing and the billing page", async () => {
  const app = await testApp();
  app.clock.ms = Date.UTC(2026, 11, 2, 9); // the key app's clock
  try {
    const { client, orgId } = await signUpOrg(app);
    const scope = (await app.store.scopeForJob(orgId))!;
    const limiter = new KvRateLimiter(app.store, app.clock.now);
    const keys = keyApp(app.store, "enterprise", limiter, orgId, scope);
    for (const key of ["key-a", "key-b", "key-a", "key-a"]) {
      const res = await keys.app.request("/x", { headers: { "x-key": key } });
      assert.equal(res.status, 200);
    }
    const billing = await client.json("GET", `/api/v1/orgs/${orgId}/billing`);
    assert.equal(billing.status, 200);
    assert.deepEqual(billing.body.usage.apiKeys, [
      { keyId: "key-a", today: 3, total: 3, label: "key-a" },
      { keyId: "key-b", today: 1, total: 1, label: "key-b" },
    ]);
    // The organization's total counts the key requests and the admin's own requests.
    assert.ok(billing.body.usage.today.apiRequests >= 5, `${billing.body.usage.today.apiRequests}`);
    assert.ok(
      billing.body.usage.series.every((d: Record<string, unknown>) =>
        Object.keys(d).every((k) => !k.includes(":"))
      ),
      "per-key counters stay out of the daily series",
    );

    const page = await client.request("GET", `/o/${orgId}/billing`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /API requests by key/);
    assert.match(
      html,
      /<code>key-a<\/code><\/th><td data-col="today">3<\/td><td data-col="total">3</,
    );
    assert.match(html, /<code>key-b<\/code><\/th><td data-col="today">1<\/td>/);
  } finally {
    app.close();
  }
});

Deno.test("upstash mode: an API key's plan quota, headers and 429 through a real redis-server", async () => {
  const fake = await startUpstash();
  const store = await Store.open(":memory:");
  try {
    const limiter = new UpstashRateLimiter({ url: fake.url, token: fake.token });
    const orgId = `org-${crypto.randomUUID()}`;
    const { app, handled } = keyApp(store, "team", limiter, orgId);
    const refused = await assertRateLimited(async () => await app.request("/x"), 60);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(handled(), 60);
    const keys = await fake.redis("KEYS", "clockflow:ratelimit:*");
    assert.ok(Array.isArray(keys) && keys.length > 0, "the window is kept in Redis");
    assert.equal((await store.get(globalKeys.rateLimit(`api:${orgId}`))).value, null);
  } finally {
    store.close();
    await fake.stop();
  }
});

Deno.test("upstash mode: Redis unreachable → key requests go on (fail open), one log line", async () => {
  const fake = await startUpstash();
  const store = await Store.open(":memory:");
  const lines: string[] = [];
  try {
    const limiter = new UpstashRateLimiter({
      url: fake.url,
      token: fake.token,
      log: (l) => lines.push(l),
    });
    const { app, handled } = keyApp(store, "team", limiter);
    await fake.pause();
    for (let i = 0; i < 70; i++) {
      const res = await app.request("/x");
      assert.equal(res.status, 200);
    }
    assert.equal(handled(), 70);
    assert.equal(lines.length, 1);
  } finally {
    store.close();
    await fake.stop();
  }
});

Deno.test("session traffic: the abuse limit is kept in memory, never in KV or Redis", async () => {
  const fake = await startUpstash();
  const app = await testApp({
    rateLimit: {
      limiter: new UpstashRateLimiter({ url: fake.url, token: fake.token }),
      sessionRule: SESSION_RULE,
    },
  });
  try {
    const { client, orgId, userId } = await signUpOrg(app);
    await assertRateLimited(() => client.request("GET", `/api/v1/orgs/${orgId}/members`), 5);
    assert.equal((await app.store.get(globalKeys.rateLimit(`session:${userId}`))).value, null);
    assert.deepEqual(await fake.redis("KEYS", "*"), []);
  } finally {
    app.close();
    await fake.stop();
  }
});
