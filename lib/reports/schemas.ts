/**
 * Input schemas of the reports (zod). The only definition of what a report request may ask for:
 * the JSON API validates its query string with them, and the report page adapts its form to the
 * same schema, so both doors accept and refuse the same inputs.
 *
 * @module
 */

import { z } from "zod";
import { id, localDate, parsePlainDate } from "../validation.ts";
import { MAX_REPORT_DAYS } from "./hours.ts";

/** Days from `from` to `to`, or null when either is not a date (reported by its own field). */
function daysBetween(from: string, to: string): number | null {
  const a = parsePlainDate(from);
  const b = parsePlainDate(to);
  return a && b ? a.until(b, { largestUnit: "days" }).days : null;
}

/**
 * The hours report: local dates `from` and `to`, both inclusive, inside the shared date window
 * (2000–2099), `from ≤ to`, at most {@linkcode MAX_REPORT_DAYS} days; optionally one member.
 *
 * @example
 * ```ts
 * hoursReportInput.parse({ from: "2026-11-09", to: "2026-11-15" });
 * hoursReportInput.safeParse({ from: "1990-01-01", to: "1990-01-31" }).success; // false
 * ```
 */
export const hoursReportInput = z.strictObject({
  from: localDate,
  to: localDate,
  userId: id.optional(),
})
  .refine((q) => (daysBetween(q.from, q.to) ?? 0) >= 0, {
    message: "choose a day on or after the start (from)",
    path: ["to"],
  })
  .refine((q) => (daysBetween(q.from, q.to) ?? 0) < MAX_REPORT_DAYS, {
    message: `a report covers at most ${MAX_REPORT_DAYS} days`,
    path: ["to"],
  });

/** A valid hours report request. */
export type HoursReportInput = z.infer<typeof hoursReportInput>;
