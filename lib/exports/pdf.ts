/**
 * PDF writers (`pdf-lib`). PLACEHOLDER until the formats slice lands.
 *
 * @module
 */

import type { Table, WriteOptions } from "./table.ts";
import type { TimesheetDocument } from "./sources/source.ts";

/** Write `table` as a paginated PDF report. */
export function writeTablePdf(_table: Table, _options: WriteOptions): AsyncIterable<Uint8Array> {
  throw new Error("pdf: not built yet");
}

/** Write one page per timesheet document, with totals and signature lines. */
export function writeTimesheetsPdf(
  _docs: AsyncIterable<TimesheetDocument>,
  _options: WriteOptions,
): AsyncIterable<Uint8Array> {
  throw new Error("pdf: not built yet");
}
