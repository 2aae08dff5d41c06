/**
 * Input schemas of exports and the report schedule (zod): the one definition of what a request
 * may ask for. The JSON API and the exports page both validate with these.
 *
 * @module
 */

import { z } from "zod";
import { id, localDate, parsePlainDate } from "../validation.ts";
import { EXPORT_FORMATS } from "../billing/plans.ts";
import { PAYROLL_PRESETS } from "./sources/payroll.ts";
import { EXPORT_KINDS, MAX_EXPORT_DAYS } from "./model.ts";

/** Days from `from` to `to`, or null when either is not a date (reported by its own field). */
function daysBetween(from: string, to: string): number | null {
  const a = parsePlainDate(from);
  const b = parsePlainDate(to);
  return a && b ? a.until(b, { largestUnit: "days" }).days : null;
}

/**
 * A new export: `kind`, `format`, local dates `from` ≤ `to` (inclusive, in the shared date
 * window, at most {@linkcode MAX_EXPORT_DAYS} days), optionally one member (`userId`), a payroll
 * `preset` (payroll only) and a byte order mark for Excel (`bom`, CSV only). Whether the format
 * suits the kind (PDF: hours reports and timesheets) and the plan is the use case's decision
 * (422 / 403), not a shape error.
 *
 * @example
 * ```ts
 * createExportInput.parse({ kind: "time_entries", format: "csv", from: "2026-11-01", to: "2026-11-30" });
 * ```
 */
export const createExportInput = z.strictObject({
  kind: z.enum(EXPORT_KINDS),
  format: z.enum(EXPORT_FORMATS),
  from: localDate,
  to: localDate,
  userId: id.optional(),
  preset: z.enum(PAYROLL_PRESETS).optional(),
  bom: z.boolean().optional(),
})
  .refine((q) => (daysBetween(q.from, q.to) ?? 0) >= 0, {
    message: "choose a day on or after the start (from)",
    path: ["to"],
  })
  .refine((q) => (daysBetween(q.from, q.to) ?? 0) < MAX_EXPORT_DAYS, {
    message: `an export covers at most ${MAX_EXPORT_DAYS} days`,
    path: ["to"],
  })
  .refine((q) => q.preset === undefined || q.kind === "payroll", {
    message: "a preset applies to payroll exports only",
    path: ["preset"],
  });

/** A valid export request. */
export type CreateExportInput = z.infer<typeof createExportInput>;

/** One export by id. */
export const exportIdInput = z.strictObject({ id });

/** The recent exports: at most `limit` (default 20), newest first. */
export const listExportsInput = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Kinds a schedule may mail (a schedule acts for the organization, not one member). */
export const SCHEDULE_KINDS = ["hours_report", "payroll", "timesheets"] as const;
/** How often a scheduled report runs. */
export const CADENCES = ["weekly", "pay_period"] as const;
/** Who receives a scheduled report. */
export const RECIPIENTS = ["admins", "admins_and_managers"] as const;

/**
 * The report schedule: on or off, what to export (`kind`, `format`, payroll `preset`), when
 * (`weekly`: each finished workweek; `pay_period`: each finished pay period) and to whom.
 */
export const reportScheduleInput = z.strictObject({
  enabled: z.boolean(),
  kind: z.enum(SCHEDULE_KINDS),
  format: z.enum(EXPORT_FORMATS),
  preset: z.enum(PAYROLL_PRESETS).nullable().default(null),
  cadence: z.enum(CADENCES),
  recipients: z.enum(RECIPIENTS),
}).refine((s) => s.preset === null || s.kind === "payroll", {
  message: "a preset applies to payroll exports only",
  path: ["preset"],
});

/** A valid report schedule. */
export type ReportScheduleInput = z.infer<typeof reportScheduleInput>;
