/**
 * The hours report page (`/o/:orgId/reports/hours`): a table per member — worked, regular,
 * overtime, double time, PTO, gross pay — and, per member, the days of the range with a sentence
 * for every overtime second ("Tue: 2 h daily overtime (over 8 h) at 1.5×"). Also the shared
 * pieces the timesheet pages use: figures, money and the explanations.
 *
 * @module
 */

import type { OvertimeReason } from "../../lib/overtime/engine.ts";
import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, type FormError, PageHeader } from "../forms.tsx";
import { Duration } from "./week.tsx";

/** A member's figures over a range or a pay period. */
export interface Figures {
  workedSeconds: number;
  regularSeconds: number;
  overtimeSeconds: number;
  doubleTimeSeconds: number;
  ptoSeconds: number;
  grossPayCents: number;
}

/** Why some seconds of a day are overtime or double time (as the engine says). */
export type ReasonLine = OvertimeReason;

/** One local day of a member. */
export interface DayLine {
  /** `YYYY-MM-DD`. */
  date: string;
  /** The local date of the first day of its workweek. */
  weekStart: string;
  workedSeconds: number;
  regularSeconds: number;
  overtimeSeconds: number;
  doubleTimeSeconds: number;
  ptoSeconds: number;
  reasons: ReasonLine[];
}

/** The thresholds the explanations quote (seconds; null when the rule is off). */
export interface RuleText {
  dailyOvertimeAfter: number | null;
  dailyDoubleTimeAfter: number | null;
  weeklyOvertimeAfter: number | null;
}

/**
 * A duration in words for explanations: `2 h`, `2 h 30 min`, `45 min`, `1 h 20 min 7 s`.
 *
 * @example
 * ```ts
 * hoursText(9000); // "2 h 30 min"
 * ```
 */
export function hoursText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} h`);
  if (m || (h && rest)) parts.push(`${m} min`);
  if (rest) parts.push(`${rest} s`);
  return parts.length ? parts.join(" ") : "0 h";
}

/**
 * A multiplier in hundredths as people write it.
 *
 * @example
 * ```ts
 * multiplierText(150); // "1.5×"
 * ```
 */
export function multiplierText(hundredths: number): string {
  return `${hundredths / 100}×`;
}

/**
 * Cents as dollars, exact: `$1,234.56`.
 *
 * @example
 * ```ts
 * money(95048); // "$950.48"
 * ```
 */
export function money(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.trunc(cents));
  const dollars = Math.floor(abs / 100).toLocaleString("en-US");
  return `${negative ? "-" : ""}$${dollars}.${String(abs % 100).padStart(2, "0")}`;
}

function dateLabel(date: string, options: Intl.DateTimeFormatOptions): string {
  return Temporal.PlainDate.from(date).toLocaleString("en-US", options);
}

/** `Tue, Nov 10`. */
export function dayLabel(date: string): string {
  return dateLabel(date, { weekday: "short", month: "short", day: "numeric" });
}

/**
 * One sentence for one overtime reason of a day.
 *
 * @example
 * ```ts
 * explainReason("2026-11-10", "2026-11-09", { rule: "daily_overtime", seconds: 7200, multiplier: 150 }, rules);
 * // "Tue: 2 h daily overtime (over 8 h) at 1.5×"
 * ```
 */
export function explainReason(
  date: string,
  weekStart: string,
  r: ReasonLine,
  rules: RuleText,
): string {
  const day = dateLabel(date, { weekday: "short" });
  const amount = hoursText(r.seconds);
  const at = `at ${multiplierText(r.multiplier)}`;
  const over = (s: number | null) => (s === null ? "" : ` (over ${hoursText(s)})`);
  switch (r.rule) {
    case "daily_overtime":
      return `${day}: ${amount} daily overtime${over(rules.dailyOvertimeAfter)} ${at}`;
    case "daily_double_time":
      return `${day}: ${amount} daily double time${over(rules.dailyDoubleTimeAfter)} ${at}`;
    case "seventh_day_overtime":
      return `${day}: ${amount} seventh-day overtime (7th consecutive workday, first 8 h) ${at}`;
    case "seventh_day_double_time":
      return `${day}: ${amount} seventh-day double time (7th consecutive workday, over 8 h) ${at}`;
    case "weekly_overtime":
      return `${day}: ${amount} weekly overtime${
        rules.weeklyOvertimeAfter === null
          ? ""
          : ` (over ${hoursText(rules.weeklyOvertimeAfter)} in the workweek from ${
            dayLabel(weekStart)
          })`
      } ${at}`;
  }
}

/** The figure cells of a row: worked, regular, OT, DT, PTO. */
export function FigureCells({ f }: { f: Omit<Figures, "grossPayCents"> }) {
  return (
    <>
      <td data-col="worked">
        <Duration seconds={f.workedSeconds} />
      </td>
      <td data-col="regular">
        <Duration seconds={f.regularSeconds} />
      </td>
      <td data-col="overtime">
        <Duration seconds={f.overtimeSeconds} />
      </td>
      <td data-col="double">
        <Duration seconds={f.doubleTimeSeconds} />
      </td>
      <td data-col="pto">
        <Duration seconds={f.ptoSeconds} />
      </td>
    </>
  );
}

/** Header cells matching {@linkcode FigureCells}. */
export function FigureHeads() {
  return (
    <>
      <th scope="col">Worked</th>
      <th scope="col">Regular</th>
      <th scope="col">
        <abbr title="Overtime">OT</abbr>
      </th>
      <th scope="col">
        <abbr title="Double time">DT</abbr>
      </th>
      <th scope="col">
        <abbr title="Paid time off">PTO</abbr>
      </th>
    </>
  );
}

/**
 * The days of a range, one row per day with work or PTO (or every day with `allDays`), each
 * with the sentences explaining its overtime.
 */
export function DayBreakdown(
  { days, rules, caption, allDays = false }: {
    days: DayLine[];
    rules: RuleText;
    caption: string;
    allDays?: boolean;
  },
) {
  const shown = allDays ? days : days.filter((d) => d.workedSeconds > 0 || d.ptoSeconds > 0);
  if (shown.length === 0) return <p class="muted">No hours in this range.</p>;
  return (
    <div class="table-wrap">
      <table class="figures days-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <FigureHeads />
            <th scope="col">Why overtime</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((d) => (
            <tr key={d.date} data-day={d.date}>
              <th scope="row">{dayLabel(d.date)}</th>
              <FigureCells f={d} />
              <td class="why">
                {d.reasons.length > 0 && (
                  <ul class="reasons">
                    {d.reasons.map((r) => (
                      <li key={r.rule} data-rule={r.rule} data-seconds={r.seconds}>
                        {explainReason(d.date, d.weekStart, r, rules)}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One member of the report. */
export interface ReportMemberRow extends Figures {
  userId: string;
  name: string;
  hourlyRateCents: number | null;
  active: boolean;
  days: DayLine[];
}

/** Props of {@linkcode HoursReportPage}. */
export interface HoursReportPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  from: string;
  to: string;
  userId: string | null;
  members: { id: string; name: string }[];
  rows: ReportMemberRow[];
  rules: RuleText & { overtimeMultiplier: number; doubleTimeMultiplier: number };
  /** A description of the overtime preset, e.g. "FLSA (weekly overtime over 40 h)". */
  presetLabel: string;
  timeZone: string;
  error?: FormError | null;
  /** The machine-readable code of `error` (the API's for the same input), on the form. */
  errorCode?: string | null;
}

/** The hours report. */
export function HoursReportPage(p: HoursReportPageProps) {
  const { from, to, rows, rules, error, ...rest } = p;
  const chrome = { userName: rest.userName, org: rest.org, flash: rest.flash };
  const orgId = chrome.org!.id;
  const total = rows.reduce<Figures>((t, r) => ({
    workedSeconds: t.workedSeconds + r.workedSeconds,
    regularSeconds: t.regularSeconds + r.regularSeconds,
    overtimeSeconds: t.overtimeSeconds + r.overtimeSeconds,
    doubleTimeSeconds: t.doubleTimeSeconds + r.doubleTimeSeconds,
    ptoSeconds: t.ptoSeconds + r.ptoSeconds,
    grossPayCents: t.grossPayCents + r.grossPayCents,
  }), {
    workedSeconds: 0,
    regularSeconds: 0,
    overtimeSeconds: 0,
    doubleTimeSeconds: 0,
    ptoSeconds: 0,
    grossPayCents: 0,
  });
  const missingRate = rows.some((r) => r.hourlyRateCents === null);
  return (
    <Layout title="Hours report" active="reports" {...chrome}>
      <PageHeader
        title="Hours report"
        lead={`Local days in ${
          p.timeZone.replaceAll("_", " ")
        }, both ends included · ${p.presetLabel}`}
      >
        <p>
          <a href={`/o/${orgId}/exports`}>Export these hours (CSV, Excel, PDF)</a>
        </p>
      </PageHeader>
      <form
        method="get"
        action={`/o/${orgId}/reports/hours`}
        class="card report-form"
        data-error-code={error ? p.errorCode ?? undefined : undefined}
      >
        <ErrorSummary error={error} />
        <div class="row">
          <div class={`field${error?.fields.from ? " field-invalid" : ""}`}>
            <label for="report-from">From</label>
            <input id="report-from" name="from" type="date" value={from} required />
            {error?.fields.from && <p class="field-error">{error.fields.from}</p>}
          </div>
          <div class={`field${error?.fields.to ? " field-invalid" : ""}`}>
            <label for="report-to">To</label>
            <input id="report-to" name="to" type="date" value={to} required />
            {error?.fields.to && <p class="field-error">{error.fields.to}</p>}
          </div>
          <div class="field">
            <label for="report-user">Member</label>
            <select id="report-user" name="userId">
              <option value="" selected={!p.userId}>Everyone</option>
              {p.members.map((m) => (
                <option key={m.id} value={m.id} selected={m.id === p.userId}>{m.name}</option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" class="btn btn-primary">Show report</button>
      </form>
      {!error && (
        <>
          <p class="muted">
            Gross pay = regular + overtime × {multiplierText(rules.overtimeMultiplier)}{" "}
            + double time ×{" "}
            {multiplierText(rules.doubleTimeMultiplier)}, at each member's hourly rate, rounded to
            the cent once per member. PTO is listed apart and never counts toward overtime.
            {missingRate &&
              " Members without an hourly rate show $0.00 gross pay: set a rate on the Members page."}
          </p>
          <div class="table-wrap">
            <table class="figures report-table" data-report>
              <caption class="visually-hidden">Hours per member</caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Rate</th>
                  <FigureHeads />
                  <th scope="col">Gross pay</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.userId} data-user-id={r.userId}>
                    <th scope="row">
                      <a href={`#member-${r.userId}`}>{r.name}</a>
                      {!r.active && <span class="badge badge-out">inactive</span>}
                    </th>
                    <td data-col="rate">
                      {r.hourlyRateCents === null
                        ? <span class="muted">no rate</span>
                        : `${money(r.hourlyRateCents)}/h`}
                    </td>
                    <FigureCells f={r} />
                    <td data-col="gross" data-cents={r.grossPayCents}>
                      {money(r.grossPayCents)}
                    </td>
                  </tr>
                ))}
              </tbody>
              {rows.length > 1 && (
                <tfoot>
                  <tr>
                    <th scope="row">Total</th>
                    <td />
                    <FigureCells f={total} />
                    <td data-col="gross" data-cents={total.grossPayCents}>
                      {money(total.grossPayCents)}
                    </td>
                  </tr>
                </tfoot>
              )}
            </table>
          </div>
          <h2>Per day</h2>
          {rows.map((r) => (
            <section
              key={r.userId}
              class="card member-days"
              id={`member-${r.userId}`}
              aria-labelledby={`member-${r.userId}-name`}
            >
              <details open={rows.length === 1}>
                <summary>
                  <h3 id={`member-${r.userId}-name`}>{r.name}</h3>{" "}
                  <span class="muted">
                    <Duration seconds={r.workedSeconds} /> worked
                    {r.overtimeSeconds + r.doubleTimeSeconds > 0 && (
                      <>
                        , <Duration seconds={r.overtimeSeconds} /> OT,{" "}
                        <Duration seconds={r.doubleTimeSeconds} /> DT
                      </>
                    )}
                  </span>
                </summary>
                <DayBreakdown days={r.days} rules={rules} caption={`Days of ${r.name}`} />
              </details>
            </section>
          ))}
        </>
      )}
    </Layout>
  );
}
