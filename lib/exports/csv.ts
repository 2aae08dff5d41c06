/**
 * CSV writer (RFC 4180): comma-separated, CRLF line ends, fields quoted when they hold a comma,
 * quote, CR or LF, quotes doubled; UTF-8, with an optional byte order mark for Excel.
 *
 * Formula injection is neutralised: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is written with a leading `'`, so a spreadsheet shows it as text instead of
 * running it (OWASP "CSV injection"). Numbers, hours and money are never altered.
 *
 * @module
 */

import { cellText, type ColumnType, type Table, type WriteOptions } from "./table.ts";

/** Bytes gathered before a chunk is yielded. */
const CHUNK_BYTES = 32 * 1024;
const BOM = "\uFEFF";
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field as written: neutralised (text cells) and quoted as RFC 4180 asks. */
export function csvField(value: string, type: ColumnType = "text"): string {
  let v = value;
  if ((type === "text" || type === "date" || type === "datetime") && FORMULA_START.test(v)) {
    v = `'${v}`;
  }
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * Write `table` as CSV, in chunks of about 32 KiB.
 *
 * @example
 * ```ts
 * for await (const chunk of writeCsv(table, { orgName, timeZone, generatedAt, bom: true })) out.push(chunk);
 * ```
 */
export async function* writeCsv(table: Table, options: WriteOptions): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder();
  const types = table.columns.map((c) => c.type);
  let buffer = (options.bom ? BOM : "") +
    table.columns.map((c) => csvField(c.title)).join(",") + "\r\n";
  for await (const row of table.rows) {
    let line = "";
    for (let i = 0; i < types.length; i++) {
      if (i) line += ",";
      line += csvField(cellText(row[i] ?? null, types[i]), types[i]);
    }
    buffer += line + "\r\n";
    if (buffer.length >= CHUNK_BYTES) {
      yield encoder.encode(buffer);
      buffer = "";
    }
  }
  if (buffer) yield encoder.encode(buffer);
}
