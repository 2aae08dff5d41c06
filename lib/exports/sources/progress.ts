/**
 * A table that can tell how far its rows have come, for the export's progress bar.
 *
 * @module
 */

import type { Table } from "../table.ts";

/** A {@linkcode Table} whose `progress()` says (0–1) how much of it the rows read so far cover. */
export interface ProgressTable extends Table {
  progress?: () => number;
}
