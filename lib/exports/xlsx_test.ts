/**
 * The XLSX writer, read back: fflate unzips the package and a small reader resolves every cell's
 * type, number format and font from the sheet and styles XML; 100,000 rows stream through
 * fflate's streaming unzip with a flat heap.
 */

import assert from "node:assert/strict";
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

/** A cell as a reader sees it: its type attribute, number format and value. */
interface ReadCell {
  type: "n" | "inlineStr";
  numFmt: string;
  bold: boolean;
  value: string | number;
}

/**
 * A small XLSX reader for the test: unzips the package, resolves each cell's style to its number
 * format (built-in ids 0, 1, 2 or the file's custom formats) and font, and decodes values.
 */
function readSheet(
  bytes: Uint8Array,
): {
  sheetName: string;
  creator: string;
  title: string;
  cells: Map<string, ReadCell>;
  rows: number;
} {
  const files = unzipSync(bytes);
  const text = (name: string) => strFromU8(files[name]);
  const styles = text("xl/styles.xml");
  const custom = new Map(
    [...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"\/>/g)].map((
      m,
    ) => [m[1], m[2]]),
  );
  const builtIn: Record<string, string> = { "0": "General", "1": "0", "2": "0.00" };
  const fonts = [...styles.matchAll(/<font>(.*?)<\/font>/g)].map((m) => m[1].includes("<b/>"));
  const xfs = [...styles.split("<cellXfs")[1].matchAll(/<xf numFmtId="(\d+)" fontId="(\d+)"/g)]
    .map((m) => ({ numFmt: custom.get(m[1]) ?? builtIn[m[1]], bold: fonts[Number(m[2])] }));
  const unescape = (s: string) =>
    s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll(
      "&amp;",
      "&",
    );
  const cells = new Map<string, ReadCell>();
  const sheet = text("xl/worksheets/sheet1.xml");
  for (const m of sheet.matchAll(/<c r="([A-Z]+\d+)"(?: s="(\d+)")?(?: t="(\w+)")?>(.*?)<\/c>/g)) {
    const xf = xfs[Number(m[2] ?? 0)];
    const inline = m[3] === "inlineStr";
    const value = inline
      ? unescape(/<t xml:space="preserve">(.*?)<\/t>/.exec(m[4])![1])
      : Number(/<v>(.*?)<\/v>/.exec(m[4])![1]);
    cells.set(m[1], { type: inline ? "inlineStr" : "n", numFmt: xf.numFmt, bold: xf.bold, value });
  }
  const core = text("docProps/core.xml");
  return {
    sheetName: unescape(/<sheet name="([^"]*)"/.exec(text("xl/workbook.xml"))![1]),
    creator: unescape(/<dc:creator>(.*?)<\/dc:creator>/.exec(core)![1]),
    title: unescape(/<dc:title>(.*?)<\/dc:title>/.exec(core)![1]),
    cells,
    rows: [...sheet.matchAll(/<row r="/g)].length,
  };
}

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
  const book = readSheet(await bytesOf(writeXlsx(table, OPTIONS)));
  assert.equal(book.sheetName, "Hours 2026-11-01 – 2026-11-30");
  assert.equal(book.creator, "Acme & Sons");
  assert.equal(book.title, table.title);
  assert.equal(book.rows, 4);
  const cell = (ref: string) => book.cells.get(ref);

  COLUMNS.forEach((c, i) => {
    const h = cell(`${columnLetters(i)}1`)!;
    assert.deepEqual(h, { type: "inlineStr", numFmt: "General", bold: true, value: c.title });
  });

  assert.deepEqual(cell("A2"), {
    type: "inlineStr",
    numFmt: "General",
    bold: false,
    value: 'Zoë <Ann> & "Bo"',
  });
  // 2026-11-02 is Excel day 46328; 08:30 is 0.3541666… of a day.
  assert.deepEqual(cell("B2"), { type: "n", numFmt: "yyyy-mm-dd", bold: false, value: 46328 });
  assert.deepEqual(cell("C2"), {
    type: "n",
    numFmt: "yyyy-mm-dd hh:mm:ss",
    bold: false,
    value: 46328 + 8.5 / 24,
  });
  assert.deepEqual(cell("D2"), { type: "n", numFmt: "0.00", bold: false, value: 7.5 });
  assert.deepEqual(cell("E2"), { type: "n", numFmt: "0.00", bold: false, value: 123.45 });
  assert.deepEqual(cell("F2"), { type: "n", numFmt: "0", bold: false, value: 3 });

  // A formula-looking text stays an inline string: XLSX never evaluates those.
  assert.equal(cell("A3")!.value, '=HYPERLINK("http://x")');
  assert.equal(cell("A3")!.type, "inlineStr");
  assert.deepEqual(cell("B3")!.value, "not a date", "an unparseable date is kept as text");
  assert.equal(cell("C3"), undefined, "null is an empty cell");
  assert.equal(cell("D3")!.value, 0);
  assert.equal(cell("E3")!.value, -0.05);

  assert.equal(cell("A4")!.value, "李 bell", "characters XML cannot carry are removed");
  assert.equal(cell("B4")!.value, "2026-02-30");
  assert.equal(cell("C4")!.value, "2026-11-02T25:00");
  assert.equal(cell("D4")!.value, 0.025);
  assert.equal(cell("F4"), undefined);
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
  // The lowest sample of a window is close to the live heap just after a collection.
  const early = Math.min(...heap.slice(1, 6));
  const late = Math.min(...heap.slice(-5));
  assert.ok(sheetChars > 20_000_000, `sheet XML is ${sheetChars} characters`);
  // Building the sheet in memory would hold its ~25 million characters (at least 25 MB: V8 keeps
  // ASCII strings at one byte a character) by the end; streaming keeps the live heap near where it
  // started. The bound is three quarters of that, because the sampled minimums depend on when the
  // collector ran, and parallel test runs moved them by up to 13 MiB.
  assert.ok(
    late - early < 0.75 * sheetChars,
    `heap grew ${Math.round((late - early) / 1048576)} MiB for a ${
      Math.round(sheetChars / 1048576)
    }-million-character sheet`,
  );
  assert.ok(size < sheetChars / 4, `the zip (${size} bytes) is compressed`);
  assert.ok(tail.includes(`<row r="${total + 1}">`), "the last row arrived");
  assert.ok(
    tail.includes(`<c r="D${total + 1}" s="2"><v>${(27000 + total - 1) / 3600}</v></c>`),
  );
  assert.ok(tail.endsWith("</sheetData></worksheet>"));
});
