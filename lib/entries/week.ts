/**
 * A member's week and day as the pages show them: the entries overlapping the local workweek (or
 * day) in the organization's time zone, and the paid seconds per local day — by the
 * organization's break rules (paid break types count, unpaid ones and the automatic meal
 * deduction do not; punches are never rounded here), with entries crossing local midnight split
 * between the days. Also the period locks touching the week, so corrections can show them.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import { entriesOverlapping } from "./repository.ts";
import { locksTouching, type PeriodLock } from "./locks.ts";
import { type TimeEntry, toSecond } from "./model.ts";
import { isoWeekday, type Settings } from "../settings/schema.ts";
import { paidIntervals } from "../pay/worked.ts";
import { workedPerDay } from "../overtime/engine.ts";
import { DayCalendar } from "../time/calendar.ts";
import { localDateOf, weekBounds, type WeekStart } from "../time/week.ts";

/** One member's entries of one local workweek, with the paid seconds of each day. */
export interface WeekOfEntries {
  userId: string;
  /** The local date asked for. */
  date: Temporal.PlainDate;
  /** The seven local days, first day of the workweek first. */
  days: Temporal.PlainDate[];
  /** Epoch ms of each day's local start, and of the day after the week (8 values). */
  dayStarts: number[];
  /** Entries overlapping the week, oldest first (a running one counts up to `now`). */
  entries: TimeEntry[];
  /** Paid seconds per day (7 values), break rules applied, no rounding. */
  secondsPerDay: number[];
  /** Approved pay periods touching the week. */
  locks: PeriodLock[];
  /** Today in the organization's time zone. */
  today: Temporal.PlainDate;
  /** The instant the week was read at (whole second). */
  now: number;
}

/** Today's bounds and the paid seconds of its entries other than the running one. */
export interface TodayTotals {
  start: number;
  end: number;
  closedSeconds: number;
}

/** Pay rules with rounding off: what pages show as worked time. */
function shownRules(settings: Settings) {
  return { ...settings, rounding: { mode: "none" as const, incrementMinutes: 1 as const } };
}

/**
 * Paid seconds per day of `calendar` as pages show them (break rules applied, no rounding).
 *
 * @example
 * ```ts
 * shownSecondsByDay(entries, settings, new DayCalendar(day, 1, settings.timeZone), now); // [27000]
 * ```
 */
export function shownSecondsByDay(
  entries: TimeEntry[],
  settings: Settings,
  calendar: DayCalendar,
  now: number,
): number[] {
  return workedPerDay(calendar, paidIntervals(entries, shownRules(settings), now));
}

/**
 * Today in the organization's time zone: its bounds and the paid seconds of the member's entries
 * other than `openId` (the running one, which the clock counts itself).
 */
export async function readToday(
  scope: OrgScope,
  userId: string,
  settings: Settings,
  now: number,
  openId: string | null,
): Promise<TodayTotals> {
  const { timeZone } = settings;
  const day = localDateOf(now, timeZone);
  const start = day.toZonedDateTime({ timeZone }).startOfDay().epochMilliseconds;
  const end = day.add({ days: 1 }).toZonedDateTime({ timeZone }).startOfDay().epochMilliseconds;
  const entries = await entriesOverlapping(scope, userId, start, end, now);
  const closed = entries.filter((e) => e.id !== openId);
  const [closedSeconds] = shownSecondsByDay(
    closed,
    settings,
    new DayCalendar(day, 1, timeZone),
    now,
  );
  return { start, end, closedSeconds };
}

/**
 * The workweek holding local `date` for `userId`, by the organization's `settings`: one range
 * scan of the member's entries and one of their locks.
 */
export async function readWeek(
  scope: OrgScope,
  userId: string,
  date: Temporal.PlainDate,
  settings: Settings,
  nowMs: number,
): Promise<WeekOfEntries> {
  const now = toSecond(nowMs);
  const { timeZone } = settings;
  const w = weekBounds(date, timeZone, isoWeekday(settings.workweekStart) as WeekStart);
  const [entries, locks] = await Promise.all([
    entriesOverlapping(scope, userId, w.start, w.end, now),
    locksTouching(scope, userId, w.start, w.end),
  ]);
  const secondsPerDay = shownSecondsByDay(
    entries,
    settings,
    new DayCalendar(w.days[0], 7, timeZone),
    now,
  );
  return {
    userId,
    date,
    days: w.days,
    dayStarts: w.dayStarts,
    entries,
    secondsPerDay,
    locks,
    today: localDateOf(now, timeZone),
    now,
  };
}
