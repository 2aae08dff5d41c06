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
 * A replay may start from a checkpoint (`opening`: the state after every posting dated before a
 * 1 January) instead of the hire date, and may report the state at a later 1 January
 * (`checkpointAt`) so the caller can store it: the result is the same as replaying from the hire
 * date, while the calendar work covers only the years after the checkpoint (see `balance.ts`).
 *
 * @module
 */

import type { PtoType } from "../settings/schema.ts";
import type { Period } from "../time/periods.ts";

/** A ledger line. `seconds` is signed: positive adds to the balance. */
export interface LedgerLine {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  kind:
    | "accrual"
    | "grant"
    | "carryover_forfeit"
    | "usage"
    | "usage_reversal"
    | "adjustment"
    | "carried_forward";
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
  /** Start from this checkpoint (a 1 January after the hire date) instead of the hire date. */
  opening?: LedgerCheckpoint | null;
  /** Also report the state at this 1 January (after the replay's start), to store it. */
  checkpointAt?: Temporal.PlainDate | null;
}

/**
 * The replay's state at the start of `date` (a 1 January): after every posting dated before it.
 * With the worked and earned totals of per-hours accrual, the replay can go on from here exactly
 * as if it had run from the hire date.
 */
export interface LedgerCheckpoint {
  date: Temporal.PlainDate;
  /** Balance after every posting dated before `date`. */
  balance: number;
  /** Per-hours accrual: worked seconds of the pay periods ended before `date`. */
  workedSeconds: number;
  /** Per-hours accrual: seconds earned (before the maximum-balance cap) by those periods. */
  earnedSeconds: number;
}

/** What a replay gives. */
export interface LedgerResult {
  /** The lines from the replay's start (a `carried_forward` line first when it opened with a balance). */
  lines: LedgerLine[];
  /** Balance at the end of `asOf`. */
  balance: number;
  /** The state at `checkpointAt`, when asked for and after the replay's start; else null. */
  checkpoint: LedgerCheckpoint | null;
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

function accrualPostings(
  input: LedgerInput,
  capture: { worked: number; earned: number } | null,
): Posting[] {
  const { type, asOf } = input;
  const from = eligibleFrom(type, input.hireDate);
  const opening = input.opening ?? null;
  const captureAt = input.checkpointAt ?? null;
  const out: Posting[] = [];
  const a = type.accrual;
  if (a.method === "per_hours_worked") {
    let workedTotal = opening?.workedSeconds ?? 0;
    let earnedTotal = opening?.earnedSeconds ?? 0;
    let captured = false;
    const keep = () => {
      if (capture && !captured) {
        capture.worked = workedTotal;
        capture.earned = earnedTotal;
        captured = true;
      }
    };
    for (const p of input.periods) {
      if (cmp(p.end, asOf) > 0) break;
      if (opening && cmp(p.end, opening.date) < 0) continue;
      if (captureAt && cmp(p.end, captureAt) >= 0) keep();
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
    keep();
  } else if (a.method === "per_pay_period") {
    for (const p of input.periods) {
      if (cmp(p.end, asOf) > 0) break;
      if (opening && cmp(p.end, opening.date) < 0) continue;
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
    const firstYear = Math.max(input.hireDate.year, opening?.date.year ?? -Infinity);
    for (let year = firstYear; year <= asOf.year; year++) {
      const ym = Temporal.PlainYearMonth.from({ year, month });
      const date = Temporal.PlainDate.from({ year, month, day: Math.min(day, ym.daysInMonth) });
      if (cmp(date, from) < 0 || cmp(date, asOf) > 0) continue;
      if (opening && cmp(date, opening.date) < 0) continue;
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
  return replay(input).lines;
}

/**
 * Replay the ledger of one member and type through `asOf`, from the hire date or from
 * `input.opening`, and report the state at `input.checkpointAt`.
 *
 * @example
 * ```ts
 * const full = replay({ ...input, checkpointAt: Temporal.PlainDate.from("2025-01-01") });
 * const same = replay({ ...input, opening: full.checkpoint });
 * // same.balance === full.balance
 * ```
 */
export function replay(input: LedgerInput): LedgerResult {
  const opening = input.opening ?? null;
  const openingText = opening?.date.toString() ?? "";
  const captureAt = input.checkpointAt ?? null;
  const captureText = captureAt?.toString() ?? null;
  const wantCapture = captureAt !== null && captureText! > openingText &&
    cmp(captureAt, input.asOf) <= 0;
  const totals = wantCapture ? { worked: 0, earned: 0 } : null;
  const asOfText = input.asOf.toString();
  const postings: Posting[] = [
    ...accrualPostings(input, totals),
    ...input.events
      .filter((e) => e.date <= asOfText && e.date >= openingText)
      .map((e) => ({ ...e, order: 1, capped: false })),
  ];
  const firstForfeit = Math.max(input.hireDate.year + 1, opening?.date.year ?? -Infinity);
  for (let year = firstForfeit; year <= input.asOf.year; year++) {
    postings.push({
      date: `${String(year).padStart(4, "0")}-01-01`,
      order: 0,
      kind: "carryover_forfeit",
      seconds: 0,
      note: `carryover into ${year}`,
      capped: false,
    });
  }
  postings.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
  const lines: LedgerLine[] = [];
  let balance = opening?.balance ?? 0;
  if (opening && balance !== 0) {
    lines.push({
      date: openingText,
      kind: "carried_forward",
      seconds: balance,
      note: `balance at the start of ${openingText}`,
      balance,
    });
  }
  let captured: number | null = null;
  const max = input.type.maxBalanceSeconds;
  const carry = input.type.carryoverCapSeconds;
  for (const p of postings) {
    if (wantCapture && captured === null && p.date >= captureText!) captured = balance;
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
  if (wantCapture && captured === null) captured = balance;
  return {
    lines,
    balance,
    checkpoint: wantCapture
      ? {
        date: captureAt!,
        balance: captured!,
        workedSeconds: totals!.worked,
        earnedSeconds: totals!.earned,
      }
      : null,
  };
}
