/**
 * The overtime engine: worked intervals in, regular / overtime / double-time seconds per local
 * workday out, with the rule that produced every overtime second.
 *
 * Rules, as 29 CFR 778 (FLSA) and California Labor Code §510 state them:
 * - Workdays are the organization's local calendar days (midnight to midnight, 23–25 real hours
 *   on DST days); an overnight shift is split at midnight. Workweeks are seven consecutive
 *   workdays starting on the organization's `workweekStart`.
 * - Daily rules come first: past the daily double-time threshold a second is double time,
 *   past the daily overtime threshold it is overtime.
 * - On the seventh consecutive workday of a workweek (all seven days worked), when the rule is
 *   on, the first 8 hours are overtime and the rest double time.
 * - Weekly rules come last and only convert seconds that are still regular: once the workweek's
 *   regular seconds pass the weekly threshold, further regular seconds are overtime.
 * - Each second is counted once, at its highest multiplier; PTO never enters the engine.
 *
 * The results depend only on how many seconds are worked in each local day, so splitting an
 * interval in two, or reordering intervals, changes nothing.
 *
 * @module
 */

import type { OvertimeSettings } from "../settings/schema.ts";
import { DayCalendar } from "../time/calendar.ts";

const HOUR = 3600;

/** Overtime rules in engine form: thresholds in seconds, multipliers in hundredths. */
export interface OvertimeRules {
  dailyOvertimeAfter: number | null;
  dailyDoubleTimeAfter: number | null;
  weeklyOvertimeAfter: number | null;
  seventhDay: boolean;
  overtimeMultiplier: number;
  doubleTimeMultiplier: number;
}

/** The engine rules for a settings preset. */
export function rulesFor(settings: OvertimeSettings): OvertimeRules {
  switch (settings.preset) {
    case "none":
      return {
        dailyOvertimeAfter: null,
        dailyDoubleTimeAfter: null,
        weeklyOvertimeAfter: null,
        seventhDay: false,
        overtimeMultiplier: 150,
        doubleTimeMultiplier: 200,
      };
    case "flsa":
      return {
        dailyOvertimeAfter: null,
        dailyDoubleTimeAfter: null,
        weeklyOvertimeAfter: 40 * HOUR,
        seventhDay: false,
        overtimeMultiplier: 150,
        doubleTimeMultiplier: 200,
      };
    case "california":
      return {
        dailyOvertimeAfter: 8 * HOUR,
        dailyDoubleTimeAfter: 12 * HOUR,
        weeklyOvertimeAfter: 40 * HOUR,
        seventhDay: true,
        overtimeMultiplier: 150,
        doubleTimeMultiplier: 200,
      };
    case "custom":
      return {
        dailyOvertimeAfter: settings.dailyOvertimeAfterSeconds,
        dailyDoubleTimeAfter: settings.dailyDoubleTimeAfterSeconds,
        weeklyOvertimeAfter: settings.weeklyOvertimeAfterSeconds,
        seventhDay: settings.seventhDay,
        overtimeMultiplier: Math.round(settings.overtimeMultiplier * 100),
        doubleTimeMultiplier: Math.round(settings.doubleTimeMultiplier * 100),
      };
  }
}

/** Why some seconds of a day are overtime or double time. */
export interface OvertimeReason {
  rule:
    | "daily_overtime"
    | "daily_double_time"
    | "seventh_day_overtime"
    | "seventh_day_double_time"
    | "weekly_overtime";
  seconds: number;
  /** Multiplier in hundredths (150 = 1.5×). */
  multiplier: number;
}

/** One workday's classification. */
export interface DayResult {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  /** Local date the workweek of this day starts. */
  weekStart: string;
  workedSeconds: number;
  regularSeconds: number;
  overtimeSeconds: number;
  doubleTimeSeconds: number;
  reasons: OvertimeReason[];
}

/** A worked interval (epoch ms, end exclusive). Breaks must already be taken out. */
export interface WorkInterval {
  start: number;
  end: number;
}

/**
 * The whole workweeks covering the local dates `[from, to]` (inclusive), as a calendar.
 * Weekly overtime needs whole weeks even when a report asks for part of one.
 */
export function workweekCalendar(
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
  timeZone: string,
  workweekStart: number,
): DayCalendar {
  const back = (from.dayOfWeek - workweekStart + 7) % 7;
  const first = from.subtract({ days: back });
  const span = first.until(to, { largestUnit: "days" }).days + 1;
  const count = Math.ceil(span / 7) * 7;
  return new DayCalendar(first, count, timeZone);
}

/**
 * Worked seconds per day of `calendar` for `intervals`. Instants are whole seconds (punches are
 * stored that way and days start on whole seconds), so the seconds are exact.
 */
export function workedPerDay(calendar: DayCalendar, intervals: Iterable<WorkInterval>): number[] {
  const perDay = new Array<number>(calendar.count).fill(0);
  for (const iv of intervals) {
    if (iv.end > iv.start) calendar.addInterval(iv.start, iv.end, perDay);
  }
  return perDay.map((ms) => Math.floor(ms / 1000));
}

/**
 * Classify worked seconds per day. `workedSeconds[i]` belongs to `calendar.dates[i]`; the
 * calendar must start on a workweek's first day and hold whole weeks
 * (see {@linkcode workweekCalendar}).
 *
 * @example
 * ```ts
 * // FLSA: 5 × 9 h in one week → 40 h regular, 5 h overtime on Friday.
 * const cal = workweekCalendar(Temporal.PlainDate.from("2026-11-02"), Temporal.PlainDate.from("2026-11-08"), "UTC", 1);
 * const days = classifyDays(cal, [9, 9, 9, 9, 9, 0, 0].map((h) => h * 3600), rulesFor({ preset: "flsa" }));
 * days[4].overtimeSeconds; // 18000
 * ```
 */
export function classifyDays(
  calendar: DayCalendar,
  workedSeconds: number[],
  rules: OvertimeRules,
): DayResult[] {
  const out: DayResult[] = [];
  for (let w = 0; w < calendar.count; w += 7) {
    const weekStart = calendar.dates[w].toString();
    let weekRegular = 0;
    for (let i = 0; i < 7 && w + i < calendar.count; i++) {
      const worked = workedSeconds[w + i] ?? 0;
      const reasons: OvertimeReason[] = [];
      let regular = worked;
      let overtime = 0;
      let double = 0;
      const seventh = rules.seventhDay && i === 6 && worked > 0 &&
        workedSeconds.slice(w, w + 6).every((s) => s > 0);
      if (seventh) {
        overtime = Math.min(worked, 8 * HOUR);
        double = worked - overtime;
        regular = 0;
        push(reasons, "seventh_day_overtime", overtime, rules.overtimeMultiplier);
        push(reasons, "seventh_day_double_time", double, rules.doubleTimeMultiplier);
      } else {
        if (rules.dailyDoubleTimeAfter !== null) {
          double = Math.max(0, worked - rules.dailyDoubleTimeAfter);
        }
        const belowDouble = worked - double;
        if (rules.dailyOvertimeAfter !== null) {
          overtime = Math.max(0, belowDouble - rules.dailyOvertimeAfter);
        }
        regular = belowDouble - overtime;
        push(reasons, "daily_double_time", double, rules.doubleTimeMultiplier);
        push(reasons, "daily_overtime", overtime, rules.overtimeMultiplier);
      }
      if (rules.weeklyOvertimeAfter !== null && regular > 0) {
        const room = Math.max(0, rules.weeklyOvertimeAfter - weekRegular);
        const weekly = Math.max(0, regular - room);
        regular -= weekly;
        overtime += weekly;
        push(reasons, "weekly_overtime", weekly, rules.overtimeMultiplier);
      }
      weekRegular += regular;
      out.push({
        date: calendar.dates[w + i].toString(),
        weekStart,
        workedSeconds: worked,
        regularSeconds: regular,
        overtimeSeconds: overtime,
        doubleTimeSeconds: double,
        reasons,
      });
    }
  }
  return out;
}

function push(
  reasons: OvertimeReason[],
  rule: OvertimeReason["rule"],
  seconds: number,
  multiplier: number,
) {
  if (seconds > 0) reasons.push({ rule, seconds, multiplier });
}

/** Totals of a run of days. */
export interface Totals {
  workedSeconds: number;
  regularSeconds: number;
  overtimeSeconds: number;
  doubleTimeSeconds: number;
}

/** Sum the classification of `days`. */
export function totalsOf(days: Iterable<DayResult>): Totals {
  const t: Totals = {
    workedSeconds: 0,
    regularSeconds: 0,
    overtimeSeconds: 0,
    doubleTimeSeconds: 0,
  };
  for (const d of days) {
    t.workedSeconds += d.workedSeconds;
    t.regularSeconds += d.regularSeconds;
    t.overtimeSeconds += d.overtimeSeconds;
    t.doubleTimeSeconds += d.doubleTimeSeconds;
  }
  return t;
}

/**
 * Gross pay in cents, rounded half up once at the end: rate × (regular + overtime × OT
 * multiplier + double time × DT multiplier), exact in integers.
 *
 * @example
 * ```ts
 * grossPayCents(2000, { regularSeconds: 144000, overtimeSeconds: 18000, doubleTimeSeconds: 0 }, rulesFor({ preset: "flsa" }));
 * // 40 h × $20 + 5 h × $30 = 95000
 * ```
 */
export function grossPayCents(
  hourlyRateCents: number,
  t: Pick<Totals, "regularSeconds" | "overtimeSeconds" | "doubleTimeSeconds">,
  rules: Pick<OvertimeRules, "overtimeMultiplier" | "doubleTimeMultiplier">,
): number {
  const weighted = BigInt(t.regularSeconds) * 100n +
    BigInt(t.overtimeSeconds) * BigInt(rules.overtimeMultiplier) +
    BigInt(t.doubleTimeSeconds) * BigInt(rules.doubleTimeMultiplier);
  const numerator = BigInt(hourlyRateCents) * weighted;
  const denominator = 360_000n;
  return Number((numerator * 2n + denominator) / (denominator * 2n));
}
