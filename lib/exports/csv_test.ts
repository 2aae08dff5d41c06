import assert from "node:assert/strict";
import { csvField, writeCsv } from "./csv.ts";
import { formatHours, formatMoney, type Table } from "./table.ts";

async function text(table: Table, bom = false): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of writeCsv(table, { orgName: "O", timeZone: "UTC", generatedAt: "", bom })) {
    parts.push(c);
  }
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(
    new Uint8Array(parts.flatMap((p) => [...p])),
  );
}

async function* rows<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

Deno.test("hours and money are exact decimal text", () => {
  assert.equal(formatHours(27_000), "7.50");
  assert.equal(formatHours(0), "0.00");
  assert.equal(formatHours(59), "0.02"); // 0.01638… → 0.02
  assert.equal(formatHours(17), "0.00"); // 0.0047… → 0.00
  assert.equal(formatHours(18), "0.01"); // exactly 0.005 → half up
  assert.equal(formatHours(-900), "-0.25");
  assert.equal(formatHours(36_000_000), "10000.00");
  assert.equal(formatMoney(1234), "12.34");
  assert.equal(formatMoney(-5), "-0.05");
});

Deno.test("CSV quotes, doubles quotes, neutralises formulas and writes CRLF", async () => {
  assert.equal(csvField('a "b", c'), '"a ""b"", c"');
  assert.equal(csvField("=SUM(A1)"), "'=SUM(A1)");
  assert.equal(csvField("@cmd"), "'@cmd");
  assert.equal(csvField("+1"), "'+1");
  assert.equal(csvField("-2"), "'-2");
  assert.equal(csvField("\tx"), "'\tx");
  assert.equal(csvField("\rx"), '"\'\rx"');
  assert.equal(csvField("-2", "hours"), "-2");
  const csv = await text({
    title: "t",
    columns: [
      { key: "n", title: "Name", type: "text" },
      { key: "h", title: "Hours", type: "hours" },
    ],
    rows: rows([['Zoë, "Z"', 5400], ["=1+1", -900], [null, null]]),
  }, true);
  assert.ok(csv.startsWith("\uFEFFName,Hours\r\n"));
  assert.equal(csv.slice(1), 'Name,Hours\r\n"Zoë, ""Z""",1.50\r\n\'=1+1,-0.25\r\n,\r\n');
});
