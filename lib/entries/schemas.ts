/**
 * Input schemas of the time-entry use cases (`use_cases.ts`). The JSON API validates bodies and
 * queries with them; the correction forms adapt their strings to the same schemas. Objects are
 * strict: unknown fields are refused.
 *
 * @module
 */

import { z } from "zod";
import { id, instant, localDate, note, paging, reason } from "../validation.ts";

/** A break type id (one of the organization's `breaks.types`, checked by the use case). */
export const breakTypeId = z.string().regex(/^[a-z0-9_-]{1,32}$/, "not a break type id");

/** Breaks typed in by hand (at most 20 per entry). */
export const breaksInput = z.array(
  z.strictObject({ start: instant, end: instant, typeId: breakTypeId.nullable().optional() }),
).max(20);

/** Body creating an entry (a correction: always with a reason). */
export const entryBody = z.strictObject({
  userId: id,
  start: instant,
  end: instant,
  breaks: breaksInput.optional(),
  note: note.optional(),
  reason,
});

/** Body editing an entry. */
export const entryPatch = z.strictObject({
  start: instant.optional(),
  end: instant.optional(),
  breaks: breaksInput.optional(),
  note: note.optional(),
  reason,
});

/** Body deleting an entry. */
export const entryDelete = z.strictObject({ reason });

/** Query of the entry list: entries starting in [from, to). */
export const entryQuery = z.strictObject({
  userId: id.optional(),
  from: instant.optional(),
  to: instant.optional(),
  ...paging,
}).refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
  message: "from must be before to",
  path: ["to"],
});

/** Query of an entry's history. */
export const entryHistoryQuery = z.strictObject(paging);

/** Which week to show: a member's (default: one's own) around a local date (default: today). */
export const weekQuery = z.strictObject({ userId: id.optional(), date: localDate.optional() });

/** A new entry, as validated. */
export type EntryBody = z.infer<typeof entryBody>;
/** Changes to an entry, as validated. */
export type EntryPatchBody = z.infer<typeof entryPatch>;
/** The entry list's filters, as validated. */
export type EntryQueryInput = z.infer<typeof entryQuery>;
/** The week asked for, as validated. */
export type WeekQuery = z.infer<typeof weekQuery>;
