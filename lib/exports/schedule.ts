/**
 * Scheduled reports (plan `reporting.scheduledReports`): admins choose what to export, how
 * often (each finished workweek, or each finished pay period) and who gets the mail; an hourly
 * cron (`main.ts`) creates the export of every organization whose period has just ended. The
 * export runs as any other (`run.ts`) and its completion mail carries the download link.
 *
 * Keys (under the organization): `["report_schedule"]` → {@linkcode ReportSchedule};
 * `["report_schedule_run", cadence, periodStart]` → `{exportId, at}`: written in the commit that
 * creates the period's export (checked absent), so each period is exported once however often
 * the cron runs and however many processes run it. Kept 400 days.
 *
 * @module
 */

import { authorize, type RequestContext, requirePlanFeature, requireScope } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { Store } from "../kv/mod.ts";
import { newId } from "../kv/mod.ts";
import type { Organization } from "../orgs/orgs.ts";
import type { Membership } from "../members/members.ts";
import { SETTINGS_PARTS, settingsFrom } from "../settings/repository.ts";
import { isoWeekday, type Settings } from "../settings/schema.ts";
import { BILLING_PARTS, billingFrom, entitlementsOf } from "../billing/entitlements.ts";
import type { BillingMode } from "../billing/lifecycle.ts";
import { newJob } from "../jobs/jobs.ts";
import type { JobPort } from "../jobs/outbox.ts";
import { periodContaining } from "../time/periods.ts";
import { localDateOf, type WeekStart, weekStartOf } from "../time/week.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import { assertExportFormat, assertScheduledReports } from "./gates.ts";
import { EXPORT_TTL_MS, type ExportKind, type ExportRecord } from "./model.ts";
import { setExport } from "./repository.ts";
import { type ReportScheduleInput, reportScheduleInput } from "./schemas.ts";
import { assertFormatFits } from "./use_cases.ts";

/** The stored schedule. */
export interface ReportSchedule extends ReportScheduleInput {
  updatedAt: number;
}

/** What the schedule form and `GET …/report-schedule` show. */
export interface ReportScheduleView extends ReportScheduleInput {
  /** Whether the plan has scheduled reports (the form says so when not). */
  available: boolean;
  /** Formats the plan allows. */
  formats: string[];
  updatedAt: string | null;
}

/** The schedule of an organization that never set one. */
export const DEFAULT_SCHEDULE: ReportScheduleInput = {
  enabled: false,
  kind: "hours_report",
  format: "csv",
  preset: null,
  cadence: "weekly",
  recipients: "admins",
};

/** How long a period's marker is kept. */
const MARKER_TTL_MS = 400 * 24 * 3_600_000;

function view(ctx: RequestContext, s: ReportSchedule | null): ReportScheduleView {
  const { updatedAt: _u, ...values } = s ?? { ...DEFAULT_SCHEDULE, updatedAt: 0 };
  return {
    ...values,
    available: ctx.entitlements.reporting.scheduledReports,
    formats: [...ctx.entitlements.reporting.exportFormats],
    updatedAt: s ? new Date(s.updatedAt).toISOString() : null,
  };
}

/** The organization's report schedule (admins; keys: `exports:read`). */
export async function getReportScheduleUseCase(ctx: RequestContext): Promise<ReportScheduleView> {
  requireScope(ctx, "exports:read");
  authorize(ctx, "admin");
  return view(ctx, (await ctx.scope.get<ReportSchedule>("report_schedule")).value);
}

/**
 * Replace the report schedule (admins; keys: `exports:write`). Switching it on needs the plan's
 * scheduled reports and its format (403 `feature_not_in_plan`); a format that does not suit the
 * kind is 422 `format_not_supported`. Switching it off is always allowed.
 */
export async function putReportScheduleUseCase(
  ctx: RequestContext,
  raw: Unparsed<typeof reportScheduleInput>,
): Promise<ReportScheduleView> {
  requireScope(ctx, "exports:write");
  authorize(ctx, "admin");
  const input = parseInput(reportScheduleInput, raw);
  assertFormatFits(input.kind, input.format);
  if (input.enabled) {
    assertScheduledReports(ctx.entitlements);
    assertExportFormat(ctx.entitlements, input.format);
    if (input.kind !== "timesheets") requirePlanFeature(ctx, "customReports");
  }
  const stored: ReportSchedule = { ...input, updatedAt: ctx.now };
  const ok = await ctx.scope.atomic().set(ctx.scope.key("report_schedule"), stored).commit();
  if (!ok) throw new DomainError("conflict", "concurrent_change", "Retry");
  return view(ctx, stored);
}

/** The last period of `cadence` that ended before `today` (local dates, inclusive). */
export function lastFinishedPeriod(
  cadence: ReportScheduleInput["cadence"],
  today: Temporal.PlainDate,
  settings: Pick<Settings, "workweekStart" | "payPeriod">,
): { start: Temporal.PlainDate; end: Temporal.PlainDate } {
  if (cadence === "weekly") {
    const weekStart = weekStartOf(today, isoWeekday(settings.workweekStart) as WeekStart);
    return { start: weekStart.subtract({ days: 7 }), end: weekStart.subtract({ days: 1 }) };
  }
  const current = periodContaining(today, settings.payPeriod);
  return periodContaining(current.start.subtract({ days: 1 }), settings.payPeriod);
}

/** What the cron needs. */
export interface ScheduledReportsDeps {
  store: Store;
  /** The cron's clock reading, epoch ms. */
  now: number;
  /** Where the `run_export` jobs go (`outbox.port()`). */
  jobs: JobPort;
  /** `PUBLIC_URL`, for links in the mail. */
  publicUrl: string | null;
  billingMode: BillingMode;
}

/** An export the cron created. */
export interface ScheduledExport {
  orgId: string;
  exportId: string;
  from: string;
  to: string;
}

/**
 * The hourly cron: for every organization with an enabled schedule whose plan still allows it,
 * create the export of the period that just ended, once (the marker is checked absent in the
 * same commit). Returns the exports created. Organizations are visited one by one (one
 * `getMany` each), so the cost is proportional to the number of organizations.
 *
 * @example
 * ```ts
 * Deno.cron("scheduled reports", "7 * * * *", () =>
 *   runScheduledReports({ store, now: Date.now(), jobs: outbox.port(), publicUrl, billingMode }));
 * ```
 */
export async function runScheduledReports(deps: ScheduledReportsDeps): Promise<ScheduledExport[]> {
  const made: ScheduledExport[] = [];
  for await (const scope of deps.store.allOrgScopes()) {
    const [schedule, profile, settings, billing] = await scope.getMany<unknown>([
      scope.key("report_schedule"),
      scope.key("profile"),
      scope.key(...SETTINGS_PARTS),
      scope.key(...BILLING_PARTS),
    ]);
    const s = schedule.value as ReportSchedule | null;
    const org = profile.value as Organization | null;
    if (!s?.enabled || !org) continue;
    const versioned = settingsFrom(org, settings.value);
    const bill = billingFrom(billing as { value: unknown; versionstamp: string | null }, org);
    const ent = entitlementsOf(
      bill.record,
      versioned.settings.disabledFeatures,
      deps.now,
      deps.billingMode,
    );
    if (
      !ent.reporting.scheduledReports || !ent.reporting.exportFormats.includes(s.format) ||
      (s.kind !== "timesheets" && !ent.features.includes("customReports"))
    ) continue;
    const today = localDateOf(deps.now, versioned.settings.timeZone);
    const period = lastFinishedPeriod(s.cadence, today, versioned.settings);
    const marker = scope.key("report_schedule_run", s.cadence, period.start.toString());
    if ((await scope.getKey(marker)).versionstamp !== null) continue;
    const roles = s.recipients === "admins" ? ["admin"] : ["admin", "manager"];
    const mailTo: string[] = [];
    for await (const m of scope.list<Membership>(scope.key("member"))) {
      if (m.value.active && roles.includes(m.value.role)) mailTo.push(m.value.userId);
    }
    const id = newId(deps.now);
    const record: ExportRecord = {
      id,
      kind: s.kind as ExportKind,
      format: s.format,
      preset: s.kind === "payroll" ? s.preset : null,
      from: period.start.toString(),
      to: period.end.toString(),
      userId: null,
      status: "queued",
      progress: 0,
      rowCount: null,
      requestedBy: { type: "system", id: "report_schedule" },
      requestedRole: "admin",
      mailTo,
      origin: deps.publicUrl ? new URL(deps.publicUrl).origin : "http://localhost",
      scheduled: true,
      bom: false,
      createdAt: deps.now,
      startedAt: null,
      finishedAt: null,
      expiresAt: deps.now + EXPORT_TTL_MS,
      fileName: null,
      contentType: null,
      byteSize: null,
      chunkCount: null,
      error: null,
    };
    const op = scope.atomic().check(marker, null)
      .set(marker, { exportId: id, at: deps.now }, { expireIn: MARKER_TTL_MS });
    setExport(op, scope, record, deps.now);
    deps.jobs.add(op, newJob("run_export", { orgId: scope.orgId, exportId: id }, deps.now));
    if (await op.commit()) {
      made.push({ orgId: scope.orgId, exportId: id, from: record.from, to: record.to });
    }
  }
  await deps.jobs.dispatch();
  return made;
}
