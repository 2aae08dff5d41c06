/**
 * Webhooks to subscribers (issue #9 §2), through the real app, real KV and a loopback
 * subscriber that verifies every request with the official `standardwebhooks` library. Events
 * are emitted through `lib/events`' `eventPort` (what the use cases call), jobs run through an
 * inline transport that holds delayed ones until the test runs them, on a test clock.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { outboundOf } from "../../app.ts";
import { createJobHandler } from "../../jobs/mod.ts";
import { billingMode } from "../../routes/middleware/plan.ts";
import { InlineTransport, type Job, type JobTransport } from "../../lib/jobs/jobs.ts";
import { Outbox } from "../../lib/jobs/outbox.ts";
import { eventPort, type EventType, subscriptionsFrom } from "../../lib/events/events.ts";
import { readUsage } from "../../lib/billing/usage.ts";
import type { Outbound } from "../../lib/net/ssrf.ts";
import type { AppDeps } from "../../routes/context.ts";
import { RETRY_DELAYS_MS } from "../../lib/webhooks/deliver.ts";
import { addMemberWithLogin, Client, signUpOrg, type TestApp, testApp } from "../helpers.ts";
import { assertApiError, assertSameSnapshot, DAY, HOUR, snapshot } from "./support.ts";
import { mailsTo } from "./identity_support.ts";
import { verifies, WebhookSubscriber } from "../fakes/webhook_subscriber.ts";

/** The inline transport, recording the delay each job was handed off with. */
class RecordingTransport implements JobTransport {
  readonly inline = new InlineTransport();
  readonly requested: { job: Job; delayMs: number }[] = [];
  enqueue(job: Job, options: { delayMs?: number } = {}): Promise<void> {
    this.requested.push({ job, delayMs: options.delayMs ?? 0 });
    return this.inline.enqueue(job, options);
  }
}

interface Harness {
  app: TestApp;
  sub: WebhookSubscriber;
  transport: RecordingTransport;
  outbox: Outbox;
  admin: Client;
  adminEmail: string;
  orgId: string;
  base: string;
  /** Create an endpoint on the subscriber for `events`; its id and secret. */
  endpoint(events?: EventType[], path?: string): Promise<{ id: string; secret: string }>;
  /** Emit `type` as a use case does (in a commit), then dispatch its jobs. */
  emit(type: EventType, data?: unknown): Promise<string>;
  /** Attempts recorded for endpoint `id`, newest first. */
  log(id: string): Promise<Json[]>;
  /** Delayed deliver_webhook jobs handed off so far, in order. */
  delays(): number[];
  close(): Promise<void>;
}

// deno-lint-ignore no-explicit-any
type Json = any;

/** A test app whose webhook URLs may be loopback (ALLOW_PRIVATE_WEBHOOKS=true), with a subscriber. */
async function harness(extra: Partial<AppDeps> = {}, env: Record<string, string> = {}) {
  const transport = new RecordingTransport();
  const app = await testApp({
    jobs: transport,
    config: loadConfig({ KV_PATH: ":memory:", ALLOW_PRIVATE_WEBHOOKS: "true", ...env }),
    ...extra,
  });
  const outbox = new Outbox(app.store, transport, app.clock.now);
  transport.inline.setHandler(createJobHandler({
    store: app.store,
    mailer: app.deps.mailer,
    now: app.clock.now,
    outbox,
    outbound: outboundOf(app.deps),
    billingMode: billingMode(app.deps),
    publicUrl: "https://clock.example.com",
  }));
  const sub = WebhookSubscriber.start(app.clock.now);
  const { client: admin, orgId, email: adminEmail } = await signUpOrg(app);
  const base = `/api/v1/orgs/${orgId}`;
  const h: Harness = {
    app,
    sub,
    transport,
    outbox,
    admin,
    adminEmail,
    orgId,
    base,
    async endpoint(events = ["clock.in", "clock.out"], path = "/hook") {
      const res = await admin.json("POST", `${base}/webhooks`, { url: sub.url(path), events });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      sub.secret = res.body.secret;
      return { id: res.body.id, secret: res.body.secret };
    },
    async emit(type, data = { userId: "someone" }) {
      const scope = (await app.store.scopeForJob(orgId))!;
      const subs = subscriptionsFrom((await scope.get("webhook_subscriptions")).value);
      const jobs = outbox.port();
      const op = scope.atomic();
      const event = eventPort(scope, subs, jobs, app.clock.now()).emit(op, type, data);
      assert.ok(await op.commit());
      await jobs.dispatch();
      return event.id;
    },
    async log(id) {
      const res = await admin.json("GET", `${base}/webhooks/${id}/deliveries?limit=100`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data;
    },
    delays() {
      return transport.requested.filter((r) => r.job.kind === "deliver_webhook" && r.delayMs > 0)
        .map((r) => r.delayMs);
    },
    async close() {
      await sub.close();
      app.close();
      assert.deepEqual(transport.inline.failures.map((f) => String(f.error)), [], "no job failed");
    },
  };
  return h;
}

async function withHarness(
  fn: (h: Harness) => Promise<void>,
  extra: Partial<AppDeps> = {},
  env: Record<string, string> = {},
) {
  const h = await harness(extra, env);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

/** `webhookDeliveries` counted over the last three UTC days. */
async function deliveriesCounted(h: Harness): Promise<number> {
  const scope = (await h.app.store.scopeForJob(h.orgId))!;
  const days = await readUsage(scope, h.app.clock.now(), 3);
  return days.reduce((n, d) => n + d.webhookDeliveries, 0);
}

async function storedSubscriptions(h: Harness) {
  const scope = (await h.app.store.scopeForJob(h.orgId))!;
  return subscriptionsFrom((await scope.get("webhook_subscriptions")).value);
}

Deno.test("webhooks: create, read, list, update, disable, delete; the secret is shown once and the subscription list follows every change", async () => {
  await withHarness(async (h) => {
    const created = await h.admin.json("POST", `${h.base}/webhooks`, {
      url: h.sub.url(),
      events: ["clock.in", "timesheet.approved"],
      description: "Payroll sync",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, secret } = created.body;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(atob(secret.slice(6)).length, 32, "32 random bytes");
    assert.equal(created.body.enabled, true);
    assert.deepEqual(created.body.events, ["clock.in", "timesheet.approved"]);
    assert.equal(created.body.secretHint, `whsec_…${secret.slice(-4)}`);
    assert.deepEqual(await storedSubscriptions(h), {
      endpoints: [{ endpointId: id, events: ["clock.in", "timesheet.approved"], enabled: true }],
    });

    const read = await h.admin.json("GET", `${h.base}/webhooks/${id}`);
    const list = await h.admin.json("GET", `${h.base}/webhooks`);
    assert.equal(read.status, 200);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.map((e: Json) => e.id), [id]);
    for (const text of [JSON.stringify(read.body), JSON.stringify(list.body)]) {
      assert.ok(!text.includes(secret.slice(6, 30)), "no secret after creation");
      assert.ok(!("secret" in JSON.parse(text)), "no secret field");
    }
    assert.equal(read.body.description, "Payroll sync");

    const patched = await h.admin.json("PATCH", `${h.base}/webhooks/${id}`, {
      events: ["clock.out"],
      description: "Clock-outs only",
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(patched.body.events, ["clock.out"]);
    assert.deepEqual((await storedSubscriptions(h)).endpoints[0].events, ["clock.out"]);

    const off = await h.admin.json("PATCH", `${h.base}/webhooks/${id}`, { enabled: false });
    assert.equal(off.body.enabled, false);
    assert.equal(off.body.disabledReason, "manual");
    assert.equal((await storedSubscriptions(h)).endpoints[0].enabled, false);
    await h.emit("clock.out");
    assert.equal(h.sub.received.length, 0, "a disabled endpoint is not subscribed");

    const on = await h.admin.json("PATCH", `${h.base}/webhooks/${id}`, { enabled: true });
    assert.equal(on.body.enabled, true);
    assert.equal(on.body.disabledReason, null);

    const del = await h.admin.request("DELETE", `${h.base}/webhooks/${id}`);
    assert.equal(del.status, 204);
    assertApiError(await h.admin.json("GET", `${h.base}/webhooks/${id}`), 404, "not_found");
    assert.deepEqual(await storedSubscriptions(h), { endpoints: [] });
  });
});

Deno.test("webhooks: bad input is 400 and writes nothing; the 21st endpoint is 409 webhook_limit", async () => {
  await withHarness(async (h) => {
    const before = await snapshot(h.app.store);
    for (
      const body of [
        { url: h.sub.url(), events: [] },
        { url: h.sub.url(), events: ["clock.in", "clock.in"] },
        { url: h.sub.url(), events: ["no.such_event"] },
        { url: "not a url", events: ["clock.in"] },
        { url: "ftp://example.com/x", events: ["clock.in"] },
        { url: h.sub.url(), events: ["clock.in"], secret: "whsec_mine" },
      ]
    ) {
      assertApiError(await h.admin.json("POST", `${h.base}/webhooks`, body), 400);
    }
    assertSameSnapshot(before, await snapshot(h.app.store));
    for (let i = 0; i < 20; i++) await h.endpoint(["clock.in"], `/hook/${i}`);
    const over = await h.admin.json("POST", `${h.base}/webhooks`, {
      url: h.sub.url(),
      events: ["clock.in"],
    });
    assertApiError(over, 409, "webhook_limit");
    assert.equal((await storedSubscriptions(h)).endpoints.length, 20);
  });
});

Deno.test("webhooks: the test event is delivered at once, signed, logged and counted", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint();
    const res = await h.admin.json("POST", `${h.base}/webhooks/${id}/test`, {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, "succeeded");
    assert.equal(res.body.responseStatus, 204);
    assert.equal(res.body.event, "webhook.test");
    assert.equal(res.body.trigger, "test");
    assert.equal(typeof res.body.durationMs, "number");
    assert.equal(h.sub.received.length, 1);
    const got = h.sub.received[0];
    assert.ok(got.verified, "Webhook.verify accepts it");
    assert.equal(got.method, "POST");
    assert.equal(got.headers["webhook-id"], res.body.messageId);
    assert.match(got.headers["webhook-id"], /^msg_/);
    assert.equal(got.headers["webhook-timestamp"], String(Math.floor(h.app.clock.ms / 1000)));
    assert.equal(got.headers["content-type"], "application/json");
    const body = JSON.parse(got.body);
    assert.deepEqual(Object.keys(body), ["type", "timestamp", "data"]);
    assert.equal(body.type, "webhook.test");
    assert.equal(body.data.endpointId, id);
    const log = await h.log(id);
    assert.deepEqual(log.map((d: Json) => [d.event, d.status]), [["webhook.test", "succeeded"]]);
    assert.equal(await deliveriesCounted(h), 1);
  });
});

Deno.test("webhooks: an event is delivered to each subscribed endpoint once, signed, with the Standard Webhooks body", async () => {
  await withHarness(async (h) => {
    const a = await h.endpoint(["clock.in"], "/a");
    const secretA = a.secret;
    const b = await h.endpoint(["clock.in", "clock.out"], "/b");
    const secretB = b.secret;
    h.sub.respond = () => new Response("ok");
    const msgId = await h.emit("clock.in", { userId: "u1", entryId: "e1" });
    assert.deepEqual(h.sub.received.map((r) => r.path).sort(), ["/a", "/b"]);
    for (const r of h.sub.received) {
      assert.equal(r.headers["webhook-id"], msgId);
      const secret = r.path === "/a" ? secretA : secretB;
      assert.ok(verifies(r, secret));
      assert.deepEqual(JSON.parse(r.body).data, { userId: "u1", entryId: "e1" });
      assert.equal(JSON.parse(r.body).type, "clock.in");
    }
    await h.emit("clock.out");
    assert.equal(h.sub.received.length, 3, "clock.out only to b");
    assert.equal(h.sub.received[2].path, "/b");
    assert.equal(await deliveriesCounted(h), 3);
    const logB = await h.log(b.id);
    assert.deepEqual(logB.map((d: Json) => d.event), ["clock.out", "clock.in"], "newest first");
    assert.equal(logB[0].responseBody, "ok");
  });
});

Deno.test("webhooks: failed attempts are retried on the schedule 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with the same webhook-id, then stop", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    h.sub.respond = () => new Response("down for maintenance", { status: 503 });
    const msgId = await h.emit("clock.in");
    assert.equal(h.sub.received.length, 1);
    for (let i = 0; i < RETRY_DELAYS_MS.length; i++) {
      assert.deepEqual(
        h.delays(),
        RETRY_DELAYS_MS.slice(0, i + 1),
        `delay before attempt ${i + 2}`,
      );
      h.app.clock.advance(RETRY_DELAYS_MS[i] / 1000);
      assert.equal(await h.transport.inline.runDelayed("deliver_webhook"), 1);
      assert.equal(h.sub.received.length, i + 2);
    }
    assert.equal(h.transport.inline.delayed.length, 0, "nothing after the 8th attempt");
    assert.deepEqual(h.delays(), [...RETRY_DELAYS_MS]);
    assert.ok(h.sub.received.every((r) => r.headers["webhook-id"] === msgId && r.verified));
    const log = await h.log(id);
    assert.equal(log.length, 8);
    assert.deepEqual(log.map((d: Json) => d.attempt), [8, 7, 6, 5, 4, 3, 2, 1]);
    assert.deepEqual(log.map((d: Json) => d.status), ["failed", ...Array(7).fill("pending")]);
    assert.equal(log[0].nextAttemptAt, null);
    assert.equal(
      Date.parse(log[7].nextAttemptAt) - Date.parse(log[7].attemptedAt),
      RETRY_DELAYS_MS[0],
    );
    assert.equal(log[7].responseStatus, 503);
    assert.equal(log[7].responseBody, "down for maintenance");
    assert.equal(log[7].error, "the endpoint answered 503");
    assert.equal(await deliveriesCounted(h), 8);
    const ep = await h.admin.json("GET", `${h.base}/webhooks/${id}`);
    assert.equal(ep.body.enabled, true, "27 h of failures do not disable it");
    assert.equal(Date.parse(ep.body.failingSince), Date.parse(log[7].attemptedAt));
  });
});

Deno.test("webhooks: a success after failures clears failingSince; the response body is kept to 1 KB", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    let calls = 0;
    h.sub.respond = () =>
      ++calls < 3 ? new Response(null, { status: 500 }) : new Response("x".repeat(5000));
    await h.emit("clock.in");
    h.app.clock.advance(5);
    await h.transport.inline.runDelayed();
    assert.ok((await h.admin.json("GET", `${h.base}/webhooks/${id}`)).body.failingSince);
    h.app.clock.advance(300);
    await h.transport.inline.runDelayed();
    const log = await h.log(id);
    assert.deepEqual(log.map((d: Json) => d.status), ["succeeded", "pending", "pending"]);
    assert.equal(log[0].responseBody.length, 1024);
    assert.equal(h.transport.inline.delayed.length, 0);
    assert.equal((await h.admin.json("GET", `${h.base}/webhooks/${id}`)).body.failingSince, null);
  });
});

Deno.test("webhooks: a 410 disables the endpoint at once and ends its retries", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    h.sub.respond = () => new Response("gone", { status: 410 });
    await h.emit("clock.in");
    assert.equal(h.transport.inline.delayed.length, 0, "no retry after 410");
    const ep = await h.admin.json("GET", `${h.base}/webhooks/${id}`);
    assert.equal(ep.body.enabled, false);
    assert.equal(ep.body.disabledReason, "gone");
    assert.equal((await storedSubscriptions(h)).endpoints[0].enabled, false);
    const [attempt] = await h.log(id);
    assert.equal(attempt.status, "failed");
    assert.match(attempt.error, /410 Gone/);
    await h.emit("clock.in");
    assert.equal(h.sub.received.length, 1, "nothing more is sent");
    // Switching it back on clears the failure state.
    const on = await h.admin.json("PATCH", `${h.base}/webhooks/${id}`, { enabled: true });
    assert.deepEqual([on.body.enabled, on.body.disabledReason, on.body.failingSince], [
      true,
      null,
      null,
    ]);
  });
});

Deno.test("webhooks: an endpoint failing for 5 days is disabled and its admins are mailed once", async () => {
  await withHarness(async (h) => {
    const other = await addMemberWithLogin(h.app, h.admin, h.orgId, "admin");
    const employee = await addMemberWithLogin(h.app, h.admin, h.orgId, "employee");
    const { id } = await h.endpoint(["clock.in"]);
    h.sub.respond = () => new Response(null, { status: 500 });
    await h.emit("clock.in"); // failing from now on
    h.transport.inline.delayed.splice(0); // drop its retries: later events keep it failing
    h.app.clock.advance((4 * DAY + 23 * HOUR) / 1000);
    await h.emit("clock.in");
    assert.equal((await h.admin.json("GET", `${h.base}/webhooks/${id}`)).body.enabled, true);
    h.app.clock.advance(HOUR / 1000);
    await h.emit("clock.in");
    const ep = await h.admin.json("GET", `${h.base}/webhooks/${id}`);
    assert.equal(ep.body.enabled, false);
    assert.equal(ep.body.disabledReason, "failing");
    const [last] = await h.log(id);
    assert.equal(last.status, "failed");
    assert.equal(last.nextAttemptAt, null);
    // The retries still queued find it disabled: recorded, not sent, no second mail.
    const sent = h.sub.received.length;
    h.app.clock.advance(3600);
    await h.transport.inline.runDelayed();
    assert.equal(h.sub.received.length, sent);
    assert.match((await h.log(id))[0].error, /endpoint is disabled/);
    for (const email of [h.adminEmail, other.email]) {
      const mails = (await mailsTo(h.app, email)).filter((m) => /webhook/i.test(m.subject));
      assert.equal(mails.length, 1, `one mail to ${email}`);
      assert.match(mails[0].subject, /webhook endpoint was disabled/i);
      assert.ok(mails[0].text.includes(h.sub.url()));
      assert.ok(mails[0].text.includes(`https://clock.example.com/o/${h.orgId}/webhooks`));
    }
    const employeeMails = await mailsTo(h.app, employee.email);
    assert.ok(!employeeMails.some((m) => /webhook/i.test(m.subject)), "only admins");
  });
});

Deno.test("webhooks: a redirect is a failure and is not followed", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    h.sub.respond = (r) =>
      r.path === "/hook"
        ? new Response(null, { status: 307, headers: { location: h.sub.url("/elsewhere") } })
        : new Response(null, { status: 204 });
    await h.emit("clock.in");
    assert.deepEqual(h.sub.received.map((r) => r.path), ["/hook"]);
    const [attempt] = await h.log(id);
    assert.equal(attempt.responseStatus, 307);
    assert.equal(attempt.status, "pending");
    assert.equal(attempt.error, "redirect (307) not followed");
  });
});

Deno.test("webhooks: a subscriber that does not answer within 10 s is a failed attempt", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    let release = () => {};
    const held = new Promise<void>((r) => release = r);
    h.sub.respond = async () => {
      await held;
      return new Response(null, { status: 204 });
    };
    const started = performance.now();
    await h.emit("clock.in");
    const took = performance.now() - started;
    release();
    assert.ok(took >= 9_900 && took < 15_000, `gave up after ${took} ms`);
    const [attempt] = await h.log(id);
    assert.equal(attempt.error, "timed out after 10 s");
    assert.equal(attempt.responseStatus, null);
    assert.equal(attempt.status, "pending");
  });
});

Deno.test("webhooks: after a rotation both secrets sign for 24 h, then only the new one", async () => {
  await withHarness(async (h) => {
    const { id, secret: old } = await h.endpoint(["clock.in"]);
    const rotated = await h.admin.json("POST", `${h.base}/webhooks/${id}/rotate-secret`, {});
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const fresh = rotated.body.secret;
    assert.match(fresh, /^whsec_/);
    assert.notEqual(fresh, old);
    assert.equal(Date.parse(rotated.body.previousSecretExpiresAt), h.app.clock.ms + DAY);
    h.sub.secret = fresh;
    await h.emit("clock.in");
    const during = h.sub.received[0];
    assert.equal(during.headers["webhook-signature"].split(" ").length, 2);
    assert.ok(verifies(during, fresh), "the new secret verifies");
    assert.ok(verifies(during, old), "the old secret still verifies");
    h.app.clock.advance(DAY / 1000);
    await h.emit("clock.in");
    const after = h.sub.received[1];
    assert.equal(after.headers["webhook-signature"].split(" ").length, 1);
    assert.ok(verifies(after, fresh));
    assert.ok(!verifies(after, old), "the old secret no longer verifies");
    const read = await h.admin.json("GET", `${h.base}/webhooks/${id}`);
    assert.equal(read.body.previousSecretExpiresAt, null);
    assert.ok(!JSON.stringify(read.body).includes(fresh.slice(6, 30)));
  });
});

Deno.test("webhooks: a delivery is retried by hand with the same webhook-id; refusals for disabled endpoints", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    h.sub.respond = () => new Response(null, { status: 500 });
    const msgId = await h.emit("clock.in");
    h.transport.inline.delayed.splice(0);
    const [failed] = await h.log(id);
    h.sub.respond = () => new Response("thanks");
    const retry = await h.admin.json(
      "POST",
      `${h.base}/webhooks/${id}/deliveries/${failed.id}/retry`,
      {},
    );
    assert.equal(retry.status, 202, JSON.stringify(retry.body));
    assert.equal(retry.body.messageId, msgId);
    assert.equal(retry.body.attempt, 9);
    assert.equal(h.sub.received.length, 2);
    assert.equal(h.sub.received[1].headers["webhook-id"], msgId);
    assert.ok(h.sub.received[1].verified);
    const [manual] = await h.log(id);
    assert.deepEqual([manual.trigger, manual.status, manual.attempt], ["manual", "succeeded", 9]);
    assert.equal((await h.admin.json("GET", `${h.base}/webhooks/${id}`)).body.failingSince, null);

    await h.admin.json("PATCH", `${h.base}/webhooks/${id}`, { enabled: false });
    const refused = await h.admin.json(
      "POST",
      `${h.base}/webhooks/${id}/deliveries/${failed.id}/retry`,
      {},
    );
    assertApiError(refused, 409, "webhook_disabled");
    assertApiError(
      await h.admin.json(
        "POST",
        `${h.base}/webhooks/${id}/deliveries/01JD3X7M2Q8J5V0K6Y4T9N1C2B/retry`,
        {},
      ),
      404,
      "not_found",
    );
  });
});

Deno.test("webhooks: queued attempts stop when the organization switches webhooks off", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    h.sub.respond = () => new Response(null, { status: 500 });
    await h.emit("clock.in");
    const off = await h.admin.json("PATCH", `${h.base}/settings`, {
      disabledFeatures: ["webhooks"],
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    h.app.clock.advance(5);
    await h.transport.inline.runDelayed();
    assert.equal(h.sub.received.length, 1, "no request after the feature went off");
    // The log itself is behind the feature: read it back with the feature on.
    assertApiError(await h.admin.json("GET", `${h.base}/webhooks/${id}/deliveries`), 403);
    await h.admin.json("PATCH", `${h.base}/settings`, { disabledFeatures: [] });
    const [last] = await h.log(id);
    assert.equal(last.status, "failed");
    assert.match(last.error, /switched off or not in the organization's plan/);
    assert.equal(await deliveriesCounted(h), 1);
  });
});

Deno.test("webhooks: a plan without webhooks answers 403 feature_not_in_plan", async () => {
  await withHarness(
    async (h) => {
      for (
        const [method, path, body] of [
          ["GET", `${h.base}/webhooks`, undefined],
          ["POST", `${h.base}/webhooks`, { url: h.sub.url(), events: ["clock.in"] }],
        ] as const
      ) {
        const res = await h.admin.json(method, path, body);
        assertApiError(res, 403, "feature_not_in_plan");
        assert.equal(res.body.error.details.feature, "webhooks");
      }
    },
    {},
    { DEFAULT_PLAN: "team" },
  );
});

Deno.test("webhooks: employees and managers are refused; API keys need webhooks:read or webhooks:write", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    for (const role of ["employee", "manager"] as const) {
      const m = await addMemberWithLogin(h.app, h.admin, h.orgId, role);
      assertApiError(await m.client.json("GET", `${h.base}/webhooks`), 403, "forbidden");
      assertApiError(
        await m.client.json("POST", `${h.base}/webhooks`, {
          url: h.sub.url(),
          events: ["clock.in"],
        }),
        403,
        "forbidden",
      );
      assertApiError(await m.client.json("POST", `${h.base}/webhooks/${id}/test`, {}), 403);
    }
    const key = async (scopes: string[]) => {
      const res = await h.admin.json("POST", `${h.base}/api-keys`, { name: "k", scopes });
      assert.equal(res.status, 201);
      return { authorization: `Bearer ${res.body.key}` };
    };
    const reader = await key(["webhooks:read"]);
    const writer = await key(["webhooks:write"]);
    const anon = new Client(h.app);
    assert.equal((await anon.json("GET", `${h.base}/webhooks`, undefined, reader)).status, 200);
    const refused = await anon.json(
      "POST",
      `${h.base}/webhooks`,
      { url: h.sub.url(), events: ["clock.in"] },
      reader,
    );
    assertApiError(refused, 403, "insufficient_scope");
    const made = await anon.json(
      "POST",
      `${h.base}/webhooks`,
      { url: h.sub.url("/k"), events: ["clock.in"] },
      writer,
    );
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assertApiError(
      await anon.json("GET", `${h.base}/webhooks`, undefined, writer),
      403,
      "insufficient_scope",
    );
  });
});

Deno.test("webhooks: another organization's endpoint and deliveries are 404 and untouched", async () => {
  await withHarness(async (h) => {
    const { id } = await h.endpoint(["clock.in"]);
    await h.admin.json("POST", `${h.base}/webhooks/${id}/test`, {});
    const [delivery] = await h.log(id);
    const other = await signUpOrg(h.app);
    const ob = `/api/v1/orgs/${other.orgId}/webhooks`;
    const before = await snapshot(h.app.store);
    for (
      const [method, path] of [
        ["GET", `${ob}/${id}`],
        ["PATCH", `${ob}/${id}`],
        ["DELETE", `${ob}/${id}`],
        ["POST", `${ob}/${id}/test`],
        ["POST", `${ob}/${id}/rotate-secret`],
        ["GET", `${ob}/${id}/deliveries`],
        ["POST", `${ob}/${id}/deliveries/${delivery.id}/retry`],
      ] as const
    ) {
      const res = await other.client.json(
        method,
        path,
        method === "GET" ? undefined : {
          ...(method === "PATCH" ? { enabled: false } : {}),
        },
      );
      assertApiError(res, 404, "not_found");
    }
    const list = await other.client.json("GET", ob);
    assert.deepEqual(list.body, { data: [] });
    assert.equal(h.sub.received.length, 1);
    assertSameSnapshot(before, await snapshot(h.app.store));
  });
});

Deno.test("webhooks: with the real SSRF policy, loopback, private, metadata and mapped addresses are refused with 422 webhook_url_not_allowed", async () => {
  await withHarness(
    async (h) => {
      const before = await snapshot(h.app.store);
      const cases: [string, string][] = [
        ["https://127.0.0.1/hook", "address_not_allowed"],
        ["https://10.1.2.3/hook", "address_not_allowed"],
        ["https://192.168.0.10/hook", "address_not_allowed"],
        ["https://169.254.169.254/latest/meta-data", "address_not_allowed"],
        ["https://[fd00:ec2::254]/", "address_not_allowed"],
        ["https://[::ffff:127.0.0.1]/hook", "address_not_allowed"],
        ["https://[::ffff:169.254.169.254]/", "address_not_allowed"],
        ["https://100.64.0.1/hook", "address_not_allowed"],
        ["https://localhost/hook", "address_not_allowed"],
        [h.sub.url(), "scheme_not_allowed"],
        ["https://user:pw@93.184.215.14/hook", "credentials_not_allowed"],
      ];
      for (const [url, reason] of cases) {
        const res = await h.admin.json("POST", `${h.base}/webhooks`, { url, events: ["clock.in"] });
        assertApiError(res, 422, "webhook_url_not_allowed");
        assert.equal(res.body.error.details.reason, reason, url);
      }
      const ok = await h.admin.json("POST", `${h.base}/webhooks`, {
        url: "https://93.184.215.14/hook",
        events: ["clock.in"],
      });
      assert.equal(ok.status, 201, "a public address is allowed");
      const patch = await h.admin.json("PATCH", `${h.base}/webhooks/${ok.body.id}`, {
        url: "https://[::1]/hook",
      });
      assertApiError(patch, 422, "webhook_url_not_allowed");
      const after = await snapshot(h.app.store);
      assert.equal(
        [...after.keys()].filter((k) =>
          !before.has(k) && /^\["org","\w+","webhook_endpoint"/.test(k)
        )
          .length,
        1,
        "only the allowed endpoint was stored",
      );
    },
    {},
    { ALLOW_PRIVATE_WEBHOOKS: "false" },
  );
});

Deno.test("webhooks: a host that resolves to a private address at delivery (DNS rebinding) is refused without a request", async () => {
  let answer = ["93.184.215.14"];
  let fetched = 0;
  const outbound: Outbound = {
    policy: { allowPrivate: false, resolve: () => Promise.resolve(answer) },
    fetch: (input, init) => {
      fetched++;
      return fetch(input, init);
    },
  };
  await withHarness(async (h) => {
    const created = await h.admin.json("POST", `${h.base}/webhooks`, {
      url: "https://hooks.example.com/clockflow",
      events: ["clock.in"],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    answer = ["127.0.0.1"];
    await h.emit("clock.in");
    const test = await h.admin.json("POST", `${h.base}/webhooks/${created.body.id}/test`, {});
    assert.equal(test.body.status, "failed");
    assert.equal(fetched, 0, "no request was made");
    const log = await h.log(created.body.id);
    assert.equal(log.length, 2);
    for (const d of log) {
      assert.match(d.error, /^refused \(address_not_allowed\)/);
      assert.equal(d.durationMs, null);
      assert.equal(d.responseStatus, null);
    }
    assert.equal(await deliveriesCounted(h), 0, "no request, no usage");
  }, { outbound });
});
