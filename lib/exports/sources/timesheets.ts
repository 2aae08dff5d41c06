/**
 * Source of the `timesheets` export: one row per member and pay period (CSV, XLSX) and one
 * document per member and period (PDF), computed by the timesheet domain itself
 * (`listTimesheets` and `getTimesheet` of `lib/timesheets`), so the export shows what the
 * timesheet page shows: approved timesheets with their frozen totals, others live, with the
 * plan's overtime rules.
 *
 * Which timesheets: every pay period overlapping `[from, to]` (whole), of the active members
 * (managers and admins) or of one member (`userId`; employees: always themselves), ordered by
 * period, then by member name.
 *
 * @module
 */

import type { RequestContext } from "../../context.ts";
import type { EntryView } from "../../entries/model.ts";
import { workedPerDay, type WorkInterval } from "../../overtime/engine.ts";
import { overtimeOn } from "../../reports/use_cases.ts";
import type { Settings } from "../../settings/schema.ts";
import { DayCalendar } from "../../time/calendar.ts";
import type { Period } from "../../time/periods.ts";
import { getTimesheet, listTimesheets, type TimesheetDetail } from "../../timesheets/timesheets.ts";
import type { Column, Table } from "../table.ts";
import { exportPeriods, exportSubject, MemberDirectory } from "./pay_periods.ts";
import type { ExportQuery, TimesheetDocument } from "./source.ts";

/** The columns of the timesheets table (stable keys). */
export const TIMESHEET_COLUMNS: Column[] = [
  { key: "member", title: "Member", type: "text" },
  { key: "email", title: "Email", type: "text" },
  { key: "period_start", title: "Period start", type: "date" },
  { key: "period_end", title: "Period end", type: "date" },
  { key: "status", title: "Status", type: "text" },
  { key: "worked", title: "Worked hours", type: "hours" },
  { key: "regular", title: "Regular hours", type: "hours" },
  { key: "overtime", title: "Overtime hours", type: "hours" },
  { key: "double_time", title: "Double-time hours", type: "hours" },
  { key: "pto", title: "PTO hours", type: "hours" },
];

/**
 * The timesheets in `query` as a table: member, email, period start and end, status and the
 * worked, regular, overtime, double-time and PTO hours (integer seconds in `hours` cells).
 * Throws before any row: 400 `invalid_range`, 403 `forbidden`, 404 `not_found` (a `userId` that
 * is not a member here).
 *
 * @example
 * ```ts
 * const table = await timesheetsTable(ctx, { from: "2026-11-01", to: "2026-11-30", userId: null, preset: null });
 * for await (const chunk of writeCsv(table, options)) store(chunk);
 * ```
 */
export async function timesheetsTable(ctx: RequestContext, query: ExportQuery): Promise<Table> {
  const periods = exportPeriods(ctx, query);
  const userId = await exportSubject(ctx, query);
  const names = new MemberDirectory(ctx);
  const first = periods[0].start.toString();
  const last = periods[periods.length - 1].end.toString();
  async function* rows() {
    for (const period of periods) {
      const { data } = await listTimesheets(ctx.scope, {
        date: period.start,
        userId,
        now: ctx.now,
        overtimeRules: overtimeOn(ctx),
      });
      await names.load(data.map((s) => s.userId));
      for (const s of names.byName(data)) {
        yield [
          names.name(s.userId),
          names.email(s.userId),
          s.periodStart,
          s.periodEnd,
          s.status,
          s.totals.workedSeconds,
          s.totals.regularSeconds,
          s.totals.overtimeSeconds,
          s.totals.doubleTimeSeconds,
          s.totals.ptoSeconds,
        ];
      }
    }
  }
  return {
    title: `Timesheets ${first} – ${last}`,
    columns: TIMESHEET_COLUMNS,
    rows: rows(),
  };
}

/**
 * Unpaid break seconds per local day of `period` (breaks without a type or of an unpaid type;
 * a running break counts up to `now`), split at local midnight.
 */
export function unpaidBreaksPerDay(
  entries: EntryView[],
  period: Period,
  settings: Pick<Settings, "breaks" | "timeZone">,
  now: number,
): number[] {
  const days = period.start.until(period.end, { largestUnit: "days" }).days + 1;
  const calendar = new DayCalendar(period.start, days, settings.timeZone);
  const paid = new Set(settings.breaks.types.filter((t) => t.paid).map((t) => t.id));
  const intervals: WorkInterval[] = [];
  for (const e of entries) {
    const entryEnd = e.end === null ? now : Date.parse(e.end);
    for (const b of e.breaks) {
      if (b.typeId && paid.has(b.typeId)) continue;
      const end = Math.min(b.end === null ? entryEnd : Date.parse(b.end), entryEnd);
      intervals.push({ start: Date.parse(b.start), end });
    }
  }
  return workedPerDay(calendar, intervals);
}

/** The PDF document of one timesheet. */
function documentOf(
  detail: TimesheetDetail,
  memberName: string,
  period: Period,
  settings: Settings,
  now: number,
): TimesheetDocument {
  const breaks = unpaidBreaksPerDay(detail.entries, period, settings, now);
  return {
    userId: detail.userId,
    memberName,
    periodStart: detail.periodStart,
    periodEnd: detail.periodEnd,
    status: detail.status,
    days: detail.days.map((d, i) => ({
      date: d.date,
      workedSeconds: d.workedSeconds,
      breakSeconds: breaks[i] ?? 0,
      ptoSeconds: d.ptoSeconds,
    })),
    totals: {
      workedSeconds: detail.totals.workedSeconds,
      regularSeconds: detail.totals.regularSeconds,
      overtimeSeconds: detail.totals.overtimeSeconds,
      doubleTimeSeconds: detail.totals.doubleTimeSeconds,
      ptoSeconds: detail.totals.ptoSeconds,
    },
  };
}

/**
 * The timesheets in `query`, one document per member and period (the same timesheets as
 * {@linkcode timesheetsTable}): each day's worked, unpaid break and PTO seconds, and the totals.
 * Errors as {@linkcode timesheetsTable}, raised on the first read.
 *
 * @example
 * ```ts
 * for await (const bytes of writeTimesheetsPdf(timesheetDocuments(ctx, query), options)) store(bytes);
 * ```
 */
export async function* timesheetDocuments(
  ctx: RequestContext,
  query: ExportQuery,
): AsyncIterable<TimesheetDocument> {
  const periods = exportPeriods(ctx, query);
  const userId = await exportSubject(ctx, query);
  const names = new MemberDirectory(ctx);
  const pay = { overtimeRules: overtimeOn(ctx) };
  for (const period of periods) {
    const { data } = await listTimesheets(ctx.scope, {
      date: period.start,
      userId,
      now: ctx.now,
      ...pay,
    });
    await names.load(data.map((s) => s.userId));
    for (const s of names.byName(data)) {
      const detail = await getTimesheet(ctx.scope, s.id, ctx.now, pay);
      yield documentOf(detail, names.name(s.userId), period, ctx.settings.settings, ctx.now);
    }
  }
}
