/**
 * Time entries as pure data: worked time, validation of intervals and breaks, and the API view.
 * Instants are UTC epoch milliseconds truncated to whole seconds, so every duration is an exact
 * integer number of seconds.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import { OffsetCache, payableEntry } from "../pay/payable.ts";
import type { BreakSettings } from "../settings/schema.ts";

/** A break inside an entry; `end` is null while the break is running. */
export interface Break {
  start: number;
  end: number | null;
  /** Break type id from the organization's settings; none means an unpaid break. */
  typeId?: string | null;
}

/** Where a punch was made, as reported by the device. */
export interface GeoPoint {
  latitude: number;
  longitude: number;
  accuracy: number | null;
}

/** A stored time entry; `end` is null while the member is clocked in. */
export interface TimeEntry {
  id: string;
  userId: string;
  start: number;
  end: number | null;
  breaks: Break[];
  note: string | null;
  locationId: string | null;
  clockInGeo: GeoPoint | null;
  clockOutGeo: GeoPoint | null;
  source: EntrySource;
  createdAt: number;
  updatedAt: number;
}

/**
 * Where an entry came from: the clock (page, island, API), typed in by hand (`manual`), a
 * kiosk by PIN (`kiosk`), or a kiosk's offline punch sent more than a minute late
 * (`kiosk_offline`, `lib/kiosks`).
 */
export type EntrySource = "clock" | "manual" | "kiosk" | "kiosk_offline";

/** The entry as the API shows it. */
export interface EntryView {
  id: string;
  userId: string;
  start: string;
  end: string | null;
  breaks: { start: string; end: string | null; typeId: string | null }[];
  /**
   * Paid worked seconds: the span minus unpaid breaks minus the automatic meal deduction (paid
   * break types count as worked). Never rounded: rounding applies to pay figures only.
   */
  durationSeconds: number;
  /** Seconds of every break, paid or not. */
  breakSeconds: number;
  /** Seconds of unpaid breaks (breaks without a type are unpaid). */
  unpaidBreakSeconds: number;
  /** Seconds deducted automatically for a missed meal break (0 when none). */
  autoDeductSeconds: number;
  note: string | null;
  locationId: string | null;
  clockInGeo: GeoPoint | null;
  clockOutGeo: GeoPoint | null;
  source: EntrySource;
  createdAt: string;
  updatedAt: string;
}

/** Longest entry accepted when created or edited by hand (clocked entries may run longer). */
export const MAX_MANUAL_ENTRY_MS = 7 * 24 * 3600 * 1000;

/** `ms` truncated to the whole second. */
export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Seconds of break inside `entry`, counting a running break up to `now`. */
export function breakSeconds(entry: Pick<TimeEntry, "breaks">, now: number): number {
  let ms = 0;
  for (const b of entry.breaks) ms += (b.end ?? now) - b.start;
  return Math.floor(ms / 1000);
}

/**
 * Worked seconds of `entry`: its span minus its breaks. A running entry or break counts up to
 * `now`.
 *
 * @example
 * ```ts
 * workedSeconds({ start: 0, end: 3_600_000, breaks: [{ start: 600_000, end: 1_200_000 }] }, 0);
 * // 3000
 * ```
 */
export function workedSeconds(
  entry: Pick<TimeEntry, "start" | "end" | "breaks">,
  now: number,
): number {
  const end = entry.end ?? Math.max(now, entry.start);
  return Math.max(0, Math.floor((end - entry.start) / 1000) - breakSeconds(entry, end));
}

/** What the entry view needs of the organization's settings: its break rules. */
export interface EntryViewRules {
  breaks: BreakSettings;
}

/** Rules used when a caller has no settings at hand: every break unpaid, no deduction. */
const NO_RULES: EntryViewRules = {
  breaks: {
    types: [],
    autoDeduct: { enabled: false, afterWorkedSeconds: 0, deductSeconds: 60 },
  },
};

const NO_ROUNDING = { mode: "none", incrementMinutes: 1 } as const;
const UTC_OFFSETS = new OffsetCache("UTC");

/**
 * Paid worked seconds of `entry` and how they were reached, by the organization's break rules:
 * span − unpaid breaks − automatic meal deduction, with the real punches (no rounding). A running
 * entry counts up to `now`.
 *
 * @example
 * ```ts
 * // 8 h shift with a 30 min unpaid meal and a 15 min paid rest break:
 * paidTime(entry, now, { breaks: settings.breaks }); // { workedSeconds: 27000, unpaidBreakSeconds: 1800, autoDeductSeconds: 0 }
 * ```
 */
export function paidTime(
  entry: Pick<TimeEntry, "start" | "end" | "breaks">,
  now: number,
  rules: EntryViewRules = NO_RULES,
): { workedSeconds: number; unpaidBreakSeconds: number; autoDeductSeconds: number } {
  const p = payableEntry(entry, now, { rounding: NO_ROUNDING, breaks: rules.breaks }, UTC_OFFSETS);
  const paidMs = p.intervals.reduce((s, iv) => s + (iv.end - iv.start), 0);
  const spanSeconds = Math.floor((p.end - p.start) / 1000);
  const workedSeconds = Math.max(0, Math.floor(paidMs / 1000));
  return {
    workedSeconds,
    unpaidBreakSeconds: Math.max(0, spanSeconds - workedSeconds - p.autoDeductSeconds),
    autoDeductSeconds: p.autoDeductSeconds,
  };
}

/**
 * The API view of `entry` at time `now`. With the organization's break `rules`, paid break types
 * count as worked and the automatic meal deduction is applied (and shown); without them every
 * break is unpaid and nothing is deducted.
 */
export function viewEntry(entry: TimeEntry, now: number, rules?: EntryViewRules): EntryView {
  const iso = (ms: number) => new Date(ms).toISOString();
  const end = entry.end ?? Math.max(now, entry.start);
  const r = rules ?? NO_RULES;
  const paid = paidTime(entry, now, r);
  return {
    id: entry.id,
    userId: entry.userId,
    start: iso(entry.start),
    end: entry.end === null ? null : iso(entry.end),
    breaks: entry.breaks.map((b) => ({
      start: iso(b.start),
      end: b.end === null ? null : iso(b.end),
      typeId: b.typeId ?? null,
    })),
    durationSeconds: paid.workedSeconds,
    breakSeconds: breakSeconds(entry, end),
    unpaidBreakSeconds: paid.unpaidBreakSeconds,
    autoDeductSeconds: paid.autoDeductSeconds,
    note: entry.note,
    locationId: entry.locationId,
    clockInGeo: entry.clockInGeo,
    clockOutGeo: entry.clockOutGeo,
    source: entry.source,
    createdAt: iso(entry.createdAt),
    updatedAt: iso(entry.updatedAt),
  };
}

function invalid(message: string, details?: unknown): DomainError {
  return new DomainError("invalid", "invalid_interval", message, details);
}

/**
 * Check the shape of an entry's interval and breaks; throws `invalid_interval` with the reason.
 * `now` bounds the future: nothing may end (or start) after it.
 */
export function validateTimes(
  entry: Pick<TimeEntry, "start" | "end" | "breaks">,
  now: number,
  options: { manual: boolean },
): void {
  const { start, end, breaks } = entry;
  if (start > now) throw invalid("start is in the future");
  if (end !== null) {
    if (end <= start) throw invalid("end must be after start");
    if (end > now) throw invalid("end is in the future");
    if (options.manual && end - start > MAX_MANUAL_ENTRY_MS) {
      throw invalid("an entry may last at most 7 days");
    }
  }
  let cursor = start;
  breaks.forEach((b, i) => {
    const last = i === breaks.length - 1;
    if (b.start < cursor) {
      throw invalid("breaks must be in order, inside the entry, not overlapping", { break: i });
    }
    if (b.end === null) {
      if (!last || end !== null) {
        throw invalid("only the last break of a running entry may be open", { break: i });
      }
      if (b.start > now) throw invalid("break starts in the future", { break: i });
    } else {
      if (b.end <= b.start) throw invalid("break end must be after its start", { break: i });
      if (end !== null && b.end > end) {
        throw invalid("break must end before the entry ends", { break: i });
      }
      if (b.end > now) throw invalid("break ends in the future", { break: i });
      cursor = b.end;
    }
  });
}

/** True when the half-open intervals [aStart,aEnd) and [bStart,bEnd) overlap. */
export function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart < aEnd;
}
