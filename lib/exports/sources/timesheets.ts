/**
 * Source of the `timesheets` export: one row per member and pay period (CSV, XLSX) and one
 * document per member and period (PDF). PLACEHOLDER until the formats slice lands.
 *
 * @module
 */

import type { RequestContext } from "../../context.ts";
import type { Table } from "../table.ts";
import type { ExportQuery, TimesheetDocument } from "./source.ts";

/** The timesheets in `query` as a table. */
export function timesheetsTable(_ctx: RequestContext, _query: ExportQuery): Promise<Table> {
  throw new Error("timesheets export: not built yet");
}

/** The timesheets in `query`, one document per member and period. */
export function timesheetDocuments(
  _ctx: RequestContext,
  _query: ExportQuery,
): AsyncIterable<TimesheetDocument> {
  throw new Error("timesheets export: not built yet");
}
