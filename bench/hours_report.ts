/**
 * Benchmark of the hours report (issue item 11): one organization of 1,000 members, each with a
 * year of realistic shifts, reported over one month and over one year — first alone in the
 * database, then next to other tenants with their own year of data, to show that the cost grows
 * with the organization's own data and not with the number of tenants.
 *
 * ```sh
 * deno run -A bench/hours_report.ts                 # 1,000 members, 4 other tenants of 250
 * deno run -A bench/hours_report.ts --members=200 --tenants=2 --tenant-members=100 --runs=5
 * ```
 *
 * - The database is a temporary SQLite file (Deno KV, file-backed like production's default),
 *   removed at the end whatever happens.
 * - Data is written with the real key layout: organizations and members through `lib/orgs` and
 *   `lib/members`, entries through `importEntries` (`lib/entries/repository.ts`), which writes the
 *   very keys and audit records `commitEntryChange` writes, 150 entries per commit. Loading is
 *   not measured.
 * - Measured: `hoursReport` (what `GET …/reports/hours` runs) `--runs` times per range after one
 *   warm-up, reporting median and p95; and the HTTP endpoint once per range, through a real
 *   loopback server with a session cookie.
 * - Targets (the issue's): a month under 200 ms, a year under 2 s.
 *
 * @module
 */

import { KvMailbox } from "../lib/mail/mail.ts";
import { parseArgs } from "node:util";
import { Store } from "../lib/kv/mod.ts";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { DEFAULT_THROTTLE } from "../lib/identity/throttle.ts";
import { signUp } from "../lib/orgs/orgs.ts";
import { addMember } from "../lib/members/members.ts";
import { createSession } from "../lib/identity/sessions.ts";
import { importEntries, newEntryId } from "../lib/entries/repository.ts";
import type { TimeEntry } from "../lib/entries/model.ts";
import { hoursReport } from "../lib/reports/hours.ts";
import { planShifts, seededRandom } from "../scripts/seed.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    members: { type: "string", default: "1000" },
    tenants: { type: "string", default: "4" },
    "tenant-members": { type: "string", default: "250" },
    runs: { type: "string", default: "7" },
    keep: { type: "boolean", default: false },
  },
});
const MEMBERS = Number(args.members);
const TENANTS = Number(args.tenants);
const TENANT_MEMBERS = Number(args["tenant-members"]);
const RUNS = Math.max(1, Number(args.runs));
const TZ = "America/Chicago";
/** "Now" for the whole bench: the year of data ends the day before. */
const NOW = Date.UTC(2026, 10, 2, 18, 0, 0);
const YEAR = { from: "2025-11-01", to: "2026-10-31" };
const MONTH = { from: "2026-10-01", to: "2026-10-31" };

/** Run `task` over `items` with at most `limit` at once. */
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

/** Every local date of the year of data. */
function yearDays(): Temporal.PlainDate[] {
  const out: Temporal.PlainDate[] = [];
  let d = Temporal.PlainDate.from(YEAR.from);
  const end = Temporal.PlainDate.from(YEAR.to);
  while (Temporal.PlainDate.compare(d, end) <= 0) {
    out.push(d);
    d = d.add({ days: 1 });
  }
  return out;
}

interface Tenant {
  orgId: string;
  adminId: string;
  memberIds: string[];
  entries: number;
}

/** One organization with `members` employees and a year of shifts each. */
async function loadTenant(store: Store, name: string, members: number, seed: number) {
  const { org, user } = await signUp(store, {
    organization: { name, timeZone: TZ },
    user: {
      name: `${name} Admin`,
      email: `admin-${seed}@bench-report.example.com`,
      // A hash nobody can sign in with: the bench uses a session made directly.
      passwordHash: "bench-no-login",
    },
  }, NOW);
  const scope = (await store.scopeForMember(user.id, org.id))!;
  const memberIds: string[] = [];
  for (let i = 0; i < members; i++) {
    const m = await addMember(scope, user.id, { name: `Worker ${i}`, role: "employee" }, NOW);
    memberIds.push(m.id);
  }
  const days = yearDays();
  let entries = 0;
  await pool(memberIds, 8, async (userId, i) => {
    const shifts = planShifts(days, TZ, seededRandom(seed * 100_000 + i));
    const batch: TimeEntry[] = shifts.map((s) => ({
      id: newEntryId(NOW),
      userId,
      start: s.start,
      end: s.end,
      breaks: s.breaks.map((b) => ({ ...b, typeId: "meal" })),
      note: s.note,
      locationId: null,
      clockInGeo: null,
      clockOutGeo: null,
      source: "manual",
      createdAt: NOW,
      updatedAt: NOW,
    }));
    const written = await importEntries(scope, userId, batch, user.id, "bench import", NOW);
    entries += written;
  });
  return { tenant: { orgId: org.id, adminId: user.id, memberIds, entries }, scope };
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), min: s[0], max: s[s.length - 1] };
}

const f = (ms: number) => `${ms.toFixed(1)} ms`;

async function machine(): Promise<string> {
  let cpu = "unknown CPU";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.+)/.exec(info)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  const mem = Deno.systemMemoryInfo();
  return `${cpu}, ${navigator.hardwareConcurrency} threads, ${
    (mem.total / 2 ** 30).toFixed(1)
  } GiB RAM, ${Deno.build.os} ${Deno.osRelease()}, Deno ${Deno.version.deno}`;
}

async function measureReport(
  store: Store,
  main: Tenant,
  label: string,
  token: string,
): Promise<string[]> {
  const scope = (await store.scopeForMember(main.adminId, main.orgId))!;
  const lines: string[] = [];
  const app = createApp({
    store,
    config: loadConfig({ KV_PATH: ":memory:" }),
    now: () => NOW,
    passwordIterations: 1_000,
    throttle: DEFAULT_THROTTLE,
    mailer: new KvMailbox(store, () => NOW, () => {}),
    log: () => {},
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  try {
    for (const [name, range] of [["month", MONTH], ["year", YEAR]] as const) {
      const q = {
        from: Temporal.PlainDate.from(range.from),
        to: Temporal.PlainDate.from(range.to),
        now: NOW,
      };
      const warm = await hoursReport(scope, q);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await hoursReport(scope, q);
        times.push(performance.now() - t0);
      }
      const s = stats(times);
      const url = `http://127.0.0.1:${server.addr.port}/api/v1/orgs/${main.orgId}` +
        `/reports/hours?from=${range.from}&to=${range.to}`;
      const t0 = performance.now();
      const res = await fetch(url, { headers: { cookie: `cf_session=${token}` } });
      const body = await res.json();
      const http = performance.now() - t0;
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
      const worked = warm.members.reduce((a, m) => a + m.workedSeconds, 0);
      const ot = warm.members.reduce((a, m) => a + m.overtimeSeconds, 0);
      lines.push(
        `| ${label} | ${name} | ${warm.members.length} | ${f(s.median)} | ${f(s.p95)} | ${
          f(s.min)
        }–${f(s.max)} | ${f(http)} | ${(worked / 3600).toFixed(0)} h / ${
          (ot / 3600).toFixed(0)
        } h OT |`,
      );
      console.error(`  ${label} ${name}: median ${f(s.median)}, p95 ${f(s.p95)}, HTTP ${f(http)}`);
    }
  } finally {
    await server.shutdown();
  }
  return lines;
}

const dir = await Deno.makeTempDir({ prefix: "clockflow-bench-report-" });
const store = await Store.open(`${dir}/bench.sqlite3`);
try {
  console.error(`machine: ${await machine()}`);
  let t0 = performance.now();
  const { tenant: main } = await loadTenant(store, "Bench Payroll", MEMBERS, 1);
  console.error(
    `loaded the organization: ${main.memberIds.length} members, ${main.entries} entries in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  const token = await createSession(store, main.adminId, NOW);
  const rows: string[] = [];
  rows.push(...await measureReport(store, main, "alone", token));
  t0 = performance.now();
  let others = 0;
  for (let t = 0; t < TENANTS; t++) {
    const { tenant } = await loadTenant(store, `Other ${t}`, TENANT_MEMBERS, 10 + t);
    others += tenant.entries;
  }
  console.error(
    `loaded ${TENANTS} other tenants: ${TENANTS * TENANT_MEMBERS} members, ${others} entries in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  if (TENANTS > 0) {
    rows.push(...await measureReport(store, main, `+${TENANTS} tenants`, token));
  }
  const size = (await Deno.stat(`${dir}/bench.sqlite3`)).size;
  console.log(`\n## Hours report benchmark\n`);
  console.log(`- machine: ${await machine()}`);
  console.log(
    `- data: ${MEMBERS} members × a year (${main.entries} entries) in the measured organization; ` +
      `${TENANTS} other tenants × ${TENANT_MEMBERS} members (${others} entries); ` +
      `KV file ${(size / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(`- runs: ${RUNS} per row after one warm-up; HTTP: one request through loopback\n`);
  console.log(
    "| database | range | members | median | p95 | min–max | HTTP once | worked / OT |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
  console.log(`\nTargets: month < 200 ms, year < 2 s.`);
} finally {
  store.close();
  if (!args.keep) await Deno.remove(dir, { recursive: true }).catch(() => {});
}
