/**
 * The shape every export is written from: a titled table of typed columns whose rows arrive as
 * an async stream (so a file of 100,000 rows is written in constant memory), and the writers'
 * common signature. Sources (`sources/`) produce tables; writers (`csv.ts`, `xlsx.ts`,
 * `pdf.ts`) turn one into bytes.
 *
 * Cells are exact: durations are integer seconds and money integer cents; writers format them
 * (hours with {@linkcode formatHours}), never floats computed earlier.
 *
 * @module
 */

import type { DocumentBranding } from "../branding/branding.ts";

/** What a column holds, and so how each writer formats it. */
export type ColumnType =
  /** A string. */
  | "text"
  /** An integer. */
  | "integer"
  /** A duration in integer seconds, written as decimal hours (`7.50`). */
  | "hours"
  /** A local date `YYYY-MM-DD`. */
  | "date"
  /** A local date-time `YYYY-MM-DDTHH:mm:ss` in the organization's or location's zone. */
  | "datetime"
  /** An amount in integer cents, written as `12.34`. */
  | "money";

/** One column. `key` is stable (for presets and tests); `title` is the header cell. */
export interface Column {
  key: string;
  title: string;
  type: ColumnType;
}

/** One cell: a string for text, date and datetime columns, a number otherwise; null: empty. */
export type Cell = string | number | null;

/** A table to write. */
export interface Table {
  /** The sheet's or document's title (`Hours 2026-11-01 – 2026-11-30`). */
  title: string;
  columns: Column[];
  /** Rows in order, each with one cell per column. */
  rows: AsyncIterable<Cell[]>;
  /** How many rows are expected, when known up front (for progress). */
  estimatedRows?: number;
}

/** What every writer is told beside the table. */
export interface WriteOptions {
  /** The organization's name (PDF headers, XLSX properties). */
  orgName: string;
  /** The organization's IANA time zone. */
  timeZone: string;
  /** When the file was made, ISO 8601 UTC. */
  generatedAt: string;
  /** CSV only: start with a UTF-8 byte order mark (Excel then reads UTF-8). */
  bom?: boolean;
  /** PDF only: the organization's logo and accent colour in every page's header. */
  branding?: DocumentBranding;
}

/** Turns a table into the bytes of a file, streamed. */
export type TableWriter = (table: Table, options: WriteOptions) => AsyncIterable<Uint8Array>;

/**
 * Integer seconds as decimal hours with two decimals, rounded half up on the exact value
 * (`27000` → `"7.50"`, `-900` → `"-0.25"`), computed without floats.
 */
export function formatHours(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(seconds));
  // hundredths of an hour = seconds / 36, rounded half up
  const hundredths = Math.floor((abs * 2 + 36) / 72);
  const whole = Math.floor(hundredths / 100);
  const frac = String(hundredths % 100).padStart(2, "0");
  return `${sign}${whole}.${frac}`;
}

/** Integer cents as `12.34` (`-5` → `"-0.05"`). */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** A cell as text, formatted by its column's type (`null` → `""`). */
export function cellText(cell: Cell, type: ColumnType): string {
  if (cell === null) return "";
  if (type === "hours" && typeof cell === "number") return formatHours(cell);
  if (type === "money" && typeof cell === "number") return formatMoney(cell);
  return String(cell);
}
