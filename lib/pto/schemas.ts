/**
 * The input schemas of the time-off use cases: the only definition of PTO's bounds (request
 * length, reason and note length, adjustment size, calendar range) and of its dates (the shared
 * window of `lib/validation.ts`). The JSON API validates bodies and queries with them; the pages
 * adapt their form strings to them.
 *
 * @module
 */

import { z } from "zod";
import { id, localDate, note, paging, reason } from "../validation.ts";
import { PTO_STATUSES } from "./statuses.ts";

/** The longest request: its last date at most this many days after its first. */
export const MAX_REQUEST_SPAN_DAYS = 365;

/** The largest manual adjustment, either way: 10,000 hours. */
export const MAX_ADJUSTMENT_SECONDS = 10_000 * 3600;

/** The longest calendar range: `to` at most this many days after `from` (`teamCalendar`). */
export const MAX_CALENDAR_DAYS = 92;

/** A PTO type id. */
export const ptoTypeId = z.string().regex(/^[a-z0-9_-]{1,32}$/, "not a time-off type id");

/** A local date of a request or a filter (the shared date window). */
export const ptoDate = localDate;

const daysBetween = (from: string, to: string) =>
  Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: "days" }).days;

const validDate = (s: string) => ptoDate.safeParse(s).success;

/** A request for time off (by the member, or by a manager for `userId`). */
export const requestInput = z.strictObject({
  userId: id.optional(),
  typeId: ptoTypeId,
  startDate: ptoDate,
  endDate: ptoDate,
  /** Seconds per counted day; null or absent: full days. */
  secondsPerDay: z.number().int().min(60).max(24 * 3600).nullable().optional(),
  includeWeekends: z.boolean().optional(),
  note: note.optional(),
}).superRefine((r, ctx) => {
  if (!validDate(r.startDate) || !validDate(r.endDate)) return;
  const span = daysBetween(r.startDate, r.endDate);
  if (span < 0) {
    ctx.addIssue({
      code: "custom",
      path: ["endDate"],
      message: "the last day must not be before the first",
    });
  } else if (span > MAX_REQUEST_SPAN_DAYS) {
    ctx.addIssue({
      code: "custom",
      path: ["endDate"],
      message: `a request spans at most ${MAX_REQUEST_SPAN_DAYS + 1} days`,
    });
  }
});
/** Input of `requestTimeOff`. */
export type RequestTimeOffInput = z.infer<typeof requestInput>;

/** A manual balance correction (managers and admins, never their own). */
export const adjustmentInput = z.strictObject({
  userId: id,
  typeId: ptoTypeId,
  /** Signed: positive adds to the balance. */
  seconds: z.number().int().min(-MAX_ADJUSTMENT_SECONDS).max(MAX_ADJUSTMENT_SECONDS)
    .refine((s) => s !== 0, "not zero"),
  reason,
});
/** Input of `adjustBalance`. */
export type AdjustmentInput = z.infer<typeof adjustmentInput>;

/**
 * The request id of a decision's input, read first (the rest of the input is validated once the
 * request is found, so another tenant's id is 404 whatever else was sent).
 */
export const requestIdOf = z.object({ requestId: z.string().max(64) });

/** Names one request. */
export const requestRef = z.strictObject({ requestId: z.string().max(64) });

/** Approving a request: nothing but its id. */
export const approveInput = requestRef;

/** Rejecting a request needs a reason. */
export const rejectInput = z.strictObject({ requestId: z.string().max(64), reason });

/** Cancelling a request may give a reason. */
export const cancelInput = z.strictObject({
  requestId: z.string().max(64),
  reason: reason.nullable().optional(),
});

/** A JSON body that is an object (its fields are the use case's to validate). */
export const jsonObject = z.record(z.string(), z.unknown());

const ordered = <T extends { from?: string; to?: string }>(q: T) =>
  !q.from || !q.to || !validDate(q.from) || !validDate(q.to) || q.from <= q.to;

/** Filters of the request list. */
export const listRequestsInput = z.strictObject({
  userId: id.optional(),
  status: z.enum(PTO_STATUSES).optional(),
  from: ptoDate.optional(),
  to: ptoDate.optional(),
  ...paging,
}).refine(ordered, { message: "from must not be after to", path: ["to"] });
/** Input of `listTimeOffRequests`. */
export type ListRequestsInput = z.infer<typeof listRequestsInput>;

/** Whose balances: the caller's by default. */
export const balancesInput = z.strictObject({ userId: id.optional() });

/** One type's ledger: the caller's by default. */
export const ledgerInput = z.strictObject({ userId: id.optional(), typeId: ptoTypeId });

/** The calendar's range (default: the current month, or a month from `from`). */
export const calendarInput = z.strictObject({ from: ptoDate.optional(), to: ptoDate.optional() })
  .refine(ordered, { message: "from must not be after to", path: ["to"] });
/** Input of `teamCalendarOf`. */
export type CalendarInput = z.infer<typeof calendarInput>;

/** The time-off page's month, `YYYY-MM` in the date window. */
export const monthInput = z.string().regex(/^\d{4}-\d{2}$/, "give the month as YYYY-MM")
  .refine((m) => validDate(`${m}-01`), "give the month as YYYY-MM (2000–2099)");
