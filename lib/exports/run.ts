/**
 * Building an export's file (the `run_export` job): read the record, act in the organization as
 * the requester would (`lib/jobs/context.ts`), stream the source's rows through the format's
 * writer, pack the bytes into chunks of {@linkcode CHUNK_BYTES} and commit each as it fills,
 * then mark the export done — and in that same commit emit `export.completed` (webhooks) and
 * queue the mail with the download link.
 *
 * Memory stays flat: one chunk buffer plus what the writer and the source hold (a batch of
 * entries). Every chunk commit checks the record's versionstamp, so a run that lost its claim to
 * another (a redelivery after a crash) stops instead of interleaving chunks; a run starts by
 * deleting whatever chunks a crashed run left. A source or writer error marks the export
 * `failed` with its message.
 *
 * @module
 */

import type { RequestContext } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { User } from "../identity/users.ts";
import { type JobContextDeps, jobRequestContext } from "../jobs/context.ts";
import { type RunExportJob, sendMailJob } from "../jobs/jobs.ts";
import type { OrgScope } from "../kv/mod.ts";
import { writeCsv } from "./csv.ts";
import { writeXlsx } from "./xlsx.ts";
import { documentBranding } from "../branding/branding.ts";
import { writeTablePdf, writeTimesheetsPdf } from "./pdf.ts";
import type { Table, WriteOptions } from "./table.ts";
import type { ExportQuery } from "./sources/source.ts";
import type { ProgressTable } from "./sources/progress.ts";
import { timeEntriesTable } from "./sources/time_entries.ts";
import { hoursReportTable } from "./sources/hours_report.ts";
import { timesheetDocuments, timesheetsTable } from "./sources/timesheets.ts";
import { payrollTable } from "./sources/payroll.ts";
import {
  CHUNK_BYTES,
  CONTENT_TYPES,
  downloadPath,
  exportFileName,
  type ExportRecord,
} from "./model.ts";
import { chunkKey, deleteChunks, exportKey, readExport, setExport } from "./repository.ts";

/** Chunks between two progress updates of the record. */
const PROGRESS_EVERY = 4;

/** The export's bytes and how far the rows have come. */
interface Output {
  bytes: AsyncIterable<Uint8Array>;
  rows(): number;
  progress(): number;
}

/** Count the rows of `table` as the writer pulls them. */
function counted(table: ProgressTable): { table: Table; rows(): number; progress(): number } {
  let n = 0;
  const source = table.rows;
  async function* rows() {
    for await (const r of source) {
      n++;
      yield r;
    }
  }
  return {
    table: { ...table, rows: rows() },
    rows: () => n,
    progress: () =>
      table.progress?.() ?? (table.estimatedRows ? n / Math.max(1, table.estimatedRows) : 0),
  };
}

/** Count the documents of `source` as the writer pulls them. */
function countedDocs<T>(source: AsyncIterable<T>): { items: AsyncIterable<T>; count(): number } {
  let n = 0;
  async function* items() {
    for await (const d of source) {
      n++;
      yield d;
    }
  }
  return { items: items(), count: () => n };
}

/** The source and writer of `e`. */
async function output(ctx: RequestContext, e: ExportRecord, opts: WriteOptions): Promise<Output> {
  const q: ExportQuery = { from: e.from, to: e.to, userId: e.userId, preset: e.preset };
  if (e.kind === "timesheets" && e.format === "pdf") {
    const docs = countedDocs(timesheetDocuments(ctx, q));
    return { bytes: writeTimesheetsPdf(docs.items, opts), rows: docs.count, progress: () => 0 };
  }
  const table: ProgressTable = e.kind === "time_entries"
    ? await timeEntriesTable(ctx, q)
    : e.kind === "hours_report"
    ? await hoursReportTable(ctx, q)
    : e.kind === "timesheets"
    ? await timesheetsTable(ctx, q)
    : await payrollTable(ctx, q);
  const c = counted(table);
  const bytes = e.format === "csv"
    ? writeCsv(c.table, opts)
    : e.format === "xlsx"
    ? writeXlsx(c.table, opts)
    : writeTablePdf(c.table, opts);
  return { bytes, rows: c.rows, progress: c.progress };
}

/** A run that lost its claim on the record (another run took over): stop quietly. */
class Superseded extends Error {}

/** Commits one record's chunks in order, each checked against the record's versionstamp. */
class ChunkWriter {
  #buffer = new Uint8Array(CHUNK_BYTES);
  #filled = 0;
  count = 0;
  bytes = 0;

  constructor(
    readonly scope: OrgScope,
    public record: ExportRecord,
    public versionstamp: string,
    readonly now: () => number,
    readonly progress: () => { progress: number; rows: number },
  ) {}

  async write(data: Uint8Array): Promise<void> {
    let at = 0;
    while (at < data.length) {
      const n = Math.min(CHUNK_BYTES - this.#filled, data.length - at);
      this.#buffer.set(data.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === CHUNK_BYTES) await this.#commit();
    }
  }

  /** Commit what remains (the last, shorter chunk). */
  async flush(): Promise<void> {
    if (this.#filled > 0) await this.#commit();
  }

  async #commit(): Promise<void> {
    const now = this.now();
    const chunk = this.#buffer.slice(0, this.#filled);
    const op = this.scope.atomic().check(exportKey(this.scope, this.record.id), this.versionstamp)
      .set(chunkKey(this.scope, this.record.id, this.count), chunk, {
        expireIn: Math.max(1_000, this.record.expiresAt - now),
      });
    const update = (this.count + 1) % PROGRESS_EVERY === 0;
    if (update) {
      const p = this.progress();
      this.record = {
        ...this.record,
        progress: Math.min(0.99, Math.max(this.record.progress, p.progress)),
        rowCount: p.rows,
      };
      setExport(op, this.scope, this.record, now);
    }
    const vs = await op.commit();
    if (!vs) throw new Superseded();
    if (update) this.versionstamp = vs;
    this.count++;
    this.bytes += chunk.length;
    this.#filled = 0;
  }
}

/** The mail telling `user` their export is ready. */
function readyMail(
  user: User & { email: string },
  e: ExportRecord,
  orgName: string,
  pageUrl: string,
  fileUrl: string,
) {
  const what = `${
    e.kind.replace("_", " ")
  } export (${e.format.toUpperCase()}, ${e.from} – ${e.to})`;
  return {
    to: user.email,
    subject: `Your ${what} is ready`,
    text:
      `Hello ${user.name},\n\nThe ${what} of ${orgName} is ready${
        e.scheduled ? " (scheduled report)" : ""
      }.\n\nDownload it (sign in first): ${fileUrl}\nAll exports: ${pageUrl}\n\n` +
      `The file is kept until ${new Date(e.expiresAt).toISOString().slice(0, 10)}.\n`,
  };
}

/**
 * Run job `job`: build the file of its export. Returns quietly when the organization or the
 * export is gone, or the export is already finished (a redelivery).
 */
export async function runExportJob(deps: JobContextDeps, job: RunExportJob): Promise<void> {
  const clock = deps.now ?? Date.now;
  const scope = await deps.store.scopeForJob(job.orgId);
  if (!scope) return;
  const found = await readExport(scope, job.exportId);
  if (!found) return;
  if (found.record.status === "done" || found.record.status === "failed") return;
  if (found.record.expiresAt <= clock()) return;
  // A crashed run may have left chunks: start from nothing.
  await deleteChunks(scope, job.exportId);
  let record: ExportRecord = {
    ...found.record,
    status: "running",
    progress: 0,
    rowCount: 0,
    startedAt: clock(),
    byteSize: null,
    chunkCount: null,
    error: null,
  };
  const vs = await setExport(
    scope.atomic().check(exportKey(scope, record.id), found.versionstamp),
    scope,
    record,
    clock(),
  ).commit();
  if (!vs) throw new Error(`export ${record.id} changed while starting; retrying`);
  let writer: ChunkWriter | null = null;
  try {
    const requester = record.requestedBy.type === "user" ? record.requestedBy.id : null;
    const ctx = await jobRequestContext(deps, job.orgId, {
      job: "run_export",
      userId: requester,
      role: record.requestedRole,
      origin: record.origin,
    });
    if (!ctx) return;
    const opts: WriteOptions = {
      orgName: ctx.org.name,
      timeZone: ctx.settings.settings.timeZone,
      generatedAt: new Date(clock()).toISOString(),
      bom: record.bom,
      branding: record.format === "pdf" ? await documentBranding(ctx) : undefined,
    };
    const out = await output(ctx, record, opts);
    const w: ChunkWriter = writer = new ChunkWriter(
      scope,
      record,
      vs,
      clock,
      () => ({ progress: out.progress(), rows: out.rows() }),
    );
    for await (const bytes of out.bytes) await w.write(bytes);
    await w.flush();
    record = {
      ...w.record,
      status: "done",
      progress: 1,
      rowCount: out.rows(),
      finishedAt: clock(),
      fileName: exportFileName(record),
      contentType: CONTENT_TYPES[record.format],
      byteSize: w.bytes,
      chunkCount: w.count,
    };
    const origin = ctx.services.publicUrl;
    const fileUrl = `${origin}${downloadPath(job.orgId, record.id)}`;
    const pageUrl = `${origin}/o/${job.orgId}/exports`;
    const op = scope.atomic().check(exportKey(scope, record.id), w.versionstamp);
    setExport(op, scope, record, clock());
    ctx.events.emit(op, "export.completed", {
      id: record.id,
      kind: record.kind,
      format: record.format,
      from: record.from,
      to: record.to,
      userId: record.userId,
      rowCount: record.rowCount,
      byteSize: record.byteSize,
      downloadUrl: fileUrl,
      expiresAt: new Date(record.expiresAt).toISOString(),
    });
    for (const user of await scope.people<User>(record.mailTo)) {
      if (!user.email) continue;
      const to = { ...user, email: user.email };
      ctx.jobs.add(
        op,
        sendMailJob(job.orgId, readyMail(to, record, ctx.org.name, pageUrl, fileUrl), clock()),
      );
    }
    if (!(await op.commit())) throw new Superseded();
    await ctx.jobs.dispatch();
  } catch (err) {
    if (err instanceof Superseded) return;
    const message = err instanceof DomainError || err instanceof Error ? err.message : String(err);
    const latest = writer?.record ?? record;
    const stamp = writer?.versionstamp ?? vs;
    const failed: ExportRecord = {
      ...latest,
      status: "failed",
      finishedAt: clock(),
      error: message.slice(0, 500),
    };
    await setExport(
      scope.atomic().check(exportKey(scope, record.id), stamp),
      scope,
      failed,
      clock(),
    ).commit();
    await deleteChunks(scope, record.id);
    console.error(`exports: export ${record.id} failed: ${message}`);
  }
}
