/**
 * The export API with every format and kind the writers and sources provide (the paths between
 * the exports job and the formats): XLSX of the hours report read back as a workbook, PDF
 * timesheets loaded with pdf-lib (one page per member and period), payroll presets' exact header
 * rows, and an employee's own timesheets as PDF, all created over HTTP and built by the job.
 */

import assert from "node:assert/strict";
import { strFromU8, unzipSync } from "fflate";
import { PDFDocument } from "pdf-lib";
import { P1, payrollOrg } from "../exports_support.ts";
import { assertApiError, withApp } from "./support.ts";
import type { Client } from "../helpers.ts";
import { createExport } from "./exports_support.ts";

async function download(client: Client, base: string, id: string) {
  const meta = await client.json("GET", `${base}/exports/${id}`);
  assert.equal(meta.status, 200);
  assert.equal(meta.body.status, "done", JSON.stringify(meta.body));
  const res = await client.request("GET", `${base}/exports/${id}/download`);
  assert.equal(res.status, 200);
  return {
    meta: meta.body,
    type: res.headers.get("content-type"),
    disposition: res.headers.get("content-disposition") ?? "",
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}

Deno.test("exports: the hours report as XLSX is a workbook with typed cells", async () => {
  await withApp(async (app) => {
    const o = await payrollOrg(app);
    const orgId = o.base.split("/").at(-1)!;
    const id = await createExport(o.admin.client, orgId, {
      kind: "hours_report",
      format: "xlsx",
      from: P1.start,
      to: P1.end,
    });
    const file = await download(o.admin.client, o.base, id);
    assert.equal(
      file.type,
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    assert.match(file.disposition, /^attachment; filename=".*\.xlsx"$/);
    const parts = unzipSync(file.bytes);
    assert.ok(parts["xl/workbook.xml"], "a workbook");
    const sheet = strFromU8(parts["xl/worksheets/sheet1.xml"]);
    // Alice's name appears as an inline string, and her hours as a number cell.
    assert.ok(sheet.includes(o.names.get(o.alice.userId)!), "the member's name");
    assert.match(sheet, /<c r="[A-Z]+\d+" s="\d+"><v>\d+(\.\d+)?<\/v><\/c>/, "numbers as numbers");
    assert.ok(file.meta.rowCount >= 1);
  });
});

Deno.test("exports: timesheets as PDF, one page per member and period; an employee gets only theirs", async () => {
  await withApp(async (app) => {
    const o = await payrollOrg(app);
    const orgId = o.base.split("/").at(-1)!;
    const all = await createExport(o.manager.client, orgId, {
      kind: "timesheets",
      format: "pdf",
      from: P1.start,
      to: P1.end,
    });
    const file = await download(o.manager.client, o.base, all);
    assert.equal(file.type, "application/pdf");
    const doc = await PDFDocument.load(file.bytes);
    // Four active members, one period.
    assert.equal(doc.getPageCount(), 4);

    const own = await createExport(o.alice.client, orgId, {
      kind: "timesheets",
      format: "pdf",
      from: P1.start,
      to: P1.end,
    });
    const mine = await download(o.alice.client, o.base, own);
    assert.equal((await PDFDocument.load(mine.bytes)).getPageCount(), 1);
    // Others' timesheets and the payroll are not hers to export.
    assertApiError(
      await o.alice.client.json("POST", `${o.base}/exports`, {
        kind: "timesheets",
        format: "pdf",
        from: P1.start,
        to: P1.end,
        userId: o.bob.userId,
      }),
      403,
    );
    assertApiError(
      await o.alice.client.json("POST", `${o.base}/exports`, {
        kind: "payroll",
        format: "csv",
        from: P1.start,
        to: P1.end,
      }),
      403,
    );
  });
});

Deno.test("exports: payroll presets have their providers' header rows and exact hours", async () => {
  await withApp(async (app) => {
    const o = await payrollOrg(app);
    const orgId = o.base.split("/").at(-1)!;
    const headers: Record<string, string> = {
      gusto: "first_name,last_name,regular_hours,overtime_hours,double_overtime_hours,pto_hours",
      quickbooks_online: "TxnDate,NameOf,EmployeeVendorRefName,PayrollItemRef,Duration,Description",
    };
    for (const [preset, header] of Object.entries(headers)) {
      const id = await createExport(o.admin.client, orgId, {
        kind: "payroll",
        format: "csv",
        preset,
        from: P1.start,
        to: P1.end,
      });
      const file = await download(o.admin.client, o.base, id);
      const text = new TextDecoder().decode(file.bytes).replace(/^\uFEFF/, "");
      const [first, ...rows] = text.trimEnd().split("\r\n");
      assert.equal(first, header, preset);
      assert.ok(rows.length >= 1, `${preset} has rows`);
    }
    // Gusto: Alice's approved P1 — 45 h worked in week one (47.50 = 40 + 7.5 the next Monday
    // across two weeks): the row holds her regular and overtime hours as decimals.
    const gusto = await createExport(o.admin.client, orgId, {
      kind: "payroll",
      format: "csv",
      preset: "gusto",
      from: P1.start,
      to: P1.end,
    });
    const text = new TextDecoder().decode((await download(o.admin.client, o.base, gusto)).bytes);
    const [firstName] = o.names.get(o.alice.userId)!.split(" ");
    const alice = text.split("\r\n").find((l) => l.startsWith(`${firstName},`));
    assert.ok(alice, "Alice's row");
    assert.match(alice!, /,\d+\.\d{2},\d+\.\d{2},\d+\.\d{2},\d+\.\d{2}$/);
  });
});
