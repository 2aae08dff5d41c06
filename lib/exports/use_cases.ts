/**
 * Exports as use cases: every door (the JSON API, the exports page) calls these with its
 * {@linkcode RequestContext}, so scopes, roles, plan gates and validation are decided once.
 *
 * | use case | who |
 * | --- | --- |
 * | {@linkcode createExportUseCase} | managers, admins (any kind); employees: `time_entries`, `timesheets` of themselves; keys: `exports:write` |
 * | {@linkcode getExportUseCase}, {@linkcode listExportsUseCase}, {@linkcode downloadExportUseCase} | managers, admins: every export; employees: their own; keys: `exports:read` |
 *
 * Creating commits the record and its `run_export` job in one atomic commit and dispatches the
 * job after it (`jobs/run_export.ts` builds the file).
 *
 * @module
 */

import { actorUserId, type RequestContext, requirePlanFeature, requireScope } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { activeMemberships, getMembership, isManager } from "../members/members.ts";
import { enabled } from "../billing/entitlements.ts";
import { memberUsers } from "../identity/users.ts";
import { periodContaining } from "../time/periods.ts";
import { localDateOf } from "../time/week.ts";
import { PAYROLL_PRESETS } from "./sources/payroll.ts";
import { newJob } from "../jobs/jobs.ts";
import { newId } from "../kv/mod.ts";
import { principalRef } from "../principal.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import { assertExportFormat } from "./gates.ts";
import {
  CONTENT_TYPES,
  EMPLOYEE_KINDS,
  EXPORT_KINDS,
  EXPORT_TTL_MS,
  type ExportKind,
  type ExportRecord,
  type ExportView,
  PDF_KINDS,
  viewExport,
} from "./model.ts";
import { readChunks, readExport, recentExports, setExport } from "./repository.ts";
import { createExportInput, exportIdInput, listExportsInput } from "./schemas.ts";
import type { ExportFormat } from "../billing/plans.ts";

/** Kinds computed from pay figures: they need the plan's `customReports`. */
const REPORT_KINDS: readonly ExportKind[] = ["hours_report", "payroll"];

/** Throw 422 `format_not_supported` when `kind` cannot be written as `format`. */
export function assertFormatFits(kind: ExportKind, format: ExportFormat): void {
  if (format === "pdf" && !PDF_KINDS.includes(kind)) {
    throw new DomainError(
      "unprocessable",
      "format_not_supported",
      `A ${kind} export cannot be a PDF; choose CSV or XLSX (PDF: ${PDF_KINDS.join(", ")})`,
      { kind, format, pdfKinds: PDF_KINDS },
    );
  }
}

/** True when the context may see `e` (managers and admins: all; others: what they asked for). */
function canSee(ctx: RequestContext, e: ExportRecord): boolean {
  if (isManager(ctx.role)) return true;
  const self = actorUserId(ctx);
  return self !== null && e.requestedBy.type === "user" && e.requestedBy.id === self;
}

/**
 * Ask for an export. Returns `{id, status: "queued"}` once the record and its job are committed;
 * the job runs after the commit. Throws 400 `validation_failed`, 422 `format_not_supported`,
 * 403 `forbidden` / `insufficient_scope` / `feature_not_in_plan`, 404 (a `userId` that is not a
 * member of this organization).
 */
export async function createExportUseCase(
  ctx: RequestContext,
  raw: Unparsed<typeof createExportInput>,
): Promise<{ id: string; status: "queued" }> {
  requireScope(ctx, "exports:write");
  const input = parseInput(createExportInput, raw);
  assertFormatFits(input.kind, input.format);
  assertExportFormat(ctx.entitlements, input.format);
  if (REPORT_KINDS.includes(input.kind)) requirePlanFeature(ctx, "customReports");
  let userId = input.userId ?? null;
  if (!isManager(ctx.role)) {
    const self = actorUserId(ctx);
    if (!self || !EMPLOYEE_KINDS.includes(input.kind)) {
      throw new DomainError(
        "forbidden",
        "forbidden",
        `Employees can export only their own ${EMPLOYEE_KINDS.join(" and ")}`,
      );
    }
    if (userId !== null && userId !== self) {
      throw new DomainError("forbidden", "forbidden", "Employees can export only their own data");
    }
    userId = self;
  }
  if (userId !== null && !(await getMembership(ctx.scope, userId))) throw notFound("member");
  const id = newId(ctx.now);
  const record: ExportRecord = {
    id,
    kind: input.kind,
    format: input.format,
    preset: input.preset ?? null,
    from: input.from,
    to: input.to,
    userId,
    status: "queued",
    progress: 0,
    rowCount: null,
    requestedBy: principalRef(ctx.principal),
    requestedRole: ctx.role,
    mailTo: ctx.principal.type === "user" ? [ctx.principal.userId] : [],
    origin: ctx.services.publicUrl,
    scheduled: false,
    bom: input.format === "csv" && input.bom === true,
    createdAt: ctx.now,
    startedAt: null,
    finishedAt: null,
    expiresAt: ctx.now + EXPORT_TTL_MS,
    fileName: null,
    contentType: null,
    byteSize: null,
    chunkCount: null,
    error: null,
  };
  const op = ctx.scope.atomic().check(ctx.scope.key("export", id), null);
  setExport(op, ctx.scope, record, ctx.now);
  ctx.jobs.add(op, newJob("run_export", { orgId: ctx.scope.orgId, exportId: id }, ctx.now));
  if (!(await op.commit())) {
    throw new DomainError("conflict", "concurrent_change", "The export could not be saved; retry");
  }
  await ctx.jobs.dispatch();
  return { id, status: "queued" };
}

/** The export the context may see, or 404. */
async function visibleExport(ctx: RequestContext, raw: unknown): Promise<ExportRecord> {
  const { id } = parseInput(exportIdInput, raw);
  const found = await readExport(ctx.scope, id);
  if (!found || !canSee(ctx, found.record)) throw notFound("export");
  return found.record;
}

/** One export (`{id, kind, format, status, progress, rowCount, downloadUrl, expiresAt, …}`). */
export async function getExportUseCase(
  ctx: RequestContext,
  raw: Unparsed<typeof exportIdInput>,
): Promise<ExportView> {
  requireScope(ctx, "exports:read");
  const e = await visibleExport(ctx, raw);
  return viewExport(e, ctx.scope.orgId, ctx.services.publicUrl, ctx.now);
}

/** The recent exports the context may see, newest first (`{data}`). */
export async function listExportsUseCase(
  ctx: RequestContext,
  raw: Unparsed<typeof listExportsInput>,
): Promise<{ data: ExportView[] }> {
  requireScope(ctx, "exports:read");
  const { limit } = parseInput(listExportsInput, raw);
  const records = await recentExports(ctx.scope, limit, (e) => canSee(ctx, e));
  return {
    data: records.map((e) => viewExport(e, ctx.scope.orgId, ctx.services.publicUrl, ctx.now)),
  };
}

/** A finished export's file, ready to stream. */
export interface ExportFile {
  fileName: string;
  contentType: string;
  byteSize: number;
  body: AsyncIterable<Uint8Array>;
}

/**
 * The file of a finished export. Throws 404 (unknown, or not the caller's), 409
 * `export_not_ready` (queued, running or failed), 410 `export_expired` (older than 7 days).
 */
export async function downloadExportUseCase(
  ctx: RequestContext,
  raw: Unparsed<typeof exportIdInput>,
): Promise<ExportFile> {
  requireScope(ctx, "exports:read");
  const e = await visibleExport(ctx, raw);
  if (e.expiresAt <= ctx.now) {
    throw new DomainError("gone", "export_expired", "This export has expired; ask for a new one", {
      expiresAt: new Date(e.expiresAt).toISOString(),
    });
  }
  if (e.status !== "done" || e.chunkCount === null) {
    throw new DomainError(
      "conflict",
      "export_not_ready",
      e.status === "failed"
        ? "This export failed; ask for a new one"
        : "This export is not ready yet",
      { status: e.status, progress: e.progress },
    );
  }
  return {
    fileName: e.fileName ?? `export.${e.format}`,
    contentType: e.contentType ?? CONTENT_TYPES[e.format],
    byteSize: e.byteSize ?? 0,
    body: readChunks(ctx.scope, e.id, e.chunkCount),
  };
}

/** What the export form offers the context. */
export interface ExportChoices {
  /** Kinds the context may ask for. */
  kinds: ExportKind[];
  /** Formats the plan allows. */
  formats: ExportFormat[];
  /** Members to choose from (managers and admins), by name; empty for employees. */
  members: { id: string; name: string }[];
  /** Whether the context picks a member (managers and admins) or is always itself. */
  choosesMember: boolean;
  /** Payroll presets. */
  presets: readonly string[];
  /** The current pay period, the form's default range. */
  currentPeriod: { from: string; to: string };
  /** Whether the context may edit the report schedule (admins). */
  schedules: boolean;
}

/** The export form's choices for the context (any member; keys: `exports:read`). */
export async function exportChoicesUseCase(ctx: RequestContext): Promise<ExportChoices> {
  requireScope(ctx, "exports:read");
  const manager = isManager(ctx.role);
  const reports = enabled(ctx.entitlements, "customReports");
  const kinds = (manager ? [...EXPORT_KINDS] : [...EMPLOYEE_KINDS])
    .filter((k) => reports || !REPORT_KINDS.includes(k));
  let members: { id: string; name: string }[] = [];
  if (manager) {
    const active = await activeMemberships(ctx.scope);
    const users = await memberUsers(ctx.scope, active.map((m) => m.userId));
    members = users.map((u) => ({ id: u.id, name: u.name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  const settings = ctx.settings.settings;
  const period = periodContaining(localDateOf(ctx.now, settings.timeZone), settings.payPeriod);
  return {
    kinds,
    formats: [...ctx.entitlements.reporting.exportFormats],
    members,
    choosesMember: manager,
    presets: PAYROLL_PRESETS,
    currentPeriod: { from: period.start.toString(), to: period.end.toString() },
    schedules: ctx.role === "admin",
  };
}
