/**
 * The time clock over HTTP: a whole shift with exact durations, every refusal, state that
 * survives sessions, concurrent punches, and the audit trail of each punch.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, Client, signUpOrg } from "../helpers.ts";
import type { TestApp } from "../helpers.ts";
import {
  assertApiError,
  assertSameSnapshot,
  HOUR,
  iso,
  MINUTE,
  PASSWORD,
  snapshot,
  withApp,
} from "./support.ts";

async function setup(app: TestApp) {
  const admin = await signUpOrg(app);
  const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const base = `/api/v1/orgs/${admin.orgId}`;
  const punch = (what: string, body: unknown = {}, client = worker.client) =>
    client.json("POST", `${base}/clock/${what}`, body);
  const state = (client = worker.client) => client.json("GET", `${base}/clock`);
  return { admin, worker, base, punch, state };
}

Deno.test("a whole shift: 4h in with a 30 min break is 12600 worked seconds", async () => {
  await withApp(async (app) => {
    const { worker, base, punch, state } = await setup(app);
    const t0 = app.clock.ms;

    const initial = await state();
    assert.equal(initial.status, 200);
    assert.deepEqual(initial.body, { state: "out", entry: null });

    const inRes = await punch("in", { note: "opening shift" });
    assert.equal(inRes.status, 201, JSON.stringify(inRes.body));
    const entry = inRes.body;
    assert.equal(entry.userId, worker.userId);
    assert.equal(entry.start, iso(t0));
    assert.equal(entry.end, null);
    assert.deepEqual(entry.breaks, []);
    assert.equal(entry.durationSeconds, 0);
    assert.equal(entry.note, "opening shift");
    assert.equal(entry.source, "clock");
    assert.equal(entry.locationId, null);
    assert.equal(entry.createdAt, iso(t0));
    for (const k of ["id", "userId", "start", "end", "breaks", "durationSeconds", "note"]) {
      assert.ok(k in entry, `entry has ${k}`);
    }

    app.clock.advance(2 * 3600);
    const running = await state();
    assert.equal(running.body.state, "in");
    assert.equal(running.body.entry.id, entry.id);
    assert.equal(running.body.entry.durationSeconds, 7200, "a running entry counts up to now");

    const breakStart = await punch("break/start");
    assert.equal(breakStart.status, 200);
    assert.deepEqual(breakStart.body.breaks, [{
      start: iso(t0 + 2 * HOUR),
      end: null,
      typeId: null,
    }]);
    assert.equal((await state()).body.state, "break");

    app.clock.advance(30 * 60);
    const onBreak = await state();
    assert.equal(onBreak.body.state, "break");
    assert.equal(onBreak.body.entry.durationSeconds, 7200, "the break does not count");
    assert.equal(onBreak.body.entry.breakSeconds, 1800);

    const breakEnd = await punch("break/end");
    assert.equal(breakEnd.status, 200);
    assert.deepEqual(breakEnd.body.breaks, [
      { start: iso(t0 + 2 * HOUR), end: iso(t0 + 2 * HOUR + 30 * MINUTE), typeId: null },
    ]);
    assert.equal((await state()).body.state, "in");

    app.clock.advance(90 * 60);
    const out = await punch("out");
    assert.equal(out.status, 200, JSON.stringify(out.body));
    assert.equal(out.body.id, entry.id);
    assert.equal(out.body.start, iso(t0));
    assert.equal(out.body.end, iso(t0 + 4 * HOUR));
    assert.equal(out.body.durationSeconds, 12600);
    assert.equal(out.body.breakSeconds, 1800);
    assert.deepEqual(await (await state()).body, { state: "out", entry: null });

    app.clock.advance(3 * 24 * 3600);
    const later = await worker.client.json("GET", `${base}/time-entries/${entry.id}`);
    assert.equal(later.status, 200);
    assert.equal(later.body.durationSeconds, 12600, "a closed entry does not grow");
    assert.equal(later.body.end, iso(t0 + 4 * HOUR));
  });
});

Deno.test("punches are truncated to the whole second", async () => {
  await withApp(async (app) => {
    const { punch } = await setup(app);
    app.clock.ms += 750;
    const t = app.clock.ms;
    const res = await punch("in");
    assert.equal(res.body.start, iso(Math.floor(t / 1000) * 1000));
    app.clock.ms += 60_600;
    const out = await punch("out");
    assert.equal(out.body.durationSeconds, 61, "00.75 → 61.35 truncates to 00 → 61");
  });
});

Deno.test("every refused punch answers its 409 code and changes nothing", async () => {
  await withApp(async (app) => {
    const { punch } = await setup(app);
    const refuse = async (what: string, code: string) => {
      const before = await snapshot(app.store);
      assertApiError(await punch(what), 409, code);
      assertSameSnapshot(before, await snapshot(app.store), `${what} → ${code}`);
    };
    await refuse("out", "not_clocked_in");
    await refuse("break/start", "not_clocked_in");
    await refuse("break/end", "not_clocked_in");

    const first = await punch("in");
    assert.equal(first.status, 201);
    const again = await punch("in");
    assertApiError(again, 409, "already_clocked_in");
    assert.deepEqual(again.body.error.details, { entryId: first.body.id });
    await refuse("in", "already_clocked_in");
    await refuse("break/end", "not_on_break");

    app.clock.advance(60);
    assert.equal((await punch("break/start")).status, 200);
    await refuse("break/start", "already_on_break");
    await refuse("in", "already_clocked_in");
    app.clock.advance(60);
    assert.equal((await punch("break/end")).status, 200);
    await refuse("break/end", "not_on_break");
    assert.equal((await punch("out")).status, 200);
    await refuse("out", "not_clocked_in");
    await refuse("break/start", "not_clocked_in");
  });
});

Deno.test("the clock state survives: a new session sees the same running entry", async () => {
  await withApp(async (app) => {
    const { worker, punch, state } = await setup(app);
    const entry = (await punch("in")).body;
    app.clock.advance(600);
    await punch("break/start");

    const laptop = new Client(app);
    const signin = await laptop.json("POST", "/api/v1/session", {
      email: worker.email,
      password: PASSWORD,
    });
    assert.equal(signin.status, 200);
    const seen = await state(laptop);
    assert.equal(seen.body.state, "break");
    assert.equal(seen.body.entry.id, entry.id);
    assert.equal(seen.body.entry.durationSeconds, 600);
    app.clock.advance(300);
    assert.equal((await punch("break/end", {}, laptop)).status, 200);
    assert.equal((await state()).body.state, "in", "the other device sees the change");
  });
});

Deno.test("clocking out ends a running break at the same instant", async () => {
  await withApp(async (app) => {
    const { punch, state } = await setup(app);
    const t0 = app.clock.ms;
    await punch("in");
    app.clock.advance(3600);
    await punch("break/start");
    app.clock.advance(15 * 60);
    const out = await punch("out", { latitude: 52.52, longitude: 13.405, accuracy: 12 });
    assert.equal(out.status, 200);
    assert.equal(out.body.end, iso(t0 + HOUR + 15 * MINUTE));
    assert.deepEqual(out.body.breaks, [{ start: iso(t0 + HOUR), end: out.body.end, typeId: null }]);
    assert.equal(out.body.durationSeconds, 3600);
    assert.equal(out.body.breakSeconds, 900);
    assert.deepEqual(out.body.clockOutGeo, { latitude: 52.52, longitude: 13.405, accuracy: 12 });
    assert.equal((await state()).body.state, "out");
  });
});

Deno.test("clock-in keeps note, location and position; a new shift may start right after", async () => {
  await withApp(async (app) => {
    const { admin, base, punch } = await setup(app);
    const site = await admin.client.json("POST", `${base}/locations`, {
      name: "Dock 4",
      latitude: -33.9,
      longitude: 151.2,
      radiusMeters: 100,
    });
    const locationId = site.body.id;
    const first = await punch("in", {
      note: "dock 4",
      locationId,
      latitude: -33.9,
      longitude: 151.2,
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.locationId, locationId);
    assert.deepEqual(first.body.clockInGeo, { latitude: -33.9, longitude: 151.2, accuracy: null });
    app.clock.advance(3600);
    assert.equal((await punch("out")).status, 200);
    const second = await punch("in");
    assert.equal(second.status, 201, "touching entries do not overlap");
    assert.notEqual(second.body.id, first.body.id);
    assert.equal(second.body.start, iso(app.clock.ms));
  });
});

Deno.test("members clock independently of each other", async () => {
  await withApp(async (app) => {
    const { admin, punch, state } = await setup(app);
    const other = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    assert.equal((await punch("in")).status, 201);
    assert.equal((await state(other.client)).body.state, "out");
    assert.equal((await punch("in", {}, other.client)).status, 201);
    assert.equal((await punch("out")).status, 200);
    assert.equal((await state(other.client)).body.state, "in");
    assert.equal((await state()).body.state, "out");
  });
});

Deno.test("25 simultaneous clock-ins: exactly one 201, the rest 409, one entry stored", async () => {
  await withApp(async (app) => {
    const { admin, worker, base, punch, state } = await setup(app);
    const results = await Promise.all(Array.from({ length: 25 }, () => punch("in")));
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, 1, results.map((r) => r.status).join(","));
    for (const r of results.filter((r) => r.status !== 201)) {
      assertApiError(r, 409, "already_clocked_in");
      assert.equal(r.body.error.details.entryId, created[0].body.id);
    }
    const list = await admin.client.json("GET", `${base}/time-entries?userId=${worker.userId}`);
    assert.deepEqual(list.body.data.map((e: { id: string }) => e.id), [created[0].body.id]);
    let stored = 0;
    for await (const e of app.store.listAll()) {
      if (e.key[0] === "org" && e.key[1] === admin.orgId && e.key[2] === "entry") stored++;
    }
    assert.equal(stored, 1, "exactly one entry in KV");
    const history = await worker.client.json(
      "GET",
      `${base}/time-entries/${created[0].body.id}/history`,
    );
    assert.equal(history.body.data.length, 1, "one audited clock-in");
    assert.equal((await state()).body.entry.id, created[0].body.id);
  });
});

Deno.test("simultaneous break and clock-out punches leave a consistent entry", async () => {
  await withApp(async (app) => {
    const { punch, state } = await setup(app);
    await punch("in");
    app.clock.advance(3600);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => punch("break/start")),
      ...Array.from({ length: 5 }, () => punch("out")),
    ]);
    for (const r of results) {
      assert.ok([200, 409].includes(r.status), JSON.stringify(r.body));
      if (r.status === 409) assertApiError(r, 409);
    }
    const outs = results.slice(5).filter((r) => r.status === 200);
    assert.equal(outs.length, 1, "clocked out once");
    assert.equal(results.slice(0, 5).filter((r) => r.status === 200).length <= 1, true);
    assert.equal((await state()).body.state, "out");
    assert.equal(outs[0].body.durationSeconds + outs[0].body.breakSeconds, 3600);
  });
});

Deno.test("every punch is audited with actor, action, before and after", async () => {
  await withApp(async (app) => {
    const { worker, base, punch } = await setup(app);
    const t0 = app.clock.ms;
    const entry = (await punch("in")).body;
    app.clock.advance(3600);
    await punch("break/start");
    app.clock.advance(600);
    await punch("break/end");
    app.clock.advance(1200);
    await punch("out");

    const history = await worker.client.json("GET", `${base}/time-entries/${entry.id}/history`);
    assert.equal(history.status, 200);
    const records = history.body.data;
    assert.deepEqual(records.map((r: { action: string }) => r.action), [
      "clock.in",
      "clock.break_start",
      "clock.break_end",
      "clock.out",
    ]);
    const times = [t0, t0 + HOUR, t0 + HOUR + 10 * MINUTE, t0 + HOUR + 30 * MINUTE];
    records.forEach((r: Record<string, unknown>, i: number) => {
      assert.deepEqual(Object.keys(r).sort(), [
        "action",
        "actorId",
        "after",
        "at",
        "before",
        "entity",
        "id",
        "principal",
        "reason",
      ]);
      assert.equal(r.actorId, worker.userId);
      assert.deepEqual(r.principal, { type: "user", id: worker.userId });
      assert.deepEqual(r.entity, { kind: "entry", id: entry.id });
      assert.equal(r.reason, null);
      assert.equal(r.at, iso(times[i]));
    });
    assert.equal(records[0].before, null);
    for (let i = 1; i < records.length; i++) {
      assert.deepEqual(records[i].before.breaks, records[i - 1].after.breaks, `record ${i}`);
      assert.equal(records[i].before.end, records[i - 1].after.end);
    }
    assert.equal(records[0].after.end, null);
    assert.deepEqual(records[1].after.breaks, [{ start: iso(t0 + HOUR), end: null, typeId: null }]);
    assert.deepEqual(records[2].after.breaks, [
      { start: iso(t0 + HOUR), end: iso(t0 + HOUR + 10 * MINUTE), typeId: null },
    ]);
    assert.equal(records[3].after.end, iso(t0 + HOUR + 30 * MINUTE));
    assert.equal(records[3].after.durationSeconds, 90 * 60 - 10 * 60);
    assert.equal(new Set(records.map((r: { id: string }) => r.id)).size, 4);
  });
});

Deno.test("an Idempotency-Key makes a retried clock-in return the first answer", async () => {
  await withApp(async (app) => {
    const { admin, base, punch, worker } = await setup(app);
    const key = { "idempotency-key": "clock-in-7f3a" };
    const first = await worker.client.json("POST", `${base}/clock/in`, { note: "x" }, key);
    assert.equal(first.status, 201);
    app.clock.advance(5);
    const retry = await worker.client.json("POST", `${base}/clock/in`, { note: "x" }, key);
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get("idempotent-replayed"), "true");
    assertApiError(await punch("in"), 409, "already_clocked_in");
    const list = await admin.client.json("GET", `${base}/time-entries`);
    assert.equal(list.body.data.length, 1);
  });
});

Deno.test("ending a paid rest break keeps its type, so the break counts as worked", async () => {
  await withApp(async (app) => {
    const { worker, base, punch, state } = await setup(app);
    const t0 = app.clock.ms;
    await punch("in");
    app.clock.advance(2 * 3600);
    const started = await punch("break/start", { typeId: "rest" });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.breaks[0].typeId, "rest");
    app.clock.advance(15 * 60);
    const onBreak = await state();
    assert.equal(onBreak.body.entry.durationSeconds, 2 * 3600 + 15 * 60, "a paid break counts");

    const ended = await punch("break/end");
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    assert.deepEqual(ended.body.breaks, [
      { start: iso(t0 + 2 * HOUR), end: iso(t0 + 2 * HOUR + 15 * MINUTE), typeId: "rest" },
    ]);
    assert.equal(ended.body.durationSeconds, 2 * 3600 + 15 * 60, "still paid after it ended");
    assert.equal(ended.body.unpaidBreakSeconds, 0);

    app.clock.advance(45 * 60);
    const out = await punch("out");
    assert.equal(out.status, 200);
    assert.equal(out.body.breaks[0].typeId, "rest");
    assert.equal(out.body.durationSeconds, 3 * 3600, "3 h shift with a paid 15 min rest break");
    assert.equal(out.body.breakSeconds, 15 * 60);

    const stored = await worker.client.json("GET", `${base}/time-entries/${out.body.id}`);
    assert.equal(stored.body.breaks[0].typeId, "rest");
    assert.equal(stored.body.durationSeconds, 3 * 3600);
    const history = await worker.client.json("GET", `${base}/time-entries/${out.body.id}/history`);
    const breakEnd = history.body.data.find((r: { action: string }) =>
      r.action === "clock.break_end"
    );
    assert.equal(breakEnd.after.breaks[0].typeId, "rest", "the audit record keeps the type too");
  });
});

Deno.test("an unknown break type is refused with 400 unknown_break_type and changes nothing", async () => {
  await withApp(async (app) => {
    const { punch } = await setup(app);
    await punch("in");
    const before = await snapshot(app.store);
    assertApiError(await punch("break/start", { typeId: "smoke" }), 400, "unknown_break_type");
    assertSameSnapshot(before, await snapshot(app.store));
  });
});
