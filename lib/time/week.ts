/**
 * Local-week math for timesheets: the bounds of the week containing a local date in an IANA time
 * zone, and worked time split per local day. Instants are UTC epoch milliseconds; local days are
 * computed with `Temporal`, so a day may last 23 or 25 hours around DST changes and an entry that
 * crosses local midnight counts toward both days.
 *
 * The interval functions ({@linkcode workedSecondsWithin}, {@linkcode splitByDay}) use plain
 * arithmetic only, so browser code may use them without `Temporal`.
 *
 * @module
 */

/** ISO day number a week starts on: 1 = Monday … 7 = Sunday. */
export type WeekStart = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The bounds of one local week. */
export interface WeekBounds {
  /** The seven local dates of the week, first day first. */
  days: Temporal.PlainDate[];
  /**
   * Eight instants (epoch ms): the start of each local day and, last, the start of the day after
   * the week. Day `i` is `[dayStarts[i], dayStarts[i + 1])`.
   */
  dayStarts: number[];
  /** Start of the week (epoch ms, inclusive). */
  start: number;
  /** Start of the following week (epoch ms, exclusive). */
  end: number;
}

/** What the interval functions need of an entry (a `TimeEntry` fits). */
export interface Interval {
  start: number;
  end: number | null;
  breaks: { start: number; end: number | null }[];
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parse a `YYYY-MM-DD` local date; null when it is malformed or not a real date.
 *
 * @example
 * ```ts
 * parseLocalDate("2026-11-02")?.dayOfWeek; // 1 (Monday)
 * parseLocalDate("2026-02-30"); // null
 * ```
 */
export function parseLocalDate(text: string): Temporal.PlainDate | null {
  if (!DATE_RE.test(text)) return null;
  try {
    return Temporal.PlainDate.from(text, { overflow: "reject" });
  } catch {
    return null;
  }
}

/**
 * The local date of instant `ms` in `timeZone`.
 *
 * @example
 * ```ts
 * localDateOf(Date.UTC(2026, 10, 2, 3, 0), "America/New_York").toString(); // "2026-11-01"
 * ```
 */
export function localDateOf(ms: number, timeZone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone).toPlainDate();
}

/**
 * The instant (epoch ms) a local date starts in `timeZone` — usually midnight, later on the rare
 * days whose midnight is skipped by a DST change.
 */
export function startOfLocalDay(date: Temporal.PlainDate, timeZone: string): number {
  return date.toZonedDateTime({ timeZone }).startOfDay().epochMilliseconds;
}

/**
 * The first day of the week containing `date`.
 *
 * @example
 * ```ts
 * weekStartOf(Temporal.PlainDate.from("2026-11-05")).toString(); // "2026-11-02" (a Monday)
 * weekStartOf(Temporal.PlainDate.from("2026-11-05"), 7).toString(); // "2026-11-01" (a Sunday)
 * ```
 */
export function weekStartOf(date: Temporal.PlainDate, weekStartsOn: WeekStart = 1) {
  const back = (date.dayOfWeek - weekStartsOn + 7) % 7;
  return date.subtract({ days: back });
}

/**
 * The local week containing `date` in `timeZone`, as local dates and UTC instants.
 *
 * @example
 * ```ts
 * // The week of the US fall-back change (Sunday 2026-11-01 lasts 25 hours):
 * const w = weekBounds(Temporal.PlainDate.from("2026-10-28"), "America/New_York");
 * w.days[0].toString(); // "2026-10-26"
 * (w.end - w.start) / 3_600_000; // 169
 * ```
 */
export function weekBounds(
  date: Temporal.PlainDate,
  timeZone: string,
  weekStartsOn: WeekStart = 1,
): WeekBounds {
  const first = weekStartOf(date, weekStartsOn);
  const days = Array.from({ length: 7 }, (_, i) => first.add({ days: i }));
  const dayStarts = [...days, first.add({ days: 7 })].map((d) => startOfLocalDay(d, timeZone));
  return { days, dayStarts, start: dayStarts[0], end: dayStarts[7] };
}

function overlapMs(a: number, b: number, from: number, to: number): number {
  return Math.max(0, Math.min(b, to) - Math.max(a, from));
}

/**
 * Worked seconds of `entry` that fall inside `[from, to)`: its span there minus its breaks there.
 * A running entry (or break) counts up to `now`.
 *
 * @example
 * ```ts
 * const h = 3_600_000;
 * // 22:00–02:00 with no breaks, counted within the day starting at 24 h:
 * workedSecondsWithin({ start: 22 * h, end: 26 * h, breaks: [] }, 24 * h, 48 * h, 0); // 7200
 * ```
 */
export function workedSecondsWithin(entry: Interval, from: number, to: number, now: number) {
  const end = entry.end ?? Math.max(now, entry.start);
  let ms = overlapMs(entry.start, end, from, to);
  for (const b of entry.breaks) ms -= overlapMs(b.start, b.end ?? end, from, to);
  return Math.max(0, Math.floor(ms / 1000));
}

/**
 * Worked seconds of `entry` per day, for days `[dayStarts[i], dayStarts[i + 1])`. The parts add
 * up to the entry's worked time inside `[dayStarts[0], dayStarts.at(-1))`.
 */
export function splitByDay(entry: Interval, dayStarts: number[], now: number): number[] {
  return dayStarts.slice(0, -1).map((from, i) =>
    workedSecondsWithin(entry, from, dayStarts[i + 1], now)
  );
}

/**
 * Worked seconds per day of all `entries` (see {@linkcode splitByDay}) and their sum.
 *
 * @example
 * ```ts
 * const w = weekBounds(Temporal.PlainDate.from("2026-11-02"), "Europe/Berlin");
 * const { perDay, total } = dayTotals(entries, w.dayStarts, Date.now());
 * ```
 */
export function dayTotals(
  entries: Interval[],
  dayStarts: number[],
  now: number,
): { perDay: number[]; total: number } {
  const perDay = new Array<number>(Math.max(0, dayStarts.length - 1)).fill(0);
  for (const e of entries) {
    splitByDay(e, dayStarts, now).forEach((s, i) => (perDay[i] += s));
  }
  return { perDay, total: perDay.reduce((a, b) => a + b, 0) };
}
