/**
 * `/o/:orgId/exports` (every member): the export form, recent exports with live progress, and
 * for admins the scheduled report. Forms post to the same path with an `intent` (`create`,
 * `schedule`); their strings are adapted to `lib/exports/schemas.ts` (an empty field is absent,
 * a checkbox a boolean) and handed to the same use cases as the API, so both doors decide alike.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import {
  createExportUseCase,
  exportChoicesUseCase,
  listExportsUseCase,
} from "../../lib/exports/use_cases.ts";
import { getReportScheduleUseCase, putReportScheduleUseCase } from "../../lib/exports/schedule.ts";
import { ExportsPage, type ExportsPageProps } from "../../components/views/exports.tsx";
import { fieldError, formFailure, readForm } from "./forms.ts";
import { requestContext } from "../request_context.ts";
import { chrome, renderPage } from "./render.tsx";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = {
  export_queued:
    "Export started. The file appears below when it is ready; you will be mailed a link.",
  schedule_saved: "Scheduled report saved.",
};

/** The export form adapted to `createExportInput`. */
function exportFromForm(v: Record<string, string>) {
  return {
    kind: v.kind ?? "",
    format: v.format ?? "",
    from: v.from ?? "",
    to: v.to ?? "",
    ...(v.userId ? { userId: v.userId } : {}),
    ...(v.preset ? { preset: v.preset } : {}),
    ...(v.bom === "true" ? { bom: true } : {}),
  };
}

/** The schedule form adapted to `reportScheduleInput`. */
function scheduleFromForm(v: Record<string, string>) {
  return {
    enabled: v.enabled === "true",
    kind: v.kind ?? "",
    format: v.format ?? "",
    preset: v.preset ? v.preset : null,
    cadence: v.cadence ?? "",
    recipients: v.recipients ?? "",
  };
}

async function exportsPage(
  c: AppContext,
  extra: Pick<ExportsPageProps, "failed" | "errorCode"> = {},
  status?: ContentfulStatusCode,
) {
  const ctx = requestContext(c);
  const base = chrome(c, "exports");
  const choices = await exportChoicesUseCase(ctx);
  const { data } = await listExportsUseCase(ctx, { limit: 20 });
  const schedule = choices.schedules ? await getReportScheduleUseCase(ctx) : null;
  return renderPage(
    c,
    <ExportsPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      choices={choices}
      exports={data}
      schedule={schedule}
      {...extra}
    />,
    status,
  );
}

/** The exports page (mounted under `/o/:orgId`). */
export const exportPages = new Hono<AppEnv>()
  .get("/exports", (c) => exportsPage(c))
  .post("/exports", async (c) => {
    const values = await readForm(c);
    const ctx = requestContext(c);
    const form = values.intent === "schedule" ? "schedule" : "create";
    try {
      if (values.intent === "schedule") {
        await putReportScheduleUseCase(ctx, scheduleFromForm(values));
        return c.redirect(`/o/${ctx.org.id}/exports?ok=schedule_saved`, 303);
      }
      if (values.intent !== "create") throw fieldError("intent", "Choose what to do");
      await createExportUseCase(ctx, exportFromForm(values));
      return c.redirect(`/o/${ctx.org.id}/exports?ok=export_queued`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found" && form !== "create") throw err;
      const f = formFailure(err, values);
      const code = err instanceof DomainError ? err.code : null;
      return exportsPage(
        c,
        { failed: { form, values: f.values, error: f.error }, errorCode: code },
        f.status,
      );
    }
  });
