/**
 * From a time entry to the intervals that are paid: punches rounded per the organization's
 * rounding rule (in local wall-clock time; the real punches stay stored and shown), unpaid breaks
 * taken out, paid breaks kept, and the automatic meal-break deduction applied when a long shift
 * has no break at all.
 *
 * @module
 */

import type { BreakSettings, RoundingSettings } from "../settings/schema.ts";
import type { WorkInterval } from "../overtime/engine.ts";

/** What the pay rules need of an entry (a `TimeEntry` fits). */
export interface PunchedEntry {
  start: number;
  end: number | null;
  breaks: { start: number; end: number | null; typeId?: string | null }[];
}

/** Offsets of a time zone, cached per hour so long reports make few time-zone look-ups. */
export class OffsetCache {
  #byHour = new Map<number, number>();
  constructor(readonly timeZone: string) {}

  /** UTC offset in ms at instant `ms`. */
  offsetAt(ms: number): number {
    const hour = Math.floor(ms / 3_600_000);
    let off = this.#byHour.get(hour);
    if (off === undefined) {
      const zdt = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(this.timeZone);
      off = zdt.offsetNanoseconds / 1e6;
      this.#byHour.set(hour, off);
    }
    return off;
  }
}

/**
 * Round instant `ms` to the rule's increment in local wall-clock time.
 *
 * @example
 * ```ts
 * // 08:07:29 → 08:00, 08:07:30 → 08:15 with 15-minute "nearest" rounding.
 * roundPunch(Date.UTC(2026, 0, 5, 8, 7, 30), { mode: "nearest", incrementMinutes: 15 }, new OffsetCache("UTC"));
 * ```
 */
export function roundPunch(ms: number, rule: RoundingSettings, offsets: OffsetCache): number {
  if (rule.mode === "none") return ms;
  const step = rule.incrementMinutes * 60_000;
  const offset = offsets.offsetAt(ms);
  const local = ms + offset;
  const below = Math.floor(local / step) * step;
  let rounded = below;
  if (rule.mode === "up") rounded = local === below ? below : below + step;
  else if (rule.mode === "nearest") rounded = local - below >= step / 2 ? below + step : below;
  return rounded - offset;
}

/** The paid time of one entry. */
export interface PayableEntry {
  /** Rounded start and end used for pay (equal to the punches when rounding is off). */
  start: number;
  end: number;
  /** Worked intervals, unpaid breaks and the automatic deduction taken out. */
  intervals: WorkInterval[];
  /** Seconds deducted automatically for a missed meal break (0 when none). */
  autoDeductSeconds: number;
}

/**
 * Paid intervals of `entry`. A running entry counts up to `now`.
 * `isPaidBreak(typeId)` tells paid break types; breaks without a type are unpaid.
 */
export function payableEntry(
  entry: PunchedEntry,
  now: number,
  rules: { rounding: RoundingSettings; breaks: BreakSettings },
  offsets: OffsetCache,
): PayableEntry {
  const start = roundPunch(entry.start, rules.rounding, offsets);
  const rawEnd = entry.end ?? Math.max(now, entry.start);
  const end = Math.max(
    start,
    entry.end === null ? rawEnd : roundPunch(rawEnd, rules.rounding, offsets),
  );
  const paidTypes = new Set(rules.breaks.types.filter((t) => t.paid).map((t) => t.id));
  const unpaid: WorkInterval[] = [];
  for (const b of entry.breaks) {
    if (b.typeId && paidTypes.has(b.typeId)) continue;
    const bs = Math.max(start, b.start);
    const be = Math.min(end, b.end ?? rawEnd);
    if (be > bs) unpaid.push({ start: bs, end: be });
  }
  let intervals = subtract({ start, end }, unpaid);
  let autoDeductSeconds = 0;
  const auto = rules.breaks.autoDeduct;
  const worked = intervals.reduce((s, iv) => s + (iv.end - iv.start), 0) / 1000;
  if (auto.enabled && entry.breaks.length === 0 && worked > auto.afterWorkedSeconds) {
    autoDeductSeconds = Math.min(auto.deductSeconds, Math.floor(worked));
    const mid = start + Math.floor((end - start) / 2000) * 1000;
    const half = Math.floor(autoDeductSeconds / 2) * 1000;
    const deduction = { start: mid - half, end: mid - half + autoDeductSeconds * 1000 };
    intervals = subtract({ start, end }, [deduction]);
  }
  return { start, end, intervals, autoDeductSeconds };
}

/** `whole` minus the (sorted or not, non-overlapping) `holes`. */
function subtract(whole: WorkInterval, holes: WorkInterval[]): WorkInterval[] {
  const out: WorkInterval[] = [];
  let cursor = whole.start;
  for (const h of [...holes].sort((a, b) => a.start - b.start)) {
    if (h.start > cursor) out.push({ start: cursor, end: Math.min(h.start, whole.end) });
    cursor = Math.max(cursor, h.end);
  }
  if (cursor < whole.end) out.push({ start: cursor, end: whole.end });
  return out.filter((iv) => iv.end > iv.start);
}

/** Paid seconds of a payable entry. */
export function paidSeconds(p: PayableEntry): number {
  return p.intervals.reduce((s, iv) => s + (iv.end - iv.start), 0) / 1000;
}
