/**
 * Timesheets over HTTP: the status machine with its roles, reasons and audit trail; locked
 * periods (every way of changing an entry inside an approved period answers 409
 * `period_locked` and changes nothing, until an admin reopens it); approval racing entry edits;
 * and employees correcting their own entries when the organization allows it.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import {
  assertApiError,
  assertSameSnapshot,
  type JsonAnswer,
  snapshot,
  withApp,
} from "./support.ts";

const H = 3600;
const TZ = "America/New_York";
/** The default schedule is biweekly from Monday 2026-01-05: this period is Oct 26 – Nov 8. */
const P1 = { start: "2026-10-26", end: "2026-11-08" };
/** …and the next one, which holds "now" (Friday 2026-11-20). */
const P2 = { start: "2026-11-09", end: "2026-11-22" };

function local(date: string, time: string): string {
  const ms = Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(TZ).epochMilliseconds;
  return new Date(ms).toISOString();
}

async function setup(app: TestApp) {
  app.clock.ms = Date.parse(local("2026-11-20", "12:00"));
  const admin = await signUpOrg(app, undefined, TZ);
  const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
  const alice = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const bob = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const base = `/api/v1/orgs/${admin.orgId}`;
  const entry = async (
    userId: string,
    date: string,
    from: string,
    to: string,
    client: Client = manager.client,
  ) =>
    await client.json("POST", `${base}/time-entries`, {
      userId,
      start: local(date, from),
      end: local(date, to),
      reason: "paper timesheet",
    });
  const act = (client: Client, id: string, action: string, body?: unknown) =>
    client.json("POST", `${base}/timesheets/${id}/${action}`, body);
  const sheet = (client: Client, id: string) => client.json("GET", `${base}/timesheets/${id}`);
  return { admin, manager, alice, bob, base, entry, act, sheet };
}

function ok(res: JsonAnswer, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res.body;
}

Deno.test("timesheet list: the period containing the date, with totals; employees see their own", async () => {
  await withApp(async (app) => {
    const t = await setup(app);
    ok(await t.entry(t.alice.userId, "2026-10-28", "09:00", "17:00"), 201);
    ok(await t.entry(t.alice.userId, "2026-11-08", "20:00", "23:00"), 201);
    const list = ok(await t.manager.client.json("GET", `${t.base}/timesheets?date=2026-11-02`));
    const ids = list.data.map((s: { userId: string }) => s.userId).sort();
    assert.deepEqual(
      ids,
      [t.admin.userId, t.manager.userId, t.alice.userId, t.bob.userId].sort(),
    );
    const a = list.data.find((s: { userId: string }) => s.userId === t.alice.userId);
    assert.deepEqual(a, {
      id: `${P1.start}.${t.alice.userId}`,
      userId: t.alice.userId,
      periodStart: P1.start,
      periodEnd: P1.end,
      status: "open",
      totals: {
        workedSeconds: 11 * H,
        regularSeconds: 11 * H,
        overtimeSeconds: 0,
        doubleTimeSeconds: 0,
        ptoSeconds: 0,
        grossPayCents: 0,
      },
    });
    // The first and last day of the period lead to the same timesheet.
    for (const date of [P1.start, P1.end]) {
      const one = ok(
        await t.manager.client.json(
          "GET",
          `${t.base}/timesheets?date=${date}&userId=${t.alice.userId}`,
        ),
      );
      assert.equal(one.data.length, 1);
      assert.equal(one.data[0].id, a.id);
    }
    // Employees: their own only.
    const own = ok(await t.alice.client.json("GET", `${t.base}/timesheets?date=2026-11-02`));
    assert.deepEqual(own.data.map((s: { userId: string }) => s.userId), [t.alice.userId]);
    assertApiError(
      await t.alice.client.json(
        "GET",
        `${t.base}/timesheets?date=2026-11-02&userId=${t.bob.userId}`,
      ),
      403,
      "forbidden",
    );
    assertApiError(
      await t.alice.client.json("GET", `${t.base}/timesheets`),
      400,
      "validation_failed",
    );
    assertApiError(
      await t.alice.client.json("GET", `${t.base}/timesheets?date=2026-13-01`),
      400,
      "validation_failed",
    );
    // One timesheet with its days and entries.
    const detail = ok(await t.sheet(t.alice.client, a.id));
    assert.equal(detail.status, "open");
    assert.equal(detail.locked, false);
    assert.equal(detail.days.length, 14);
    assert.equal(detail.days[2].date, "2026-10-28");
    assert.equal(detail.days[2].workedSeconds, 8 * H);
    assert.equal(detail.entries.length, 2);
    assert.equal(detail.entries[0].durationSeconds, 8 * H);
    // Others' timesheets are not found for employees; malformed or foreign ids for everyone.
    assertApiError(await t.sheet(t.alice.client, `${P1.start}.${t.bob.userId}`), 404, "not_found");
    assertApiError(await t.sheet(t.manager.client, "nonsense"), 404, "not_found");
    assertApiError(await t.sheet(t.manager.client, `2026-10-27.${t.alice.userId}`), 404);
    assertApiError(await t.sheet(t.manager.client, `${P1.start}.01JD3X7M2Q8J5V0K6Y4T9N1C2B`), 404);
  });
});

Deno.test("timesheet status machine: who may do what, reasons, and the audit trail", async () => {
  await withApp(async (app) => {
    const t = await setup(app);
    const id = `${P1.start}.${t.alice.userId}`;
    // Only submitted timesheets can be approved or rejected.
    assertApiError(await t.act(t.manager.client, id, "approve"), 409, "invalid_transition");
    // Employees cannot approve, reject or reopen.
    assertApiError(await t.act(t.alice.client, id, "approve"), 403, "forbidden");
    assertApiError(await t.act(t.alice.client, id, "reopen"), 403, "forbidden");
    // Alice submits; twice is a conflict.
    const submitted = ok(await t.act(t.alice.client, id, "submit"));
    assert.equal(submitted.status, "submitted");
    assert.equal(submitted.submittedBy, t.alice.userId);
    assertApiError(await t.act(t.alice.client, id, "submit"), 409, "invalid_transition");
    assertApiError(await t.act(t.alice.client, id, "reject", { reason: "no" }), 403, "forbidden");
    // A reason is required to reject.
    assertApiError(await t.act(t.manager.client, id, "reject"), 400, "validation_failed");
    assertApiError(await t.act(t.manager.client, id, "reject", { reason: "  " }), 400);
    assertApiError(await t.act(t.manager.client, id, "approve", { extra: 1 }), 400);
    const rejected = ok(
      await t.act(t.manager.client, id, "reject", { reason: "Tuesday is missing" }),
    );
    assert.equal(rejected.status, "rejected");
    assert.equal(rejected.rejectionReason, "Tuesday is missing");
    assert.equal(rejected.decidedBy, t.manager.userId);
    // Alice sees why, fixes and submits again.
    assert.equal(ok(await t.sheet(t.alice.client, id)).rejectionReason, "Tuesday is missing");
    const again = ok(await t.act(t.alice.client, id, "submit"));
    assert.equal(again.rejectionReason, null);
    const approved = ok(await t.act(t.manager.client, id, "approve"));
    assert.equal(approved.status, "approved");
    assert.equal(approved.locked, true);
    assertApiError(await t.act(t.manager.client, id, "approve"), 409, "invalid_transition");
    assertApiError(await t.act(t.manager.client, id, "reopen"), 403, "forbidden");
    const reopened = ok(
      await t.act(t.admin.client, id, "reopen", { reason: "late correction" }),
    );
    assert.equal(reopened.status, "open");
    assert.equal(reopened.locked, false);
    assertApiError(await t.act(t.admin.client, id, "reopen"), 409, "invalid_transition");

    // Managers submit on behalf of members, but never approve their own timesheet.
    const bobs = `${P1.start}.${t.bob.userId}`;
    assert.equal(ok(await t.act(t.manager.client, bobs, "submit")).submittedBy, t.manager.userId);
    const mine = `${P1.start}.${t.manager.userId}`;
    ok(await t.act(t.manager.client, mine, "submit"));
    assertApiError(await t.act(t.manager.client, mine, "approve"), 403, "forbidden");
    assertApiError(await t.act(t.manager.client, mine, "reject", { reason: "x" }), 403);
    // An admin may approve their own (someone must approve the only admin's time).
    const adminOwn = `${P1.start}.${t.admin.userId}`;
    ok(await t.act(t.admin.client, adminOwn, "submit"));
    assert.equal(ok(await t.act(t.admin.client, adminOwn, "approve")).status, "approved");

    // Every transition is audited with actor and reason.
    const history = ok(await t.manager.client.json("GET", `${t.base}/timesheets/${id}/history`));
    assert.deepEqual(
      history.data.map((r: { action: string; actorId: string; reason: string | null }) => [
        r.action,
        r.actorId,
        r.reason,
      ]),
      [
        ["timesheet.submit", t.alice.userId, null],
        ["timesheet.reject", t.manager.userId, "Tuesday is missing"],
        ["timesheet.submit", t.alice.userId, null],
        ["timesheet.approve", t.manager.userId, null],
        ["timesheet.reopen", t.admin.userId, "late correction"],
      ],
    );
    assert.equal(history.data[3].before.status, "submitted");
    assert.equal(history.data[3].after.status, "approved");
    // Employees read the history of their own timesheet only.
    assert.equal(
      (await t.alice.client.json("GET", `${t.base}/timesheets/${id}/history`)).status,
      200,
    );
    assertApiError(
      await t.alice.client.json("GET", `${t.base}/timesheets/${bobs}/history`),
      404,
      "not_found",
    );
  });
});

Deno.test("an approved period is locked: create, edit, delete and clock in answer 409 period_locked and change nothing", async () => {
  await withApp(async (app) => {
    const t = await setup(app);
    const inside = ok(await t.entry(t.alice.userId, "2026-10-28", "09:00", "17:00"), 201);
    const outside = ok(await t.entry(t.alice.userId, "2026-11-10", "09:00", "17:00"), 201);
    const id = `${P1.start}.${t.alice.userId}`;
    ok(await t.act(t.alice.client, id, "submit"));
    const approved = ok(await t.act(t.manager.client, id, "approve"));
    assert.equal(approved.totals.workedSeconds, 8 * H);
    const locked = (res: JsonAnswer) => {
      assertApiError(res, 409, "period_locked");
      assert.deepEqual(res.body.error.details, {
        timesheetId: id,
        periodStart: P1.start,
        periodEnd: P1.end,
      });
    };
    const before = await snapshot(app.store);
    const e = `${t.base}/time-entries`;
    const m = t.manager.client;
    locked(await t.entry(t.alice.userId, "2026-11-02", "09:00", "10:00"));
    // An entry that only crosses into the period (Nov 8 → Nov 9) touches it too.
    locked(
      await m.json("POST", e, {
        userId: t.alice.userId,
        start: local("2026-11-08", "22:00"),
        end: local("2026-11-09", "02:00"),
        reason: "night",
      }),
    );
    locked(await m.json("PATCH", `${e}/${inside.id}`, { note: "x", reason: "typo" }));
    locked(await m.json("DELETE", `${e}/${inside.id}`, { reason: "duplicate" }));
    // Moving an entry from an open period into the locked one is refused as well.
    locked(
      await m.json("PATCH", `${e}/${outside.id}`, {
        start: local("2026-11-05", "09:00"),
        end: local("2026-11-05", "17:00"),
        reason: "wrong day",
      }),
    );
    // Admins are bound by the lock too.
    locked(await t.admin.client.json("DELETE", `${e}/${inside.id}`, { reason: "admin" }));
    assertSameSnapshot(before, await snapshot(app.store), "locked period");
    // Outside the period everything works; the member's other periods are not locked.
    ok(await m.json("PATCH", `${e}/${outside.id}`, { note: "fine", reason: "note" }));
    // Other members are not locked.
    ok(await t.entry(t.bob.userId, "2026-11-02", "09:00", "10:00"), 201);

    // Approving the current period locks punching too.
    const current = `${P2.start}.${t.alice.userId}`;
    ok(await t.act(t.alice.client, current, "submit"));
    ok(await t.act(t.manager.client, current, "approve"));
    const snap = await snapshot(app.store);
    locked2(await t.alice.client.json("POST", `${t.base}/clock/in`, {}), current);
    assertSameSnapshot(snap, await snapshot(app.store), "clock-in refused");

    // Reopening unlocks.
    ok(await t.act(t.admin.client, current, "reopen"));
    assert.equal((await t.alice.client.json("POST", `${t.base}/clock/in`, {})).status, 201);
    ok(await t.act(t.admin.client, id, "reopen"));
    ok(await m.json("PATCH", `${e}/${inside.id}`, { note: "x", reason: "typo" }));
    assert.equal((await m.json("DELETE", `${e}/${inside.id}`, { reason: "dup" })).status, 204);
  });
});

function locked2(res: JsonAnswer, timesheetId: string) {
  assertApiError(res, 409, "period_locked");
  assert.equal(res.body.error.details.timesheetId, timesheetId);
}

Deno.test("a period with a running entry cannot be approved; clocking out stays possible", async () => {
  await withApp(async (app) => {
    const t = await setup(app);
    const id = `${P2.start}.${t.alice.userId}`;
    assert.equal((await t.alice.client.json("POST", `${t.base}/clock/in`, {})).status, 201);
    ok(await t.act(t.alice.client, id, "submit"));
    const refused = await t.act(t.manager.client, id, "approve");
    assertApiError(refused, 409, "entry_running");
    app.clock.advance(2 * H);
    assert.equal((await t.alice.client.json("POST", `${t.base}/clock/out`, {})).status, 200);
    const approved = ok(await t.act(t.manager.client, id, "approve"));
    assert.equal(approved.totals.workedSeconds, 2 * H);
  });
});

Deno.test("approval racing entry edits never leaves approved totals that differ from the entries", async () => {
  await withApp(async (app) => {
    const t = await setup(app);
    const id = `${P1.start}.${t.alice.userId}`;
    const first = ok(await t.entry(t.alice.userId, "2026-10-27", "09:00", "17:00"), 201);
    let approvedCount = 0;
    for (let round = 0; round < 12; round++) {
      ok(await t.act(t.alice.client, id, "submit"));
      const end = local("2026-10-27", `${17 + (round % 5)}:${round % 6}0`);
      const day = `2026-11-0${1 + (round % 7)}`;
      const [approve, edit, add] = await Promise.all([
        t.act(t.manager.client, id, "approve"),
        t.manager.client.json("PATCH", `${t.base}/time-entries/${first.id}`, {
          end,
          reason: `round ${round}`,
        }),
        t.entry(t.alice.userId, day, `0${round % 4}:00`, `0${round % 4}:30`),
      ]);
      for (const r of [edit, add]) {
        assert.ok(r.status < 300 || r.body.error.code === "period_locked", JSON.stringify(r.body));
      }
      assert.ok([200, 409].includes(approve.status), JSON.stringify(approve.body));
      const sheet = ok(await t.sheet(t.manager.client, id));
      if (sheet.status === "approved") {
        approvedCount++;
        const live = ok(
          await t.manager.client.json(
            "GET",
            `${t.base}/reports/hours?from=${P1.start}&to=${P1.end}&userId=${t.alice.userId}`,
          ),
        ).data[0];
        assert.deepEqual(
          { userId: t.alice.userId, ...sheet.totals },
          live,
          `round ${round}: frozen totals = entries`,
        );
        const summed = sheet.entries.reduce(
          (s: number, e: { durationSeconds: number }) => s + e.durationSeconds,
          0,
        );
        assert.equal(sheet.totals.workedSeconds, summed, `round ${round}`);
        ok(await t.act(t.admin.client, id, "reopen"));
      } else {
        // The approval lost the race to the edit (concurrent_change is also a valid outcome):
        // put the timesheet back to open for the next round.
        assert.equal(approve.status, 409);
        ok(await t.act(t.manager.client, id, "reject", { reason: "retry" }));
        ok(await t.act(t.alice.client, id, "submit"));
        ok(await t.act(t.manager.client, id, "approve"));
        ok(await t.act(t.admin.client, id, "reopen"));
      }
    }
    assert.ok(approvedCount > 0, "some approvals went through");
  });
});

Deno.test("employees change their own entries only when the organization allows it", async () => {
  await withApp(async (app) => {
    const t = await setup(app);
    const e = `${t.base}/time-entries`;
    const own = (client: Client, userId: string) =>
      t.entry(userId, "2026-11-16", "09:00", "12:00", client);
    assertApiError(await own(t.alice.client, t.alice.userId), 403, "forbidden");
    const bobs = ok(await t.entry(t.bob.userId, "2026-11-16", "09:00", "12:00"), 201);
    const settings = await t.admin.client.json("PATCH", `${t.base}/settings`, {
      employeesCanEditOwnEntries: true,
    });
    assert.equal(settings.status, 200);
    const mine = ok(await own(t.alice.client, t.alice.userId), 201);
    assertApiError(await own(t.alice.client, t.bob.userId), 403, "forbidden");
    // A reason is still required.
    assertApiError(
      await t.alice.client.json("PATCH", `${e}/${mine.id}`, { note: "x" }),
      400,
      "validation_failed",
    );
    ok(await t.alice.client.json("PATCH", `${e}/${mine.id}`, { note: "x", reason: "forgot" }));
    assertApiError(
      await t.alice.client.json("PATCH", `${e}/${bobs.id}`, { note: "x", reason: "mine now" }),
      404,
      "not_found",
    );
    assertApiError(
      await t.alice.client.json("DELETE", `${e}/${bobs.id}`, { reason: "x" }),
      404,
      "not_found",
    );
    // The audit names the employee as the actor.
    const history = ok(await t.alice.client.json("GET", `${e}/${mine.id}/history`));
    assert.deepEqual(
      history.data.map((r: { actorId: string }) => r.actorId),
      [t.alice.userId, t.alice.userId],
    );
    // Locks bind employees as well.
    const id = `${P2.start}.${t.alice.userId}`;
    ok(await t.act(t.alice.client, id, "submit"));
    ok(await t.act(t.manager.client, id, "approve"));
    assertApiError(
      await t.alice.client.json("DELETE", `${e}/${mine.id}`, { reason: "x" }),
      409,
      "period_locked",
    );
    ok(await t.act(t.admin.client, id, "reopen"));
    assert.equal(
      (await t.alice.client.request("DELETE", `${e}/${mine.id}`, { reason: "x" })).status,
      204,
    );
  });
});
