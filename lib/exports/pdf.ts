/**
 * PDF writers (`pdf-lib`): a paginated table report (landscape) and timesheets, one page per
 * member and pay period, with totals and signature lines.
 *
 * Text is set in the standard Helvetica fonts, which carry only the WinAnsi character set:
 * every string goes through {@linkcode pdfSafe} first, which keeps what WinAnsi has ("Zoë",
 * "José", "–"), drops an accent it lacks when the base letter exists ("ă" → "a") and writes `?`
 * for the rest ("Ł", "李" → "?"), so no name ever makes a PDF fail. pdf-lib builds the whole
 * document in memory and saves it at the end; the bytes are yielded then.
 *
 * With `options.branding`, every page's header shows the organization's logo (PNG or JPEG,
 * embedded once; pdf-lib cannot embed WebP, so a WebP logo is left out) at the top right and a
 * band of its accent colour along the top edge.
 *
 * @module
 */

import {
  PDFDocument,
  type PDFFont,
  type PDFImage,
  type PDFPage,
  type RGB,
  rgb,
  StandardFonts,
} from "pdf-lib";
import { cellText, type Column, formatHours, type Table, type WriteOptions } from "./table.ts";
import type { TimesheetDocument } from "./sources/source.ts";

/** US Letter, in points. */
const LETTER = { width: 612, height: 792 };
const MARGIN = 36;
const GREY = rgb(0.45, 0.45, 0.45);
const RULE = rgb(0.75, 0.75, 0.75);
const NUMERIC: ReadonlySet<Column["type"]> = new Set(["integer", "hours", "money"]);
const WEEKDAYS = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The fonts of one document and the characters they can draw. */
interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  charset: ReadonlySet<number>;
}

async function fontsOf(doc: PDFDocument): Promise<Fonts> {
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const charset = new Set(regular.getCharacterSet());
  for (const cp of [...charset]) if (!bold.getCharacterSet().includes(cp)) charset.delete(cp);
  return { regular, bold, charset };
}

/**
 * `text` reduced to the characters `charset` holds: control characters become spaces, a letter
 * with an accent the font lacks becomes its base letter when that exists, anything else `?`.
 *
 * @example
 * ```ts
 * pdfSafe("Zoë 李\tă", charset); // "Zoë ? a"
 * ```
 */
export function pdfSafe(text: string, charset: ReadonlySet<number>): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      out += " ";
    } else if (charset.has(cp)) {
      out += ch;
    } else {
      const base = ch.normalize("NFD").replace(/\p{M}/gu, "");
      out += base && [...base].every((c) => charset.has(c.codePointAt(0)!)) ? base : "?";
    }
  }
  return out;
}

/** `text` cut with an ellipsis to fit `width` points. */
function fit(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (font.widthOfTextAtSize(text.slice(0, mid) + "…", size) <= width) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + "…";
}

/** Draw `text` (made safe) at `x`, right-aligned to `x` when `right`. */
function draw(
  page: PDFPage,
  fonts: Fonts,
  text: string,
  x: number,
  y: number,
  opts: { size?: number; bold?: boolean; right?: boolean; maxWidth?: number; grey?: boolean } = {},
): void {
  const size = opts.size ?? 10;
  const font = opts.bold ? fonts.bold : fonts.regular;
  let safe = pdfSafe(text, fonts.charset);
  if (opts.maxWidth !== undefined) safe = fit(safe, font, size, opts.maxWidth);
  const width = font.widthOfTextAtSize(safe, size);
  page.drawText(safe, {
    x: opts.right ? x - width : x,
    y,
    size,
    font,
    color: opts.grey ? GREY : undefined,
  });
}

function line(page: PDFPage, x1: number, y: number, x2: number, thickness = 0.5): void {
  page.drawLine({
    start: { x: x1, y },
    end: { x: x2, y },
    thickness,
    color: thickness > 0.6 ? rgb(0, 0, 0) : RULE,
  });
}

/** The branded parts of page headers, embedded once per document. */
interface Header {
  logo: PDFImage | null;
  accent: RGB | null;
}

/** Height of the logo in page headers, in points. */
const LOGO_HEIGHT = 28;

async function headerOf(doc: PDFDocument, options: WriteOptions): Promise<Header> {
  const b = options.branding;
  let logo: PDFImage | null = null;
  try {
    if (b?.logo?.contentType === "image/png") logo = await doc.embedPng(b.logo.bytes);
    if (b?.logo?.contentType === "image/jpeg") logo = await doc.embedJpg(b.logo.bytes);
  } catch {
    logo = null; // an image pdf-lib cannot read never costs the export
  }
  const hex = b?.accentColor && /^#[0-9a-f]{6}$/i.test(b.accentColor) ? b.accentColor : null;
  const channel = (i: number) => parseInt(hex!.slice(i, i + 2), 16) / 255;
  return { logo, accent: hex ? rgb(channel(1), channel(3), channel(5)) : null };
}

/**
 * Draw the branded header parts on `page`: the accent band along the top edge and the logo at
 * the top right. Returns the width the logo takes (so the title can leave room for it).
 */
function drawHeader(page: PDFPage, header: Header): number {
  const { width, height } = page.getSize();
  if (header.accent) {
    page.drawRectangle({ x: 0, y: height - 8, width, height: 8, color: header.accent });
  }
  if (!header.logo) return 0;
  const scaled = header.logo.scaleToFit(160, LOGO_HEIGHT);
  page.drawImage(header.logo, {
    x: width - MARGIN - scaled.width,
    y: height - MARGIN - scaled.height + 4,
    width: scaled.width,
    height: scaled.height,
  });
  return scaled.width + 12;
}

/** Write "Page n of N" at the foot of every page (once all pages exist). */
function numberPages(doc: PDFDocument, fonts: Fonts, generatedAt: string): void {
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    const { width } = page.getSize();
    draw(page, fonts, `Page ${i + 1} of ${pages.length}`, width - MARGIN, MARGIN / 2, {
      size: 8,
      right: true,
      grey: true,
    });
    draw(page, fonts, `Generated ${generatedAt}`, MARGIN, MARGIN / 2, { size: 8, grey: true });
  });
}

async function saved(doc: PDFDocument, title: string, options: WriteOptions): Promise<Uint8Array> {
  doc.setTitle(pdfSafe(title, WIN_ANSI_PRINTABLE));
  doc.setAuthor(pdfSafe(options.orgName, WIN_ANSI_PRINTABLE));
  doc.setProducer("ClockFlow");
  doc.setCreator("ClockFlow");
  doc.setCreationDate(new Date(options.generatedAt));
  return await doc.save();
}

/** Printable ASCII and Latin-1: a safe set for document metadata. */
const WIN_ANSI_PRINTABLE: ReadonlySet<number> = new Set(
  Array.from({ length: 0x100 }, (_, i) => i).filter((i) => i >= 0x20 && (i < 0x7f || i >= 0xa0)),
);

/** Column widths (points) sharing `total`: numbers and dates narrow, text wide. */
function columnWidths(columns: Column[], total: number): number[] {
  const weight = (c: Column) =>
    c.type === "text" ? 3 : c.type === "datetime" ? 2.2 : c.type === "date" ? 1.6 : 1.3;
  const sum = columns.reduce((s, c) => s + weight(c), 0) || 1;
  return columns.map((c) => (total * weight(c)) / sum);
}

/**
 * Write `table` as a landscape PDF report: the organization's name and the title on every page,
 * the column headers repeated on every page, numbers right-aligned, page numbers at the foot.
 * Cells are formatted like the CSV (`7.50` hours, `12.34` money) and cut to their column's width.
 *
 * @example
 * ```ts
 * for await (const bytes of writeTablePdf(table, { orgName: "Acme", timeZone: "UTC", generatedAt })) store(bytes);
 * ```
 */
export async function* writeTablePdf(
  table: Table,
  options: WriteOptions,
): AsyncIterable<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = await fontsOf(doc);
  const header = await headerOf(doc, options);
  const pageSize: [number, number] = [LETTER.height, LETTER.width]; // landscape
  const usable = pageSize[0] - 2 * MARGIN;
  const widths = columnWidths(table.columns, usable);
  const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((s, w) => s + w, 0));
  const rowHeight = 14;
  const pad = 4;
  let page!: PDFPage;
  let y = 0;

  const cellX = (i: number) =>
    NUMERIC.has(table.columns[i].type) ? xs[i] + widths[i] - pad : xs[i] + pad;
  const newPage = () => {
    page = doc.addPage(pageSize);
    y = pageSize[1] - MARGIN;
    const beside = usable - drawHeader(page, header);
    draw(page, fonts, options.orgName, MARGIN, y - 14, { size: 14, bold: true, maxWidth: beside });
    draw(page, fonts, table.title, MARGIN, y - 32, { size: 11, maxWidth: beside });
    y -= 52;
    table.columns.forEach((c, i) =>
      draw(page, fonts, c.title, cellX(i), y, {
        size: 9,
        bold: true,
        right: NUMERIC.has(c.type),
        maxWidth: widths[i] - 2 * pad,
      })
    );
    line(page, MARGIN, y - 4, MARGIN + usable, 0.8);
    y -= rowHeight + 2;
  };

  newPage();
  let rows = 0;
  for await (const row of table.rows) {
    if (y < MARGIN + rowHeight) newPage();
    table.columns.forEach((c, i) => {
      const text = cellText(row[i] ?? null, c.type);
      if (!text) return;
      draw(page, fonts, text, cellX(i), y, {
        size: 9,
        right: NUMERIC.has(c.type),
        maxWidth: widths[i] - 2 * pad,
      });
    });
    line(page, MARGIN, y - 4, MARGIN + usable);
    y -= rowHeight;
    rows++;
  }
  if (rows === 0) draw(page, fonts, "No rows in this range.", MARGIN, y, { size: 10, grey: true });
  numberPages(doc, fonts, options.generatedAt);
  yield await saved(doc, table.title, options);
}

/** `2026-11-02` → `Mon 2026-11-02`. */
function dayLabel(date: string): string {
  return `${WEEKDAYS[Temporal.PlainDate.from(date).dayOfWeek]} ${date}`;
}

const STATUS_LABEL: Record<string, string> = {
  open: "Open",
  submitted: "Submitted",
  approved: "Approved",
  rejected: "Rejected",
};

/** One timesheet page (portrait Letter). */
function timesheetPage(
  doc: PDFDocument,
  fonts: Fonts,
  sheet: TimesheetDocument,
  orgName: string,
  header: Header,
) {
  const page = doc.addPage([LETTER.width, LETTER.height]);
  const left = MARGIN;
  const right = LETTER.width - MARGIN;
  const usable = right - left;
  let y = LETTER.height - MARGIN - 14;
  const beside = usable - drawHeader(page, header);
  draw(page, fonts, orgName, left, y, { size: 14, bold: true, maxWidth: beside });
  y -= 22;
  draw(page, fonts, "Timesheet", left, y, { size: 12, bold: true });
  y -= 20;
  const facts: [string, string][] = [
    ["Member", sheet.memberName],
    ["Pay period", `${sheet.periodStart} – ${sheet.periodEnd}`],
    ["Status", STATUS_LABEL[sheet.status] ?? sheet.status],
  ];
  for (const [label, value] of facts) {
    draw(page, fonts, label, left, y, { size: 10, bold: true });
    draw(page, fonts, value, left + 80, y, { size: 10, maxWidth: usable - 80 });
    y -= 15;
  }

  // Days: Date | Worked | Breaks | PTO (hours, right-aligned).
  y -= 10;
  const cols = [left + 4, left + 260, left + 360, left + 460];
  const heads = ["Day", "Worked (h)", "Breaks (h)", "PTO (h)"];
  heads.forEach((h, i) => draw(page, fonts, h, cols[i], y, { size: 9, bold: true, right: i > 0 }));
  line(page, left, y - 4, cols[3] + 4, 0.8);
  y -= 15;
  for (const d of sheet.days) {
    draw(page, fonts, dayLabel(d.date), cols[0], y, { size: 9 });
    draw(page, fonts, formatHours(d.workedSeconds), cols[1], y, { size: 9, right: true });
    draw(page, fonts, formatHours(d.breakSeconds), cols[2], y, { size: 9, right: true });
    draw(page, fonts, formatHours(d.ptoSeconds), cols[3], y, { size: 9, right: true });
    line(page, left, y - 4, cols[3] + 4);
    y -= 13;
  }

  // Totals.
  y -= 12;
  draw(page, fonts, "Totals (hours)", left, y, { size: 11, bold: true });
  y -= 16;
  const t = sheet.totals;
  const totals: [string, number][] = [
    ["Worked", t.workedSeconds],
    ["Regular", t.regularSeconds],
    ["Overtime", t.overtimeSeconds],
    ["Double time", t.doubleTimeSeconds],
    ["PTO", t.ptoSeconds],
  ];
  for (const [label, seconds] of totals) {
    draw(page, fonts, label, left + 4, y, { size: 10 });
    draw(page, fonts, formatHours(seconds), left + 200, y, { size: 10, right: true, bold: true });
    y -= 14;
  }

  // Signatures: employee and manager, each with a date line.
  y = Math.min(y - 30, MARGIN + 110);
  for (const who of ["Employee signature", "Manager signature"]) {
    line(page, left, y, left + 300, 0.8);
    line(page, left + 340, y, right, 0.8);
    draw(page, fonts, who, left, y - 12, { size: 9, grey: true });
    draw(page, fonts, "Date", left + 340, y - 12, { size: 9, grey: true });
    y -= 50;
  }
}

/**
 * Write one page per timesheet document: the organization's name, the member, the pay period and
 * its status, a row per day (weekday and date, worked, breaks, PTO), the totals (worked,
 * regular, overtime, double time, PTO) and signature lines with dates for the employee and the
 * manager. No documents: one page saying so.
 *
 * @example
 * ```ts
 * for await (const bytes of writeTimesheetsPdf(timesheetDocuments(ctx, query), options)) store(bytes);
 * ```
 */
export async function* writeTimesheetsPdf(
  docs: AsyncIterable<TimesheetDocument>,
  options: WriteOptions,
): AsyncIterable<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = await fontsOf(doc);
  const header = await headerOf(doc, options);
  let count = 0;
  for await (const sheet of docs) {
    timesheetPage(doc, fonts, sheet, options.orgName, header);
    count++;
  }
  if (count === 0) {
    const page = doc.addPage([LETTER.width, LETTER.height]);
    drawHeader(page, header);
    draw(page, fonts, options.orgName, MARGIN, LETTER.height - MARGIN - 14, {
      size: 14,
      bold: true,
    });
    draw(page, fonts, "No timesheets in this range.", MARGIN, LETTER.height - MARGIN - 40, {
      size: 10,
      grey: true,
    });
  }
  numberPages(doc, fonts, options.generatedAt);
  yield await saved(doc, "Timesheets", options);
}
