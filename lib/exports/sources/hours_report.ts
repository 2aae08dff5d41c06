/**
 * Source of the `hours_report` export: the hours report (`lib/reports`) of the range, one row
 * per member (by name) with worked, regular, overtime, double-time and PTO hours and gross pay,
 * computed by the very use case the report page and `GET …/reports/hours` call.
 *
 * @module
 */

import type { RequestContext } from "../../context.ts";
import { memberUsers } from "../../identity/users.ts";
import { hoursReportUseCase } from "../../reports/use_cases.ts";
import type { Cell, Column } from "../table.ts";
import type { ExportQuery } from "./source.ts";
import type { ProgressTable } from "./progress.ts";

/** The columns of the hours report export. */
export const HOURS_REPORT_COLUMNS: Column[] = [
  { key: "member", title: "Member", type: "text" },
  { key: "worked", title: "Worked (hours)", type: "hours" },
  { key: "regular", title: "Regular (hours)", type: "hours" },
  { key: "overtime", title: "Overtime (hours)", type: "hours" },
  { key: "doubleTime", title: "Double time (hours)", type: "hours" },
  { key: "pto", title: "PTO (hours)", type: "hours" },
  { key: "grossPay", title: "Gross pay", type: "money" },
];

/** The hours report of `query` as a table (the report is computed whole, then streamed). */
export async function hoursReportTable(
  ctx: RequestContext,
  query: ExportQuery,
): Promise<ProgressTable> {
  const report = await hoursReportUseCase(ctx, {
    from: query.from,
    to: query.to,
    ...(query.userId ? { userId: query.userId } : {}),
  });
  const names = new Map(
    (await memberUsers(ctx.scope, report.data.map((r) => r.userId))).map((u) => [u.id, u.name]),
  );
  const data = report.data.map((r) => ({ ...r, name: names.get(r.userId) ?? "Unknown" }))
    .sort((a, b) => a.name.localeCompare(b.name));
  let sent = 0;
  async function* rows(): AsyncIterable<Cell[]> {
    for (const r of data) {
      sent++;
      yield [
        r.name,
        r.workedSeconds,
        r.regularSeconds,
        r.overtimeSeconds,
        r.doubleTimeSeconds,
        r.ptoSeconds,
        r.grossPayCents,
      ];
    }
  }
  return {
    title: `Hours ${query.from} – ${query.to}`,
    columns: HOURS_REPORT_COLUMNS,
    rows: rows(),
    estimatedRows: data.length,
    progress: () => (data.length ? sent / data.length : 1),
  };
}
