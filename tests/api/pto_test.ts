/**
 * Time off through the API: accrual over a year (caps, carryover), grants, fixed amounts per
 * pay period and waiting periods, computed here independently by plain arithmetic; requests with
 * full and partial days; approval against the balance, overlaps, rejection, cancellation with its
 * reversal; adjustments; the team calendar and its privacy; roles; refused input that changes
 * nothing; and `ptoSecondsByDate`, which reports read.
 *
 * @module
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import {
  assertApiError,
  assertClientError,
  assertSameSnapshot,
  snapshot,
  withApp,
} from "./support.ts";
import { ptoSecondsByDate } from "../../lib/pto/usage.ts";

const H = 3600;
const TZ = "America/New_York";
const date = (s: string) => Temporal.PlainDate.from(s);
const cmp = Temporal.PlainDate.compare;

/** The instant of local `day` at `time` in New York, as ISO. */
function at(day: string, time: string): string {
  return Temporal.PlainDateTime.from(`${day}T${time}`).toZonedDateTime(TZ).toInstant().toString();
}

/** Epoch ms of local `day` at `time` in New York. */
function ms(day: string, time: string): number {
  return Date.parse(at(day, time));
}

interface Org {
  orgId: string;
  base: string;
  admin: Client;
  adminId: string;
  manager: Client;
  managerId: string;
  employee: Client;
  employeeId: string;
}

async function setupOrg(app: TestApp): Promise<Org> {
  const a = await signUpOrg(app, undefined, TZ);
  const m = await addMemberWithLogin(app, a.client, a.orgId, "manager");
  const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
  return {
    orgId: a.orgId,
    base: `/api/v1/orgs/${a.orgId}`,
    admin: a.client,
    adminId: a.userId,
    manager: m.client,
    managerId: m.userId,
    employee: e.client,
    employeeId: e.userId,
  };
}

async function setTypes(org: Org, types: unknown[]): Promise<void> {
  const res = await org.admin.json("PATCH", `${org.base}/settings`, {
    pto: { types },
    payPeriod: { type: "biweekly", anchorDate: "2026-01-05" },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function setHireDate(org: Org, userId: string, hireDate: string): Promise<void> {
  const res = await org.admin.json("PATCH", `${org.base}/members/${userId}`, { hireDate });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** Create a closed entry as the manager. */
async function work(org: Org, userId: string, day: string, from: string, to: string) {
  const res = await org.manager.json("POST", `${org.base}/time-entries`, {
    userId,
    start: at(day, from),
    end: at(day, to),
    reason: "imported",
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

async function balanceOf(client: Client, org: Org, typeId: string, userId?: string) {
  const q = userId ? `?userId=${userId}` : "";
  const res = await client.json("GET", `${org.base}/pto/balances${q}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const b = res.body.data.find((x: { typeId: string }) => x.typeId === typeId);
  assert.ok(b, `a balance of ${typeId}`);
  return b;
}

async function request(client: Client, org: Org, body: Record<string, unknown>) {
  return await client.json("POST", `${org.base}/pto/requests`, body);
}

async function requestOk(client: Client, org: Org, body: Record<string, unknown>) {
  const res = await request(client, org, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function decide(client: Client, org: Org, id: string, what: string, body: unknown = {}) {
  return await client.json("POST", `${org.base}/pto/requests/${id}/${what}`, body);
}

const VACATION = {
  id: "vacation",
  name: "Vacation",
  paid: true,
  accrual: { method: "per_hours_worked", earnSeconds: 1 * H, perWorkedSeconds: 30 * H },
  waitingPeriodDays: 90,
  maxBalanceSeconds: 40 * H,
  carryoverCapSeconds: 16 * H,
  hoursPerDaySeconds: 8 * H,
};

Deno.test("pto: a year of accrual per hours worked, with waiting period, maximum balance and carryover cap", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2027-01-20", "12:00");
    const org = await setupOrg(app);
    await setTypes(org, [VACATION]);
    await setHireDate(org, org.employeeId, "2026-01-05");

    // Monday to Thursday 8 h, Friday 4 h, from the hire date through Friday 2027-01-15.
    const lastWorkDay = date("2027-01-15");
    const hoursOn = (d: Temporal.PlainDate) => d.dayOfWeek <= 4 ? 8 : d.dayOfWeek === 5 ? 4 : 0;
    for (let d = date("2026-01-05"); cmp(d, lastWorkDay) <= 0; d = d.add({ days: 1 })) {
      const h = hoursOn(d);
      if (h > 0) await work(org, org.employeeId, d.toString(), "09:00", `${9 + h}:00`);
    }

    // The expected ledger, by plain arithmetic: biweekly periods from 2026-01-05; accrual at
    // each period's end of 1 h per 30 h worked since 2026-04-05 (hire + 90 days), never above
    // 40 h; on 1 January everything above 16 h is forfeited.
    const eligible = date("2026-04-05");
    const asOf = date("2027-01-20");
    const expected: { date: string; kind: string; seconds: number; balance: number }[] = [];
    let balance = 0;
    let worked = 0;
    let earned = 0;
    let year = 2026;
    for (let start = date("2026-01-05");; start = start.add({ days: 14 })) {
      const end = start.add({ days: 13 });
      if (cmp(end, asOf) > 0) break;
      if (end.year > year) {
        year = end.year;
        const forfeit = Math.max(0, balance - 16 * H);
        if (forfeit > 0) {
          balance -= forfeit;
          expected.push({
            date: `${year}-01-01`,
            kind: "carryover_forfeit",
            seconds: -forfeit,
            balance,
          });
        }
      }
      for (let d = start; cmp(d, end) <= 0; d = d.add({ days: 1 })) {
        if (cmp(d, eligible) >= 0 && cmp(d, lastWorkDay) <= 0) worked += hoursOn(d) * H;
      }
      const due = Math.floor(worked / 30) - earned;
      earned += due;
      const credited = Math.min(due, 40 * H - balance);
      if (credited > 0) {
        balance += credited;
        expected.push({ date: end.toString(), kind: "accrual", seconds: credited, balance });
      }
    }
    // Sanity of the arithmetic itself: 36 h in the first eligible period (1.2 h), 72 h in each
    // later one (2.4 h), capped at 40 h, 16 h carried into 2027 plus two periods of 2.4 h.
    assert.deepEqual(expected[0], {
      date: "2026-04-12",
      kind: "accrual",
      seconds: 4320,
      balance: 4320,
    });
    assert.equal(balance, 16 * H + 2 * 8640);

    const b = await balanceOf(org.employee, org, "vacation");
    assert.equal(b.balanceSeconds, balance);
    assert.equal(b.availableSeconds, balance);
    assert.equal(b.accrualMethod, "per_hours_worked");
    const ledger = await org.manager.json(
      "GET",
      `${org.base}/pto/ledger?userId=${org.employeeId}&typeId=vacation`,
    );
    assert.equal(ledger.status, 200, JSON.stringify(ledger.body));
    assert.equal(ledger.body.hireDate, "2026-01-05");
    assert.equal(ledger.body.asOf, "2027-01-20");
    assert.deepEqual(
      ledger.body.data.map((
        l: { date: string; kind: string; seconds: number; balance: number },
      ) => ({
        date: l.date,
        kind: l.kind,
        seconds: l.seconds,
        balance: l.balance,
      })),
      expected,
    );
    // The maximum balance holds; the forfeit on 1 January brings it down to the carryover cap.
    const lines = ledger.body.data as { kind: string; balance: number; date: string }[];
    assert.ok(lines.every((l) => l.balance <= 40 * H));
    assert.ok(lines.some((l) => l.balance === 40 * H), "the cap was reached");
    const forfeit = lines.find((l) => l.kind === "carryover_forfeit")!;
    assert.equal(forfeit.date, "2027-01-01");
    assert.equal(forfeit.balance, 16 * H);
    assert.ok(lines.every((l) => l.date >= "2026-04-05"), "nothing before the waiting period");

    // A corrected entry re-flows the ledger (accruals are derived, not stored): 8 h less on
    // Monday 2027-01-11 is 16 minutes less accrued.
    const list = await org.manager.json(
      "GET",
      `${org.base}/time-entries?userId=${org.employeeId}&from=${at("2027-01-11", "00:00")}&to=${
        at("2027-01-12", "00:00")
      }`,
    );
    assert.equal(list.body.data.length, 1);
    const del = await org.manager.request(
      "DELETE",
      `${org.base}/time-entries/${list.body.data[0].id}`,
      { reason: "wrong day" },
    );
    assert.equal(del.status, 204);
    assert.equal(
      (await balanceOf(org.employee, org, "vacation")).balanceSeconds,
      balance - (8 * H) / 30,
    );
  });
});

Deno.test("pto: annual grant on a date, fixed amount per pay period, and waiting periods", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2027-03-01", "12:00");
    const org = await setupOrg(app);
    await setTypes(org, [
      VACATION,
      {
        id: "sick",
        name: "Sick leave",
        paid: true,
        accrual: { method: "annual_grant", earnSeconds: 40 * H, grantOn: "01-01" },
        waitingPeriodDays: 0,
        maxBalanceSeconds: 60 * H,
        carryoverCapSeconds: 24 * H,
        hoursPerDaySeconds: 8 * H,
      },
      {
        id: "float",
        name: "Floating hours",
        paid: true,
        accrual: { method: "per_pay_period", earnSeconds: 4 * H },
        waitingPeriodDays: 30,
        maxBalanceSeconds: null,
        carryoverCapSeconds: null,
        hoursPerDaySeconds: 8 * H,
      },
    ]);
    await setHireDate(org, org.employeeId, "2025-06-01");
    const newcomer = await addMemberWithLogin(app, org.admin, org.orgId, "employee");
    await setHireDate(org, newcomer.userId, "2027-01-30");
    for (const day of ["2027-02-01", "2027-02-02", "2027-02-03", "2027-02-08", "2027-02-09"]) {
      await work(org, newcomer.userId, day, "09:00", "17:00");
    }

    // Sick: 40 h on 2026-01-01; on 2027-01-01 16 h above the 24 h carryover cap are forfeited,
    // then 40 h are granted but only 36 h fit under the 60 h maximum.
    const sick = await balanceOf(org.employee, org, "sick");
    assert.equal(sick.balanceSeconds, 60 * H);
    const sickLedger = await org.employee.json("GET", `${org.base}/pto/ledger?typeId=sick`);
    assert.deepEqual(
      sickLedger.body.data.map((l: { date: string; kind: string; seconds: number }) => [
        l.date,
        l.kind,
        l.seconds / H,
      ]),
      [
        ["2026-01-01", "grant", 40],
        ["2027-01-01", "carryover_forfeit", -16],
        ["2027-01-01", "grant", 36],
      ],
    );

    // Float: 4 h per biweekly period that starts on or after 2025-07-01 (hire + 30 days) and
    // has ended by today. The periods of the 2026-01-05 cycle start on 2025-07-07 then.
    const firstStart = date("2025-07-07");
    assert.equal(date("2026-01-05").since(firstStart).days % 14, 0);
    assert.ok(cmp(firstStart.subtract({ days: 14 }), date("2025-07-01")) < 0);
    const daysToToday = firstStart.add({ days: 13 }).until(date("2027-03-01")).days;
    const periods = Math.floor(daysToToday / 14) + 1;
    const float = await balanceOf(org.employee, org, "float");
    assert.equal(float.balanceSeconds, periods * 4 * H);
    assert.equal(periods, 43);

    // The newcomer (hired 2027-01-30) worked 40 h but is inside every waiting period, and the
    // sick grant of 2027-01-01 was before their hire date.
    for (const t of ["vacation", "sick", "float"]) {
      const b = await balanceOf(org.manager, org, t, newcomer.userId);
      assert.equal(b.balanceSeconds, 0, t);
    }
    const types = await org.employee.json("GET", `${org.base}/pto/types`);
    assert.deepEqual(types.body.data.map((t: { id: string }) => t.id), [
      "vacation",
      "sick",
      "float",
    ]);
  });
});

Deno.test("pto: requests, approval against the balance, overlaps, rejection, cancellation and adjustments", async () => {
  await withApp(async (app) => {
    // Today is Monday 2026-11-02 in New York.
    app.clock.ms = ms("2026-11-02", "10:00");
    const org = await setupOrg(app);
    const path = `${org.base}/pto`;

    // Friday to Tuesday: the weekend is not counted.
    const trip = await requestOk(org.employee, org, {
      typeId: "vacation",
      startDate: "2026-11-06",
      endDate: "2026-11-10",
      note: "Family visit",
    });
    assert.deepEqual(trip.days, ["2026-11-06", "2026-11-09", "2026-11-10"]);
    assert.equal(trip.totalSeconds, 24 * H);
    assert.equal(trip.status, "pending");
    assert.equal(trip.userId, org.employeeId);
    assert.equal((await balanceOf(org.employee, org, "vacation")).pendingSeconds, 24 * H);

    // No balance yet (the default vacation type has a 90-day waiting period).
    let before = await snapshot(app.store);
    const short = await decide(org.manager, org, trip.id, "approve");
    assertApiError(short, 409, "insufficient_balance");
    assert.deepEqual(short.body.error.details, {
      typeId: "vacation",
      balanceSeconds: 0,
      requestedSeconds: 24 * H,
    });
    assertSameSnapshot(before, await snapshot(app.store), "refused approval");

    // A manager adjusts the balance, with a reason.
    const noReason = await org.manager.json("POST", `${path}/adjustments`, {
      userId: org.employeeId,
      typeId: "vacation",
      seconds: 30 * H,
    });
    assertApiError(noReason, 400, "validation_failed");
    const adj = await org.manager.json("POST", `${path}/adjustments`, {
      userId: org.employeeId,
      typeId: "vacation",
      seconds: 30 * H,
      reason: "Carried over from the old system",
    });
    assert.equal(adj.status, 201, JSON.stringify(adj.body));
    assert.equal(adj.body.date, "2026-11-02");
    assert.equal(adj.body.reason, "Carried over from the old system");

    const ok = await decide(org.manager, org, trip.id, "approve");
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, "approved");
    assert.equal(ok.body.decidedBy, org.managerId);
    let b = await balanceOf(org.employee, org, "vacation");
    assert.deepEqual(
      [b.balanceSeconds, b.scheduledSeconds, b.availableSeconds, b.pendingSeconds],
      [30 * H, 24 * H, 6 * H, 0],
      "usage is dated at the first day; until then it is scheduled",
    );
    assertApiError(await decide(org.manager, org, trip.id, "approve"), 409, "request_not_pending");

    // A partial day: 4 of 8 hours.
    const half = await requestOk(org.employee, org, {
      typeId: "vacation",
      startDate: "2026-11-12",
      endDate: "2026-11-12",
      secondsPerDay: 4 * H,
    });
    assert.equal(half.totalSeconds, 4 * H);
    assert.equal((await decide(org.manager, org, half.id, "approve")).status, 200);
    const three = await requestOk(org.employee, org, {
      typeId: "vacation",
      startDate: "2026-11-13",
      endDate: "2026-11-13",
      secondsPerDay: 3 * H,
    });
    const tooMuch = await decide(org.manager, org, three.id, "approve");
    assertApiError(tooMuch, 409, "insufficient_balance");
    assert.equal(tooMuch.body.error.details.balanceSeconds, 2 * H);

    // Overlaps with approved and pending requests of the same member.
    before = await snapshot(app.store);
    const overlapApproved = await request(org.employee, org, {
      typeId: "unpaid",
      startDate: "2026-11-08",
      endDate: "2026-11-09",
    });
    assertApiError(overlapApproved, 409, "pto_overlap");
    assert.equal(overlapApproved.body.error.details.requestId, trip.id);
    const overlapPending = await request(org.employee, org, {
      typeId: "sick",
      startDate: "2026-11-13",
      endDate: "2026-11-13",
    });
    assertApiError(overlapPending, 409, "pto_overlap");
    // Partial days are at most the type's full day; weekends count only when asked.
    assertApiError(
      await request(org.employee, org, {
        typeId: "vacation",
        startDate: "2026-11-16",
        endDate: "2026-11-16",
        secondsPerDay: 9 * H,
      }),
      400,
      "validation_failed",
    );
    assertApiError(
      await request(org.employee, org, {
        typeId: "unpaid",
        startDate: "2026-11-14",
        endDate: "2026-11-15",
      }),
      400,
      "no_pto_days",
    );
    assertSameSnapshot(before, await snapshot(app.store), "refused requests");
    const weekend = await requestOk(org.employee, org, {
      typeId: "unpaid",
      startDate: "2026-11-14",
      endDate: "2026-11-15",
      includeWeekends: true,
    });
    assert.deepEqual(weekend.days, ["2026-11-14", "2026-11-15"]);
    // Unpaid leave keeps no balance: approval needs none.
    assert.equal((await decide(org.manager, org, weekend.id, "approve")).status, 200);

    // Rejection needs a reason.
    assertApiError(
      await decide(org.manager, org, three.id, "reject", {}),
      400,
      "validation_failed",
    );
    const rejected = await decide(org.manager, org, three.id, "reject", { reason: "Inventory" });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.status, "rejected");
    assert.equal(rejected.body.decisionReason, "Inventory");
    assertApiError(await decide(org.manager, org, three.id, "approve"), 409, "request_not_pending");
    assertApiError(await decide(org.employee, org, three.id, "cancel"), 409, "request_closed");
    // The rejected day is free again.
    const again = await requestOk(org.employee, org, {
      typeId: "vacation",
      startDate: "2026-11-13",
      endDate: "2026-11-13",
      secondsPerDay: 2 * H,
    });

    // The member cancels an approved request that has not started: the usage is reversed.
    const cancelled = await decide(org.employee, org, trip.id, "cancel", {
      reason: "Plans changed",
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, "cancelled");
    assert.equal(cancelled.body.cancelReason, "Plans changed");
    b = await balanceOf(org.employee, org, "vacation");
    assert.deepEqual(
      [b.balanceSeconds, b.scheduledSeconds, b.availableSeconds, b.pendingSeconds],
      [30 * H, 4 * H, 26 * H, 2 * H],
    );
    const ledger = await org.employee.json("GET", `${path}/ledger?typeId=vacation`);
    assert.deepEqual(
      ledger.body.upcoming.map((e: { date: string; kind: string; seconds: number }) => [
        e.date,
        e.kind,
        e.seconds / H,
      ]),
      [
        ["2026-11-06", "usage", -24],
        ["2026-11-12", "usage", -4],
        ["2026-11-06", "usage_reversal", 24],
      ],
    );
    assertApiError(await decide(org.employee, org, trip.id, "cancel"), 409, "request_closed");

    // Once the time off has started, only a manager may cancel it.
    app.clock.ms = ms("2026-11-12", "15:00");
    b = await balanceOf(org.employee, org, "vacation");
    assert.deepEqual([b.balanceSeconds, b.scheduledSeconds], [26 * H, 0]);
    const late = await decide(org.employee, org, half.id, "cancel");
    assertApiError(late, 403, "cancel_not_allowed");
    const byManager = await decide(org.manager, org, half.id, "cancel", { reason: "Came in" });
    assert.equal(byManager.status, 200);
    b = await balanceOf(org.employee, org, "vacation");
    assert.equal(b.balanceSeconds, 30 * H, "the reversal restores the balance");
    const lines = (await org.employee.json("GET", `${path}/ledger?typeId=vacation`)).body.data;
    assert.deepEqual(
      lines.map((l: { date: string; kind: string; seconds: number; balance: number }) => [
        l.date,
        l.kind,
        l.seconds / H,
        l.balance / H,
      ]),
      [
        ["2026-11-02", "adjustment", 30, 30],
        ["2026-11-06", "usage", -24, 6],
        ["2026-11-06", "usage_reversal", 24, 30],
        ["2026-11-12", "usage", -4, 26],
        ["2026-11-12", "usage_reversal", 4, 30],
      ],
    );
    // A pending request the member cancels leaves no trace in the ledger.
    assert.equal((await decide(org.employee, org, again.id, "cancel")).status, 200);
    assert.equal((await balanceOf(org.employee, org, "vacation")).pendingSeconds, 0);

    // Every change is audited in its own commit.
    const actions: string[] = [];
    for await (const e of app.store.listAll()) {
      if (e.key[0] === "org" && e.key[1] === org.orgId && e.key[2] === "audit") {
        const action = (e.value as { action: string }).action;
        if (action.startsWith("pto.")) actions.push(action);
      }
    }
    assert.deepEqual(actions.sort(), [
      "pto.adjust",
      "pto.approve",
      "pto.approve",
      "pto.approve",
      "pto.cancel",
      "pto.cancel",
      "pto.cancel",
      "pto.reject",
      "pto.request",
      "pto.request",
      "pto.request",
      "pto.request",
      "pto.request",
    ]);
  });
});

Deno.test("pto: two approvals racing for one balance: exactly one wins", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2026-11-02", "10:00");
    const org = await setupOrg(app);
    const adj = await org.admin.json("POST", `${org.base}/pto/adjustments`, {
      userId: org.employeeId,
      typeId: "vacation",
      seconds: 8 * H,
      reason: "start",
    });
    assert.equal(adj.status, 201);
    const one = await requestOk(org.employee, org, {
      typeId: "vacation",
      startDate: "2026-11-05",
      endDate: "2026-11-05",
    });
    const two = await requestOk(org.employee, org, {
      typeId: "vacation",
      startDate: "2026-11-06",
      endDate: "2026-11-06",
    });
    const results = await Promise.all([
      decide(org.manager, org, one.id, "approve"),
      decide(org.admin, org, two.id, "approve"),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    assertApiError(refused, 409, "insufficient_balance");
    assert.equal((await balanceOf(org.employee, org, "vacation")).availableSeconds, 0);
  });
});

Deno.test("pto: roles — employees act on themselves, managers for others but not on their own", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2026-11-02", "10:00");
    const org = await setupOrg(app);
    const path = `${org.base}/pto`;
    const mine = await requestOk(org.manager, org, {
      typeId: "unpaid",
      startDate: "2026-11-05",
      endDate: "2026-11-05",
    });
    const forEmployee = await requestOk(org.manager, org, {
      userId: org.employeeId,
      typeId: "unpaid",
      startDate: "2026-11-05",
      endDate: "2026-11-05",
    });
    assert.equal(forEmployee.userId, org.employeeId);
    assert.equal(forEmployee.createdBy, org.managerId);

    const before = await snapshot(app.store);
    const colleague = org.managerId;
    assertApiError(await org.employee.json("GET", `${path}/balances?userId=${colleague}`), 403);
    assertApiError(
      await org.employee.json("GET", `${path}/ledger?userId=${colleague}&typeId=vacation`),
      403,
    );
    assertApiError(await org.employee.json("GET", `${path}/requests?userId=${colleague}`), 403);
    assertApiError(await org.employee.json("GET", `${path}/requests/${mine.id}`), 404);
    assertApiError(await decide(org.employee, org, mine.id, "cancel"), 404);
    assertApiError(await decide(org.employee, org, forEmployee.id, "approve"), 403, "forbidden");
    assertApiError(
      await decide(org.employee, org, forEmployee.id, "reject", { reason: "no" }),
      403,
      "forbidden",
    );
    assertApiError(
      await request(org.employee, org, {
        userId: colleague,
        typeId: "unpaid",
        startDate: "2026-11-20",
        endDate: "2026-11-20",
      }),
      403,
    );
    assertApiError(
      await org.employee.json("POST", `${path}/adjustments`, {
        userId: org.employeeId,
        typeId: "vacation",
        seconds: H,
        reason: "self-service",
      }),
      403,
    );
    // Managers do not decide on their own time off; admins do.
    assertApiError(await decide(org.manager, org, mine.id, "approve"), 403, "own_request");
    assertSameSnapshot(before, await snapshot(app.store), "refused by role");
    assert.equal((await decide(org.admin, org, mine.id, "approve")).status, 200);

    // The employee lists only their own requests; managers see everyone's.
    const own = await org.employee.json("GET", `${path}/requests`);
    assert.deepEqual(own.body.data.map((r: { id: string }) => r.id), [forEmployee.id]);
    const all = await org.manager.json("GET", `${path}/requests`);
    assert.equal(all.body.data.length, 2);
    const got = await org.employee.json("GET", `${path}/requests/${forEmployee.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.id, forEmployee.id);
    assertApiError(
      await org.manager.json("GET", `${path}/balances?userId=01ARZ3NDEKTSV4RRFFQ69G5FAV`),
      404,
    );
  });
});

Deno.test("pto: the team calendar — managers see everything, employees colleagues' approved days only", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2026-11-02", "10:00");
    const org = await setupOrg(app);
    const path = `${org.base}/pto`;
    const sick = await requestOk(org.manager, org, {
      typeId: "unpaid",
      startDate: "2026-11-09",
      endDate: "2026-11-10",
      note: "private",
    });
    assert.equal((await decide(org.admin, org, sick.id, "approve")).status, 200);
    await requestOk(org.admin, org, {
      typeId: "unpaid",
      startDate: "2026-11-10",
      endDate: "2026-11-10",
    });
    const own = await requestOk(org.employee, org, {
      typeId: "unpaid",
      startDate: "2026-11-11",
      endDate: "2026-11-11",
      secondsPerDay: 2 * H,
    });

    const range = "from=2026-11-09&to=2026-11-11";
    const m = await org.manager.json("GET", `${path}/calendar?${range}`);
    assert.equal(m.status, 200);
    assert.deepEqual(m.body.data.map((d: { date: string }) => d.date), [
      "2026-11-09",
      "2026-11-10",
      "2026-11-11",
    ]);
    const tenth = m.body.data[1].items;
    assert.deepEqual(
      tenth.map((i: { userId: string; status: string; typeId: string }) => [i.userId, i.status])
        .sort(),
      [[org.adminId, "pending"], [org.managerId, "approved"]].sort(),
    );
    assert.ok(!JSON.stringify(m.body).includes("private"), "notes are never in the calendar");

    const e = await org.employee.json("GET", `${path}/calendar?${range}`);
    assert.equal(e.status, 200);
    const flat = e.body.data.flatMap((d: { date: string; items: unknown[] }) =>
      d.items.map((i) => ({ date: d.date, ...(i as Record<string, unknown>) }))
    );
    assert.deepEqual(
      flat.map((i: Record<string, unknown>) => [i.date, i.userId, i.status, i.typeId, i.requestId]),
      [
        ["2026-11-09", org.managerId, "approved", null, null],
        ["2026-11-10", org.managerId, "approved", null, null],
        ["2026-11-11", org.employeeId, "pending", "unpaid", own.id],
      ],
      "colleagues: approved days without type; own: everything",
    );
    assert.equal(flat[0].typeName, "Time off");
    assert.equal(flat[2].seconds, 2 * H);

    // Without a range: the current month.
    const month = await org.employee.json("GET", `${path}/calendar`);
    assert.equal(month.body.from, "2026-11-01");
    assert.equal(month.body.to, "2026-11-30");
    assert.equal(month.body.data.length, 30);
  });
});

Deno.test("pto: refused input answers 4xx and changes nothing", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2026-11-02", "10:00");
    const org = await setupOrg(app);
    const path = `${org.base}/pto`;
    const pending = await requestOk(org.employee, org, {
      typeId: "vacation",
      startDate: "2026-11-20",
      endDate: "2026-11-20",
    });
    const good = { typeId: "vacation", startDate: "2026-11-23", endDate: "2026-11-24" };
    const before = await snapshot(app.store);
    const cases: [string, string, unknown, string?][] = [
      ["POST", "/requests", { ...good, extra: 1 }, "validation_failed"],
      ["POST", "/requests", { ...good, startDate: "2026-02-30" }, "validation_failed"],
      ["POST", "/requests", { ...good, startDate: "2026-11-25" }, "validation_failed"],
      ["POST", "/requests", { ...good, endDate: "2028-01-01" }, "validation_failed"],
      ["POST", "/requests", { ...good, startDate: "1999-12-31" }, "validation_failed"],
      ["POST", "/requests", { ...good, typeId: "holiday" }, "unknown_pto_type"],
      ["POST", "/requests", { ...good, typeId: "Bad Id" }, "validation_failed"],
      ["POST", "/requests", { ...good, secondsPerDay: 0 }, "validation_failed"],
      ["POST", "/requests", { ...good, secondsPerDay: 1.5 }, "validation_failed"],
      ["POST", "/requests", { ...good, includeWeekends: "yes" }, "validation_failed"],
      ["POST", "/requests", { ...good, userId: "nope" }, "validation_failed"],
      ["POST", "/requests", { ...good, userId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }, "not_found"],
      ["POST", "/requests", "{not json", "invalid_json"],
      ["POST", "/requests", {}, "validation_failed"],
      ["POST", "/adjustments", {
        userId: org.employeeId,
        typeId: "vacation",
        seconds: 0,
        reason: "x",
      }, "validation_failed"],
      ["POST", "/adjustments", {
        userId: org.employeeId,
        typeId: "unpaid",
        seconds: H,
        reason: "x",
      }, "untracked_pto_type"],
      [
        "POST",
        "/adjustments",
        { userId: org.employeeId, typeId: "nope", seconds: H, reason: "x" },
        "unknown_pto_type",
      ],
      ["POST", "/adjustments", {
        userId: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        typeId: "vacation",
        seconds: H,
        reason: "x",
      }, "not_found"],
      ["POST", `/requests/${pending.id}/reject`, { reason: "  " }, "validation_failed"],
      ["POST", `/requests/${pending.id}/approve`, { note: "x" }, "validation_failed"],
      ["POST", `/requests/${pending.id}/cancel`, { reason: 5 }, "validation_failed"],
      ["POST", "/requests/01ARZ3NDEKTSV4RRFFQ69G5FAV/approve", {}, "not_found"],
      ["POST", "/requests/not-an-id/cancel", {}, "not_found"],
      ["GET", "/requests/not-an-id", undefined, "not_found"],
      ["GET", "/requests?status=lost", undefined, "validation_failed"],
      ["GET", "/requests?from=2026-11-30&to=2026-11-01", undefined, "validation_failed"],
      ["GET", "/requests?cursor=%25%25", undefined, "invalid_cursor"],
      ["GET", "/requests?cursor=abc", undefined, "invalid_cursor"],
      ["GET", "/requests?limit=0", undefined, "validation_failed"],
      ["GET", "/calendar?from=2026-01-01&to=2026-12-31", undefined, "validation_failed"],
      ["GET", "/calendar?from=2026-11-10&to=2026-11-01", undefined, "validation_failed"],
      ["GET", "/ledger", undefined, "validation_failed"],
      ["GET", "/ledger?typeId=nope", undefined, "unknown_pto_type"],
      ["GET", "/balances?userId=x", undefined, "validation_failed"],
    ];
    for (const [method, sub, body, code] of cases) {
      const res = await org.manager.json(method, `${path}${sub}`, body);
      assertClientError(res, code);
    }
    assertSameSnapshot(before, await snapshot(app.store), "refused input");
  });
});

Deno.test("pto: listing pages through requests with filters and a cursor", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2026-11-02", "10:00");
    const org = await setupOrg(app);
    const path = `${org.base}/pto`;
    const ids: string[] = [];
    for (const day of ["2026-11-16", "2026-11-09", "2026-11-23", "2026-11-03", "2026-11-30"]) {
      ids.push(
        (await requestOk(org.employee, org, {
          typeId: "unpaid",
          startDate: day,
          endDate: day,
        })).id,
      );
    }
    assert.equal((await decide(org.manager, org, ids[0], "approve")).status, 200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const page = await org.manager.json("GET", `${path}/requests?limit=2${q}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((r: { startDate: string }) => r.startDate));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ["2026-11-03", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]);

    const pending = await org.manager.json("GET", `${path}/requests?status=pending&limit=3`);
    assert.deepEqual(
      pending.body.data.map((r: { startDate: string }) => r.startDate),
      ["2026-11-03", "2026-11-09", "2026-11-23"],
    );
    const rest = await org.manager.json(
      "GET",
      `${path}/requests?status=pending&limit=3&cursor=${pending.body.nextCursor}`,
    );
    assert.deepEqual(rest.body.data.map((r: { startDate: string }) => r.startDate), ["2026-11-30"]);
    const filtered = await org.employee.json(
      "GET",
      `${path}/requests?status=approved&from=2026-11-10&to=2026-11-20`,
    );
    assert.deepEqual(filtered.body.data.map((r: { id: string }) => r.id), [ids[0]]);
    const window = await org.manager.json(
      "GET",
      `${path}/requests?userId=${org.employeeId}&from=2026-11-09&to=2026-11-23&limit=1`,
    );
    assert.equal(window.body.data[0].startDate, "2026-11-09");
    const next = await org.manager.json(
      "GET",
      `${path}/requests?userId=${org.employeeId}&from=2026-11-09&to=2026-11-23&limit=5&cursor=${window.body.nextCursor}`,
    );
    assert.deepEqual(
      next.body.data.map((r: { startDate: string }) => r.startDate),
      ["2026-11-16", "2026-11-23"],
    );
  });
});

Deno.test("pto: Idempotency-Key on requests replays the first answer", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2026-11-02", "10:00");
    const org = await setupOrg(app);
    const body = { typeId: "unpaid", startDate: "2026-11-05", endDate: "2026-11-05" };
    const headers = { "idempotency-key": "pto-1" };
    const first = await org.employee.json("POST", `${org.base}/pto/requests`, body, headers);
    const second = await org.employee.json("POST", `${org.base}/pto/requests`, body, headers);
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get("idempotent-replayed"), "true");
    assert.equal(second.body.id, first.body.id);
    const list = await org.employee.json("GET", `${org.base}/pto/requests`);
    assert.equal(list.body.data.length, 1);
  });
});

Deno.test("pto: ptoSecondsByDate counts approved days only, paid types on request", async () => {
  await withApp(async (app) => {
    app.clock.ms = ms("2026-11-02", "10:00");
    const org = await setupOrg(app);
    await org.admin.json("POST", `${org.base}/pto/adjustments`, {
      userId: org.employeeId,
      typeId: "vacation",
      seconds: 80 * H,
      reason: "start",
    });
    const approve = async (client: Client, body: Record<string, unknown>) => {
      const r = await requestOk(client, org, body);
      assert.equal((await decide(org.admin, org, r.id, "approve")).status, 200);
      return r;
    };
    // Employee: vacation Thu–Mon (weekend skipped), unpaid half day, a pending and a rejected
    // and a cancelled request.
    await approve(org.employee, {
      typeId: "vacation",
      startDate: "2026-11-05",
      endDate: "2026-11-09",
    });
    await approve(org.employee, {
      typeId: "unpaid",
      startDate: "2026-11-10",
      endDate: "2026-11-10",
      secondsPerDay: 4 * H,
    });
    await requestOk(org.employee, org, {
      typeId: "sick",
      startDate: "2026-11-11",
      endDate: "2026-11-11",
    });
    const rejected = await requestOk(org.employee, org, {
      typeId: "unpaid",
      startDate: "2026-11-12",
      endDate: "2026-11-12",
    });
    await decide(org.admin, org, rejected.id, "reject", { reason: "no" });
    const cancelled = await approve(org.employee, {
      typeId: "unpaid",
      startDate: "2026-11-13",
      endDate: "2026-11-13",
    });
    assert.equal((await decide(org.employee, org, cancelled.id, "cancel")).status, 200);
    // Manager: unpaid on the 6th.
    await approve(org.manager, {
      typeId: "unpaid",
      startDate: "2026-11-06",
      endDate: "2026-11-06",
    });

    const scope = (await app.store.scopeForMember(org.adminId, org.orgId))!;
    const users = [org.employeeId, org.managerId, org.adminId];
    const all = await ptoSecondsByDate(scope, users, date("2026-11-06"), date("2026-11-13"));
    const plain = (m: Map<string, Map<string, number>>) =>
      Object.fromEntries([...m].map(([u, d]) => [u, Object.fromEntries(d)]));
    assert.deepEqual(plain(all), {
      [org.employeeId]: {
        "2026-11-06": 8 * H,
        "2026-11-09": 8 * H,
        "2026-11-10": 4 * H,
      },
      [org.managerId]: { "2026-11-06": 8 * H },
    });
    const paid = await ptoSecondsByDate(scope, users, date("2026-11-01"), date("2026-11-30"), {
      paidOnly: true,
    });
    assert.deepEqual(plain(paid), {
      [org.employeeId]: { "2026-11-05": 8 * H, "2026-11-06": 8 * H, "2026-11-09": 8 * H },
    });
    const onlyManager = await ptoSecondsByDate(
      scope,
      [org.managerId],
      date("2026-11-01"),
      date("2026-11-30"),
    );
    assert.deepEqual([...onlyManager.keys()], [org.managerId]);
    assert.equal(
      (await ptoSecondsByDate(scope, users, date("2026-11-14"), date("2026-11-13"))).size,
      0,
    );
  });
});
