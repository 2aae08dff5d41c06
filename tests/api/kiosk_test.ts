/**
 * The kiosk through HTTP (issue #10 §1, `docs/kiosk.md`): pairing and revocation, PINs, punches
 * by PIN with the clock's rules, idempotent offline replays, conflicts for managers, throttles,
 * the plan gate and tenancy.
 */

import assert from "node:assert/strict";
import {
  addMemberWithLogin,
  Client,
  RecordingTransport,
  signUpOrg,
  type TestApp,
  testApp,
} from "../helpers.ts";
import { loadConfig } from "../../config.ts";
import { EVENT_TYPES, type OrgEvent } from "../../lib/events/events.ts";
import { presenceEventsAfter } from "../../lib/presence/presence.ts";
import {
  addMember,
  assertApiError,
  assertSameSnapshot,
  bodyOf,
  HOUR,
  iso,
  MINUTE,
  snapshot,
  withApp,
} from "./support.ts";

const ok = bodyOf;

/** An organization with an admin, a paired kiosk and a kiosk-only member with a PIN. */
async function setup(app: TestApp, kioskBody: Record<string, unknown> = { name: "Front door" }) {
  const admin = await signUpOrg(app);
  const base = `/api/v1/orgs/${admin.orgId}`;
  const kiosk = await ok(admin.client.json("POST", `${base}/kiosks`, kioskBody), 201);
  const device = new Client(app);
  const paired = await ok(device.json("POST", "/api/v1/kiosk/pair", { code: kiosk.pairingCode }));
  const worker = await addMember(admin.client, admin.orgId, { name: "Wanda Worker" });
  await ok(admin.client.json("PUT", `${base}/members/${worker.id}/pin`, { pin: PIN }), 204);
  return { admin, base, kiosk, device, paired, worker };
}

const PIN = "73915864";

function punch(device: Client, body: Record<string, unknown>) {
  return device.json("POST", "/api/v1/kiosk/punch", { pin: PIN, ...body });
}

Deno.test("kiosk: create, pair, me; the cookie is HttpOnly, SameSite=Strict, a year; only hashes stored", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Acme Depot");
    const base = `/api/v1/orgs/${admin.orgId}`;
    const created = await ok(admin.client.json("POST", `${base}/kiosks`, { name: "Gate" }), 201);
    assert.match(created.pairingCode, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
    assert.equal(Date.parse(created.pairingExpiresAt), app.clock.ms + 10 * MINUTE);
    assert.equal(created.locationId, null);
    const listed = await ok(admin.client.json("GET", `${base}/kiosks`));
    assert.deepEqual(listed.data.map((k: { paired: boolean }) => k.paired), [false]);
    assert.ok(!JSON.stringify(listed).includes(created.pairingCode));

    const device = new Client(app);
    const res = await device.request("POST", "/api/v1/kiosk/pair", {
      code: created.pairingCode.toLowerCase().slice(0, 4) + "-" + created.pairingCode.slice(4),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.kiosk, { id: created.id, name: "Gate", locationId: null });
    assert.deepEqual(body.organization, {
      id: admin.orgId,
      name: "Acme Depot",
      timeZone: "America/New_York",
    });
    assert.deepEqual(body.branding, { accentColor: null, logoUrl: null });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("cf_kiosk="))!;
    assert.ok(cookie, "the device cookie is set");
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    assert.match(cookie, /Max-Age=31536000/);
    const token = device.cookies.get("cf_kiosk")!;

    const me = await ok(device.json("GET", "/api/v1/kiosk/me"));
    assert.deepEqual(me, body);
    const after = await ok(admin.client.json("GET", `${base}/kiosks`));
    assert.equal(after.data[0].paired, true);
    assert.equal(after.data[0].lastSeenAt, iso(app.clock.ms));
    assert.equal(after.data[0].pairingExpiresAt, null);

    // Neither the code nor the credential is stored as it is.
    const dump = JSON.stringify([...(await snapshot(app.store)).entries()]);
    assert.ok(!dump.includes(token));
    assert.ok(!dump.includes(created.pairingCode));
  });
});

Deno.test("kiosk: a used, unknown or expired pairing code is 404 pairing_code_invalid and changes nothing", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const k = await ok(admin.client.json("POST", `${base}/kiosks`, { name: "Gate" }), 201);
    await ok(new Client(app).json("POST", "/api/v1/kiosk/pair", { code: k.pairingCode }));
    const before = await snapshot(app.store);
    const stranger = new Client(app);
    assertApiError(
      await stranger.json("POST", "/api/v1/kiosk/pair", { code: k.pairingCode }),
      404,
      "pairing_code_invalid",
    );
    assertApiError(
      await stranger.json("POST", "/api/v1/kiosk/pair", { code: "ZZZZZZZZ" }),
      404,
      "pairing_code_invalid",
    );
    assertApiError(await stranger.json("POST", "/api/v1/kiosk/pair", { code: 12 }), 400);
    assertApiError(await stranger.json("POST", "/api/v1/kiosk/pair", {}), 400);
    const after = await snapshot(app.store);
    // Only the per-address attempt counter moved.
    for (const [k] of after) if (k.includes("signin_fail")) after.delete(k);
    for (const [k] of before) if (k.includes("signin_fail")) before.delete(k);
    assertSameSnapshot(before, after);
    assert.equal(stranger.cookies.size, 0);

    // Expiry after 10 minutes.
    const fresh = await ok(
      admin.client.json("POST", `${base}/kiosks/${k.id}/pairing-code`),
    );
    app.clock.advance(10 * 60);
    assertApiError(
      await stranger.json("POST", "/api/v1/kiosk/pair", { code: fresh.pairingCode }),
      404,
      "pairing_code_invalid",
    );
  });
});

Deno.test("kiosk: pairing attempts are limited per client address (429)", async () => {
  await withApp(async (app) => {
    const stranger = new Client(app);
    for (let i = 0; i < 10; i++) {
      assertApiError(
        await stranger.json("POST", "/api/v1/kiosk/pair", { code: "ZZZZZZZZ" }),
        404,
        "pairing_code_invalid",
      );
    }
    const res = await stranger.json("POST", "/api/v1/kiosk/pair", { code: "ZZZZZZZZ" });
    assertApiError(res, 429, "too_many_attempts");
    assert.ok(Number(res.headers.get("retry-after")) > 0);
  });
});

Deno.test("kiosk: a second pairing code re-pairs, revoking the previous device; DELETE revokes at once", async () => {
  await withApp(async (app) => {
    const { admin, base, kiosk, device } = await setup(app);
    await ok(device.json("GET", "/api/v1/kiosk/me"));
    const code = await ok(admin.client.json("POST", `${base}/kiosks/${kiosk.id}/pairing-code`));
    // The old device works until the new code is used.
    await ok(device.json("GET", "/api/v1/kiosk/me"));
    const second = new Client(app);
    await ok(second.json("POST", "/api/v1/kiosk/pair", { code: code.pairingCode }));
    assertApiError(await device.json("GET", "/api/v1/kiosk/me"), 401, "kiosk_unpaired");
    assertApiError(await punch(device, { action: "in" }), 401, "kiosk_unpaired");
    await ok(second.json("GET", "/api/v1/kiosk/me"));

    await ok(admin.client.json("DELETE", `${base}/kiosks/${kiosk.id}`), 204);
    for (
      const [m, p, b] of [
        ["GET", "/api/v1/kiosk/me", undefined],
        ["POST", "/api/v1/kiosk/identify", { pin: PIN }],
        ["POST", "/api/v1/kiosk/punch", { pin: PIN, action: "in" }],
      ] as const
    ) {
      assertApiError(await second.json(m, p, b), 401, "kiosk_unpaired");
    }
    assertApiError(await new Client(app).json("GET", "/api/v1/kiosk/me"), 401, "kiosk_unpaired");
    assert.deepEqual((await ok(admin.client.json("GET", `${base}/kiosks`))).data, []);
    // No pointer is left behind.
    const keys = [...(await snapshot(app.store)).keys()];
    assert.ok(!keys.some((k) => k.includes('"kiosk_device"') || k.includes('"kiosk_pairing"')));
  });
});

Deno.test("kiosk: PINs are 4–8 digits, unique in the organization, hashed; admins or the member set them", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const a = await addMember(admin.client, admin.orgId, { name: "No Login" });
    const e = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const m = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    for (const pin of ["123", "123456789", "12a4", ""]) {
      assertApiError(
        await admin.client.json("PUT", `${base}/members/${a.id}/pin`, { pin }),
        400,
        "validation_failed",
      );
    }
    await ok(admin.client.json("PUT", `${base}/members/${a.id}/pin`, { pin: "48213907" }), 204);
    assertApiError(
      await admin.client.json("PUT", `${base}/members/${e.userId}/pin`, { pin: "48213907" }),
      409,
      "pin_taken",
    );
    // The member sets their own; not someone else's; a manager is not an admin.
    await ok(e.client.json("PUT", `${base}/members/${e.userId}/pin`, { pin: "5512" }), 204);
    assertApiError(
      await e.client.json("PUT", `${base}/members/${a.id}/pin`, { pin: "6612" }),
      403,
      "forbidden",
    );
    assertApiError(
      await m.client.json("PUT", `${base}/members/${e.userId}/pin`, { pin: "6612" }),
      403,
      "forbidden",
    );
    // Changing frees the old PIN; deleting frees the new one.
    await ok(e.client.json("PUT", `${base}/members/${e.userId}/pin`, { pin: "5513" }), 204);
    const again = await admin.client.json("PUT", `${base}/members/${m.userId}/pin`, {
      pin: "5512",
    });
    assert.equal(again.status, 204, JSON.stringify(again.body));
    await ok(e.client.json("DELETE", `${base}/members/${e.userId}/pin`), 204);
    await ok(admin.client.json("PUT", `${base}/members/${a.id}/pin`, { pin: "5513" }), 204);
    assertApiError(
      await admin.client.json("PUT", `${base}/members/01JUNKUNKNOWNMEMBERID00000/pin`, {
        pin: "9999",
      }),
      404,
    );
    // No PIN digits anywhere in the store.
    const dump = JSON.stringify([...(await snapshot(app.store)).entries()]);
    for (const pin of ["48213907"]) assert.ok(!dump.includes(pin), `${pin} is not stored`);
  });
});

Deno.test("kiosk: identify shows the member and state; punches in, break, out with the kiosk as principal, presence and webhooks", async () => {
  const transport = new RecordingTransport();
  const app = await testApp({ jobs: transport });
  try {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const site = await ok(
      admin.client.json("POST", `${base}/locations`, {
        name: "Yard",
        latitude: 40,
        longitude: -74,
        radiusMeters: 100,
      }),
      201,
    );
    // The organization requires a location (geofencing on this plan): the kiosk's satisfies it.
    await ok(admin.client.json("PATCH", `${base}/settings`, { requireLocation: true }));
    const kiosk = await ok(
      admin.client.json("POST", `${base}/kiosks`, { name: "Yard", locationId: site.id }),
      201,
    );
    const device = new Client(app);
    await ok(device.json("POST", "/api/v1/kiosk/pair", { code: kiosk.pairingCode }));
    const worker = await addMember(admin.client, admin.orgId, { name: "Wanda Worker" });
    await ok(admin.client.json("PUT", `${base}/members/${worker.id}/pin`, { pin: PIN }), 204);
    const scope = (await app.store.scopeForJob(admin.orgId))!;
    await scope.atomic().set(scope.key("webhook_subscriptions"), {
      endpoints: [{ endpointId: "all", events: [...EVENT_TYPES], enabled: true }],
    }).commit();
    transport.take();

    assert.deepEqual(await ok(device.json("POST", "/api/v1/kiosk/identify", { pin: PIN })), {
      userId: worker.id,
      name: "Wanda Worker",
      state: "out",
      since: null,
    });
    const t0 = app.clock.ms;
    const inn = await ok(punch(device, { action: "in" }), 201);
    assert.equal(inn.status, "applied");
    assert.deepEqual(inn.member, { userId: worker.id, name: "Wanda Worker" });
    assert.equal(inn.state, "in");
    assert.equal(inn.entry.source, "kiosk");
    assert.equal(inn.entry.locationId, site.id);
    assert.equal(inn.entry.start, iso(t0));
    assert.deepEqual(
      await ok(device.json("POST", "/api/v1/kiosk/identify", { pin: PIN })),
      { userId: worker.id, name: "Wanda Worker", state: "in", since: iso(t0) },
    );
    app.clock.advance(3600);
    assert.equal((await ok(punch(device, { action: "break_start" }))).state, "break");
    app.clock.advance(600);
    assert.equal((await ok(punch(device, { action: "break_end" }))).state, "in");
    app.clock.advance(3600);
    const out = await ok(punch(device, { action: "out" }));
    assert.equal(out.state, "out");
    assert.equal(out.entry.end, iso(app.clock.ms));
    assert.equal(out.entry.durationSeconds, 7200);
    // The rules of the clock apply: a second out is refused.
    assertApiError(await punch(device, { action: "out" }), 409, "not_clocked_in");

    // Audit: the kiosk punched.
    const history = await ok(
      admin.client.json("GET", `${base}/time-entries/${inn.entry.id}/history`),
    );
    assert.deepEqual(
      history.data.map((r: { action: string; principal: unknown }) => [r.action, r.principal]),
      ["clock.in", "clock.break_start", "clock.break_end", "clock.out"].map((a) => [
        a,
        { type: "kiosk_device", id: kiosk.id },
      ]),
    );
    // Presence for the live board and webhook messages, in the punches' commits.
    const events = await presenceEventsAfter(scope, {});
    assert.deepEqual(events.map((e) => e.state), ["in", "break", "in", "out"]);
    const types: string[] = [];
    for (const j of transport.take()) {
      if (j.kind !== "deliver_webhook") continue;
      types.push((await scope.get<OrgEvent>("webhook_message", j.messageId)).value!.type);
    }
    assert.deepEqual(types, ["clock.in", "break.started", "break.ended", "clock.out"]);
    // lastSeenAt moved (at most once a minute).
    const listed = await ok(admin.client.json("GET", `${base}/kiosks`));
    assert.equal(Date.parse(listed.data[0].lastSeenAt) > t0, true);
  } finally {
    app.close();
  }
});

Deno.test("kiosk: an idempotent punch applies once, sequentially and concurrently, and replays with Idempotent-Replayed", async () => {
  await withApp(async (app) => {
    const { admin, base, device, worker } = await setup(app);
    const first = await punch(device, { action: "in", idempotencyKey: "k-1" });
    assert.equal(first.status, 201);
    const again = await punch(device, { action: "in", idempotencyKey: "k-1" });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(again.body, first.body);
    const before = await snapshot(app.store);
    await punch(device, { action: "in", idempotencyKey: "k-1" });
    assertSameSnapshot(before, await snapshot(app.store), "a replay changes nothing");

    // Two concurrent sends of the same out: one applies, the other replays it.
    app.clock.advance(3600);
    const both = await Promise.all([
      punch(device, { action: "out", idempotencyKey: "k-2" }),
      punch(device, { action: "out", idempotencyKey: "k-2" }),
    ]);
    assert.deepEqual(both.map((r) => r.status), [200, 200]);
    assert.deepEqual(both[0].body, both[1].body);
    assert.equal(both.filter((r) => r.headers.get("idempotent-replayed") === "true").length, 1);
    // Concurrent offline clock-ins with one key: one entry.
    const at = iso(app.clock.ms - 10 * MINUTE + 30 * MINUTE);
    app.clock.advance(3600);
    const racing = await Promise.all(
      Array.from({ length: 4 }, () => punch(device, { action: "in", at, idempotencyKey: "k-3" })),
    );
    assert.ok(racing.every((r) => r.status === 201), JSON.stringify(racing.map((r) => r.body)));
    const entries = await ok(
      admin.client.json("GET", `${base}/time-entries?userId=${worker.id}`),
    );
    assert.equal(entries.data.length, 2);
    // Another PIN cannot reuse a key.
    const other = await addMember(admin.client, admin.orgId, { name: "Other" });
    await ok(admin.client.json("PUT", `${base}/members/${other.id}/pin`, { pin: "2468" }), 204);
    assertApiError(
      await device.json("POST", "/api/v1/kiosk/punch", {
        pin: "2468",
        action: "in",
        idempotencyKey: "k-1",
      }),
      422,
      "idempotency_key_reused",
    );
  });
});

Deno.test("kiosk: offline punches apply at their own time as kiosk_offline within 72 hours", async () => {
  await withApp(async (app) => {
    const { device } = await setup(app);
    const now = app.clock.ms;
    const inn = await ok(
      punch(device, { action: "in", at: iso(now - 5 * HOUR), idempotencyKey: "o-1" }),
      201,
    );
    assert.equal(inn.entry.source, "kiosk_offline");
    assert.equal(inn.entry.start, iso(now - 5 * HOUR));
    const out = await ok(punch(device, { action: "out", at: iso(now - HOUR) }));
    assert.equal(out.entry.end, iso(now - HOUR));
    assert.equal(out.entry.durationSeconds, 4 * 3600);
    // Within a minute: a live kiosk punch at its own time.
    const recent = await ok(punch(device, { action: "in", at: iso(now - 30_000) }), 201);
    assert.equal(recent.entry.source, "kiosk");
    for (const at of [now - 72 * HOUR - 1000, now + 2 * MINUTE]) {
      assertApiError(
        await punch(device, { action: "out", at: iso(at) }),
        422,
        "punch_time_out_of_range",
      );
    }
    const edge = await ok(punch(device, { action: "out", at: iso(now + 30_000) }));
    assert.equal(edge.entry.end, iso(now));
  });
});

Deno.test("kiosk: offline punches that cannot apply become conflicts managers list and resolve", async () => {
  await withApp(async (app) => {
    const { admin, base, device, worker, kiosk } = await setup(app);
    const now = app.clock.ms;
    // Online punches while the tablet was offline.
    await ok(punch(device, { action: "in", at: iso(now - 3 * HOUR) }), 201);
    await ok(punch(device, { action: "out", at: iso(now - HOUR) }));
    // A queued clock-in from before: overlaps the later punch.
    const c1 = await ok(
      punch(device, { action: "in", at: iso(now - 4 * HOUR), idempotencyKey: "q-1" }),
    );
    assert.equal(c1.status, "conflict");
    assert.equal(c1.conflict.code, "entry_overlap");
    // Replaying it answers the same conflict and records no second one.
    const replay = await punch(device, {
      action: "in",
      at: iso(now - 4 * HOUR),
      idempotencyKey: "q-1",
    });
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(replay.body, c1);
    // A live punch refused by a rule is the ordinary error, not a conflict.
    assertApiError(await punch(device, { action: "out" }), 409, "not_clocked_in");

    app.clock.advance(60);
    // A locked period: another member's approved timesheet of last week (Oct 26 – Nov 1).
    const other = await addMember(admin.client, admin.orgId, { name: "Otto Other" });
    await ok(admin.client.json("PUT", `${base}/members/${other.id}/pin`, { pin: "2468" }), 204);
    const lastWeek = Date.parse("2026-10-28T13:00:00Z");
    await ok(
      admin.client.json("POST", `${base}/time-entries`, {
        userId: other.id,
        start: iso(lastWeek),
        end: iso(lastWeek + HOUR),
        reason: "paper timesheet",
      }),
      201,
    );
    const sheets = await ok(
      admin.client.json("GET", `${base}/timesheets?date=2026-10-28&userId=${other.id}`),
    );
    const sheet = sheets.data[0];
    await ok(admin.client.json("POST", `${base}/timesheets/${sheet.id}/submit`, {}));
    await ok(admin.client.json("POST", `${base}/timesheets/${sheet.id}/approve`, {}));
    const c2 = await ok(
      device.json("POST", "/api/v1/kiosk/punch", {
        pin: "2468",
        action: "in",
        at: iso(Date.parse("2026-11-01T20:00:00Z")),
      }),
    );
    assert.equal(c2.status, "conflict");
    assert.equal(c2.conflict.code, "period_locked");

    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    assertApiError(await employee.client.json("GET", `${base}/kiosk-conflicts`), 403, "forbidden");
    const listed = await ok(manager.client.json("GET", `${base}/kiosk-conflicts`));
    assert.deepEqual(listed.data.map((c: { code: string }) => c.code), [
      "period_locked",
      "entry_overlap",
    ]);
    assert.equal(listed.data[0].userId, other.id);
    const row = listed.data[1];
    assert.equal(row.kioskId, kiosk.id);
    assert.equal(row.userId, worker.id);
    assert.equal(row.name, "Wanda Worker");
    assert.equal(row.action, "in");
    assert.equal(row.at, iso(now - 4 * HOUR));
    assert.equal(row.resolvedAt, null);
    const resolved = await ok(
      manager.client.json("POST", `${base}/kiosk-conflicts/${row.id}/resolve`, {}),
    );
    assert.equal(resolved.resolvedAt, iso(app.clock.ms));
    assertApiError(
      await employee.client.json("POST", `${base}/kiosk-conflicts/${row.id}/resolve`, {}),
      403,
    );
  });
});

Deno.test("kiosk: 5 wrong PINs in a row block the device for 60 s; a correct PIN resets the streak", async () => {
  await withApp(async (app) => {
    const { device } = await setup(app);
    const wrong = () => device.json("POST", "/api/v1/kiosk/identify", { pin: "0000" });
    for (let i = 0; i < 4; i++) assertApiError(await wrong(), 404, "unknown_pin");
    await ok(device.json("POST", "/api/v1/kiosk/identify", { pin: PIN }));
    for (let i = 0; i < 5; i++) assertApiError(await wrong(), 404, "unknown_pin");
    const blocked = await device.json("POST", "/api/v1/kiosk/identify", { pin: PIN });
    assertApiError(blocked, 429, "too_many_attempts");
    assert.equal(blocked.headers.get("retry-after"), "60");
    assertApiError(await punch(device, { action: "in" }), 429, "too_many_attempts");
    app.clock.advance(59);
    assertApiError(await wrong(), 429, "too_many_attempts");
    app.clock.advance(1);
    await ok(device.json("POST", "/api/v1/kiosk/identify", { pin: PIN }));
    // Parallel guesses from one device cannot overshoot the streak.
    const burst = await Promise.all(Array.from({ length: 12 }, wrong));
    assert.equal(burst.filter((r) => r.status === 404).length, 5);
    assert.equal(burst.filter((r) => r.status === 429).length, 7);
  });
});

Deno.test("kiosk: a member's live punches are limited per minute (a stuck button)", async () => {
  await withApp(async (app) => {
    const { device } = await setup(app);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await punch(device, { action: i % 2 ? "out" : "in" })).status);
    }
    assert.deepEqual(statuses.slice(0, 6), [201, 200, 201, 200, 201, 200]);
    assert.deepEqual(statuses.slice(6), [429, 429]);
  });
});

Deno.test("kiosk: every device call needs the plan's kiosk feature (403)", async () => {
  await withApp(
    async (app) => {
      const admin = await signUpOrg(app);
      const base = `/api/v1/orgs/${admin.orgId}`;
      const res = await admin.client.json("POST", `${base}/kiosks`, { name: "Gate" });
      assertApiError(res, 403, "feature_not_in_plan");
      assert.equal(res.body.error.details.feature, "kiosk");
    },
    { config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: "team" }) },
  );
  await withApp(async (app) => {
    const { admin, base, device } = await setup(app);
    await ok(admin.client.json("PATCH", `${base}/settings`, { disabledFeatures: ["kiosk"] }));
    for (
      const [m, p, b] of [
        ["GET", "/api/v1/kiosk/me", undefined],
        ["POST", "/api/v1/kiosk/identify", { pin: PIN }],
        ["POST", "/api/v1/kiosk/punch", { pin: PIN, action: "in" }],
      ] as const
    ) {
      assertApiError(await device.json(m, p, b), 403, "feature_disabled");
    }
  });
});

Deno.test("kiosk: a kiosk cookie alone reaches no organization route; another org's kiosk id is 404", async () => {
  await withApp(async (app) => {
    const a = await setup(app);
    const b = await setup(app);
    for (
      const path of [
        `${a.base}`,
        `${a.base}/members`,
        `${a.base}/kiosks`,
        `${a.base}/kiosk-conflicts`,
        `${a.base}/time-entries`,
      ]
    ) {
      assertApiError(await a.device.json("GET", path), 401, "unauthenticated");
    }
    assertApiError(
      await a.device.json("PUT", `${a.base}/members/${a.worker.id}/pin`, { pin: "1111" }),
      401,
    );
    // A's admin with B's kiosk id.
    for (
      const [m, p] of [
        ["POST", `${a.base}/kiosks/${b.kiosk.id}/pairing-code`],
        ["DELETE", `${a.base}/kiosks/${b.kiosk.id}`],
        ["PUT", `${a.base}/members/${b.worker.id}/pin`],
      ] as const
    ) {
      assertApiError(await a.admin.client.json(m, p, { pin: "4444" }), 404);
    }
    await ok(b.device.json("GET", "/api/v1/kiosk/me"));
    // B's PIN on A's kiosk is nobody.
    assertApiError(await a.device.json("POST", "/api/v1/kiosk/identify", { pin: "4444" }), 404);
  });
});

/** Post a web form as `client`. */
function form(client: Client, path: string, fields: Record<string, string>) {
  return client.request("POST", path, new URLSearchParams(fields).toString(), {
    "content-type": "application/x-www-form-urlencoded",
  });
}

Deno.test("kiosk pages: admins add a kiosk (code shown), set PINs; members set their own; managers resolve conflicts on Team", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const page = `/o/${admin.orgId}`;
    const list = await admin.client.request("GET", `${page}/kiosks`);
    assert.equal(list.status, 200);
    assert.match(await list.text(), /No kiosks yet/);
    const created = await form(admin.client, `${page}/kiosks`, { intent: "create", name: "Dock" });
    assert.equal(created.status, 201);
    const html = await created.text();
    const code = /id="pairing-code"[^>]*>([0-9A-Z]{4}) ([0-9A-Z]{4})</.exec(html);
    assert.ok(code, "the code is shown");
    const device = new Client(app);
    await ok(device.json("POST", "/api/v1/kiosk/pair", { code: code[1] + code[2] }));
    const listed = await (await admin.client.request("GET", `${page}/kiosks`)).text();
    assert.match(listed, /Paired/);
    assert.doesNotMatch(listed, new RegExp(code[1] + " " + code[2]));
    const bad = await form(admin.client, `${page}/kiosks`, { intent: "create", name: "" });
    assert.equal(bad.status, 400);
    // The members page links to the PIN page; the admin sets a PIN there.
    const worker = await addMember(admin.client, admin.orgId, { name: "Pat Pin" });
    assert.match(
      await (await admin.client.request("GET", `${page}/members`)).text(),
      new RegExp(`${page}/members/${worker.id}/pin`),
    );
    const set = await form(admin.client, `${page}/members/${worker.id}/pin`, { pin: "314159" });
    assert.equal(set.status, 303);
    assert.match(
      await (await admin.client.request("GET", set.headers.get("location")!)).text(),
      /PIN saved/,
    );
    const short = await form(admin.client, `${page}/members/${worker.id}/pin`, { pin: "12" });
    assert.equal(short.status, 400);
    assert.match(await short.text(), /4 to 8 digits/);
    // An employee sets their own PIN, and cannot open someone else's.
    const e = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const own = await form(e.client, `${page}/members/${e.userId}/pin`, { pin: "271828" });
    assert.equal(own.status, 303);
    const taken = await form(e.client, `${page}/members/${e.userId}/pin`, { pin: "314159" });
    assert.equal(taken.status, 409);
    assert.equal((await e.client.request("GET", `${page}/members/${worker.id}/pin`)).status, 403);
    assert.equal((await e.client.request("GET", `${page}/kiosks`)).status, 403);
    // A conflict shows on the Team page and is resolved from there.
    await ok(device.json("POST", "/api/v1/kiosk/punch", { pin: "314159", action: "in" }), 201);
    const conflict = await ok(
      device.json("POST", "/api/v1/kiosk/punch", {
        pin: "314159",
        action: "in",
        at: iso(app.clock.ms - HOUR),
      }),
    );
    assert.equal(conflict.status, "conflict");
    assert.equal(conflict.conflict.code, "already_clocked_in");
    const m = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const team = await (await m.client.request("GET", `${page}/team`)).text();
    assert.match(team, new RegExp(`data-conflict-id="${conflict.conflict.id}"`));
    const resolved = await form(
      m.client,
      `${page}/kiosk-conflicts/${conflict.conflict.id}/resolve`,
      {},
    );
    assert.equal(resolved.status, 303);
    const after = await (await m.client.request("GET", resolved.headers.get("location")!)).text();
    assert.match(after, /Kiosk conflict marked resolved/);
    assert.doesNotMatch(after, /data-conflict-id/);
    // Revoke from the page.
    const kioskId = (await ok(admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/kiosks`)))
      .data[0].id;
    const revoked = await form(admin.client, `${page}/kiosks`, { intent: "revoke", kioskId });
    assert.equal(revoked.status, 303);
    assertApiError(await device.json("GET", "/api/v1/kiosk/me"), 401, "kiosk_unpaired");
  });
});
