/**
 * Loading a member's week for the timesheet pages: the entries overlapping the local workweek in
 * the organization's time zone, grouped by the day they start, with per-day totals that split
 * entries crossing local midnight. Worked time follows the organization's break rules (paid
 * break types count, unpaid ones and the automatic meal deduction do not; punches are never
 * rounded here), and entries inside an approved timesheet's period are marked locked.
 *
 * @module
 */

import type { OrgScope } from "../../lib/kv/mod.ts";
import { entriesOverlapping } from "../../lib/entries/repository.ts";
import { locksTouching, type PeriodLock, touches } from "../../lib/entries/locks.ts";
import { breakSeconds, paidTime, type TimeEntry, toSecond } from "../../lib/entries/model.ts";
import { isoWeekday, type Settings } from "../../lib/settings/schema.ts";
import { paidIntervals } from "../../lib/pay/worked.ts";
import { workedPerDay } from "../../lib/overtime/engine.ts";
import { DayCalendar } from "../../lib/time/calendar.ts";
import { localDateOf, weekBounds, type WeekStart } from "../../lib/time/week.ts";
import { toDateTimeLocal } from "../../lib/time/local.ts";
import { clockTime, shortDate } from "../../components/format.ts";
import type { LockNote, WeekData, WeekEntryRow } from "../../components/views/week.tsx";

/**
 * Today in the organization's time zone: its bounds and the worked seconds of entries other than
 * `openId`, by the organization's break rules (paid breaks count, the automatic deduction does
 * not), like the week page. `settings` are the ones the request already read.
 */
export async function todayTotals(
  scope: OrgScope,
  userId: string,
  settings: Settings,
  now: number,
  openId: string | null,
): Promise<{ start: number; end: number; closedSeconds: number }> {
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

/** A locked period as pages show it. */
export function lockNote(lock: PeriodLock): LockNote {
  const f = (d: string) =>
    Temporal.PlainDate.from(d).toLocaleString("en-US", { month: "short", day: "numeric" });
  const end = Temporal.PlainDate.from(lock.periodEnd);
  return {
    timesheetId: lock.timesheetId,
    periodStart: lock.periodStart,
    periodEnd: lock.periodEnd,
    label: `${f(lock.periodStart)} – ${f(lock.periodEnd)}, ${end.year}`,
  };
}

/** Pay rules with rounding off: what pages show as worked time. */
function shownRules(settings: Settings) {
  return { ...settings, rounding: { mode: "none" as const, incrementMinutes: 1 as const } };
}

/** One entry as the week and timesheet pages show it. */
export function entryRow(
  e: TimeEntry,
  settings: Settings,
  now: number,
  locks: PeriodLock[],
): WeekEntryRow {
  const timeZone = settings.timeZone;
  const startDate = localDateOf(e.start, timeZone);
  const endDate = e.end === null ? null : localDateOf(e.end, timeZone);
  const crosses = endDate !== null && !endDate.equals(startDate);
  const end = e.end ?? Math.max(now, e.start);
  const paid = paidTime(e, now, settings);
  const types = new Map(settings.breaks.types.map((t) => [t.id, t]));
  const lock = locks.find((l) => touches(e.start, end, l));
  return {
    id: e.id,
    start: new Date(e.start).toISOString(),
    end: e.end === null ? null : new Date(e.end).toISOString(),
    startLabel: clockTime(e.start, timeZone),
    endLabel: e.end === null
      ? null
      : crosses
      ? `${shortDate(e.end, timeZone)}, ${clockTime(e.end, timeZone)}`
      : clockTime(e.end, timeZone),
    workedSeconds: paid.workedSeconds,
    breakSeconds: breakSeconds(e, end),
    unpaidBreakSeconds: paid.unpaidBreakSeconds,
    autoDeductSeconds: paid.autoDeductSeconds,
    breaks: e.breaks.map((b) => {
      const type = b.typeId ? types.get(b.typeId) : undefined;
      return {
        label: type?.name ?? "Break",
        paid: type?.paid ?? false,
        seconds: Math.floor(((b.end ?? end) - b.start) / 1000),
        running: b.end === null,
      };
    }),
    note: e.note,
    source: e.source,
    crossesMidnight: crosses,
    editStart: toDateTimeLocal(e.start, timeZone),
    editEnd: e.end === null ? null : toDateTimeLocal(e.end, timeZone),
    locked: lock ? lockNote(lock) : null,
  };
}

/**
 * Paid seconds per day of `calendar` as pages show them (break rules applied, no rounding).
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
 * The week of local `date` for `userId`, ready for `WeekView`, by the organization's `settings`
 * (the ones the request already read).
 */
export async function loadWeek(
  scope: OrgScope,
  userId: string,
  date: Temporal.PlainDate,
  settings: Settings,
  nowMs: number,
): Promise<WeekData> {
  const now = toSecond(nowMs);
  const { timeZone } = settings;
  const w = weekBounds(date, timeZone, isoWeekday(settings.workweekStart) as WeekStart);
  const [entries, locks] = await Promise.all([
    entriesOverlapping(scope, userId, w.start, w.end, now),
    locksTouching(scope, userId, w.start, w.end),
  ]);
  const perDay = shownSecondsByDay(entries, settings, new DayCalendar(w.days[0], 7, timeZone), now);
  const total = perDay.reduce((a, b) => a + b, 0);
  const today = localDateOf(now, timeZone);
  const byDay: WeekEntryRow[][] = w.days.map(() => []);
  for (const e of entries) {
    const i = w.dayStarts.findLastIndex((s, k) => k < 7 && s <= e.start);
    byDay[Math.max(0, i)].push(entryRow(e, settings, now, locks));
  }
  const last = w.days[6];
  const sameYear = w.days[0].year === last.year;
  const first = w.days[0].toLocaleString("en-US", {
    month: "short",
    day: "numeric",
    year: sameYear ? undefined : "numeric",
  });
  return {
    date: date.toString(),
    label: `${first} – ${
      last.toLocaleString("en-US", { month: "short", day: "numeric", year: "numeric" })
    }`,
    days: w.days.map((d, i) => ({
      date: d.toString(),
      label: d.toLocaleString("en-US", { weekday: "long", month: "short", day: "numeric" }),
      seconds: perDay[i],
      isToday: d.equals(today),
      entries: byDay[i],
    })),
    total,
    prev: w.days[0].subtract({ days: 7 }).toString(),
    next: w.days[0].add({ days: 7 }).toString(),
    today: today.toString(),
    isCurrentWeek: w.days.some((d) => d.equals(today)),
    locks: locks.map(lockNote),
  };
}
