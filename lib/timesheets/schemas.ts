/**
 * Input schemas of the timesheet use cases (zod): the only definition of what a timesheet
 * request may carry. The JSON API validates query strings and bodies with them; the timesheet
 * pages adapt their query and form strings (empty → absent) to the same schemas. Dates use the
 * shared window (`localDate`, 2000–2099).
 *
 * @module
 */

import { z } from "zod";
import { id, localDate, paging, reason } from "../validation.ts";

/** The most timesheets one bulk approval may name. */
export const MAX_BULK_APPROVAL = 1000;

/** A timesheet id as sent (`<periodStart>.<userId>`; anything else is simply not found). */
export const timesheetRef = z.string().max(100);

/** `GET …/timesheets?date=[&userId=]`: the pay period containing `date`. */
export const timesheetListInput = z.strictObject({ userId: id.optional(), date: localDate });

/** The timesheet list's query. */
export type TimesheetListInput = z.infer<typeof timesheetListInput>;

/** `GET …/timesheets/{id}/history` query. */
export const timesheetHistoryQuery = z.strictObject(paging);

/** Body of submit and approve: nothing. */
export const emptyBody = z.strictObject({});

/**
 * Body of reject and reopen: an optional `reason` (rejecting requires one; the use case says so
 * once it knows the timesheet exists and may be seen, so another tenant's id is 404, never 400).
 */
export const reasonBody = z.strictObject({ reason: reason.optional() });

/** A workflow action on one timesheet. */
export const timesheetActionInput = z.strictObject({
  timesheetId: timesheetRef,
  action: z.enum(["submit", "approve", "reject", "reopen"]),
  reason: reason.optional(),
});

/** A workflow action on one timesheet. */
export type TimesheetActionInput = z.infer<typeof timesheetActionInput>;

/** The pages' period (`date` absent: today in the organization) and member (absent: oneself). */
export const timesheetPageInput = z.strictObject({
  date: localDate.optional(),
  userId: id.optional(),
});

/** The pages' period and member. */
export type TimesheetPageInput = z.infer<typeof timesheetPageInput>;

/** The team review of a pay period (`date` absent: today). */
export const timesheetReviewInput = z.strictObject({ date: localDate.optional() });

/** The team review of a pay period. */
export type TimesheetReviewInput = z.infer<typeof timesheetReviewInput>;

/**
 * The review page's bulk approval: the checked timesheets (`ids`), or `all: "submitted"` for
 * every submitted timesheet of the period containing `date` that the actor may approve.
 */
export const bulkApprovalInput = z.strictObject({
  date: localDate.optional(),
  ids: z.array(timesheetRef).max(MAX_BULK_APPROVAL, `select at most ${MAX_BULK_APPROVAL}`)
    .default([]),
  all: z.literal("submitted").optional(),
});

/** A bulk approval. */
export type BulkApprovalInput = z.infer<typeof bulkApprovalInput>;
