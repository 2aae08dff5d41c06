/**
 * The week and timesheet pages' presentation of entries: a member's week
 * ({@linkcode WeekOfEntries}, read by `weekUseCase` / `memberWeekUseCase` in
 * `lib/entries/use_cases.ts`) as `WeekView` data — entries grouped by the local day they start,
 * labels in the organization's time zone, per-day totals that split entries crossing local
 * midnight, and the entries inside an approved timesheet's period marked locked.
 *
 * @module
 */

import { type PeriodLock, touches } from "../../lib/entries/locks.ts";
import { breakSeconds, paidTime, type TimeEntry } from "../../lib/entries/model.ts";
import type { WeekOfEntries } from "../../lib/entries/week.ts";
import type { Settings } from "../../lib/settings/schema.ts";
import { localDateOf } from "../../lib/time/week.ts";
import { toDateTimeLocal } from "../../lib/time/local.ts";
import { clockTime, shortDate } from "../../components/format.ts";
import type { LockNote, WeekData, WeekEntryRow } from "../../components/views/week.tsx";

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
 * The week read by the use case, ready for `WeekView`, by the organization's `settings`.
 */
export function weekData(week: WeekOfEntries, settings: Settings): WeekData {
  const { days, dayStarts, entries, secondsPerDay, locks, today, now } = week;
  const total = secondsPerDay.reduce((a, b) => a + b, 0);
  const byDay: WeekEntryRow[][] = days.map(() => []);
  for (const e of entries) {
    const i = dayStarts.findLastIndex((s, k) => k < 7 && s <= e.start);
    byDay[Math.max(0, i)].push(entryRow(e, settings, now, locks));
  }
  const last = days[6];
  const sameYear = days[0].year === last.year;
  const first = days[0].toLocaleString("en-US", {
    month: "short",
    day: "numeric",
    year: sameYear ? undefined : "numeric",
  });
  return {
    date: week.date.toString(),
    label: `${first} – ${
      last.toLocaleString("en-US", { month: "short", day: "numeric", year: "numeric" })
    }`,
    days: days.map((d, i) => ({
      date: d.toString(),
      label: d.toLocaleString("en-US", { weekday: "long", month: "short", day: "numeric" }),
      seconds: secondsPerDay[i],
      isToday: d.equals(today),
      entries: byDay[i],
    })),
    total,
    prev: days[0].subtract({ days: 7 }).toString(),
    next: days[0].add({ days: 7 }).toString(),
    today: today.toString(),
    isCurrentWeek: days.some((d) => d.equals(today)),
    locks: locks.map(lockNote),
  };
}
