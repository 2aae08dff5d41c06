/**
 * `GET /o/:orgId/reports/hours?from=&to=[&userId=]` (managers and admins): the hours report with
 * a per-day breakdown per member explaining every overtime second. Without dates it shows the
 * current pay period. The query is adapted to the API's schema (`lib/reports/schemas.ts`: empty
 * fields are absent) and the same use cases decide, so the page and `GET …/reports/hours` accept
 * and refuse the same inputs with the same status; the page names the error code on its form
 * (`data-error-code`).
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import type { OvertimeSettings } from "../../lib/settings/schema.ts";
import { rulesFor } from "../../lib/overtime/engine.ts";
import { hoursReportInput } from "../../lib/reports/schemas.ts";
import { explainedHoursReportUseCase, reportChoicesUseCase } from "../../lib/reports/use_cases.ts";
import { HoursReportPage } from "../../components/views/report.tsx";
import { statusOf } from "../middleware/errors.ts";
import { validate } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import { formErrorOf } from "./forms.ts";
import { chrome, renderPage } from "./render.tsx";

/** How the overtime preset reads in the page's header. */
function presetLabel(o: OvertimeSettings): string {
  switch (o.preset) {
    case "none":
      return "no overtime rules";
    case "flsa":
      return "FLSA: weekly overtime over 40 h";
    case "california":
      return "California: daily overtime over 8 h, double time over 12 h, weekly over 40 h, seventh day";
    case "custom":
      return "custom overtime rules";
  }
}

/** Routes under `/o/:orgId` (after the org guards). */
export const reportPages = new Hono<AppEnv>()
  .get("/reports/hours", async (c) => {
    const ctx = requestContext(c);
    const choices = await reportChoicesUseCase(ctx);
    const { settings } = choices;
    const query = {
      from: c.req.query("from") || choices.currentPeriod.from,
      to: c.req.query("to") || choices.currentPeriod.to,
      userId: c.req.query("userId") || undefined,
    };
    const common = {
      ...chrome(c, "reports"),
      from: query.from,
      to: query.to,
      userId: query.userId ?? null,
      members: choices.members,
      rules: rulesFor(settings.overtime),
      presetLabel: presetLabel(settings.overtime),
      timeZone: settings.timeZone,
    };
    try {
      const report = await explainedHoursReportUseCase(ctx, validate(hoursReportInput, query));
      return renderPage(c, <HoursReportPage {...common} rows={report.rows} />);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const error = err.code === "not_found"
        ? { message: "No such member", fields: { userId: "Choose a member" } }
        : formErrorOf(err);
      const status: ContentfulStatusCode = statusOf(err);
      return renderPage(
        c,
        <HoursReportPage {...common} rows={[]} error={error} errorCode={err.code} />,
        status,
      );
    }
  });
