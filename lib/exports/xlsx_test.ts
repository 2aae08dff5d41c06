/**
 * The XLSX writer, read back with real readers: ExcelJS (cell types, values, number formats,
 * bold header) and fflate (the zip's parts, and 100,000 rows written with flat memory).
 */

import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { strFromU8, Unzip, UnzipInflate, unzipSync } from "fflate";
import type { Cell, Table, WriteOptions } from "./table.ts";
import { columnLetters, excelSerial, sheetName, writeXlsx, xmlText } from "./xlsx.ts";

const OPTIONS: WriteOptions = {
  orgName: "Acme & Sons",
  timeZone: "America/New_York",
  generatedAt: "2026-11-20T17:00:00.000Z",
};

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    parts.push(c);
    n += c.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function* rowsOf(rows: Cell[][]): AsyncIterable<Cell[]> {
  for (const r of rows) yield r;
}

const COLUMNS: Table["columns"] = [
  { key: "member", title: "Member", type: "text" },
  { key: "date", title: "Date", type: "date" },
  { key: "start", title: "Start", type: "datetime" },
  { key: "worked", title: "Worked (h)", type: "hours" },
  { key: "pay", title: "Pay", type: "money" },
  { key: "entries", title: "Entries", type: "integer" },
];

Deno.test("xlsx: cells are typed — numbers as numbers, hours and money with 0.00, real dates, text as strings", async () => {
  const table: Table = {
    title: "Hours 2026-11-01 – 2026-11-30",
    columns: COLUMNS,
    rows: rowsOf([
      ['Zoë <Ann> & "Bo"', "2026-11-02", "2026-11-02T08:30:00", 27000, 12345, 3],
      ['=HYPERLINK("http://x")', "not a date", null, 0, -5, 0],
      ["李 \u0007bell", "2026-02-30", "2026-11-02T25:00", 90, 0, null],
    ]),
  };
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await bytesOf(writeXlsx(table, OPTIONS))).buffer as ArrayBuffer);
  assert.equal(wb.worksheets.length, 1);
  const ws = wb.worksheets[0];
  assert.equal(ws.name, "Hours 2026-11-01 – 2026-11-30");
  assert.equal(wb.creator, "Acme & Sons");
  assert.equal(wb.title, table.title);

  const header = ws.getRow(1);
  assert.deepEqual(
    COLUMNS.map((_, i) => header.getCell(i + 1).value),
    COLUMNS.map((c) => c.title),
  );
  for (let i = 1; i <= COLUMNS.length; i++) assert.equal(header.getCell(i).font?.bold, true);

  const r2 = ws.getRow(2);
  assert.equal(r2.getCell(1).value, 'Zoë <Ann> & "Bo"');
  assert.equal(r2.getCell(1).type, ExcelJS.ValueType.String);
  const date = r2.getCell(2);
  assert.equal(date.type, ExcelJS.ValueType.Date);
  assert.equal((date.value as Date).toISOString(), "2026-11-02T00:00:00.000Z");
  assert.equal(date.numFmt, "yyyy-mm-dd");
  assert.equal(r2.getCell(3).numFmt, "yyyy-mm-dd hh:mm:ss");
  const start = r2.getCell(3);
  assert.equal(start.type, ExcelJS.ValueType.Date);
  assert.equal((start.value as Date).toISOString(), "2026-11-02T08:30:00.000Z");
  const worked = r2.getCell(4);
  assert.equal(worked.type, ExcelJS.ValueType.Number);
  assert.equal(worked.value, 7.5);
  assert.equal(worked.numFmt, "0.00");
  assert.equal(r2.getCell(5).value, 123.45);
  assert.equal(r2.getCell(5).numFmt, "0.00");
  assert.equal(r2.getCell(6).value, 3);
  assert.equal(r2.getCell(6).type, ExcelJS.ValueType.Number);

  const r3 = ws.getRow(3);
  // A formula-looking text stays text: inline strings are never evaluated.
  assert.equal(r3.getCell(1).value, '=HYPERLINK("http://x")');
  assert.equal(r3.getCell(1).type, ExcelJS.ValueType.String);
  assert.equal(r3.getCell(2).value, "not a date", "an unparseable date is kept as text");
  assert.equal(r3.getCell(3).type, ExcelJS.ValueType.Null, "null is an empty cell");
  assert.equal(r3.getCell(4).value, 0);
  assert.equal(r3.getCell(5).value, -0.05);

  const r4 = ws.getRow(4);
  assert.equal(r4.getCell(1).value, "李 bell", "characters XML cannot carry are removed");
  assert.equal(r4.getCell(2).value, "2026-02-30");
  assert.equal(r4.getCell(3).value, "2026-11-02T25:00");
  assert.equal(r4.getCell(4).value, 0.025);
  assert.equal(ws.rowCount, 4);
});

Deno.test("xlsx: the package holds the parts Excel needs and the header row is frozen", async () => {
  const table: Table = { title: "T", columns: COLUMNS.slice(0, 1), rows: rowsOf([]) };
  const files = unzipSync(await bytesOf(writeXlsx(table, OPTIONS)));
  assert.deepEqual(Object.keys(files).sort(), [
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/app.xml",
    "docProps/core.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
  ]);
  const sheet = strFromU8(files["xl/worksheets/sheet1.xml"]);
  assert.match(
    sheet,
    /<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"\/>/,
  );
  assert.match(sheet, /<row r="1"><c r="A1" s="1" t="inlineStr">/);
});

Deno.test("xlsx helpers: column letters, Excel serials, sheet names, XML escaping", () => {
  assert.deepEqual([0, 25, 26, 51, 52, 701, 702].map(columnLetters), [
    "A",
    "Z",
    "AA",
    "AZ",
    "BA",
    "ZZ",
    "AAA",
  ]);
  assert.equal(excelSerial("1970-01-01"), 25569);
  assert.equal(excelSerial("2026-11-02"), 46328);
  assert.equal(excelSerial("2026-11-02T18:00:00"), 46328.75);
  assert.equal(excelSerial("2026-11-02T18:00"), 46328.75);
  assert.equal(excelSerial("2026-13-01"), null);
  assert.equal(excelSerial("1900-01-15"), null);
  assert.equal(excelSerial("02/11/2026"), null);
  assert.equal(sheetName("Payroll [gusto]: a/b?"), "Payroll  gusto   a b");
  assert.equal(sheetName("x".repeat(40)).length, 31);
  assert.equal(sheetName("''"), "Sheet1");
  assert.equal(xmlText('a<b>&"c"\u0001\uD800'), "a&lt;b&gt;&amp;&quot;c&quot;");
});

Deno.test("xlsx: 100,000 rows stream out with flat memory and all arrive", async () => {
  const total = 100_000;
  const heap: number[] = [];
  async function* many(): AsyncIterable<Cell[]> {
    for (let i = 0; i < total; i++) {
      if (i % 5_000 === 0) heap.push(Deno.memoryUsage().heapUsed);
      yield [`Member ${i % 500}`, "2026-11-02", "2026-11-02T08:30:00", 27000 + i, i * 7, i];
    }
  }
  const table: Table = { title: "Big", columns: COLUMNS, rows: many(), estimatedRows: total };
  // Read the zip back as it streams (fflate's streaming unzip), keeping only a tail of the sheet
  // XML: neither side ever holds the whole file.
  let tail = "";
  let sheetChars = 0;
  let size = 0;
  const decoder = new TextDecoder();
  const unzip = new Unzip((file) => {
    if (file.name !== "xl/worksheets/sheet1.xml") return;
    file.ondata = (err, data) => {
      if (err) throw err;
      const text = decoder.decode(data, { stream: true });
      sheetChars += text.length;
      tail = (tail + text).slice(-4096);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for await (const chunk of writeXlsx(table, OPTIONS)) {
    size += chunk.length;
    unzip.push(chunk);
  }
  unzip.push(new Uint8Array(0), true);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const early = median(heap.slice(1, 6));
  const late = median(heap.slice(-5));
  // Building the ~25 MB sheet in memory would grow the heap by at least that much; streaming
  // leaves only garbage-collection noise.
  assert.ok(
    late - early < 12 * 1024 * 1024,
    `heap grew ${Math.round((late - early) / 1048576)} MiB`,
  );
  assert.ok(sheetChars > 20_000_000, `sheet XML is ${sheetChars} characters`);
  assert.ok(size < sheetChars / 4, `the zip (${size} bytes) is compressed`);
  assert.ok(tail.includes(`<row r="${total + 1}">`), "the last row arrived");
  assert.ok(
    tail.includes(`<c r="D${total + 1}" s="2"><v>${(27000 + total - 1) / 3600}</v></c>`),
  );
  assert.ok(tail.endsWith("</sheetData></worksheet>"));
});
