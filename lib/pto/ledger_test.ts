import { deepEqual, equal } from "node:assert/strict";
import { replay, replayLedger } from "./ledger.ts";
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

Deno.test("a replay from a checkpoint gives the full replay's balance and lines, for every policy", () => {
  const policies: PtoType[] = [
    { ...vacation, maxBalanceSeconds: 30 * H, carryoverCapSeconds: 12 * H, waitingPeriodDays: 45 },
    { ...vacation, accrual: { method: "per_hours_worked", earnSeconds: 7, perWorkedSeconds: 97 } },
    {
      ...vacation,
      accrual: { method: "per_pay_period", earnSeconds: 5 * H },
      carryoverCapSeconds: 20 * H,
    },
    {
      ...vacation,
      accrual: { method: "annual_grant", earnSeconds: 24 * H, grantOn: "01-01" },
      maxBalanceSeconds: 40 * H,
      carryoverCapSeconds: 8 * H,
    },
    { ...vacation, accrual: { method: "annual_grant", earnSeconds: 16 * H, grantOn: "02-29" } },
  ];
  const hireDate = d("2019-03-14");
  const asOf = d("2026-11-02");
  // Uneven work (3 to 9 h on some weekdays) and events on and around 1 January.
  const worked = new Map<string, number>();
  let seed = 7;
  for (let x = hireDate; Temporal.PlainDate.compare(x, asOf) <= 0; x = x.add({ days: 1 })) {
    seed = (seed * 48271) % 2147483647;
    if (x.dayOfWeek <= 5 && seed % 5 !== 0) worked.set(x.toString(), (3 + (seed % 7)) * H);
  }
  const events = [
    { date: "2021-01-01", kind: "adjustment" as const, seconds: 5 * H, note: "on the day" },
    { date: "2022-12-31", kind: "usage" as const, seconds: -8 * H, note: "the day before" },
    { date: "2024-01-01", kind: "usage" as const, seconds: -4 * H, note: "on the day" },
    { date: "2025-07-01", kind: "adjustment" as const, seconds: -2 * H, note: "later" },
  ];
  for (const type of policies) {
    for (const year of [2020, 2022, 2024, 2026]) {
      const at = d(`${year}-01-01`);
      const input = {
        type,
        hireDate,
        asOf,
        periods: periodsBetween(hireDate, asOf, biweekly),
        workedSecondsByDate: worked,
        events,
      };
      const full = replay({ ...input, checkpointAt: at });
      const resumed = replay({
        ...input,
        periods: periodsBetween(at, asOf, biweekly),
        opening: full.checkpoint,
      });
      const what = `${type.accrual.method} from ${at}`;
      equal(resumed.balance, full.balance, what);
      const later = full.lines.filter((l) => l.date >= at.toString());
      const opening = resumed.lines[0]?.kind === "carried_forward" ? 1 : 0;
      deepEqual(resumed.lines.slice(opening), later, what);
      if (opening) equal(resumed.lines[0].balance, full.checkpoint!.balance, what);
    }
  }
});
