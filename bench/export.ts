/**
 * Benchmark of exports (issue #9 §4): one organization with about 100,000 time entries in one
 * year, exported to CSV and to XLSX through the real job (`lib/exports/run.ts`: source → writer →
 * 60,000-byte chunks committed to KV). Prints rows per second and the peak RSS and JS heap
 * sampled during each run (`Deno.memoryUsage()` every 20 ms), for a small export first and the
 * full one second, so flat memory shows as equal peaks.
 *
 * ```sh
 * deno task bench:export                       # 385 members × 358 days ≈ 100,000 entries
 * deno run -A bench/export.ts --members=50 --days=100
 * ```
 *
 * - The database is a temporary SQLite file (Deno KV, file-backed like production's default),
 *   removed at the end. Entries are written with `importEntries` (`lib/entries/repository.ts`),
 *   with the real keys and audit records, as `bench/hours_report.ts` does; loading is not
 *   measured.
 * - XLSX is measured when its writer is built; until then the run prints a note and skips it.
 * - Also printed: the process's CPU time (user + system, all its threads, KV's included) during
 *   each run, as rows per CPU-second: on a shared machine the wall clock depends on the load.
 * - Target: ≥ 50,000 rows/s for CSV with flat memory.
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";
import { Store } from "../lib/kv/mod.ts";
import { signUp } from "../lib/orgs/orgs.ts";
import { addMember } from "../lib/members/members.ts";
import { importEntries, newEntryId } from "../lib/entries/repository.ts";
import type { TimeEntry } from "../lib/entries/model.ts";
import { planShifts, seededRandom } from "../scripts/seed.ts";
import { newId } from "../lib/kv/mod.ts";
import { runExportJob } from "../lib/exports/run.ts";
import { EXPORT_TTL_MS, type ExportRecord } from "../lib/exports/model.ts";
import { readExport, setExport } from "../lib/exports/repository.ts";
import type { ExportFormat } from "../lib/billing/plans.ts";
import { newJob } from "../lib/jobs/jobs.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    members: { type: "string", default: "385" },
    days: { type: "string", default: "358" },
  },
});
const MEMBERS = Number(args.members);
const DAYS = Number(args.days);
const TZ = "America/Chicago";
const NOW = Date.UTC(2026, 10, 2, 18, 0, 0);
const MB = 1024 * 1024;

/** The last `DAYS` local dates before NOW. */
function days(): Temporal.PlainDate[] {
  const end = Temporal.PlainDate.from("2026-11-01");
  return Array.from({ length: DAYS }, (_, i) => end.subtract({ days: DAYS - 1 - i }));
}

async function pool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Sample memory every 20 ms while `fn` runs; the peaks and the time it took. */
async function measured<T>(fn: () => Promise<T>) {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = Deno.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const value = await fn();
    sample();
    const cpu = process.cpuUsage(cpu0);
    return { value, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, rss, heap };
  } finally {
    clearInterval(timer);
  }
}

const dir = await Deno.makeTempDir({ prefix: "clockflow-bench-export-" });
const store = await Store.open(`${dir}/kv.sqlite3`);
try {
  const { org, user } = await signUp(store, {
    organization: { name: "Export Bench", timeZone: TZ },
    user: { name: "Bench Admin", email: "admin@bench-export.example.com", passwordHash: "x" },
  }, NOW);
  const scope = (await store.scopeForMember(user.id, org.id))!;
  const memberIds: string[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    memberIds.push(
      (await addMember(scope, user.id, { name: `Worker ${i}`, role: "employee" }, NOW)).id,
    );
  }
  const dates = days();
  let total = 0;
  const loadStart = performance.now();
  await pool(memberIds, 8, async (userId, i) => {
    const batch: TimeEntry[] = planShifts(dates, TZ, seededRandom(1000 + i)).map((s) => ({
      id: newEntryId(NOW),
      userId,
      start: s.start,
      end: s.end,
      breaks: s.breaks,
      note: i % 7 === 0 ? 'site visit, "north" gate' : null,
      locationId: null,
      clockInGeo: null,
      clockOutGeo: null,
      source: "manual",
      createdAt: NOW,
      updatedAt: NOW,
    }));
    const written = await importEntries(scope, userId, batch, user.id, "bench import", NOW);
    total += written;
  });
  console.log(
    `loaded ${total} entries of ${MEMBERS} members over ${DAYS} days in ${
      ((performance.now() - loadStart) / 1000).toFixed(1)
    } s`,
  );

  const deps = { store, now: () => NOW, publicUrl: "https://bench.example.com" };
  /** Run one export through the job; null when the format's writer is not built yet. */
  const run = async (format: ExportFormat, from: string, userId: string | null) => {
    const id = newId(NOW);
    const record: ExportRecord = {
      id,
      kind: "time_entries",
      format,
      preset: null,
      from,
      to: dates[dates.length - 1].toString(),
      userId,
      status: "queued",
      progress: 0,
      rowCount: null,
      requestedBy: { type: "user", id: user.id },
      requestedRole: "admin",
      mailTo: [],
      origin: "https://bench.example.com",
      scheduled: false,
      bom: false,
      createdAt: NOW,
      startedAt: null,
      finishedAt: null,
      expiresAt: NOW + EXPORT_TTL_MS,
      fileName: null,
      contentType: null,
      byteSize: null,
      chunkCount: null,
      error: null,
    };
    await setExport(scope.atomic(), scope, record, NOW).commit();
    const job = newJob("run_export", { orgId: org.id, exportId: id }, NOW);
    const m = await measured(() => runExportJob(deps, job));
    const done = (await readExport(scope, id))!.record;
    if (done.status !== "done") {
      if (/not built yet/.test(done.error ?? "")) return null;
      throw new Error(`export failed: ${done.error}`);
    }
    return { ...m, rows: done.rowCount!, bytes: done.byteSize!, chunks: done.chunkCount! };
  };

  const lines: string[] = [];
  const baseline = Deno.memoryUsage();
  lines.push(
    `baseline before exporting: RSS ${(baseline.rss / MB).toFixed(0)} MB, heap ${
      (baseline.heapUsed / MB).toFixed(0)
    } MB`,
  );
  for (const format of ["csv", "xlsx"] as const) {
    const small = await run(format, dates[dates.length - 30].toString(), null);
    if (!small) {
      lines.push(`${format}: skipped — the ${format.toUpperCase()} writer is not built yet`);
      continue;
    }
    const full = await run(format, dates[0].toString(), null);
    for (const [label, r] of [["30 days", small], ["full range", full!]] as const) {
      lines.push(
        `${format} ${label}: ${r.rows} rows, ${
          (r.bytes / MB).toFixed(1)
        } MB in ${r.chunks} chunks, ` +
          `${(r.ms / 1000).toFixed(2)} s = ${Math.round(r.rows / (r.ms / 1000))} rows/s ` +
          `(process CPU ${(r.cpuMs / 1000).toFixed(2)} s = ${
            Math.round(r.rows / (r.cpuMs / 1000))
          } rows per CPU-second); ` +
          `peak RSS ${(r.rss / MB).toFixed(0)} MB, peak heap ${(r.heap / MB).toFixed(0)} MB`,
      );
    }
  }
  for (const l of lines) console.log(l);
} finally {
  store.close();
  await Deno.remove(dir, { recursive: true });
}
