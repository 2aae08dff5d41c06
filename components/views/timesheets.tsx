/**
 * Timesheet pages: one member's pay period (per-day totals with the overtime explained, the
 * entries, and the workflow buttons: submit, approve, reject with a reason, reopen), and the
 * managers' review of a whole team's period with bulk approval. Everything works without
 * JavaScript (plain form posts).
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, Field, type FormError, PageHeader } from "../forms.tsx";
import { Duration, EntryFacts, EntryTimes, type WeekEntryRow } from "./week.tsx";
import { AddEntryForm, type EntryFormState, EntryTools } from "./entry_forms.tsx";
import {
  DayBreakdown,
  type DayLine,
  FigureCells,
  FigureHeads,
  type Figures,
  money,
  type RuleText,
} from "./report.tsx";

/** Where a timesheet stands. */
export type SheetStatus = "open" | "submitted" | "approved" | "rejected";

const STATUS_LABEL: Record<SheetStatus, string> = {
  open: "Open",
  submitted: "Submitted",
  approved: "Approved",
  rejected: "Rejected",
};

const FLASH = {
  timesheet_submitted: "Timesheet submitted for approval.",
  timesheet_approved: "Timesheet approved. Its period is now locked.",
  timesheet_rejected: "Timesheet rejected. The member can fix it and submit again.",
  timesheet_reopened: "Timesheet reopened. Its entries can be changed again.",
  timesheets_approved: "The selected timesheets are approved and locked.",
} as const;

/** A flash code of the timesheet pages. */
export type TimesheetFlash = keyof typeof FLASH;

/** The duration totals of a timesheet, in display order: label, data attribute, field. */
const TOTAL_ROWS = [
  ["Worked", "worked", "workedSeconds"],
  ["Regular", "regular", "regularSeconds"],
  ["Overtime", "overtime", "overtimeSeconds"],
  ["Double time", "double", "doubleTimeSeconds"],
  ["PTO", "pto", "ptoSeconds"],
] as const;

/** The message of a timesheet flash code (null for others). */
export function timesheetFlash(code: string | undefined | null): string | null {
  return code && Object.hasOwn(FLASH, code) ? FLASH[code as TimesheetFlash] : null;
}

/** A status badge. */
export function StatusBadge({ status }: { status: SheetStatus }) {
  return (
    <span class={`badge badge-sheet badge-sheet-${status}`} data-status={status}>
      {STATUS_LABEL[status]}
      {status === "approved" && <span class="visually-hidden">(locked)</span>}
    </span>
  );
}

/** What the viewer may do with the timesheet. */
export interface SheetActions {
  submit: boolean;
  approve: boolean;
  reject: boolean;
  reopen: boolean;
}

/** A failed workflow form. */
export interface WorkflowFailure {
  intent: "submit" | "approve" | "reject" | "reopen";
  values: Record<string, string>;
  error: FormError;
}

/** Props of {@linkcode TimesheetPage}. */
export interface TimesheetPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  sheet: {
    id: string;
    userId: string;
    memberName: string;
    periodLabel: string;
    status: SheetStatus;
    totals: Figures;
    hourlyRateCents: number | null;
    submittedLabel: string | null;
    decidedLabel: string | null;
    rejectionReason: string | null;
    locked: boolean;
  };
  isOwn: boolean;
  days: DayLine[];
  /** Entries grouped by the local day they start. */
  entryDays: { date: string; label: string; entries: WeekEntryRow[] }[];
  rules: RuleText;
  actions: SheetActions;
  /** The viewer may add, edit and delete these entries (when not locked). */
  canEditEntries: boolean;
  /** Where this page's forms post (with its query). */
  action: string;
  prevHref: string;
  nextHref: string;
  /** "This period" link when not showing it. */
  currentHref: string | null;
  /** Managers: the team review of this period. */
  reviewHref: string | null;
  timeZone: string;
  failedEntry?: EntryFormState | null;
  failedWorkflow?: WorkflowFailure | null;
}

/** One member's timesheet for one pay period. */
export function TimesheetPage(p: TimesheetPageProps) {
  const { sheet, actions, failedWorkflow: wf } = p;
  const chrome = { userName: p.userName, org: p.org, flash: p.flash };
  const orgId = chrome.org!.id;
  const title = p.isOwn ? "My timesheet" : `Timesheet: ${sheet.memberName}`;
  const anyAction = actions.submit || actions.approve || actions.reject || actions.reopen;
  return (
    <Layout title={`${title}, ${sheet.periodLabel}`} active="timesheets" {...chrome}>
      {p.reviewHref && !p.isOwn && (
        <p class="crumbs">
          <a href={p.reviewHref}>
            <span aria-hidden="true">←</span> Team timesheets
          </a>
        </p>
      )}
      <PageHeader
        title={title}
        lead={`Pay period ${sheet.periodLabel} · times in ${p.timeZone.replaceAll("_", " ")}`}
      />
      <div class="week-bar">
        <nav class="week-nav" aria-label="Pay periods">
          <a class="btn btn-quiet" href={p.prevHref} rel="prev">
            <span aria-hidden="true">←</span> Previous
            <span class="visually-hidden">{` period`}</span>
          </a>
          {p.currentHref && <a class="btn btn-quiet" href={p.currentHref}>This period</a>}
          <a class="btn btn-quiet" href={p.nextHref} rel="next">
            Next<span class="visually-hidden">{` period`}</span> <span aria-hidden="true">→</span>
          </a>
        </nav>
        {p.reviewHref && <a class="btn btn-quiet" href={p.reviewHref}>Review team</a>}
      </div>

      <section class="card sheet-status" aria-labelledby="sheet-status" data-timesheet={sheet.id}>
        <h2 id="sheet-status">
          Status <StatusBadge status={sheet.status} />
        </h2>
        {sheet.locked && (
          <p class="alert alert-note" data-locked>
            Approved and locked: entries in this period cannot be added, changed or deleted
            {p.isOwn ? "" : ` for ${sheet.memberName}`} until an admin reopens the timesheet.
          </p>
        )}
        {sheet.status === "rejected" && sheet.rejectionReason && (
          <p class="alert alert-error" data-rejection>
            Rejected: {sheet.rejectionReason}
          </p>
        )}
        {sheet.submittedLabel && <p class="muted">{sheet.submittedLabel}</p>}
        {sheet.decidedLabel && <p class="muted">{sheet.decidedLabel}</p>}
        <dl class="sheet-totals">
          {TOTAL_ROWS.map(([label, key, field]) => (
            <div key={key}>
              <dt>{label}</dt>
              <dd data-total={key}>
                <Duration
                  seconds={sheet.totals[field]}
                  class={key === "worked" ? "big" : undefined}
                />
              </dd>
            </div>
          ))}
          <div>
            <dt>Gross pay</dt>
            <dd data-total="gross">
              {sheet.hourlyRateCents === null
                ? <span class="muted">no hourly rate set</span>
                : money(sheet.totals.grossPayCents)}
            </dd>
          </div>
        </dl>
        {anyAction && (
          <div class="sheet-actions">
            {actions.submit && (
              <form method="post" action={p.action}>
                <input type="hidden" name="intent" value="submit" />
                <input type="hidden" name="timesheetId" value={sheet.id} />
                {wf?.intent === "submit" && <ErrorSummary error={wf.error} />}
                <button type="submit" class="btn btn-primary">
                  {p.isOwn ? "Submit for approval" : `Submit for ${sheet.memberName}`}
                </button>
              </form>
            )}
            {actions.approve && (
              <form method="post" action={p.action}>
                <input type="hidden" name="intent" value="approve" />
                <input type="hidden" name="timesheetId" value={sheet.id} />
                {wf?.intent === "approve" && <ErrorSummary error={wf.error} />}
                <button type="submit" class="btn btn-primary">Approve</button>
              </form>
            )}
            {actions.reject && (
              <form method="post" action={p.action} class="stack">
                <input type="hidden" name="intent" value="reject" />
                <input type="hidden" name="timesheetId" value={sheet.id} />
                {wf?.intent === "reject" && <ErrorSummary error={wf.error} />}
                <Field
                  id="reject-reason"
                  name="reason"
                  label="Reason for rejecting"
                  value={wf?.intent === "reject" ? wf.values.reason : undefined}
                  required
                  maxLength={500}
                  error={wf?.intent === "reject" ? wf.error : null}
                />
                <button type="submit" class="btn btn-danger">Reject</button>
              </form>
            )}
            {actions.reopen && (
              <form method="post" action={p.action} class="stack">
                <input type="hidden" name="intent" value="reopen" />
                <input type="hidden" name="timesheetId" value={sheet.id} />
                {wf?.intent === "reopen" && <ErrorSummary error={wf.error} />}
                <Field
                  id="reopen-reason"
                  name="reason"
                  label="Reason for reopening"
                  value={wf?.intent === "reopen" ? wf.values.reason : undefined}
                  maxLength={500}
                  error={wf?.intent === "reopen" ? wf.error : null}
                />
                <button type="submit" class="btn btn-quiet">Reopen</button>
              </form>
            )}
          </div>
        )}
      </section>

      <section aria-labelledby="sheet-days">
        <h2 id="sheet-days">Days</h2>
        <DayBreakdown
          days={p.days}
          rules={p.rules}
          caption="Hours per day of this pay period"
          allDays
        />
      </section>

      <section aria-labelledby="sheet-entries">
        <h2 id="sheet-entries">Entries</h2>
        {p.entryDays.length === 0 && <p class="muted">No entries in this period.</p>}
        <ol class="days">
          {p.entryDays.map((day) => (
            <li key={day.date} class="day" data-day={day.date}>
              <div class="day-head">
                <h3 id={`entries-${day.date}`}>{day.label}</h3>
              </div>
              <ul class="entries" aria-labelledby={`entries-${day.date}`}>
                {day.entries.map((e) => (
                  <li key={e.id} class="entry" data-entry-id={e.id}>
                    <EntryTimes e={e} />
                    <p class="entry-meta">
                      <EntryFacts e={e} />
                      {e.source === "manual" && <span>Added by hand</span>}
                      {e.note && <span class="entry-note">{e.note}</span>}
                    </p>
                    {p.canEditEntries
                      ? (
                        <EntryTools
                          entry={e}
                          action={p.action}
                          failed={p.failedEntry}
                          historyHref={`/o/${orgId}/entries/${e.id}/history`}
                        />
                      )
                      : (
                        <p class="entry-tools">
                          <a href={`/o/${orgId}/entries/${e.id}/history`}>
                            History<span class="visually-hidden">
                              {` of the entry starting ${e.startLabel}`}
                            </span>
                          </a>
                        </p>
                      )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
        {p.canEditEntries && !sheet.locked && (
          <AddEntryForm action={p.action} failed={p.failedEntry} />
        )}
      </section>
    </Layout>
  );
}

/** One member's line in the team review. */
export interface ReviewRow {
  id: string;
  userId: string;
  name: string;
  status: SheetStatus;
  totals: Figures;
  href: string;
  canApprove: boolean;
  canReject: boolean;
  canReopen: boolean;
}

/** The outcome of a bulk approval with failures. */
export interface BulkResult {
  approved: number;
  failures: { name: string; message: string }[];
}

/** Props of {@linkcode TeamReviewPage}. */
export interface TeamReviewPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  periodLabel: string;
  rows: ReviewRow[];
  action: string;
  prevHref: string;
  nextHref: string;
  currentHref: string | null;
  result?: BulkResult | null;
  error?: FormError | null;
  /** The row whose reject form failed, with what was typed. */
  failedReject?: { id: string; values: Record<string, string>; error: FormError } | null;
}

/** Managers' review of a whole team's pay period. */
export function TeamReviewPage(p: TeamReviewPageProps) {
  const chrome = { userName: p.userName, org: p.org, flash: p.flash };
  const count = (s: SheetStatus) => p.rows.filter((r) => r.status === s).length;
  const approvable = p.rows.filter((r) => r.canApprove).length;
  return (
    <Layout title={`Team timesheets, ${p.periodLabel}`} active="timesheets" {...chrome}>
      <PageHeader title="Team timesheets" lead={`Pay period ${p.periodLabel}`} />
      <div class="week-bar">
        <nav class="week-nav" aria-label="Pay periods">
          <a class="btn btn-quiet" href={p.prevHref} rel="prev">
            <span aria-hidden="true">←</span> Previous
            <span class="visually-hidden">{` period`}</span>
          </a>
          {p.currentHref && <a class="btn btn-quiet" href={p.currentHref}>This period</a>}
          <a class="btn btn-quiet" href={p.nextHref} rel="next">
            Next<span class="visually-hidden">{` period`}</span> <span aria-hidden="true">→</span>
          </a>
        </nav>
      </div>
      <ul class="stats" aria-label="Summary">
        <li>
          <strong>{count("submitted")}</strong> waiting for approval
        </li>
        <li>
          <strong>{count("approved")}</strong> approved
        </li>
        <li>
          <strong>{count("open") + count("rejected")}</strong> open or rejected
        </li>
      </ul>
      <ErrorSummary error={p.error} />
      {p.result && (
        <div
          class={`alert ${p.result.failures.length ? "alert-error" : "alert-ok"}`}
          role="status"
          data-bulk-result
        >
          <p>
            Approved {p.result.approved} timesheet{p.result.approved === 1 ? "" : "s"}.
            {p.result.failures.length > 0 &&
              ` ${p.result.failures.length} could not be approved:`}
          </p>
          {p.result.failures.length > 0 && (
            <ul>
              {p.result.failures.map((f, i) => <li key={i}>{f.name}: {f.message}</li>)}
            </ul>
          )}
        </div>
      )}
      <form method="post" action={p.action} id="bulk" class="bulk-form">
        <input type="hidden" name="intent" value="approve" />
      </form>
      <div class="table-wrap">
        <table class="figures review-table" data-review>
          <caption class="visually-hidden">Timesheets of the team for {p.periodLabel}</caption>
          <thead>
            <tr>
              <th scope="col">
                <span class="visually-hidden">Select</span>
              </th>
              <th scope="col">Member</th>
              <FigureHeads />
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => {
              const failed = p.failedReject?.id === r.id ? p.failedReject : null;
              return (
                <tr key={r.id} data-user-id={r.userId} data-timesheet={r.id}>
                  <td>
                    {r.canApprove && (
                      <input
                        type="checkbox"
                        name="ids"
                        value={r.id}
                        form="bulk"
                        id={`select-${r.id}`}
                        aria-label={`Select ${r.name}`}
                      />
                    )}
                  </td>
                  <th scope="row">
                    <a href={r.href}>{r.name}</a>
                  </th>
                  <FigureCells f={r.totals} />
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td class="row-actions">
                    {r.canReject && (
                      <details open={Boolean(failed)}>
                        <summary>
                          Reject<span class="visually-hidden">{` ${r.name}'s timesheet`}</span>
                        </summary>
                        <form method="post" action={p.action} class="stack">
                          <input type="hidden" name="intent" value="reject" />
                          <input type="hidden" name="timesheetId" value={r.id} />
                          <ErrorSummary error={failed?.error} />
                          <Field
                            id={`reason-${r.id}`}
                            name="reason"
                            label={`Reason for rejecting ${r.name}'s timesheet`}
                            value={failed?.values.reason}
                            required
                            maxLength={500}
                            error={failed?.error}
                          />
                          <button type="submit" class="btn btn-danger btn-small">Reject</button>
                        </form>
                      </details>
                    )}
                    {r.canReopen && (
                      <form method="post" action={p.action}>
                        <input type="hidden" name="intent" value="reopen" />
                        <input type="hidden" name="timesheetId" value={r.id} />
                        <button type="submit" class="btn btn-quiet btn-small">
                          Reopen<span class="visually-hidden">{` ${r.name}'s timesheet`}</span>
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {approvable > 0 && (
        <div class="bulk-actions">
          <button type="submit" form="bulk" class="btn btn-primary">Approve selected</button>
          <button
            type="submit"
            form="bulk"
            name="all"
            value="submitted"
            class="btn btn-quiet"
          >
            Approve all {approvable} submitted
          </button>
        </div>
      )}
      {approvable === 0 && <p class="muted">No submitted timesheets wait for you.</p>}
    </Layout>
  );
}
