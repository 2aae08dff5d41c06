/**
 * PTO requests as data: the stored shape, the days a request counts, its API view, and the
 * pure rules (which dates count, how many seconds, whether two requests overlap). No storage.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { PtoType, Settings } from "../settings/schema.ts";
import { PTO_STATUSES } from "./statuses.ts";

export { PTO_STATUSES };

/** Where a request is in its life. */
export type PtoStatus = (typeof PTO_STATUSES)[number];

/** A time-off request as stored. Dates are the organization's local dates, `YYYY-MM-DD`. */
export interface PtoRequest {
  id: string;
  userId: string;
  typeId: string;
  /** First date (inclusive). */
  startDate: string;
  /** Last date (inclusive). */
  endDate: string;
  /** Whether Saturdays and Sundays count. */
  includeWeekends: boolean;
  /** Seconds per counted day; null means full days at the type's `hoursPerDaySeconds`. */
  secondsPerDay: number | null;
  /** The dates counted, in order. */
  days: string[];
  /** Seconds counted on each of `days`. */
  daySeconds: number;
  /** `days.length × daySeconds`. */
  totalSeconds: number;
  /** Whether the type was paid when the request was made (refreshed on approval). */
  paid: boolean;
  note: string | null;
  status: PtoStatus;
  /** Who filed it (the member or a manager for them). */
  createdBy: string;
  createdAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  /** The reason of a rejection (approvals have none). */
  decisionReason: string | null;
  cancelledBy: string | null;
  cancelledAt: number | null;
  cancelReason: string | null;
}

/** A request as the API shows it. */
export interface PtoRequestView {
  id: string;
  userId: string;
  typeId: string;
  startDate: string;
  endDate: string;
  includeWeekends: boolean;
  secondsPerDay: number | null;
  days: string[];
  totalSeconds: number;
  note: string | null;
  status: PtoStatus;
  createdBy: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  cancelledBy: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}

const isoOf = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The API view of a request. */
export function viewRequest(r: PtoRequest): PtoRequestView {
  return {
    id: r.id,
    userId: r.userId,
    typeId: r.typeId,
    startDate: r.startDate,
    endDate: r.endDate,
    includeWeekends: r.includeWeekends,
    secondsPerDay: r.secondsPerDay,
    days: r.days,
    totalSeconds: r.totalSeconds,
    note: r.note,
    status: r.status,
    createdBy: r.createdBy,
    createdAt: isoOf(r.createdAt)!,
    decidedBy: r.decidedBy,
    decidedAt: isoOf(r.decidedAt),
    decisionReason: r.decisionReason,
    cancelledBy: r.cancelledBy,
    cancelledAt: isoOf(r.cancelledAt),
    cancelReason: r.cancelReason,
  };
}

/**
 * The dates of `[start, end]` a request counts: every date, or only Monday to Friday unless
 * `includeWeekends`.
 *
 * @example
 * ```ts
 * countedDays(Temporal.PlainDate.from("2026-11-06"), Temporal.PlainDate.from("2026-11-09"), false);
 * // ["2026-11-06", "2026-11-09"] (Friday and Monday)
 * ```
 */
export function countedDays(
  start: Temporal.PlainDate,
  end: Temporal.PlainDate,
  includeWeekends: boolean,
): string[] {
  const out: string[] = [];
  for (let d = start; Temporal.PlainDate.compare(d, end) <= 0; d = d.add({ days: 1 })) {
    if (includeWeekends || d.dayOfWeek <= 5) out.push(d.toString());
  }
  return out;
}

/** The PTO type `typeId` of the settings, or 400 `unknown_pto_type`. */
export function requireType(settings: Settings, typeId: string): PtoType {
  const type = settings.pto.types.find((t) => t.id === typeId);
  if (!type) {
    throw new DomainError("invalid", "unknown_pto_type", "No such time-off type", {
      typeId,
      known: settings.pto.types.map((t) => t.id),
    });
  }
  return type;
}

/** What a member asks for. */
export interface RequestInput {
  typeId: string;
  startDate: string;
  endDate: string;
  /** Null or absent: full days. */
  secondsPerDay?: number | null;
  includeWeekends?: boolean;
  note?: string | null;
}

/** The counted part of a request: its days and seconds. */
export interface RequestPlan {
  type: PtoType;
  days: string[];
  daySeconds: number;
  totalSeconds: number;
}

function invalidField(path: string, message: string): DomainError {
  return new DomainError("invalid", "validation_failed", "Some fields are missing or invalid", [
    { path, message },
  ]);
}

/**
 * Check `input` (already valid by `requestInput`: dates in order, in the window, and at most
 * `MAX_REQUEST_SPAN_DAYS` apart) against the settings and count it: the type must exist (400
 * `unknown_pto_type`), a partial day at most the type's full day (400 `validation_failed` on
 * `secondsPerDay`), and at least one date must count (400 `no_pto_days`).
 */
export function planRequest(settings: Settings, input: RequestInput): RequestPlan {
  const type = requireType(settings, input.typeId);
  const start = Temporal.PlainDate.from(input.startDate);
  const end = Temporal.PlainDate.from(input.endDate);
  const secondsPerDay = input.secondsPerDay ?? null;
  if (secondsPerDay !== null && secondsPerDay > type.hoursPerDaySeconds) {
    throw invalidField(
      "secondsPerDay",
      `a partial day is at most a full day (${type.hoursPerDaySeconds / 3600} h for ${type.name})`,
    );
  }
  const days = countedDays(start, end, input.includeWeekends ?? false);
  if (days.length === 0) {
    throw new DomainError(
      "invalid",
      "no_pto_days",
      "These dates contain no working day: weekends count only when you include them",
      { startDate: input.startDate, endDate: input.endDate },
    );
  }
  const daySeconds = secondsPerDay ?? type.hoursPerDaySeconds;
  return { type, days, daySeconds, totalSeconds: daySeconds * days.length };
}

/** True when the inclusive date ranges of `a` and `b` share a date. */
export function datesOverlap(
  a: { startDate: string; endDate: string },
  b: { startDate: string; endDate: string },
): boolean {
  return a.startDate <= b.endDate && b.startDate <= a.endDate;
}

/** True while a request holds its dates (pending or approved). */
export function isActive(r: { status: PtoStatus }): boolean {
  return r.status === "pending" || r.status === "approved";
}
