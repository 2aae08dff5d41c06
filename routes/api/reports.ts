/**
 * Reports: hours per member over local dates, with regular, overtime, double-time and PTO
 * seconds and gross pay. Parses the query with the domain schema and calls the use case
 * (`lib/reports/use_cases.ts`), which decides access (managers and admins see everyone;
 * employees may ask for themselves), the plan's `customReports` gate and the pay rules.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readQuery } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import { hoursReportInput } from "../../lib/reports/schemas.ts";
import { hoursReportUseCase } from "../../lib/reports/use_cases.ts";

/** Routes mounted at `/api/v1/orgs/:orgId/reports` (after `requireOrg`). */
export const reportsApi = new Hono<AppEnv>()
  .get("/hours", async (c) => {
    const input = readQuery(c, hoursReportInput);
    return c.json(await hoursReportUseCase(requestContext(c), input));
  });
