/**
 * Timesheets: the pay period's timesheets (employees: their own), one timesheet with its days
 * and entries, its history, and the workflow (submit, approve, reject, reopen). The workflow needs
 * the plan's `timesheetApproval` (403 `feature_not_in_plan` / `feature_disabled`); reading never
 * does. Without `overtimeRules`, totals are computed with the overtime preset `none`.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { id, localDate, paging, reason } from "./schemas.ts";
import { entitlements, requireFeature } from "../middleware/plan.ts";
import { enabled } from "../../lib/billing/entitlements.ts";
import { DomainError, notFound } from "../../lib/errors.ts";
import { decodeCursorParam } from "../../lib/kv/mod.ts";
import { isManager } from "../../lib/members/members.ts";
import {
  actOnTimesheet,
  getTimesheet,
  listTimesheets,
  type TimesheetAction,
  timesheetHistory,
  timesheetOwner,
} from "../../lib/timesheets/timesheets.ts";

const listQuery = z.strictObject({ userId: id.optional(), date: localDate });
const historyQuery = z.strictObject(paging);
const BODIES: Record<TimesheetAction, z.ZodType<{ reason?: string | null }>> = {
  submit: z.strictObject({}),
  approve: z.strictObject({}),
  reject: z.strictObject({ reason }),
  reopen: z.strictObject({ reason: reason.optional() }),
};

/** The owner of timesheet `:timesheetId` if the caller may see it (employees: own); else 404. */
async function visibleOwner(c: AppContext): Promise<string> {
  const { scope, membership } = c.get("org");
  const owner = await timesheetOwner(scope, c.req.param("timesheetId") ?? "");
  if (!isManager(membership.role) && owner !== membership.userId) throw notFound("timesheet");
  return owner;
}

/** The pay options of the request's plan. */
function payOptions(c: AppContext) {
  return { overtimeRules: enabled(entitlements(c), "overtimeRules") };
}

function transition(action: TimesheetAction) {
  return async (c: AppContext) => {
    await visibleOwner(c);
    const body = await readJson(c, BODIES[action]);
    const { scope, membership } = c.get("org");
    const sheet = await actOnTimesheet(
      scope,
      { userId: membership.userId, role: membership.role },
      c.req.param("timesheetId") ?? "",
      action,
      body.reason ?? null,
      c.get("deps").now(),
      payOptions(c),
    );
    return c.json(sheet);
  };
}

/** Routes mounted at `/api/v1/orgs/:orgId/timesheets` (after `requireOrg`). */
export const timesheetsApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = readQuery(c, listQuery);
    const { scope, membership } = c.get("org");
    let userId = q.userId ?? null;
    if (!isManager(membership.role)) {
      if (userId && userId !== membership.userId) {
        throw new DomainError(
          "forbidden",
          "forbidden",
          "Employees can see only their own timesheet",
        );
      }
      userId = membership.userId;
    }
    const { data } = await listTimesheets(scope, {
      date: Temporal.PlainDate.from(q.date),
      userId,
      now: c.get("deps").now(),
      ...payOptions(c),
    });
    return c.json({ data });
  })
  .get("/:timesheetId", async (c) => {
    await visibleOwner(c);
    const { scope } = c.get("org");
    return c.json(
      await getTimesheet(
        scope,
        c.req.param("timesheetId"),
        c.get("deps").now(),
        payOptions(c),
      ),
    );
  })
  .get("/:timesheetId/history", async (c) => {
    await visibleOwner(c);
    const q = readQuery(c, historyQuery);
    return c.json(
      await timesheetHistory(c.get("org").scope, c.req.param("timesheetId"), {
        limit: q.limit,
        cursor: decodeCursorParam(q.cursor),
      }),
    );
  })
  .post("/:timesheetId/submit", requireFeature("timesheetApproval"), transition("submit"))
  .post("/:timesheetId/approve", requireFeature("timesheetApproval"), transition("approve"))
  .post("/:timesheetId/reject", requireFeature("timesheetApproval"), transition("reject"))
  .post("/:timesheetId/reopen", requireFeature("timesheetApproval"), transition("reopen"));
