/**
 * Source of the `payroll` export: per member and pay period, regular, overtime, double-time and
 * PTO hours, laid out as a payroll provider's import expects (presets). The layouts, with the
 * pages they come from, are in `docs/exports.md` ("Payroll presets"):
 *
 * | preset | rows | columns |
 * | --- | --- | --- |
 * | `gusto` | member × period | `first_name`, `last_name`, `regular_hours`, `overtime_hours`, `double_overtime_hours`, `pto_hours` |
 * | `quickbooks_online` | member × day × pay type (non-zero only) | `TxnDate`, `NameOf`, `EmployeeVendorRefName`, `PayrollItemRef`, `Duration` (h:mm), `Description` |
 * | `generic` | member × period | member id, name, email, period, status, each hour kind, total |
 *
 * Figures come from the hours report engine (`lib/reports/hours.ts`) over each whole pay period
 * overlapping `[from, to]`, with the plan's overtime rules, for every member with hours (active
 * or deactivated since: a person who left mid-period is still paid) or one member. An approved
 * timesheet's frozen totals replace the live ones, as the timesheet itself shows them.
 *
 * @module
 */

import type { RequestContext } from "../../context.ts";
import { DomainError } from "../../errors.ts";
import { hoursReport, type HoursTotals, type MemberHours } from "../../reports/hours.ts";
import { overtimeOn } from "../../reports/use_cases.ts";
import type { TimesheetRecord } from "../../timesheets/timesheets.ts";
import type { Period } from "../../time/periods.ts";
import type { Cell, Column, Table } from "../table.ts";
import { exportPeriods, exportSubject, MemberDirectory } from "./pay_periods.ts";
import type { ExportQuery } from "./source.ts";

/** Payroll layouts: Gusto's hours import, QuickBooks Online Payroll's time import, generic. */
export const PAYROLL_PRESETS = ["gusto", "quickbooks_online", "generic"] as const;
/** A payroll layout. */
export type PayrollPreset = (typeof PAYROLL_PRESETS)[number];

/** Gusto's CSV upload of a regular payroll: one row per employee (column titles as Gusto's template). */
export const GUSTO_COLUMNS: Column[] = [
  { key: "first_name", title: "first_name", type: "text" },
  { key: "last_name", title: "last_name", type: "text" },
  { key: "regular_hours", title: "regular_hours", type: "hours" },
  { key: "overtime_hours", title: "overtime_hours", type: "hours" },
  { key: "double_overtime_hours", title: "double_overtime_hours", type: "hours" },
  { key: "pto_hours", title: "pto_hours", type: "hours" },
];

/** QuickBooks Online time activities: one row per employee, date and pay type. */
export const QUICKBOOKS_COLUMNS: Column[] = [
  { key: "TxnDate", title: "TxnDate", type: "date" },
  { key: "NameOf", title: "NameOf", type: "text" },
  { key: "EmployeeVendorRefName", title: "EmployeeVendorRefName", type: "text" },
  { key: "PayrollItemRef", title: "PayrollItemRef", type: "text" },
  { key: "Duration", title: "Duration", type: "text" },
  { key: "Description", title: "Description", type: "text" },
];

/** The generic payroll layout, in decimal hours. */
export const GENERIC_COLUMNS: Column[] = [
  { key: "member_id", title: "Member ID", type: "text" },
  { key: "name", title: "Name", type: "text" },
  { key: "email", title: "Email", type: "text" },
  { key: "period_start", title: "Period start", type: "date" },
  { key: "period_end", title: "Period end", type: "date" },
  { key: "status", title: "Timesheet status", type: "text" },
  { key: "regular", title: "Regular hours", type: "hours" },
  { key: "overtime", title: "Overtime hours", type: "hours" },
  { key: "double_time", title: "Double-time hours", type: "hours" },
  { key: "pto", title: "PTO hours", type: "hours" },
  { key: "total", title: "Total paid hours", type: "hours" },
];

/**
 * QuickBooks Online pay types each hour kind is written under (QuickBooks' default names; an
 * organization whose pay types are named otherwise renames them in the file).
 */
export const QUICKBOOKS_PAY_TYPES = {
  regular: "Regular Pay",
  overtime: "Overtime Pay",
  doubleTime: "Double Overtime Pay",
  pto: "Paid Time Off",
} as const;

const COLUMNS: Record<PayrollPreset, Column[]> = {
  gusto: GUSTO_COLUMNS,
  quickbooks_online: QUICKBOOKS_COLUMNS,
  generic: GENERIC_COLUMNS,
};

/** The preset of `query` (`generic` when none), or 400 `unknown_preset`. */
export function payrollPreset(preset: string | null): PayrollPreset {
  if (preset === null) return "generic";
  if ((PAYROLL_PRESETS as readonly string[]).includes(preset)) return preset as PayrollPreset;
  throw new DomainError(
    "invalid",
    "unknown_preset",
    `Unknown payroll preset; use one of ${PAYROLL_PRESETS.join(", ")}`,
    { preset, allowed: PAYROLL_PRESETS },
  );
}

/**
 * A full name as Gusto's `first_name` and `last_name`: the last word is the last name, the rest
 * the first name (`"Mary Ann Lee"` → `["Mary Ann", "Lee"]`; one word: `["Cher", ""]`).
 */
export function splitName(name: string): [string, string] {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return [words[0] ?? "", ""];
  const last = words.pop()!;
  return [words.join(" "), last];
}

/**
 * Integer seconds as QuickBooks' `h:mm` duration, rounded half up to the minute
 * (`27000` → `"7:30"`, `29` → `"0:00"`, `30` → `"0:01"`).
 */
export function hoursMinutes(seconds: number): string {
  const minutes = Math.floor((Math.max(0, Math.trunc(seconds)) + 30) / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}

/** One member's figures of one period, with the timesheet's status. */
interface PeriodRow {
  userId: string;
  status: string;
  totals: Omit<HoursTotals, "grossPayCents">;
  member: MemberHours;
}

/** The period's figures per member: live, or an approved timesheet's frozen totals. */
async function periodRows(
  ctx: RequestContext,
  period: Period,
  userId: string | null,
  withDays: boolean,
): Promise<PeriodRow[]> {
  const periodStart = period.start.toString();
  const [report, stored] = await Promise.all([
    hoursReport(ctx.scope, {
      from: period.start,
      to: period.end,
      userIds: userId ? [userId] : null,
      withDays,
      settings: ctx.settings.settings,
      overtimeRules: overtimeOn(ctx),
      now: ctx.now,
    }),
    (async () => {
      const out = new Map<string, TimesheetRecord>();
      for await (
        const e of ctx.scope.list<TimesheetRecord>(ctx.scope.key("timesheet", periodStart))
      ) out.set(e.value.userId, e.value);
      return out;
    })(),
  ]);
  return report.members.map((m) => {
    const record = stored.get(m.userId);
    const frozen = record?.status === "approved" ? record.approvedTotals : null;
    const t = frozen ?? m;
    return {
      userId: m.userId,
      status: record?.status ?? "open",
      totals: {
        workedSeconds: t.workedSeconds,
        regularSeconds: t.regularSeconds,
        overtimeSeconds: t.overtimeSeconds,
        doubleTimeSeconds: t.doubleTimeSeconds,
        ptoSeconds: t.ptoSeconds,
      },
      member: m,
    };
  });
}

function gustoRow(r: PeriodRow, names: MemberDirectory): Cell[] {
  const [first, last] = splitName(names.name(r.userId));
  return [
    first,
    last,
    r.totals.regularSeconds,
    r.totals.overtimeSeconds,
    r.totals.doubleTimeSeconds,
    r.totals.ptoSeconds,
  ];
}

function genericRow(r: PeriodRow, period: Period, names: MemberDirectory): Cell[] {
  const t = r.totals;
  return [
    r.userId,
    names.name(r.userId),
    names.email(r.userId),
    period.start.toString(),
    period.end.toString(),
    r.status,
    t.regularSeconds,
    t.overtimeSeconds,
    t.doubleTimeSeconds,
    t.ptoSeconds,
    t.regularSeconds + t.overtimeSeconds + t.doubleTimeSeconds + t.ptoSeconds,
  ];
}

function* quickbooksRows(r: PeriodRow, period: Period, names: MemberDirectory): Iterable<Cell[]> {
  const name = names.name(r.userId);
  const description = `ClockFlow pay period ${period.start} – ${period.end}`;
  for (const d of r.member.days) {
    const kinds: [string, number][] = [
      [QUICKBOOKS_PAY_TYPES.regular, d.regularSeconds],
      [QUICKBOOKS_PAY_TYPES.overtime, d.overtimeSeconds],
      [QUICKBOOKS_PAY_TYPES.doubleTime, d.doubleTimeSeconds],
      [QUICKBOOKS_PAY_TYPES.pto, d.ptoSeconds],
    ];
    for (const [payType, seconds] of kinds) {
      if (seconds <= 0) continue;
      yield [d.date, "Employee", name, payType, hoursMinutes(seconds), description];
    }
  }
}

/**
 * The payroll table of `query` in layout `query.preset` (default `generic`). Throws before any
 * row: 400 `unknown_preset` or `invalid_range`, 403 `forbidden`, 404 `not_found` (a `userId`
 * that is not a member here). Employees get only themselves.
 *
 * @example
 * ```ts
 * const table = await payrollTable(ctx, { from: "2026-11-09", to: "2026-11-22", userId: null, preset: "gusto" });
 * for await (const chunk of writeCsv(table, options)) store(chunk);
 * ```
 */
export async function payrollTable(ctx: RequestContext, query: ExportQuery): Promise<Table> {
  const preset = payrollPreset(query.preset);
  const periods = exportPeriods(ctx, query);
  const userId = await exportSubject(ctx, query);
  const names = new MemberDirectory(ctx);
  async function* rows(): AsyncIterable<Cell[]> {
    for (const period of periods) {
      const data = await periodRows(ctx, period, userId, preset === "quickbooks_online");
      await names.load(data.map((r) => r.userId));
      for (const r of names.byName(data)) {
        if (preset === "gusto") yield gustoRow(r, names);
        else if (preset === "generic") yield genericRow(r, period, names);
        else yield* quickbooksRows(r, period, names);
      }
    }
  }
  const first = periods[0].start.toString();
  const last = periods[periods.length - 1].end.toString();
  return {
    title: `Payroll (${preset}) ${first} – ${last}`,
    columns: COLUMNS[preset],
    rows: rows(),
  };
}
