/**
 * The PTO balance ledger, replayed from facts: recorded events (approved usage, its reversal,
 * manual adjustments) plus the accruals, grants and year-end forfeits that the type's policy
 * derives from hire date, pay periods and hours worked. Because accruals are derived, a
 * corrected time entry re-flows every later balance, and caps are applied in date order exactly
 * as they would have been day by day.
 *
 * Order within one date: the year-end carryover forfeit (at the start of 1 January), then the
 * recorded events, then accruals and grants (posted at the end of the day).
 *
 * @module
 */

import type { PtoType } from "../settings/schema.ts";
import type { Period } from "../time/periods.ts";

/** A ledger line. `seconds` is signed: positive adds to the balance. */
export interface LedgerLine {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  kind: "accrual" | "grant" | "carryover_forfeit" | "usage" | "usage_reversal" | "adjustment";
  seconds: number;
  /** Why: the pay period, the request id, the adjustment's reason… */
  note: string;
  /** Balance after this line. */
  balance: number;
}

/** A recorded event (stored, not derived). */
export interface RecordedEvent {
  date: string;
  kind: "usage" | "usage_reversal" | "adjustment";
  seconds: number;
  note: string;
}

/** What the replay needs. */
export interface LedgerInput {
  type: PtoType;
  hireDate: Temporal.PlainDate;
  /** Replay through this local date (inclusive). */
  asOf: Temporal.PlainDate;
  /** Pay periods from the hire date's period on; only those ended by `asOf` accrue. */
  periods: Period[];
  /** Paid worked seconds per local date (PTO excluded). */
  workedSecondsByDate: ReadonlyMap<string, number>;
  events: RecordedEvent[];
}

/** The first local date a member accrues this type. */
export function eligibleFrom(type: PtoType, hireDate: Temporal.PlainDate): Temporal.PlainDate {
  return hireDate.add({ days: type.waitingPeriodDays });
}

interface Posting {
  date: string;
  order: number;
  kind: LedgerLine["kind"];
  seconds: number;
  note: string;
  /** Accruals are capped by the maximum balance; recorded events are not. */
  capped: boolean;
}

const cmp = (a: Temporal.PlainDate, b: Temporal.PlainDate) => Temporal.PlainDate.compare(a, b);

function accrualPostings(input: LedgerInput): Posting[] {
  const { type, asOf } = input;
  const from = eligibleFrom(type, input.hireDate);
  const out: Posting[] = [];
  const a = type.accrual;
  if (a.method === "per_hours_worked") {
    let workedTotal = 0;
    let earnedTotal = 0;
    for (const p of input.periods) {
      if (cmp(p.end, asOf) > 0) break;
      let worked = 0;
      for (let d = p.start; cmp(d, p.end) <= 0; d = d.add({ days: 1 })) {
        if (cmp(d, from) >= 0) worked += input.workedSecondsByDate.get(d.toString()) ?? 0;
      }
      workedTotal += worked;
      const earned = Math.floor((workedTotal * a.earnSeconds) / a.perWorkedSeconds) - earnedTotal;
      earnedTotal += earned;
      if (earned > 0) {
        out.push({
          date: p.end.toString(),
          order: 2,
          kind: "accrual",
          seconds: earned,
          note: `${worked} s worked in ${p.start}–${p.end}`,
          capped: true,
        });
      }
    }
  } else if (a.method === "per_pay_period") {
    for (const p of input.periods) {
      if (cmp(p.end, asOf) > 0) break;
      if (cmp(p.start, from) < 0) continue;
      out.push({
        date: p.end.toString(),
        order: 2,
        kind: "accrual",
        seconds: a.earnSeconds,
        note: `pay period ${p.start}–${p.end}`,
        capped: true,
      });
    }
  } else if (a.method === "annual_grant") {
    const [month, day] = a.grantOn.split("-").map(Number);
    for (let year = input.hireDate.year; year <= asOf.year; year++) {
      const ym = Temporal.PlainYearMonth.from({ year, month });
      const date = Temporal.PlainDate.from({ year, month, day: Math.min(day, ym.daysInMonth) });
      if (cmp(date, from) < 0 || cmp(date, asOf) > 0) continue;
      out.push({
        date: date.toString(),
        order: 2,
        kind: "grant",
        seconds: a.earnSeconds,
        note: `annual grant ${year}`,
        capped: true,
      });
    }
  }
  return out;
}

/**
 * Replay the ledger of one member and type through `asOf`.
 *
 * @example
 * ```ts
 * const lines = replayLedger({ type, hireDate, asOf, periods, workedSecondsByDate, events: [] });
 * const balance = lines.at(-1)?.balance ?? 0;
 * ```
 */
export function replayLedger(input: LedgerInput): LedgerLine[] {
  const postings: Posting[] = [
    ...accrualPostings(input),
    ...input.events
      .filter((e) => e.date <= input.asOf.toString())
      .map((e) => ({ ...e, order: 1, capped: false })),
  ];
  for (let year = input.hireDate.year + 1; year <= input.asOf.year; year++) {
    postings.push({
      date: `${year}-01-01`,
      order: 0,
      kind: "carryover_forfeit",
      seconds: 0,
      note: `carryover into ${year}`,
      capped: false,
    });
  }
  postings.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
  const lines: LedgerLine[] = [];
  let balance = 0;
  const max = input.type.maxBalanceSeconds;
  const carry = input.type.carryoverCapSeconds;
  for (const p of postings) {
    let seconds = p.seconds;
    if (p.kind === "carryover_forfeit") {
      seconds = carry === null ? 0 : -Math.max(0, balance - carry);
      if (seconds === 0) continue;
    } else if (p.capped && max !== null) {
      seconds = Math.max(0, Math.min(seconds, max - balance));
      if (seconds === 0) continue;
    }
    balance += seconds;
    lines.push({ date: p.date, kind: p.kind, seconds, note: p.note, balance });
  }
  return lines;
}
