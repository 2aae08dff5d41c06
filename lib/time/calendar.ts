/**
 * A run of consecutive local days in one IANA time zone, with the instant each day starts, so
 * that many intervals can be split at local midnight with a binary search instead of a time-zone
 * computation per interval. Days last 23, 24 or 25 hours as DST dictates.
 *
 * @module
 */

/** Consecutive local days `[first, first + count)` in `timeZone`. */
export class DayCalendar {
  /** Local dates, in order. */
  readonly dates: Temporal.PlainDate[] = [];
  /** `starts[i]` is when day i starts (epoch ms); `starts[count]` is when the run ends. */
  readonly starts: number[] = [];

  /**
   * @param first the first local date
   * @param count how many days (at least 1)
   * @param timeZone IANA time zone
   */
  constructor(first: Temporal.PlainDate, count: number, readonly timeZone: string) {
    let d = first;
    for (let i = 0; i <= count; i++) {
      if (i < count) this.dates.push(d);
      this.starts.push(d.toZonedDateTime({ timeZone }).startOfDay().epochMilliseconds);
      d = d.add({ days: 1 });
    }
  }

  /** Number of days. */
  get count(): number {
    return this.dates.length;
  }

  /** When the run starts (epoch ms, inclusive). */
  get start(): number {
    return this.starts[0];
  }

  /** When the run ends (epoch ms, exclusive). */
  get end(): number {
    return this.starts[this.starts.length - 1];
  }

  /** Index of the day containing instant `ms`, or -1 outside the run. */
  dayIndexOf(ms: number): number {
    if (ms < this.start || ms >= this.end) return -1;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Add the milliseconds of `[start, end)` that fall in each day to `perDay` (indexed like
   * `dates`); parts outside the run are ignored.
   */
  addInterval(start: number, end: number, perDay: number[]): void {
    let s = Math.max(start, this.start);
    const e = Math.min(end, this.end);
    let i = this.dayIndexOf(s);
    while (s < e && i >= 0 && i < this.count) {
      const cut = Math.min(e, this.starts[i + 1]);
      perDay[i] += cut - s;
      s = cut;
      i++;
    }
  }
}
