import { deepEqual, equal } from "node:assert/strict";
import { replayLedger } from "./ledger.ts";
import { periodsBetween } from "../time/periods.ts";
import type { PtoType } from "../settings/schema.ts";

const H = 3600;
const d = (s: string) => Temporal.PlainDate.from(s);
const biweekly = { type: "biweekly" as const, anchorDate: "2026-01-05" };

/** 8 h every weekday between `from` and `to`. */
function weekdays(from: string, to: string, hours = 8) {
  const m = new Map<string, number>();
  for (let x = d(from); Temporal.PlainDate.compare(x, d(to)) <= 0; x = x.add({ days: 1 })) {
    if (x.dayOfWeek <= 5) m.set(x.toString(), hours * H);
  }
  return m;
}

const vacation: PtoType = {
  id: "vacation",
  name: "Vacation",
  paid: true,
  accrual: { method: "per_hours_worked", earnSeconds: H, perWorkedSeconds: 30 * H },
  waitingPeriodDays: 0,
  maxBalanceSeconds: null,
  carryoverCapSeconds: null,
  hoursPerDaySeconds: 8 * H,
};

Deno.test("1 h per 30 h worked: 80 h per biweekly period → 2 h 40 min, remainders carried exactly", () => {
  const lines = replayLedger({
    type: vacation,
    hireDate: d("2026-01-05"),
    asOf: d("2026-02-01"),
    periods: periodsBetween(d("2026-01-05"), d("2026-02-01"), biweekly),
    workedSecondsByDate: weekdays("2026-01-05", "2026-02-01"),
    events: [],
  });
  // Two periods × 80 h = 160 h → 5 h 20 min in total, posted 9600 s each.
  deepEqual(lines.map((l) => [l.date, l.seconds]), [["2026-01-18", 9600], ["2026-02-01", 9600]]);
  equal(lines.at(-1)!.balance, 160 * H / 30);
});

Deno.test("a year with a waiting period, a maximum balance, usage and a carryover cap", () => {
  const type: PtoType = {
    ...vacation,
    waitingPeriodDays: 90,
    maxBalanceSeconds: 40 * H,
    carryoverCapSeconds: 16 * H,
  };
  const input = {
    type,
    hireDate: d("2026-01-05"),
    asOf: d("2027-01-31"),
    periods: periodsBetween(d("2026-01-05"), d("2027-01-31"), biweekly),
    workedSecondsByDate: weekdays("2026-01-05", "2027-01-31"),
    events: [
      { date: "2026-08-10", kind: "usage" as const, seconds: -24 * H, note: "summer trip" },
      { date: "2026-09-01", kind: "adjustment" as const, seconds: 2 * H, note: "correction" },
    ],
  };
  const lines = replayLedger(input);
  // Nothing accrues before 2026-04-05 (hire + 90 days).
  equal(lines[0].date >= "2026-04-05", true);
  // The balance never exceeds the maximum through accruals.
  for (const l of lines) if (l.kind === "accrual") equal(l.balance <= 40 * H, true);
  // At 1 January the balance above 16 h is forfeited.
  const forfeit = lines.find((l) => l.kind === "carryover_forfeit")!;
  equal(forfeit.date, "2027-01-01");
  equal(forfeit.balance, 16 * H);
  // Usage and the adjustment are in the ledger in date order.
  equal(lines.some((l) => l.kind === "usage" && l.seconds === -24 * H), true);
  for (let i = 1; i < lines.length; i++) equal(lines[i - 1].date <= lines[i].date, true);
  // Balance equals the sum of the lines.
  equal(lines.at(-1)!.balance, lines.reduce((s, l) => s + l.seconds, 0));
});

Deno.test("annual grant on a date, capped, and fixed amount per pay period", () => {
  const sick: PtoType = {
    ...vacation,
    id: "sick",
    accrual: { method: "annual_grant", earnSeconds: 40 * H, grantOn: "01-01" },
    maxBalanceSeconds: 60 * H,
    carryoverCapSeconds: null,
  };
  const lines = replayLedger({
    type: sick,
    hireDate: d("2025-06-01"),
    asOf: d("2027-03-01"),
    periods: [],
    workedSecondsByDate: new Map(),
    events: [],
  });
  deepEqual(lines.map((l) => [l.date, l.kind, l.seconds]), [
    ["2026-01-01", "grant", 40 * H],
    ["2027-01-01", "grant", 20 * H],
  ]);
  const perPeriod: PtoType = {
    ...vacation,
    accrual: { method: "per_pay_period", earnSeconds: 4 * H },
  };
  const pp = replayLedger({
    type: perPeriod,
    hireDate: d("2026-01-10"),
    asOf: d("2026-03-01"),
    periods: periodsBetween(d("2026-01-10"), d("2026-03-01"), biweekly),
    workedSecondsByDate: new Map(),
    events: [],
  });
  // The period 2026-01-05..18 started before hire: the first full period is 01-19..02-01.
  deepEqual(pp.map((l) => l.date), ["2026-02-01", "2026-02-15", "2026-03-01"]);
});
