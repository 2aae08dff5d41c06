/**
 * The payroll export source against real KV data made through the API: each preset's header row
 * exactly as documented in docs/exports.md, exact decimal hours (7 h 30 min → 7.50; FLSA weekly
 * overtime split past 40 h), QuickBooks' rows per day and pay type, and the refusals.
 */

import assert from "node:assert/strict";
import { testApp } from "../../../tests/helpers.ts";
import {
  collect,
  contextOf,
  H,
  P1,
  P2,
  payrollOrg,
  textOf,
} from "../../../tests/exports_support.ts";
import { DomainError } from "../../errors.ts";
import { writeCsv } from "../csv.ts";
import type { WriteOptions } from "../table.ts";
import { hoursMinutes, PAYROLL_PRESETS, payrollTable, splitName } from "./payroll.ts";

const OPTIONS: WriteOptions = {
  orgName: "Acme Zoë Co",
  timeZone: "America/New_York",
  generatedAt: "2026-11-20T17:00:00.000Z",
};

type Org = Awaited<ReturnType<typeof payrollOrg>>;

async function withOrg(fn: (o: Org, app: Awaited<ReturnType<typeof testApp>>) => Promise<void>) {
  const app = await testApp();
  try {
    await fn(await payrollOrg(app), app);
  } finally {
    app.close();
  }
}

/** The header rows of docs/exports.md, one per preset. */
const HEADERS: Record<(typeof PAYROLL_PRESETS)[number], string> = {
  gusto: "first_name,last_name,regular_hours,overtime_hours,double_overtime_hours,pto_hours",
  quickbooks_online: "TxnDate,NameOf,EmployeeVendorRefName,PayrollItemRef,Duration,Description",
  generic:
    "Member ID,Name,Email,Period start,Period end,Timesheet status,Regular hours,Overtime hours,Double-time hours,PTO hours,Total paid hours",
};

Deno.test("payroll presets: header rows exactly as documented (and as docs/exports.md lists them)", async () => {
  const doc = await Deno.readTextFile(new URL("../../../docs/exports.md", import.meta.url));
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.admin.userId);
    for (const preset of PAYROLL_PRESETS) {
      const table = await payrollTable(ctx, { from: P1.start, to: P1.end, userId: null, preset });
      const csv = await textOf(writeCsv(table, OPTIONS));
      assert.equal(csv.split("\r\n")[0], HEADERS[preset], preset);
      assert.ok(doc.includes("`" + HEADERS[preset] + "`"), `docs/exports.md shows ${preset}`);
    }
  });
});

Deno.test("payroll gusto: one row per employee and period, decimal hours with the FLSA split", async () => {
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.manager.userId);
    const table = await payrollTable(ctx, {
      from: P1.start,
      to: P1.end,
      userId: o.alice.userId,
      preset: "gusto",
    });
    const [first, last] = splitName(o.names.get(o.alice.userId)!);
    assert.equal(
      await textOf(writeCsv(table, OPTIONS)),
      `${HEADERS.gusto}\r\n${first},${last},47.50,5.00,0.00,0.00\r\n`,
    );
    // Everyone (active members) in one period: four rows.
    const all = await collect(
      (await payrollTable(ctx, { from: P1.start, to: P1.end, userId: null, preset: "gusto" })).rows,
    );
    assert.equal(all.length, 4);
  });
});

Deno.test("payroll generic: id, name, email, period, status and each hour kind; 7 h 30 min is 7.50", async () => {
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.admin.userId);
    const table = await payrollTable(ctx, {
      from: P1.start,
      to: P2.end,
      userId: o.alice.userId,
      preset: null, // generic by default
    });
    const name = o.names.get(o.alice.userId)!;
    assert.equal(
      await textOf(writeCsv(table, OPTIONS)),
      `${HEADERS.generic}\r\n` +
        `${o.alice.userId},${name},${o.alice.email},${P1.start},${P1.end},approved,47.50,5.00,0.00,0.00,52.50\r\n` +
        `${o.alice.userId},${name},${o.alice.email},${P2.start},${P2.end},open,4.00,0.00,0.00,0.00,4.00\r\n`,
    );
  });
});

Deno.test("payroll quickbooks_online: a row per day and pay type with hours worked, h:mm durations", async () => {
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.manager.userId);
    const rows = await collect(
      (await payrollTable(ctx, {
        from: P1.start,
        to: P1.end,
        userId: null,
        preset: "quickbooks_online",
      })).rows,
    );
    const name = o.names.get(o.alice.userId)!;
    const d = `ClockFlow pay period ${P1.start} – ${P1.end}`;
    assert.deepEqual(rows, [
      ["2026-10-26", "Employee", name, "Regular Pay", "9:00", d],
      ["2026-10-27", "Employee", name, "Regular Pay", "9:00", d],
      ["2026-10-28", "Employee", name, "Regular Pay", "9:00", d],
      ["2026-10-29", "Employee", name, "Regular Pay", "9:00", d],
      ["2026-10-30", "Employee", name, "Regular Pay", "4:00", d],
      ["2026-10-30", "Employee", name, "Overtime Pay", "5:00", d],
      ["2026-11-02", "Employee", name, "Regular Pay", "7:30", d],
    ]);
  });
});

Deno.test("payroll: employees get only themselves; unknown presets, members and ranges are refused", async () => {
  await withOrg(async (o, app) => {
    const bob = await contextOf(app, o.admin.orgId, o.bob.userId);
    const rows = await collect(
      (await payrollTable(bob, {
        from: P1.start,
        to: P1.end,
        userId: o.alice.userId,
        preset: "generic",
      })).rows,
    );
    assert.deepEqual(rows.map((r) => r[0]), [o.bob.userId]);
    const ctx = await contextOf(app, o.admin.orgId, o.admin.userId);
    const cases: [Parameters<typeof payrollTable>[1], string][] = [
      [{ from: P1.start, to: P1.end, userId: null, preset: "adp" }, "unknown_preset"],
      [{ from: P1.end, to: P1.start, userId: null, preset: "gusto" }, "invalid_range"],
      [{ from: "nope", to: P1.start, userId: null, preset: "gusto" }, "invalid_range"],
      [
        { from: P1.start, to: P1.end, userId: "01JD3X7M2Q8J5V0K6Y4T9N1C2B", preset: "gusto" },
        "not_found",
      ],
    ];
    for (const [query, code] of cases) {
      await assert.rejects(
        () => payrollTable(ctx, query),
        (e) => e instanceof DomainError && e.code === code,
        JSON.stringify(query),
      );
    }
  });
});

Deno.test("payroll helpers: name split for Gusto, h:mm rounding for QuickBooks", () => {
  assert.deepEqual(splitName("Mary Ann  Lee"), ["Mary Ann", "Lee"]);
  assert.deepEqual(splitName("Cher"), ["Cher", ""]);
  assert.deepEqual(splitName("  "), ["", ""]);
  assert.equal(hoursMinutes(27000), "7:30");
  assert.equal(hoursMinutes(29), "0:00");
  assert.equal(hoursMinutes(30), "0:01");
  assert.equal(hoursMinutes(25 * H), "25:00");
  assert.equal(hoursMinutes(H * 8 + 89), "8:01");
});
