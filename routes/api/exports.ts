/**
 * Exports and the report schedule. The rules live in `lib/exports` (use cases); this door
 * parses, calls and presents.
 *
 * | method and path | answer |
 * | --- | --- |
 * | `POST …/exports` `{kind, format, from, to, userId?, preset?, bom?}` | 202 `{id, status}` |
 * | `GET …/exports` `?limit=` | `{data}`: recent exports, newest first |
 * | `GET …/exports/{exportId}` | the export, with `progress` and `downloadUrl` |
 * | `GET …/exports/{exportId}/download` | the file, as an attachment (409 not done, 410 expired) |
 * | `GET/PUT …/report-schedule` | the scheduled report (admins) |
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import {
  createExportUseCase,
  downloadExportUseCase,
  getExportUseCase,
  listExportsUseCase,
} from "../../lib/exports/use_cases.ts";
import { getReportScheduleUseCase, putReportScheduleUseCase } from "../../lib/exports/schedule.ts";

/** Any JSON body: the use case validates it. */
const body = z.any();

/** The headers of a file download. */
export function downloadHeaders(
  file: { fileName: string; contentType: string; byteSize: number },
): Record<string, string> {
  return {
    "Content-Type": file.contentType,
    "Content-Disposition": `attachment; filename="${file.fileName}"`,
    "Content-Length": String(file.byteSize),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
}

/** Routes mounted at `/api/v1/orgs/:orgId/exports` (after `requireOrg`). */
export const exportsApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await listExportsUseCase(requestContext(c), c.req.query())))
  .post("/", async (c) => {
    const created = await createExportUseCase(requestContext(c), await readJson(c, body));
    return c.json(created, 202);
  })
  .get(
    "/:exportId",
    async (c) => c.json(await getExportUseCase(requestContext(c), { id: c.req.param("exportId") })),
  )
  .get("/:exportId/download", async (c) => {
    const file = await downloadExportUseCase(requestContext(c), { id: c.req.param("exportId") });
    return c.body(ReadableStream.from(file.body), 200, downloadHeaders(file));
  });

/** Routes mounted at `/api/v1/orgs/:orgId/report-schedule` (after `requireOrg`). */
export const reportScheduleApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await getReportScheduleUseCase(requestContext(c))))
  .put(
    "/",
    async (c) => c.json(await putReportScheduleUseCase(requestContext(c), await readJson(c, body))),
  );
