/**
 * The exports page: the export form (kind, format, dates, member, payroll preset), recent
 * exports with a live progress bar or their download link (the `ExportProgress` island), and
 * for admins the scheduled report form. Plain forms; only the progress is an island.
 *
 * @module
 */

import { island } from "../islands.tsx";
import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, type FormError, PageHeader, SelectField } from "../forms.tsx";
import { Input } from "./settings_controls.tsx";
import type { ExportView } from "../../lib/exports/model.ts";
import type { ExportChoices } from "../../lib/exports/use_cases.ts";
import type { ReportScheduleView } from "../../lib/exports/schedule.ts";

const ExportProgress = island("ExportProgress");

/** How each kind reads. */
export const KIND_LABELS: Record<string, string> = {
  time_entries: "Time entries",
  hours_report: "Hours report",
  timesheets: "Timesheets",
  payroll: "Payroll",
};

const FORMAT_LABELS: Record<string, string> = { csv: "CSV", xlsx: "Excel (XLSX)", pdf: "PDF" };
const PRESET_LABELS: Record<string, string> = {
  generic: "Generic payroll CSV",
  gusto: "Gusto hours import",
  quickbooks_online: "QuickBooks Online Payroll time import",
};

/** Props of {@linkcode ExportsPage}. */
export interface ExportsPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  choices: ExportChoices;
  exports: ExportView[];
  /** The admin's schedule, when the person may edit it. */
  schedule: ReportScheduleView | null;
  /** A failed export or schedule form: which, the values sent and what was wrong. */
  failed?: { form: "create" | "schedule"; values: Record<string, string>; error: FormError } | null;
  /** The error code of a failed form (`data-error-code`, for tests and support). */
  errorCode?: string | null;
}

/** The exports page. */
export function ExportsPage(
  { choices, exports, schedule, failed, errorCode, ...chrome }: ExportsPageProps,
) {
  const action = `/o/${chrome.org!.id}/exports`;
  const create = failed?.form === "create" ? failed : null;
  const scheduling = failed?.form === "schedule" ? failed : null;
  const values = create?.values ??
    { from: choices.currentPeriod.from, to: choices.currentPeriod.to };
  const s = scheduling?.values ?? (schedule
    ? {
      enabled: schedule.enabled ? "true" : "",
      kind: schedule.kind,
      format: schedule.format,
      preset: schedule.preset ?? "",
      cadence: schedule.cadence,
      recipients: schedule.recipients,
    }
    : {});
  return (
    <Layout title="Exports" active="exports" {...chrome}>
      <PageHeader
        title="Exports"
        lead="Download time entries, hours, timesheets and payroll files. Files are kept for 7 days; you are mailed a link when one is ready."
      />
      <section class="card" aria-labelledby="new-export">
        <h2 id="new-export">New export</h2>
        <ErrorSummary error={create?.error} />
        <form
          method="post"
          action={action}
          class="stack"
          novalidate
          data-error-code={create ? errorCode ?? undefined : undefined}
        >
          <input type="hidden" name="intent" value="create" />
          <SelectField
            id="export-kind"
            name="kind"
            label="What"
            options={choices.kinds.map((k) => ({ value: k, label: KIND_LABELS[k] ?? k }))}
            value={values.kind}
            error={create?.error}
          />
          <SelectField
            id="export-format"
            name="format"
            label="Format"
            hint="PDF is for hours reports and timesheets."
            options={choices.formats.map((f) => ({ value: f, label: FORMAT_LABELS[f] ?? f }))}
            value={values.format}
            error={create?.error}
          />
          <Input
            idPrefix="export"
            name="from"
            type="date"
            label="From"
            values={values}
            error={create?.error}
          />
          <Input
            idPrefix="export"
            name="to"
            type="date"
            label="To"
            values={values}
            error={create?.error}
          />
          {choices.choosesMember && (
            <SelectField
              id="export-userId"
              name="userId"
              label="Member"
              options={[
                { value: "", label: "Everyone" },
                ...choices.members.map((m) => ({ value: m.id, label: m.name })),
              ]}
              value={values.userId ?? ""}
              error={create?.error}
            />
          )}
          {choices.kinds.includes("payroll") && (
            <SelectField
              id="export-preset"
              name="preset"
              label="Payroll layout"
              hint="Payroll exports only."
              options={[
                { value: "", label: "—" },
                ...choices.presets.map((p) => ({ value: p, label: PRESET_LABELS[p] ?? p })),
              ]}
              value={values.preset ?? ""}
              error={create?.error}
            />
          )}
          {choices.formats.includes("csv") && (
            <div class="field field-checkbox">
              <input
                id="export-bom"
                name="bom"
                type="checkbox"
                value="true"
                checked={values.bom === "true"}
              />
              <label for="export-bom">CSV for Excel (with a byte order mark)</label>
            </div>
          )}
          <button type="submit" class="btn btn-primary">Export</button>
        </form>
      </section>
      <section aria-labelledby="recent-exports">
        <h2 id="recent-exports">Recent exports</h2>
        {exports.length === 0 ? <p>No exports yet.</p> : (
          <table class="table" id="exports-table">
            <caption class="visually-hidden">Recent exports</caption>
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Dates</th>
                <th scope="col">Format</th>
                <th scope="col">Asked</th>
                <th scope="col">File</th>
              </tr>
            </thead>
            <tbody>
              {exports.map((e) => (
                <tr key={e.id} data-export-id={e.id}>
                  <td>
                    {KIND_LABELS[e.kind] ?? e.kind}
                    {e.scheduled ? " (scheduled)" : ""}
                  </td>
                  <td>{e.from} – {e.to}</td>
                  <td>{FORMAT_LABELS[e.format] ?? e.format}</td>
                  <td>{e.createdAt.slice(0, 16).replace("T", " ")} UTC</td>
                  <td>
                    <ExportProgress
                      orgId={chrome.org!.id}
                      exportId={e.id}
                      initial={{
                        status: e.status,
                        progress: e.progress,
                        downloadUrl: e.downloadUrl,
                        fileName: e.fileName,
                        rowCount: e.rowCount,
                        error: e.error,
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {schedule && (
        <section class="card" aria-labelledby="report-schedule">
          <h2 id="report-schedule">Scheduled report</h2>
          {!schedule.available && (
            <p class="alert alert-note" role="status">
              Scheduled reports are not part of this plan; you can prepare one, but it cannot be
              switched on.
            </p>
          )}
          <ErrorSummary error={scheduling?.error} />
          <form
            method="post"
            action={action}
            class="stack"
            novalidate
            data-error-code={scheduling ? errorCode ?? undefined : undefined}
          >
            <input type="hidden" name="intent" value="schedule" />
            <div class="field field-checkbox">
              <input
                id="schedule-enabled"
                name="enabled"
                type="checkbox"
                value="true"
                checked={s.enabled === "true"}
              />
              <label for="schedule-enabled">Mail this report automatically</label>
            </div>
            <SelectField
              id="schedule-kind"
              name="kind"
              label="Report"
              options={["hours_report", "payroll", "timesheets"].map((k) => ({
                value: k,
                label: KIND_LABELS[k],
              }))}
              value={s.kind}
              error={scheduling?.error}
            />
            <SelectField
              id="schedule-format"
              name="format"
              label="Report format"
              options={["csv", "xlsx", "pdf"].map((f) => ({ value: f, label: FORMAT_LABELS[f] }))}
              value={s.format}
              error={scheduling?.error}
            />
            <SelectField
              id="schedule-preset"
              name="preset"
              label="Report payroll layout"
              options={[
                { value: "", label: "—" },
                ...choices.presets.map((p) => ({ value: p, label: PRESET_LABELS[p] ?? p })),
              ]}
              value={s.preset ?? ""}
              error={scheduling?.error}
            />
            <SelectField
              id="schedule-cadence"
              name="cadence"
              label="When"
              options={[
                { value: "weekly", label: "Each finished workweek" },
                { value: "pay_period", label: "Each finished pay period" },
              ]}
              value={s.cadence}
              error={scheduling?.error}
            />
            <SelectField
              id="schedule-recipients"
              name="recipients"
              label="Mail to"
              options={[
                { value: "admins", label: "Admins" },
                { value: "admins_and_managers", label: "Admins and managers" },
              ]}
              value={s.recipients}
              error={scheduling?.error}
            />
            <button type="submit" class="btn">Save schedule</button>
          </form>
        </section>
      )}
    </Layout>
  );
}
