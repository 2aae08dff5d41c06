/**
 * Every change that subscribers can hear of emits its event in its own commit: the webhook
 * message and one `deliver_webhook` job per subscribed endpoint, and a `notify` job for the
 * events people are told about. Driven through the JSON API, across features.
 */

import assert from "node:assert/strict";
import {
  addMemberWithLogin,
  type Client,
  RecordingTransport,
  signUpOrg,
  type TestApp,
  testApp,
} from "../helpers.ts";
import type { Job } from "../../lib/jobs/jobs.ts";
import type { KvMailbox } from "../../lib/mail/mail.ts";
import { loadConfig } from "../../config.ts";
import { WebhookSubscriber } from "../fakes/webhook_subscriber.ts";
import { EVENT_TYPES, type OrgEvent, type Subscriptions } from "../../lib/events/events.ts";
import { bodyOf, HOUR } from "./support.ts";

async function subscribe(app: TestApp, orgId: string, subs: Subscriptions): Promise<void> {
  const scope = await app.store.scopeForJob(orgId);
  assert.ok(scope);
  assert.ok(await scope.atomic().set(scope.key("webhook_subscriptions"), subs).commit());
}

async function message(app: TestApp, orgId: string, id: string): Promise<OrgEvent | null> {
  const scope = (await app.store.scopeForJob(orgId))!;
  return (await scope.get<OrgEvent>("webhook_message", id)).value;
}

/** The event types of the deliveries among `jobs`, as their stored messages name them. */
async function delivered(app: TestApp, orgId: string, jobs: Job[]): Promise<string[]> {
  const out: string[] = [];
  for (const j of jobs) {
    if (j.kind !== "deliver_webhook") continue;
    assert.equal(j.orgId, orgId);
    assert.equal(j.attempt, 1);
    const m = await message(app, orgId, j.messageId);
    assert.ok(m, `message ${j.messageId} stored`);
    out.push(`${j.endpointId}:${m.type}`);
  }
  return out;
}

const ok = bodyOf;

Deno.test("events: each change emits its event to subscribed endpoints only, in its commit", async () => {
  const transport = new RecordingTransport();
  const app = await testApp({ jobs: transport });
  try {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    transport.take();

    // No subscriptions: a punch causes no job and stores no message.
    await ok(e.client.json("POST", `${base}/clock/in`, {}), 201);
    assert.deepEqual(transport.take().filter((j) => j.kind === "deliver_webhook"), []);
    await ok(e.client.json("POST", `${base}/clock/out`, {}));
    transport.take();

    await subscribe(app, a.orgId, {
      endpoints: [
        { endpointId: "all", events: [...EVENT_TYPES], enabled: true },
        { endpointId: "clock", events: ["clock.in", "clock.out"], enabled: true },
        { endpointId: "off", events: [...EVENT_TYPES], enabled: false },
      ],
    });
    // Subscriptions are read with the organization: the next request sees them.
    app.clock.advance(60);
    await ok(e.client.json("POST", `${base}/clock/in`, {}), 201);
    assert.deepEqual(
      (await delivered(app, a.orgId, transport.take())).sort(),
      ["all:clock.in", "clock:clock.in"],
    );
    app.clock.advance(600);
    await ok(e.client.json("POST", `${base}/clock/break/start`, {}));
    app.clock.advance(600);
    await ok(e.client.json("POST", `${base}/clock/break/end`, {}));
    app.clock.advance(600);
    const out = await ok(e.client.json("POST", `${base}/clock/out`, {}));
    const jobs = transport.take();
    assert.deepEqual((await delivered(app, a.orgId, jobs)).sort(), [
      "all:break.ended",
      "all:break.started",
      "all:clock.out",
      "clock:clock.out",
    ]);
    // The clock-out message carries the entry as the API shows it.
    const outJob = jobs.find((j) =>
      j.kind === "deliver_webhook" && j.endpointId === "clock"
    ) as Extract<Job, { kind: "deliver_webhook" }>;
    const outMsg = await message(app, a.orgId, outJob.messageId);
    assert.equal((outMsg!.data as { id: string }).id, out.id);
    assert.equal((outMsg!.data as { end: string }).end, out.end);
    assert.match(outMsg!.id, /^msg_/);

    // Corrections emit time_entry.*.
    const day = new Date(app.clock.ms - 3 * 24 * HOUR).toISOString().slice(0, 10);
    const created = await ok(
      a.client.json("POST", `${base}/time-entries`, {
        userId: e.userId,
        start: `${day}T13:00:00Z`,
        end: `${day}T15:00:00Z`,
        reason: "forgot",
      }),
      201,
    );
    await ok(
      a.client.json("PATCH", `${base}/time-entries/${created.id}`, {
        note: "fixed",
        reason: "typo",
      }),
    );
    const del = await a.client.request("DELETE", `${base}/time-entries/${created.id}`, {
      reason: "duplicate",
    });
    assert.equal(del.status, 204);
    assert.deepEqual(await delivered(app, a.orgId, transport.take()), [
      "all:time_entry.created",
      "all:time_entry.updated",
      "all:time_entry.deleted",
    ]);

    // Members: added, updated, deactivated.
    const m = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    await ok(a.client.json("PATCH", `${base}/members/${m.userId}`, { role: "manager" }));
    await ok(a.client.json("PATCH", `${base}/members/${m.userId}`, { active: false }));
    assert.deepEqual(
      await delivered(app, a.orgId, transport.take()),
      ["all:member.added", "all:member.updated", "all:member.deactivated"],
    );
  } finally {
    app.close();
  }
});

Deno.test("events: PTO and timesheet decisions emit their events and notify jobs", async () => {
  const transport = new RecordingTransport();
  const app = await testApp({ jobs: transport });
  try {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    await subscribe(app, a.orgId, {
      endpoints: [{ endpointId: "all", events: [...EVENT_TYPES], enabled: true }],
    });
    transport.take();

    {
      // The default settings offer "vacation"; a request is filed whatever the balance.
      const typeId = "vacation";
      const req = await ok(
        e.client.json("POST", `${base}/pto/requests`, {
          typeId,
          startDate: "2026-12-21",
          endDate: "2026-12-21",
        }),
        201,
      );
      await ok(a.client.json("POST", `${base}/pto/requests/${req.id}/reject`, { reason: "busy" }));
      const jobs = transport.take();
      assert.deepEqual(await delivered(app, a.orgId, jobs), [
        "all:pto_request.created",
        "all:pto_request.rejected",
      ]);
      const notified = jobs.filter((j) => j.kind === "notify").map((j) =>
        (j as Extract<Job, { kind: "notify" }>).event.type
      );
      assert.deepEqual(notified, ["pto_request.created", "pto_request.rejected"]);
    }

    // A timesheet submitted and rejected: both delivered, the rejection also notifies.
    await ok(e.client.json("POST", `${base}/clock/in`, {}), 201);
    app.clock.advance(2 * 3600);
    await ok(e.client.json("POST", `${base}/clock/out`, {}));
    transport.take();
    const sheets = await ok(e.client.json("GET", `${base}/timesheets?date=2026-11-02`));
    const sheetId = sheets.data[0].id as string;
    await ok(e.client.json("POST", `${base}/timesheets/${sheetId}/submit`, {}));
    await ok(
      a.client.json("POST", `${base}/timesheets/${sheetId}/reject`, { reason: "check Monday" }),
    );
    const jobs = transport.take();
    assert.deepEqual(await delivered(app, a.orgId, jobs), [
      "all:timesheet.submitted",
      "all:timesheet.rejected",
    ]);
    const rejected = jobs.find((j) => j.kind === "notify") as Extract<Job, { kind: "notify" }>;
    assert.equal(rejected.event.type, "timesheet.rejected");
    assert.equal((rejected.event.data as { userId: string }).userId, e.userId);
    assert.equal(
      (rejected.event.data as { rejectionReason: string }).rejectionReason,
      "check Monday",
    );
  } finally {
    app.close();
  }
});

Deno.test("events: a refused change emits nothing", async () => {
  const transport = new RecordingTransport();
  const app = await testApp({ jobs: transport });
  try {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e: { client: Client } = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    await subscribe(app, a.orgId, {
      endpoints: [{ endpointId: "all", events: [...EVENT_TYPES], enabled: true }],
    });
    transport.take();
    const res = await e.client.json("POST", `${base}/clock/out`, {});
    assert.equal(res.status, 409);
    assert.deepEqual(transport.take(), []);
    const scope = (await app.store.scopeForJob(a.orgId))!;
    const messages = [];
    for await (const m of scope.list(scope.key("webhook_message"))) messages.push(m);
    assert.equal(messages.length, 0);
  } finally {
    app.close();
  }
});

Deno.test("events → notifications end to end: a PTO request mails the managers, its rejection and a rejected timesheet mail the member", async () => {
  const app = await testApp();
  try {
    const mailbox = app.deps.mailer as KvMailbox;
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const m = await addMemberWithLogin(app, a.client, a.orgId, "manager");
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const seen = new Set((await mailbox.list(1000)).map((x) => x.id));
    const fresh = async () => {
      const out = (await mailbox.list(1000)).filter((x) => !seen.has(x.id));
      for (const x of out) seen.add(x.id);
      return out;
    };

    const req = await ok(
      e.client.json("POST", `${base}/pto/requests`, {
        typeId: "vacation",
        startDate: "2026-12-21",
        endDate: "2026-12-21",
      }),
      201,
    );
    const submitted = await fresh();
    assert.deepEqual(submitted.map((x) => x.to).sort(), [a.email, m.email].sort());
    for (const mail of submitted) {
      assert.match(mail.subject, /^Time-off request from Member \d+$/);
      assert.match(mail.text, /\/unsubscribe\?token=/);
    }

    await ok(m.client.json("POST", `${base}/pto/requests/${req.id}/reject`, { reason: "busy" }));
    const decided = await fresh();
    assert.deepEqual(decided.map((x) => x.to), [e.email]);
    assert.match(decided[0].text, /busy/);

    await ok(e.client.json("POST", `${base}/clock/in`, {}), 201);
    app.clock.advance(3600);
    await ok(e.client.json("POST", `${base}/clock/out`, {}));
    const sheets = await ok(e.client.json("GET", `${base}/timesheets?date=2026-11-02`));
    const sheetId = sheets.data[0].id as string;
    await ok(e.client.json("POST", `${base}/timesheets/${sheetId}/submit`, {}));
    assert.deepEqual(await fresh(), [], "submitting notifies no one");
    await ok(
      m.client.json("POST", `${base}/timesheets/${sheetId}/reject`, { reason: "missing Friday" }),
    );
    const rejected = await fresh();
    assert.deepEqual(rejected.map((x) => x.to), [e.email]);
    assert.match(rejected[0].text, /missing Friday/);
  } finally {
    app.close();
  }
});

Deno.test("events → webhooks end to end: a clock-in reaches the subscriber signed, with the entry", async () => {
  const app = await testApp({
    config: loadConfig({ KV_PATH: ":memory:", ALLOW_PRIVATE_WEBHOOKS: "true" }),
  });
  const sub = WebhookSubscriber.start(app.clock.now);
  try {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const created = await ok(
      a.client.json("POST", `${base}/webhooks`, {
        url: sub.url(),
        events: ["clock.in", "clock.out", "member.added"],
      }),
      201,
    );
    sub.secret = created.secret;
    const entry = await ok(e.client.json("POST", `${base}/clock/in`, {}), 201);
    assert.equal(sub.received.length, 1);
    const got = sub.received[0];
    assert.ok(got.verified, "verified by the standardwebhooks library");
    assert.match(got.headers["webhook-id"], /^msg_/);
    const body = JSON.parse(got.body);
    assert.equal(body.type, "clock.in");
    assert.equal(body.timestamp, new Date(app.clock.ms).toISOString());
    assert.equal(body.data.id, entry.id);
    assert.equal(body.data.userId, e.userId);
    assert.equal(body.data.end, null);
    // A later member joins: member.added arrives too, with a new webhook-id.
    await addMemberWithLogin(app, a.client, a.orgId, "employee");
    assert.equal(sub.received.length, 2);
    assert.equal(JSON.parse(sub.received[1].body).type, "member.added");
    assert.notEqual(sub.received[1].headers["webhook-id"], got.headers["webhook-id"]);
    assert.ok(sub.received[1].verified);
  } finally {
    await sub.close();
    app.close();
  }
});
