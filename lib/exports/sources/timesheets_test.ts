/**
 * The timesheets export source against real KV data made through the API: rows per member and
 * pay period with the timesheet's status and its figures (FLSA weekly overtime, approved totals),
 * employees limited to themselves, documents per member and period with days and unpaid breaks,
 * and the PDF they make (one page per member and period).
 */

import assert from "node:assert/strict";
import { PDFDocument } from "pdf-lib";
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
import { writeTimesheetsPdf } from "../pdf.ts";
import type { WriteOptions } from "../table.ts";
import { TIMESHEET_COLUMNS, timesheetDocuments, timesheetsTable } from "./timesheets.ts";

const OPTIONS: WriteOptions = {
  orgName: "Acme Zoë Co",
  timeZone: "America/New_York",
  generatedAt: "2026-11-20T17:00:00.000Z",
};

async function withOrg(
  fn: (
    o: Awaited<ReturnType<typeof payrollOrg>>,
    app: Awaited<ReturnType<typeof testApp>>,
  ) => Promise<void>,
) {
  const app = await testApp();
  try {
    await fn(await payrollOrg(app), app);
  } finally {
    app.close();
  }
}

Deno.test("timesheets table: a row per member and period, approved totals with FLSA weekly overtime", async () => {
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.manager.userId);
    const table = await timesheetsTable(ctx, {
      from: "2026-11-01",
      to: "2026-11-10",
      userId: null,
      preset: null,
    });
    assert.deepEqual(table.columns, TIMESHEET_COLUMNS);
    const rows = await collect(table.rows);
    // Two whole periods overlap Nov 1–10; four active members each.
    assert.equal(rows.length, 8);
    assert.deepEqual(rows.map((r) => r[2]), [
      ...Array(4).fill(P1.start),
      ...Array(4).fill(P2.start),
    ]);
    const alice = o.names.get(o.alice.userId)!;
    const p1 = rows.find((r) => r[0] === alice && r[2] === P1.start)!;
    assert.deepEqual(p1, [
      alice,
      o.alice.email,
      P1.start,
      P1.end,
      "approved",
      52.5 * H,
      47.5 * H,
      5 * H,
      0,
      0,
    ]);
    const p2 = rows.find((r) => r[0] === alice && r[2] === P2.start)!;
    assert.deepEqual(p2.slice(4), ["open", 4 * H, 4 * H, 0, 0, 0]);
    const bob = rows.find((r) => r[0] === o.names.get(o.bob.userId) && r[2] === P1.start)!;
    assert.deepEqual(bob.slice(4), ["open", 0, 0, 0, 0, 0]);
    // Within a period, rows are ordered by name.
    const p1Names = rows.slice(0, 4).map((r) => r[0] as string);
    assert.deepEqual(p1Names, [...p1Names].sort((a, b) => a.localeCompare(b)));
  });
});

Deno.test("timesheets CSV: hours are written exactly (52.50, 47.50, 5.00)", async () => {
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.admin.userId);
    const table = await timesheetsTable(ctx, {
      from: P1.start,
      to: P1.end,
      userId: o.alice.userId,
      preset: null,
    });
    const csv = await textOf(writeCsv(table, OPTIONS));
    assert.equal(
      csv,
      "Member,Email,Period start,Period end,Status,Worked hours,Regular hours,Overtime hours,Double-time hours,PTO hours\r\n" +
        `${
          o.names.get(o.alice.userId)
        },${o.alice.email},${P1.start},${P1.end},approved,52.50,47.50,5.00,0.00,0.00\r\n`,
    );
  });
});

Deno.test("timesheets: an employee gets only their own, whatever userId says", async () => {
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.bob.userId);
    for (const userId of [null, o.alice.userId]) {
      const rows = await collect(
        (await timesheetsTable(ctx, { from: P1.start, to: P2.end, userId, preset: null })).rows,
      );
      assert.deepEqual(rows.map((r) => r[0]), [
        o.names.get(o.bob.userId),
        o.names.get(o.bob.userId),
      ]);
      const docs = await collect(
        timesheetDocuments(ctx, { from: P1.start, to: P2.end, userId, preset: null }),
      );
      assert.deepEqual(docs.map((d) => d.userId), [o.bob.userId, o.bob.userId]);
    }
  });
});

Deno.test("timesheets: bad ranges and unknown members are refused before any row", async () => {
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.manager.userId);
    const cases: [Parameters<typeof timesheetsTable>[1], string][] = [
      [{ from: "2026-11-10", to: "2026-11-01", userId: null, preset: null }, "invalid_range"],
      [{ from: "2026-02-30", to: "2026-11-01", userId: null, preset: null }, "invalid_range"],
      [{ from: "2025-01-01", to: "2026-11-01", userId: null, preset: null }, "invalid_range"],
      [
        { from: P1.start, to: P1.end, userId: "01JD3X7M2Q8J5V0K6Y4T9N1C2B", preset: null },
        "not_found",
      ],
    ];
    for (const [query, code] of cases) {
      await assert.rejects(
        () => timesheetsTable(ctx, query),
        (e) => e instanceof DomainError && e.code === code,
        JSON.stringify(query),
      );
      await assert.rejects(
        () => collect(timesheetDocuments(ctx, query)),
        (e) => e instanceof DomainError && e.code === code,
      );
    }
  });
});

Deno.test("timesheet documents: days with weekday data, unpaid breaks only, totals; the PDF has a page per member and period", async () => {
  await withOrg(async (o, app) => {
    const ctx = await contextOf(app, o.admin.orgId, o.manager.userId);
    const docs = await collect(
      timesheetDocuments(ctx, { from: P1.start, to: P2.end, userId: null, preset: null }),
    );
    assert.equal(docs.length, 4 * 2, "members × periods");
    const a = docs.find((d) => d.userId === o.alice.userId && d.periodStart === P1.start)!;
    assert.equal(a.memberName, o.names.get(o.alice.userId));
    assert.equal(a.periodEnd, P1.end);
    assert.equal(a.status, "approved");
    assert.equal(a.days.length, 14);
    assert.deepEqual(a.days[0], {
      date: "2026-10-26",
      workedSeconds: 9 * H,
      breakSeconds: 0.5 * H, // the paid rest break is worked time, not a break here
      ptoSeconds: 0,
    });
    assert.deepEqual(a.days[7], {
      date: "2026-11-02",
      workedSeconds: 7.5 * H,
      breakSeconds: 0,
      ptoSeconds: 0,
    });
    assert.equal(a.days.reduce((s, d) => s + d.breakSeconds, 0), 2.5 * H);
    assert.deepEqual(a.totals, {
      workedSeconds: 52.5 * H,
      regularSeconds: 47.5 * H,
      overtimeSeconds: 5 * H,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
    });
    async function* again() {
      yield* timesheetDocuments(ctx, { from: P1.start, to: P2.end, userId: null, preset: null });
    }
    const bytes = new Uint8Array(
      (await collect(writeTimesheetsPdf(again(), OPTIONS))).flatMap((c) => [...c]),
    );
    const pdf = await PDFDocument.load(bytes);
    assert.equal(pdf.getPageCount(), 8);
  });
});
