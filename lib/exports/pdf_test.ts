/**
 * The PDF writers, parsed back with pdf-lib: page counts (one timesheet page per member and
 * period, table pages that repeat their headers), names outside WinAnsi never failing, and the
 * organization's name in the pages' content.
 */

import assert from "node:assert/strict";
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream, StandardFonts } from "pdf-lib";
import type { Cell, Table, WriteOptions } from "./table.ts";
import type { TimesheetDocument } from "./sources/source.ts";
import { pdfSafe, writeTablePdf, writeTimesheetsPdf } from "./pdf.ts";

const OPTIONS: WriteOptions = {
  orgName: "Acme Zoë & Co",
  timeZone: "America/New_York",
  generatedAt: "2026-11-20T17:00:00.000Z",
};

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The decoded content streams of page `index`, as Latin-1 text. */
function pageContent(pdf: PDFDocument, index: number): string {
  const contents = pdf.getPage(index).node.Contents();
  const streams = contents instanceof PDFArray
    ? contents.asArray().map((ref) => pdf.context.lookup(ref))
    : [contents];
  let text = "";
  for (const s of streams) {
    assert.ok(s instanceof PDFRawStream);
    const bytes = decodePDFRawStream(s).decode();
    text += Array.from(bytes, (b) => String.fromCharCode(b)).join("");
  }
  return text;
}

/** How a standard font writes `text` into a content stream (hex of its WinAnsi codes). */
function hexOf(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).toUpperCase())
    .join("");
}

function sheet(
  userId: string,
  memberName: string,
  periodStart: string,
  status = "approved",
): TimesheetDocument {
  const start = Temporal.PlainDate.from(periodStart);
  const days = Array.from({ length: 14 }, (_, i) => ({
    date: start.add({ days: i }).toString(),
    workedSeconds: i % 7 < 5 ? 27000 : 0,
    breakSeconds: i % 7 < 5 ? 1800 : 0,
    ptoSeconds: i === 4 ? 28800 : 0,
  }));
  return {
    userId,
    memberName,
    periodStart,
    periodEnd: start.add({ days: 13 }).toString(),
    status,
    days,
    totals: {
      workedSeconds: 270000,
      regularSeconds: 270000,
      overtimeSeconds: 0,
      doubleTimeSeconds: 0,
      ptoSeconds: 28800,
    },
  };
}

async function* docsOf(docs: TimesheetDocument[]): AsyncIterable<TimesheetDocument> {
  for (const d of docs) yield d;
}

Deno.test("timesheets PDF: one page per member and period, names outside WinAnsi never fail", async () => {
  const members = ["Zoë Adams", "李 Wei", "Ștefan Ăgoston", "Bob \u202eevil\u0007"];
  const periods = ["2026-10-26", "2026-11-09"];
  const docs = periods.flatMap((p) => members.map((m, i) => sheet(`U${i}`, m, p)));
  const pdf = await PDFDocument.load(await bytesOf(writeTimesheetsPdf(docsOf(docs), OPTIONS)));
  assert.equal(pdf.getPageCount(), members.length * periods.length);
  assert.equal(pdf.getTitle(), "Timesheets");
  assert.equal(pdf.getAuthor(), "Acme Zoë & Co");
  const first = pageContent(pdf, 0);
  assert.ok(first.includes(hexOf("Acme Zo")), "the organization's name is on the page");
  assert.ok(first.includes(hexOf("Timesheet")));
  assert.ok(first.includes(hexOf("Employee signature")));
  assert.ok(first.includes(hexOf("Manager signature")));
  assert.ok(first.includes(hexOf("Mon 2026-10-26")), "days carry their weekday");
  assert.ok(first.includes(hexOf("75.00")), "worked total in hours");
  assert.ok(first.includes(hexOf("7.50")), "a day's worked hours");
  assert.ok(first.includes(hexOf("Page 1 of 8")));
  assert.ok(pageContent(pdf, 1).includes(hexOf("? Wei")), "李 is written as ?");
  assert.ok(pageContent(pdf, 2).includes(hexOf("Stefan Agoston")), "Ș and Ă lose their accents");
});

Deno.test("timesheets PDF: no documents still makes a valid one-page PDF", async () => {
  const pdf = await PDFDocument.load(await bytesOf(writeTimesheetsPdf(docsOf([]), OPTIONS)));
  assert.equal(pdf.getPageCount(), 1);
  assert.ok(pageContent(pdf, 0).includes(hexOf("No timesheets in this range.")));
});

Deno.test("table PDF: landscape pages with repeated headers, right-aligned figures and page numbers", async () => {
  const total = 200;
  async function* rows(): AsyncIterable<Cell[]> {
    for (let i = 0; i < total; i++) {
      yield [i % 2 ? "李 Wei" : "Zoë Adams", "2026-11-02", 27000 + i * 36, i * 100 + 5, i];
    }
  }
  const table: Table = {
    title: "Hours 2026-11-01 – 2026-11-30",
    columns: [
      { key: "member", title: "Member", type: "text" },
      { key: "date", title: "Date", type: "date" },
      { key: "worked", title: "Worked (h)", type: "hours" },
      { key: "pay", title: "Gross pay", type: "money" },
      { key: "n", title: "Entries", type: "integer" },
    ],
    rows: rows(),
  };
  const pdf = await PDFDocument.load(await bytesOf(writeTablePdf(table, OPTIONS)));
  const pages = pdf.getPageCount();
  assert.ok(pages >= 5 && pages <= 8, `${pages} pages for ${total} rows`);
  for (let i = 0; i < pages; i++) {
    const { width, height } = pdf.getPage(i).getSize();
    assert.ok(width > height, "landscape");
    const content = pageContent(pdf, i);
    assert.ok(content.includes(hexOf("Acme Zo")), `org name on page ${i + 1}`);
    assert.ok(content.includes(hexOf("Worked (h)")), `headers repeated on page ${i + 1}`);
    assert.ok(content.includes(hexOf(`Page ${i + 1} of ${pages}`)));
  }
  const first = pageContent(pdf, 0);
  assert.ok(first.includes(hexOf("7.50")), "27000 s → 7.50");
  assert.ok(first.includes(hexOf("0.05")), "5 cents → 0.05");
});

Deno.test("pdfSafe keeps WinAnsi, strips accents it lacks, writes ? for the rest", async () => {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const charset = new Set(font.getCharacterSet());
  assert.equal(pdfSafe("Zoë José – Ünal €5", charset), "Zoë José – Ünal €5");
  assert.equal(pdfSafe("李 Ł ă ș", charset), "? ? a s");
  assert.equal(pdfSafe("a\tb\u0000c", charset), "a b c");
  assert.equal(pdfSafe("😀", charset), "?");
  // Whatever comes out, the font encodes it.
  for (const s of ["李 Ł ă ș 😀 \u202e", "Ωmega ∑"]) font.encodeText(pdfSafe(s, charset));
});
