/**
 * XLSX writer. PLACEHOLDER until the formats slice lands.
 *
 * @module
 */

import type { Table, WriteOptions } from "./table.ts";

/** Write `table` as an XLSX workbook of one sheet, streamed. */
export function writeXlsx(_table: Table, _options: WriteOptions): AsyncIterable<Uint8Array> {
  throw new Error("xlsx: not built yet");
}
