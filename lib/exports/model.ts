/**
 * Exports as data: what an export is (kind, format, range, status, file), how long it lives and
 * how it is shown. Pure: no store, no HTTP.
 *
 * @module
 */

import type { ExportFormat } from "../billing/plans.ts";
import type { PrincipalRef } from "../principal.ts";

/** What an export contains. */
export const EXPORT_KINDS = ["hours_report", "time_entries", "timesheets", "payroll"] as const;
/** An export kind. */
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** Kinds that may be written as PDF (the others are tables for spreadsheets and payroll). */
export const PDF_KINDS: readonly ExportKind[] = ["hours_report", "timesheets"];

/** Kinds an employee may export, and only for themselves. */
export const EMPLOYEE_KINDS: readonly ExportKind[] = ["time_entries", "timesheets"];

/** Where an export is in its life. */
export const EXPORT_STATUSES = ["queued", "running", "done", "failed"] as const;
/** An export status. */
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** How long an export and its file are kept (KV `expireIn`, and `expiresAt` checked on read). */
export const EXPORT_TTL_MS = 7 * 24 * 3_600_000;

/** Bytes per stored chunk: under Deno KV's 64 KiB value limit with room to spare. */
export const CHUNK_BYTES = 60_000;

/** Longest range of an export, in days (inclusive count). */
export const MAX_EXPORT_DAYS = 366;

/** An export as stored under `["org", orgId, "export", id]`. */
export interface ExportRecord {
  id: string;
  kind: ExportKind;
  format: ExportFormat;
  /** A payroll preset (`payroll` only), else null. */
  preset: string | null;
  /** Local dates of the organization, inclusive. */
  from: string;
  to: string;
  /** One member only, else null (everyone the requester may see). */
  userId: string | null;
  status: ExportStatus;
  /** 0–1. */
  progress: number;
  rowCount: number | null;
  /** Who asked: a person, an API key, or the report schedule (`system`). */
  requestedBy: PrincipalRef;
  /** The role the requester acted with (the job builds its context with it). */
  requestedRole: "admin" | "manager" | "employee";
  /** Members mailed a download link when the file is ready. */
  mailTo: string[];
  /** The public origin links in mail point to (the request's, when `PUBLIC_URL` is unset). */
  origin: string;
  /** Made by the report schedule. */
  scheduled: boolean;
  /** CSV only: start with a byte order mark. */
  bom: boolean;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Epoch ms after which the export is gone (410), whatever KV's lazy expiry still holds. */
  expiresAt: number;
  fileName: string | null;
  contentType: string | null;
  byteSize: number | null;
  chunkCount: number | null;
  /** Why the export failed (status `failed`), else null. */
  error: string | null;
}

/** The MIME type of each format. */
export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};

/**
 * The file name of an export: kind, range and extension only (ASCII, no quotes), so it is safe
 * in `Content-Disposition`.
 *
 * @example
 * ```ts
 * exportFileName({ kind: "time_entries", format: "csv", from: "2026-11-01", to: "2026-11-30" });
 * // "clockflow-time_entries-2026-11-01-2026-11-30.csv"
 * ```
 */
export function exportFileName(
  e: Pick<ExportRecord, "kind" | "format" | "from" | "to">,
): string {
  return `clockflow-${e.kind}-${e.from}-${e.to}.${e.format}`;
}

/** An export as the API shows it. */
export interface ExportView {
  id: string;
  kind: ExportKind;
  format: ExportFormat;
  preset: string | null;
  from: string;
  to: string;
  userId: string | null;
  status: ExportStatus;
  progress: number;
  rowCount: number | null;
  /** Absolute URL of the file while it is done and kept, else null. */
  downloadUrl: string | null;
  fileName: string | null;
  byteSize: number | null;
  error: string | null;
  scheduled: boolean;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string;
}

/** The API path of an export's file. */
export function downloadPath(orgId: string, id: string): string {
  return `/api/v1/orgs/${orgId}/exports/${id}/download`;
}

/** The view of `e` for organization `orgId`, at `now`, with links on `origin`. */
export function viewExport(
  e: ExportRecord,
  orgId: string,
  origin: string,
  now: number,
): ExportView {
  const available = e.status === "done" && e.expiresAt > now;
  return {
    id: e.id,
    kind: e.kind,
    format: e.format,
    preset: e.preset,
    from: e.from,
    to: e.to,
    userId: e.userId,
    status: e.status,
    progress: e.progress,
    rowCount: e.rowCount,
    downloadUrl: available ? `${origin}${downloadPath(orgId, e.id)}` : null,
    fileName: e.fileName,
    byteSize: e.byteSize,
    error: e.error,
    scheduled: e.scheduled,
    createdAt: new Date(e.createdAt).toISOString(),
    finishedAt: e.finishedAt === null ? null : new Date(e.finishedAt).toISOString(),
    expiresAt: new Date(e.expiresAt).toISOString(),
  };
}
