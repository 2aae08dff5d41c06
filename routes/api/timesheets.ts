/**
 * Timesheets: the pay period's timesheets (employees: their own), one timesheet with its days
 * and entries, its history, and the workflow (submit, approve, reject, reopen). The routes parse
 * with `lib/timesheets/schemas.ts` and call the use cases (`lib/timesheets/use_cases.ts`), which
 * decide access, the plan's `timesheetApproval` (workflow only) and `overtimeRules` (pay rules).
 *
 * @module
 */

import { Hono } from "hono";
import type { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import {
  emptyBody,
  reasonBody,
  timesheetHistoryQuery,
  timesheetListInput,
} from "../../lib/timesheets/schemas.ts";
import {
  getTimesheetUseCase,
  listTimesheetsUseCase,
  timesheetHistoryUseCase,
  timesheetTransitionUseCase,
} from "../../lib/timesheets/use_cases.ts";
import type { TimesheetAction } from "../../lib/timesheets/timesheets.ts";

const BODIES: Record<TimesheetAction, z.ZodType<{ reason?: string }>> = {
  submit: emptyBody,
  approve: emptyBody,
  reject: reasonBody,
  reopen: reasonBody,
};

function transition(action: TimesheetAction) {
  return async (c: AppContext) => {
    const body = await readJson(c, BODIES[action]);
    const ctx = requestContext(c);
    const timesheetId = c.req.param("timesheetId") ?? "";
    return c.json(
      await timesheetTransitionUseCase(ctx, { timesheetId, action, reason: body.reason }),
    );
  };
}

/** Routes mounted at `/api/v1/orgs/:orgId/timesheets` (after `requireOrg`). */
export const timesheetsApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const input = readQuery(c, timesheetListInput);
    const { data } = await listTimesheetsUseCase(requestContext(c), input);
    return c.json({ data });
  })
  .get("/:timesheetId", async (c) => {
    const timesheetId = c.req.param("timesheetId");
    return c.json(await getTimesheetUseCase(requestContext(c), { timesheetId }));
  })
  .get("/:timesheetId/history", async (c) => {
    const q = readQuery(c, timesheetHistoryQuery);
    const timesheetId = c.req.param("timesheetId");
    return c.json(await timesheetHistoryUseCase(requestContext(c), { timesheetId, ...q }));
  })
  .post("/:timesheetId/submit", transition("submit"))
  .post("/:timesheetId/approve", transition("approve"))
  .post("/:timesheetId/reject", transition("reject"))
  .post("/:timesheetId/reopen", transition("reopen"));
