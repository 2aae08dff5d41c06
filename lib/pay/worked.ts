/**
 * Paid worked seconds per local day: the one place where entries, rounding, break rules and
 * the calendar meet. Reports, timesheets and PTO accrual all count worked time through here.
 *
 * @module
 */

import type { TimeEntry } from "../entries/model.ts";
import type { Settings } from "../settings/schema.ts";
import type { DayCalendar } from "../time/calendar.ts";
import { workedPerDay, type WorkInterval } from "../overtime/engine.ts";
import { OffsetCache, payableEntry } from "./payable.ts";

/** What the day split needs of the settings. */
export type PayRules = Pick<Settings, "rounding" | "breaks" | "timeZone">;

/**
 * Paid intervals of `entries` (rounded, unpaid breaks and automatic deductions taken out); a
 * running entry counts up to `now`.
 */
export function paidIntervals(
  entries: Iterable<TimeEntry>,
  rules: PayRules,
  now: number,
  offsets: OffsetCache = new OffsetCache(rules.timeZone),
): WorkInterval[] {
  const out: WorkInterval[] = [];
  for (const e of entries) out.push(...payableEntry(e, now, rules, offsets).intervals);
  return out;
}

/**
 * Paid seconds per day of `calendar` (indexed like `calendar.dates`).
 *
 * @example
 * ```ts
 * const cal = new DayCalendar(Temporal.PlainDate.from("2026-11-02"), 7, settings.timeZone);
 * const perDay = paidSecondsByDay(entries, settings, cal, Date.now());
 * ```
 */
export function paidSecondsByDay(
  entries: Iterable<TimeEntry>,
  rules: PayRules,
  calendar: DayCalendar,
  now: number,
): number[] {
  return workedPerDay(calendar, paidIntervals(entries, rules, now));
}
