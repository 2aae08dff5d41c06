/**
 * Reports: hours per member over local dates, with regular, overtime, double-time and PTO
 * seconds and gross pay. Managers and admins see everyone; employees may ask for themselves.
 * Needs the plan's `customReports` (403 `feature_not_in_plan` / `feature_disabled`); without
 * `overtimeRules`, hours are reported with the overtime preset `none`.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readQuery } from "../middleware/body.ts";
import { id, localDate } from "./schemas.ts";
import { entitlements, requireFeature } from "../middleware/plan.ts";
import { enabled } from "../../lib/billing/entitlements.ts";
import { DomainError } from "../../lib/errors.ts";
import { isManager } from "../../lib/members/members.ts";
import { parseLocalDate } from "../../lib/time/week.ts";
import { hoursReport, hoursRow, MAX_REPORT_DAYS } from "../../lib/reports/hours.ts";

/** Days from `from` to `to`, or null when either is not a date (reported by its own field). */
function daysBetween(from: string, to: string): number | null {
  const a = parseLocalDate(from);
  const b = parseLocalDate(to);
  return a && b ? a.until(b, { largestUnit: "days" }).days : null;
}

/** Query of the hours report: local dates, both inclusive, at most 366 days. */
export const hoursQuery = z.strictObject({ from: localDate, to: localDate, userId: id.optional() })
  .refine((q) => (daysBetween(q.from, q.to) ?? 0) >= 0, {
    message: "from must not be after to",
    path: ["to"],
  })
  .refine((q) => (daysBetween(q.from, q.to) ?? 0) < MAX_REPORT_DAYS, {
    message: `a report covers at most ${MAX_REPORT_DAYS} days`,
    path: ["to"],
  });

/** Routes mounted at `/api/v1/orgs/:orgId/reports` (after `requireOrg`). */
export const reportsApi = new Hono<AppEnv>()
  .use("*", requireFeature("customReports"))
  .get("/hours", async (c) => {
    const q = readQuery(c, hoursQuery);
    const { scope, membership } = c.get("org");
    if (!isManager(membership.role) && q.userId !== membership.userId) {
      throw new DomainError(
        "forbidden",
        "forbidden",
        "Employees can see only their own hours (add userId=<your id>)",
      );
    }
    const report = await hoursReport(scope, {
      from: Temporal.PlainDate.from(q.from),
      to: Temporal.PlainDate.from(q.to),
      userIds: q.userId ? [q.userId] : null,
      now: c.get("deps").now(),
      overtimeRules: enabled(entitlements(c), "overtimeRules"),
    });
    return c.json({ data: report.members.map(hoursRow) });
  });
