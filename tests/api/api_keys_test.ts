/**
 * API keys over HTTP (issue #8 §1): create → use → list → revoke, hashed at rest, expiry,
 * another organization's path, plans without `api`, bad input, who may manage keys, and the
 * audit trail naming the key as principal.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import type { AppDeps } from "../../routes/context.ts";
import { addMemberWithLogin, Client, signUpOrg, type TestApp } from "../helpers.ts";
import { assertApiError, HOUR, snapshot, withApp } from "./support.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const SITE = { name: "Depot", latitude: 40.7, longitude: -74, radiusMeters: 100 };

/** Send `method path` with `Authorization: Bearer key` and no cookie. */
async function withKey(
  app: TestApp,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  return await new Client(app).json(method, path, body, {
    authorization: `Bearer ${key}`,
    ...headers,
  });
}

async function createKey(
  client: Client,
  orgId: string,
  body: Record<string, unknown>,
): Promise<Json> {
  const res = await client.json("POST", `/api/v1/orgs/${orgId}/api-keys`, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** The org's key list as the admin sees it. */
async function listKeys(client: Client, orgId: string): Promise<Json[]> {
  const res = await client.json("GET", `/api/v1/orgs/${orgId}/api-keys`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

Deno.test("api keys: create, use, list without the secret, revoke at once", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const created = await createKey(admin.client, admin.orgId, {
      name: "Payroll export",
      scopes: ["locations:read", "locations:write"],
    });
    assert.deepEqual(
      Object.keys(created).sort(),
      [
        "createdAt",
        "createdBy",
        "expiresAt",
        "id",
        "key",
        "lastUsedAt",
        "name",
        "prefix",
        "scopes",
      ],
    );
    assert.match(created.key, /^cf_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.ok(created.key.startsWith(`cf_${created.prefix}_`));
    assert.equal(created.name, "Payroll export");
    assert.deepEqual(created.scopes, ["locations:read", "locations:write"]);
    assert.equal(created.expiresAt, null);
    assert.equal(created.createdAt, new Date(app.clock.ms).toISOString());
    assert.deepEqual(created.createdBy, { type: "user", id: admin.userId });

    // The key works on its organization's routes, without any cookie.
    const loc = await withKey(app, created.key, "POST", `${base}/locations`, SITE);
    assert.equal(loc.status, 201, JSON.stringify(loc.body));
    const read = await withKey(app, created.key, "GET", `${base}/locations`);
    assert.equal(read.status, 200);
    assert.equal(read.body.data.length, 1);

    // The list shows prefix, scopes, lastUsedAt and createdBy, never the secret or its hash.
    let listed: Json[] = [];
    for (let i = 0; i < 50; i++) {
      listed = await listKeys(admin.client, admin.orgId);
      if (listed[0]?.lastUsedAt) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(listed.length, 1);
    assert.equal(listed[0].prefix, created.prefix);
    assert.equal(listed[0].lastUsedAt, new Date(app.clock.ms).toISOString());
    assert.deepEqual(listed[0].createdBy, { type: "user", id: admin.userId });
    assert.equal(listed[0].key, undefined);
    assert.equal(listed[0].secretHash, undefined);
    const secret = created.key.split("_").slice(2).join("_");
    assert.ok(!JSON.stringify(listed).includes(secret));

    // Revoked: the very next request is refused.
    const del = await admin.client.request("DELETE", `${base}/api-keys/${created.id}`);
    assert.equal(del.status, 204);
    assertApiError(
      await withKey(app, created.key, "GET", `${base}/locations`),
      401,
      "invalid_api_key",
    );
    assert.deepEqual(await listKeys(admin.client, admin.orgId), []);
    assertApiError(
      await admin.client.json("DELETE", `${base}/api-keys/${created.id}`),
      404,
      "not_found",
    );

    // Creation and revocation are audited with the admin as principal.
    const audits: Json[] = [];
    for await (const e of app.store.listAll()) {
      if (e.key[0] === "org" && e.key[2] === "audit") audits.push(e.value);
    }
    const keyAudits = audits.filter((a) => a.entity.kind === "api_key");
    assert.deepEqual(
      keyAudits.map((a) => [a.action, a.principal.type, a.principal.id]),
      [["api_key.create", "user", admin.userId], ["api_key.revoke", "user", admin.userId]],
    );
  });
});

Deno.test("api keys: a write made with a key is audited with the key as principal", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const { key, id } = await createKey(admin.client, admin.orgId, {
      name: "Sites",
      scopes: ["locations:write"],
    });
    const loc = await withKey(app, key, "POST", `/api/v1/orgs/${admin.orgId}/locations`, SITE);
    assert.equal(loc.status, 201);
    let record: Json = null;
    for await (const e of app.store.listAll()) {
      const v = e.value as Json;
      if (e.key[2] === "audit" && v.action === "location.create") record = v;
    }
    assert.deepEqual(record.principal, { type: "api_key", id });
    assert.equal(record.entity.id, loc.body.id);
  });
});

Deno.test("api keys: only a hash is stored; the secret appears nowhere in KV", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const { key } = await createKey(admin.client, admin.orgId, {
      name: "BI",
      scopes: ["reports:read", "members:read"],
    });
    const used = await withKey(app, key, "GET", `/api/v1/orgs/${admin.orgId}/members`);
    assert.equal(used.status, 200);
    const secret = key.split("_").slice(2).join("_");
    assert.equal(secret.length, 43);
    const dump = [...(await snapshot(app.store))].map(([k, v]) => k + v.value).join("\n");
    assert.ok(dump.includes("api_key_prefix"), "the prefix pointer is stored");
    assert.ok(!dump.includes(secret), "the secret is not stored");
    assert.ok(!dump.includes(key), "the key is not stored");
    let raw = "";
    for await (const e of app.store.listAll()) {
      raw += JSON.stringify(e.key) + JSON.stringify(e.value, (_k, v) =>
        typeof v === "bigint" ? String(v) : v) +
        "\n";
    }
    assert.ok(!raw.includes(secret));
  });
});

Deno.test("api keys: unknown, malformed, tampered and expired keys answer 401 invalid_api_key", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const { key } = await createKey(admin.client, admin.orgId, {
      name: "Short-lived",
      scopes: ["locations:read"],
      expiresAt: new Date(app.clock.ms + HOUR).toISOString(),
    });
    assert.equal((await withKey(app, key, "GET", `${base}/locations`)).status, 200);
    const tampered = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    for (
      const bad of [
        tampered,
        "cf_nothing",
        "cf_000000000000_" + "a".repeat(43),
        "",
        "x".repeat(5000),
      ]
    ) {
      assertApiError(await withKey(app, bad, "GET", `${base}/locations`), 401, "invalid_api_key");
    }
    // On any route, not only an organization's.
    assertApiError(await withKey(app, tampered, "GET", "/api/v1/me"), 401, "invalid_api_key");
    // A valid key outside /api/v1/orgs/{orgId}/…: not a session, so 401.
    assertApiError(await withKey(app, key, "GET", "/api/v1/me"), 401, "unauthenticated");

    app.clock.advance(HOUR / 1000);
    assertApiError(await withKey(app, key, "GET", `${base}/locations`), 401, "invalid_api_key");
  });
});

Deno.test("api keys: a key on another organization's path answers 404", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const b = await signUpOrg(app);
    const { key } = await createKey(a.client, a.orgId, {
      name: "A's",
      scopes: ["locations:read", "members:read"],
    });
    assertApiError(
      await withKey(app, key, "GET", `/api/v1/orgs/${b.orgId}/locations`),
      404,
      "not_found",
    );
    assertApiError(await withKey(app, key, "GET", `/api/v1/orgs/${b.orgId}`), 404, "not_found");
    assertApiError(
      await withKey(app, key, "GET", `/api/v1/orgs/${b.orgId}/members`),
      404,
      "not_found",
    );
  });
});

Deno.test("api keys: bad input is 400 and writes nothing; only admins in person manage keys", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}/api-keys`;
    const before = await snapshot(app.store);
    for (
      const body of [
        {},
        { name: "x", scopes: [] },
        { name: "x", scopes: ["admin:all"] },
        { name: "x", scopes: ["members:read", "members:read"] },
        { name: "", scopes: ["members:read"] },
        { name: "x", scopes: ["members:read"], expiresAt: "tomorrow" },
        {
          name: "x",
          scopes: ["members:read"],
          expiresAt: new Date(app.clock.ms - 1).toISOString(),
        },
        { name: "x", scopes: ["members:read"], extra: true },
        "not json",
      ]
    ) {
      const res = await admin.client.json("POST", base, body);
      assert.equal(
        res.status,
        400,
        `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
    assertApiError(await admin.client.json("DELETE", `${base}/nonsense`), 404, "not_found");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const afterMembers = await snapshot(app.store);
    for (const who of [employee.client, manager.client]) {
      assertApiError(
        await who.json("POST", base, { name: "x", scopes: ["members:read"] }),
        403,
        "forbidden",
      );
      assertApiError(await who.json("GET", base), 403, "forbidden");
    }
    assert.ok(before.size < afterMembers.size);
    assert.deepEqual(await snapshot(app.store), afterMembers);

    // A key, even one holding every scope, never manages keys.
    const all = await createKey(admin.client, admin.orgId, {
      name: "All",
      scopes: [
        "members:read",
        "members:write",
        "entries:read",
        "entries:write",
        "clock:write",
        "timesheets:read",
        "timesheets:write",
        "pto:read",
        "pto:write",
        "reports:read",
        "locations:read",
        "locations:write",
        "settings:read",
        "settings:write",
      ],
    });
    assertApiError(await withKey(app, all.key, "GET", base), 403, "forbidden");
    assertApiError(
      await withKey(app, all.key, "POST", base, { name: "y", scopes: ["members:read"] }),
      403,
      "forbidden",
    );
    assertApiError(await withKey(app, all.key, "DELETE", `${base}/${all.id}`), 403, "forbidden");
  });
});

Deno.test("api keys: a Bearer request is not refused by the cookie CSRF check", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const { key } = await createKey(admin.client, admin.orgId, {
      name: "Script",
      scopes: ["locations:write"],
    });
    // A browser-ish request with a stray session cookie from elsewhere and a foreign origin.
    const res = await new Client(app).json("POST", `/api/v1/orgs/${admin.orgId}/locations`, SITE, {
      authorization: `Bearer ${key}`,
      origin: "https://scripts.example",
      cookie: `cf_session=${admin.client.cookies.get("cf_session")}`,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    // The cookie was not used: the key is the principal.
    let record: Json = null;
    for await (const e of app.store.listAll()) {
      if (e.key[2] === "audit" && (e.value as Json).action === "location.create") record = e.value;
    }
    assert.equal(record.principal.type, "api_key");
  });
});

/** App dependencies with billing on (fake Stripe keys; no Stripe call is made). */
function billingOn(): Partial<AppDeps> {
  return {
    config: loadConfig({
      KV_PATH: ":memory:",
      STRIPE_SECRET_KEY: "sk_test_keys",
      STRIPE_WEBHOOK_SECRET: "whsec_keys",
    }),
  };
}

Deno.test("api keys: a plan without `api` answers 403 feature_not_in_plan to keys", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    // The trial (Business) includes `api`.
    const { key } = await createKey(admin.client, admin.orgId, {
      name: "Trial",
      scopes: ["locations:read"],
    });
    assert.equal((await withKey(app, key, "GET", `${base}/locations`)).status, 200);

    // After the trial: Free, without `api`.
    app.clock.advance(15 * 24 * 3600);
    const login = await new Client(app).json("POST", "/api/v1/session", {
      email: admin.email,
      password: "correct horse battery",
    });
    assert.equal(login.status, 200);
    const again = new Client(app);
    again.cookies = new Map([[
      "cf_session",
      login.headers.get("set-cookie")!.split(";")[0].split("=")[1],
    ]]);
    const plan = await again.json("GET", `${base}/billing`);
    assert.equal(plan.body.plan, "free");
    assertApiError(await withKey(app, key, "GET", `${base}/locations`), 403, "feature_not_in_plan");
    assertApiError(await withKey(app, key, "GET", base), 403, "feature_not_in_plan");
    assertApiError(
      await again.json("POST", `${base}/api-keys`, { name: "x", scopes: ["locations:read"] }),
      403,
      "feature_not_in_plan",
    );
    // The session still works on Free; the keys page says why keys do not.
    assert.equal((await again.json("GET", `${base}/locations`)).status, 200);
    const page = await again.request("GET", `/o/${admin.orgId}/api-keys`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes("Existing keys do not work while the plan lacks the API."), html);
    assert.ok(!html.includes('name="intent" value="create"'), "no create form");
  }, billingOn());
});

Deno.test("api keys: on clock routes a key names the member; people only themselves", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const other = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const { key, id } = await createKey(admin.client, admin.orgId, {
      name: "Time clock bridge",
      scopes: ["clock:write", "entries:read"],
    });
    const before = await snapshot(app.store);
    assertApiError(
      await withKey(app, key, "POST", `${base}/clock/in`, {}),
      400,
      "validation_failed",
    );
    assertApiError(
      await withKey(app, key, "POST", `${base}/clock/in`, { userId: "01M6DMBE00QVZ8GSSKJQHS1PSE" }),
      404,
      "not_found",
    );
    assertApiError(await withKey(app, key, "GET", `${base}/clock`), 400, "validation_failed");
    // A person may not punch for someone else.
    assertApiError(
      await worker.client.json("POST", `${base}/clock/in`, { userId: other.userId }),
      403,
      "forbidden",
    );
    const changed = [...(await snapshot(app.store))].filter(([k, v]) =>
      !k.includes('"api_key"') && before.get(k)?.value !== v.value
    );
    assert.deepEqual(changed, []);

    const punched = await withKey(app, key, "POST", `${base}/clock/in`, { userId: worker.userId });
    assert.equal(punched.status, 201, JSON.stringify(punched.body));
    assert.equal(punched.body.userId, worker.userId);
    const status = await withKey(app, key, "GET", `${base}/clock?userId=${worker.userId}`);
    assert.equal(status.body.state, "in");
    // The worker sees the same running entry in their own clock.
    const own = await worker.client.json("GET", `${base}/clock`);
    assert.equal(own.body.entry.id, punched.body.id);
    // A person naming themselves is fine.
    app.clock.advance(3600);
    const out = await worker.client.json("POST", `${base}/clock/out`, { userId: worker.userId });
    assert.equal(out.status, 200, JSON.stringify(out.body));

    // The key's punch is audited with the key as principal.
    const audits: Json[] = [];
    for await (const e of app.store.listAll()) {
      const v = e.value as Json;
      if (e.key[2] === "audit" && v.entity?.id === punched.body.id) audits.push(v);
    }
    assert.deepEqual(audits[0].principal, { type: "api_key", id });
    assert.deepEqual(audits.at(-1).principal, { type: "user", id: worker.userId });
  });
});

Deno.test("api keys: each key has its own Idempotency-Key namespace", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const one = await createKey(admin.client, admin.orgId, {
      name: "One",
      scopes: ["locations:write"],
    });
    const two = await createKey(admin.client, admin.orgId, {
      name: "Two",
      scopes: ["locations:write"],
    });
    const idem = { "idempotency-key": "same-key-1" };
    const a = await withKey(app, one.key, "POST", `${base}/locations`, SITE, idem);
    const replay = await withKey(app, one.key, "POST", `${base}/locations`, SITE, idem);
    const b = await withKey(app, two.key, "POST", `${base}/locations`, SITE, idem);
    assert.equal(a.status, 201);
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.equal(replay.body.id, a.body.id);
    assert.equal(b.status, 201, JSON.stringify(b.body));
    assert.notEqual(b.body.id, a.body.id);
    assert.equal(b.headers.get("idempotent-replayed"), null);
  });
});

Deno.test("api keys: lastUsedAt is written at most once a minute per key", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const { key, id } = await createKey(admin.client, admin.orgId, {
      name: "Busy",
      scopes: ["locations:read"],
    });
    const record = async () => {
      for await (const e of app.store.listAll()) {
        if (e.key[2] === "api_key" && e.key[3] === id) return e;
      }
      throw new Error("key record missing");
    };
    /** Wait until the key's record has changed from `versionstamp` (bounded). */
    const settled = async (versionstamp: string) => {
      for (let i = 0; i < 50; i++) {
        const e = await record();
        if (e.versionstamp !== versionstamp) return e;
        await new Promise((r) => setTimeout(r, 10));
      }
      return await record();
    };
    const created = await record();
    assert.equal((await withKey(app, key, "GET", `${base}/locations`)).status, 200);
    const first = await settled(created.versionstamp);
    assert.equal((first.value as Json).lastUsedAt, app.clock.ms);

    // Within the minute: no write.
    app.clock.advance(30);
    for (let i = 0; i < 3; i++) {
      assert.equal((await withKey(app, key, "GET", `${base}/locations`)).status, 200);
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await record()).versionstamp, first.versionstamp);

    // A minute on: written again.
    app.clock.advance(31);
    assert.equal((await withKey(app, key, "GET", `${base}/locations`)).status, 200);
    const later = await settled(first.versionstamp);
    assert.equal((later.value as Json).lastUsedAt, app.clock.ms);
  });
});
