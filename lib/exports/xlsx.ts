/**
 * XLSX writer: a minimal SpreadsheetML workbook of one sheet, streamed through `fflate`'s
 * streaming zip, so a sheet of 100,000 rows is written in constant memory (no workbook object).
 *
 * How cells are written (see `docs/exports.md`, "Formats"):
 *
 * | column type | cell |
 * | --- | --- |
 * | `text` | inline string (never a formula: XLSX has no CSV-style injection) |
 * | `integer` | number, format `0` |
 * | `hours` | number of hours (`seconds / 3600`), format `0.00` |
 * | `money` | number (`cents / 100`), format `0.00` |
 * | `date` | Excel date serial, format `yyyy-mm-dd` |
 * | `datetime` | Excel date-time serial (wall time as given), format `yyyy-mm-dd hh:mm:ss` |
 *
 * The header row is bold and frozen. A cell that does not fit its type (a date that does not
 * parse, a number that is not finite) is written as text rather than dropped.
 *
 * @module
 */

import { Zip, ZipDeflate } from "fflate";
import { DomainError } from "../errors.ts";
import type { Cell, Column, ColumnType, Table, WriteOptions } from "./table.ts";

/** The most rows a sheet may hold (Excel's limit), the header included. */
export const XLSX_MAX_ROWS = 1_048_576;

/** Sheet XML gathered before it is handed to the compressor. */
const BATCH_CHARS = 64 * 1024;

/** Style ids in `styles.xml`'s `cellXfs`, by what they format. */
const STYLE = {
  plain: 0,
  header: 1,
  decimal2: 2,
  date: 3,
  datetime: 4,
  integer: 5,
} as const;

const STYLES_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`;

const CONTENT_TYPES_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>`;

const ROOT_RELS_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>`;

const WORKBOOK_RELS_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`;

const APP_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>ClockFlow</Application></Properties>`;

// Characters XML 1.0 cannot carry (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/U+FFFF).
const XML_INVALID =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` escaped for XML content or a quoted attribute, with characters XML forbids removed. */
export function xmlText(text: string): string {
  return text.replace(XML_INVALID, "").replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** The column letters of 0-based column `index` (`0` → `A`, `26` → `AA`). */
export function columnLetters(index: number): string {
  let n = index + 1;
  let out = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
/** Days between Excel's day 0 (1899-12-30, the 1900 system with its leap-year quirk) and 1970-01-01. */
const EXCEL_EPOCH_DAYS = 25569;

/**
 * The Excel serial of local date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:mm[:ss]`, or null when
 * it is not one. Wall time is kept as written (no zone conversion).
 *
 * @example
 * ```ts
 * excelSerial("2026-11-02"); // 46328
 * excelSerial("2026-11-02T12:00:00"); // 46328.5
 * ```
 */
export function excelSerial(value: string): number | null {
  const d = DATE_RE.exec(value);
  const t = d ? null : DATETIME_RE.exec(value);
  const m = d ?? t;
  if (!m) return null;
  const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, da);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== da) {
    return null;
  }
  const days = ms / 86_400_000 + EXCEL_EPOCH_DAYS;
  if (days < 61) return null; // before 1900-03-01 the 1900 system is off by one: not worth it
  if (!t) return days;
  const [h, mi, s] = [Number(t[4]), Number(t[5]), Number(t[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  return days + (h * 3600 + mi * 60 + s) / 86_400;
}

function inlineString(ref: string, text: string, style: number = STYLE.plain): string {
  const s = style ? ` s="${style}"` : "";
  return `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${
    xmlText(text)
  }</t></is></c>`;
}

function numberCell(ref: string, value: number, style: number): string {
  return `<c r="${ref}" s="${style}"><v>${value}</v></c>`;
}

/** One cell's XML (empty string for null: the cell is simply absent). */
function cellXml(ref: string, cell: Cell, type: ColumnType): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number") {
    if (!Number.isFinite(cell)) return inlineString(ref, String(cell));
    switch (type) {
      case "hours":
        return numberCell(ref, cell / 3600, STYLE.decimal2);
      case "money":
        return numberCell(ref, cell / 100, STYLE.decimal2);
      case "integer":
        return numberCell(ref, cell, STYLE.integer);
      default:
        return numberCell(ref, cell, STYLE.plain);
    }
  }
  if (type === "date" || type === "datetime") {
    const serial = excelSerial(cell);
    if (serial !== null) {
      return numberCell(ref, serial, DATETIME_RE.test(cell) ? STYLE.datetime : STYLE.date);
    }
  }
  return inlineString(ref, cell);
}

/** Column width (characters) by type, so dates and figures are not shown as `####`. */
function widthOf(column: Column): number {
  switch (column.type) {
    case "text":
      return Math.max(12, Math.min(40, column.title.length + 2));
    case "datetime":
      return 20;
    case "date":
      return 12;
    default:
      return Math.max(10, column.title.length + 2);
  }
}

/** A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not empty. */
export function sheetName(title: string): string {
  const cleaned = title.replace(XML_INVALID, "").replace(/[\[\]:*?/\\]/g, " ").trim()
    .replace(/^'+|'+$/g, "").slice(0, 31).trim();
  return cleaned || "Sheet1";
}

function coreXml(table: Table, options: WriteOptions): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${
    xmlText(table.title)
  }</dc:title><dc:creator>${
    xmlText(options.orgName)
  }</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${
    xmlText(options.generatedAt)
  }</dcterms:created></cp:coreProperties>`;
}

function workbookXml(table: Table): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${
    xmlText(sheetName(table.title))
  }" sheetId="1" r:id="rId1"/></sheets></workbook>`;
}

function sheetStart(columns: Column[]): string {
  const cols = columns.map((c, i) =>
    `<col min="${i + 1}" max="${i + 1}" width="${widthOf(c)}" customWidth="1"/>`
  ).join("");
  const header = columns.map((c, i) => inlineString(`${columnLetters(i)}1`, c.title, STYLE.header))
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>${
    cols ? `<cols>${cols}</cols>` : ""
  }<sheetData><row r="1">${header}</row>`;
}

const SHEET_END = `</sheetData></worksheet>`;

/**
 * Write `table` as an XLSX workbook of one sheet, streamed: rows are turned into sheet XML in
 * batches of about 64 KiB and compressed as they come, and the zip's bytes are yielded as soon
 * as they are made. Throws `export_too_large` past Excel's 1,048,576 rows.
 *
 * @example
 * ```ts
 * const chunks: Uint8Array[] = [];
 * for await (const chunk of writeXlsx(table, { orgName, timeZone, generatedAt })) chunks.push(chunk);
 * ```
 */
export async function* writeXlsx(
  table: Table,
  options: WriteOptions,
): AsyncIterable<Uint8Array> {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else if (chunk.length) out.push(chunk);
  });
  const encoder = new TextEncoder();
  const addFile = (name: string, text: string) => {
    const file = new ZipDeflate(name, { level: 6 });
    zip.add(file);
    file.push(encoder.encode(text), true);
  };
  const drain = function* () {
    if (failure) throw failure;
    while (out.length) yield out.shift()!;
  };

  addFile("[Content_Types].xml", CONTENT_TYPES_XML);
  addFile("_rels/.rels", ROOT_RELS_XML);
  addFile("docProps/core.xml", coreXml(table, options));
  addFile("docProps/app.xml", APP_XML);
  addFile("xl/workbook.xml", workbookXml(table));
  addFile("xl/_rels/workbook.xml.rels", WORKBOOK_RELS_XML);
  addFile("xl/styles.xml", STYLES_XML);
  yield* drain();

  const sheet = new ZipDeflate("xl/worksheets/sheet1.xml", { level: 6 });
  zip.add(sheet);
  const types = table.columns.map((c) => c.type);
  const letters = table.columns.map((_, i) => columnLetters(i));
  let buffer = sheetStart(table.columns);
  let r = 1;
  for await (const row of table.rows) {
    r++;
    if (r > XLSX_MAX_ROWS) {
      throw new DomainError(
        "invalid",
        "export_too_large",
        `An XLSX sheet holds at most ${XLSX_MAX_ROWS - 1} rows; narrow the range or use CSV`,
      );
    }
    let line = `<row r="${r}">`;
    for (let i = 0; i < types.length; i++) {
      line += cellXml(`${letters[i]}${r}`, row[i] ?? null, types[i]);
    }
    buffer += line + "</row>";
    if (buffer.length >= BATCH_CHARS) {
      sheet.push(encoder.encode(buffer));
      buffer = "";
      yield* drain();
    }
  }
  sheet.push(encoder.encode(buffer + SHEET_END), true);
  zip.end();
  yield* drain();
}
