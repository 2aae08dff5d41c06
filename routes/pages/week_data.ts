/**
 * Loading a member's week for the timesheet pages: the entries overlapping the local week in the
 * organization's time zone, grouped by the day they start, with per-day totals that split
 * entries crossing local midnight.
 *
 * @module
 */

import type { OrgScope } from "../../lib/kv/mod.ts";
import { entriesOverlapping } from "../../lib/entries/repository.ts";
import { breakSeconds, type TimeEntry, toSecond, workedSeconds } from "../../lib/entries/model.ts";
import { dayTotals, localDateOf, weekBounds, workedSecondsWithin } from "../../lib/time/week.ts";
import { toDateTimeLocal } from "../../lib/time/local.ts";
import { clockTime, shortDate } from "../../components/format.ts";
import type { WeekData, WeekEntryRow } from "../../components/views/week.tsx";

/** Today in `timeZone`: its bounds and the worked seconds of entries other than `openId`. */
export async function todayTotals(
  scope: OrgScope,
  userId: string,
  timeZone: string,
  now: number,
  openId: string | null,
): Promise<{ start: number; end: number; closedSeconds: number }> {
  const day = localDateOf(now, timeZone);
  const start = day.toZonedDateTime({ timeZone }).startOfDay().epochMilliseconds;
  const end = day.add({ days: 1 }).toZonedDateTime({ timeZone }).startOfDay().epochMilliseconds;
  const entries = await entriesOverlapping(scope, userId, start, end, now);
  const closedSeconds = entries.filter((e) => e.id !== openId)
    .reduce((sum, e) => sum + workedSecondsWithin(e, start, end, now), 0);
  return { start, end, closedSeconds };
}

function row(e: TimeEntry, timeZone: string, now: number): WeekEntryRow {
  const startDate = localDateOf(e.start, timeZone);
  const endDate = e.end === null ? null : localDateOf(e.end, timeZone);
  const crosses = endDate !== null && !endDate.equals(startDate);
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
    workedSeconds: workedSeconds(e, now),
    breakSeconds: breakSeconds(e, e.end ?? Math.max(now, e.start)),
    note: e.note,
    source: e.source,
    crossesMidnight: crosses,
    editStart: toDateTimeLocal(e.start, timeZone),
    editEnd: e.end === null ? null : toDateTimeLocal(e.end, timeZone),
  };
}

/** The week of local `date` for `userId`, ready for `WeekView`. */
export async function loadWeek(
  scope: OrgScope,
  userId: string,
  date: Temporal.PlainDate,
  timeZone: string,
  nowMs: number,
): Promise<WeekData> {
  const now = toSecond(nowMs);
  const w = weekBounds(date, timeZone);
  const entries = await entriesOverlapping(scope, userId, w.start, w.end, now);
  const { perDay, total } = dayTotals(entries, w.dayStarts, now);
  const today = localDateOf(now, timeZone);
  const byDay: WeekEntryRow[][] = w.days.map(() => []);
  for (const e of entries) {
    const i = w.dayStarts.findLastIndex((s, k) => k < 7 && s <= e.start);
    byDay[Math.max(0, i)].push(row(e, timeZone, now));
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
  };
}
