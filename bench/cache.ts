/**
 * Benchmark of the read cache (issue #8, section 4): the hours report of a month for a large
 * organization and a PTO balance read of a long-tenured member, through real HTTP, in the same
 * run with the cache off (every read computed), with the in-process LRU (hits), and with the
 * Upstash adapter over a real `redis-server` through the loopback REST shim (hits).
 *
 * ```sh
 * deno run -A bench/cache.ts                       # 1,000 members × Sep–Oct 2026 of shifts
 * deno run -A bench/cache.ts --members=200 --runs=5 --no-upstash
 * ```
 *
 * - Data: one organization (a temporary SQLite file, removed at the end) with `--members`
 *   employees, each with the seed's realistic shifts from 2026-09-01 through 2026-10-31 (what a
 *   month's report reads: October plus the workweeks around it), imported with `importEntries`
 *   like `bench/hours_report.ts`; and one member hired 2015-01-01 with 8 h every weekday since
 *   2024-01-01 and the two PTO types of `bench/pto_balance.ts`. Loading is not measured.
 * - Measured, `--runs` times after one warm-up, median and p95, as the admin over a loopback
 *   server with a session cookie: `GET …/reports/hours?from=2026-10-01&to=2026-10-31` and
 *   `GET …/pto/balances?userId=<long-tenured member>`.
 * - "off" is a cache that stores nothing: each read pays the revision reads of its key and the
 *   full computation (what the cache costs on a miss). "computation" is the bare function
 *   (`hoursReport`, `memberBalances`) without HTTP or cache, for reference.
 *
 * @module
 */

import { BENCH_PTO_TYPES } from "./pto_types.ts";
import { parseArgs } from "node:util";
import { KvMailbox } from "../lib/mail/mail.ts";
import { Store } from "../lib/kv/mod.ts";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { DEFAULT_THROTTLE } from "../lib/identity/throttle.ts";
import { signUp } from "../lib/orgs/orgs.ts";
import { addMember, getMembership } from "../lib/members/members.ts";
import { createSession } from "../lib/identity/sessions.ts";
import { importEntries, newEntryId } from "../lib/entries/repository.ts";
import type { TimeEntry } from "../lib/entries/model.ts";
import { hoursReport } from "../lib/reports/hours.ts";
import { memberBalances } from "../lib/pto/balance.ts";
import { saveCheckpoints } from "../lib/pto/checkpoints.ts";
import { getSettings, updateSettings } from "../lib/settings/repository.ts";
import { userPrincipal } from "../lib/principal.ts";
import { type Cache, LruCache, ReadThrough } from "../lib/cache/mod.ts";
import { UpstashCache } from "../lib/cache/upstash.ts";
import { startUpstash, type UpstashFake } from "../tests/fakes/upstash_rest.ts";
import { planShifts, seededRandom } from "../scripts/seed.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    members: { type: "string", default: "1000" },
    runs: { type: "string", default: "7" },
    "no-upstash": { type: "boolean", default: false },
  },
});
const MEMBERS = Number(args.members);
const RUNS = Math.max(1, Number(args.runs));
const TZ = "America/Chicago";
const NOW = Date.UTC(2026, 10, 2, 18, 0, 0);
const H = 3600;
const MONTH = { from: "2026-10-01", to: "2026-10-31" };

const TYPES = BENCH_PTO_TYPES;

/** A cache that keeps nothing: every read is computed (the cache's miss path). */
class NoCache implements Cache {
  get<T>(): Promise<T | undefined> {
    return Promise.resolve(undefined);
  }
  set(): Promise<void> {
    return Promise.resolve();
  }
}

function days(from: string, to: string): Temporal.PlainDate[] {
  const out: Temporal.PlainDate[] = [];
  for (
    let d = Temporal.PlainDate.from(from);
    Temporal.PlainDate.compare(d, Temporal.PlainDate.from(to)) <= 0;
    d = d.add({ days: 1 })
  ) out.push(d);
  return out;
}

function entry(userId: string, start: number, end: number, extra: Partial<TimeEntry> = {}) {
  return {
    id: newEntryId(NOW),
    userId,
    start,
    end,
    breaks: [],
    note: null,
    locationId: null,
    clockInGeo: null,
    clockOutGeo: null,
    source: "manual",
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  } as TimeEntry;
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95) };
}

async function machine(): Promise<string> {
  let cpu = "unknown CPU";
  try {
    cpu = /model name\s*:\s*(.+)/.exec(await Deno.readTextFile("/proc/cpuinfo"))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  const mem = Deno.systemMemoryInfo();
  return `${cpu}, ${navigator.hardwareConcurrency} threads, ${
    (mem.total / 2 ** 30).toFixed(1)
  } GiB RAM, ${Deno.build.os} ${Deno.osRelease()}, Deno ${Deno.version.deno}`;
}

const f = (ms: number) => `${ms.toFixed(1)} ms`;
const dir = await Deno.makeTempDir({ prefix: "clockflow-bench-cache-" });
const store = await Store.open(`${dir}/bench.sqlite3`);
let shim: UpstashFake | null = null;
try {
  let t0 = performance.now();
  const { org, user } = await signUp(store, {
    organization: { name: "Bench Cache", timeZone: TZ },
    user: { name: "Admin", email: "admin@bench-cache.example.com", passwordHash: "bench-no-login" },
  }, NOW);
  const scope = (await store.scopeForMember(user.id, org.id))!;
  await updateSettings(
    scope,
    userPrincipal(user.id),
    { pto: { types: TYPES }, payPeriod: { type: "biweekly", anchorDate: "2026-01-05" } },
    undefined,
    NOW,
  );
  const workDays = days("2026-09-01", "2026-10-31");
  let entries = 0;
  const ids: string[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    ids.push((await addMember(scope, user.id, { name: `Worker ${i}`, role: "employee" }, NOW)).id);
  }
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < ids.length) {
      const i = next++;
      const shifts = planShifts(workDays, TZ, seededRandom(100_000 + i));
      const batch = shifts.map((s) =>
        entry(ids[i], s.start, s.end, {
          breaks: s.breaks.map((b) => ({ ...b, typeId: "meal" })),
          note: s.note,
        })
      );
      const written = await importEntries(scope, ids[i], batch, user.id, "bench import", NOW);
      entries += written;
    }
  }));
  const veteran = await addMember(scope, user.id, { name: "Old Timer", role: "employee" }, NOW);
  const vm = (await getMembership(scope, veteran.id))!;
  await scope.atomic().set(scope.key("member", veteran.id), { ...vm.value, hireDate: "2015-01-01" })
    .commit();
  const own: TimeEntry[] = days("2024-01-01", "2026-11-01").filter((d) => d.dayOfWeek <= 5)
    .map((d) => {
      const start = d.toZonedDateTime({ timeZone: TZ, plainTime: "09:00" }).epochMilliseconds;
      return entry(veteran.id, start, start + 8 * H * 1000);
    });
  for (let i = 0; i < own.length; i += 150) {
    await importEntries(scope, veteran.id, own.slice(i, i + 150), user.id, "bench", NOW);
  }
  console.error(
    `loaded ${MEMBERS} members (${entries} entries) and a veteran (${own.length} entries) in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );

  const token = await createSession(store, user.id, NOW);
  const modes: [string, Cache][] = [["off (every read computed)", new NoCache()], [
    "in-process LRU, hit",
    new LruCache(),
  ]];
  if (!args["no-upstash"]) {
    shim = await startUpstash();
    modes.push([
      "Upstash (redis-server via REST shim), hit",
      new UpstashCache({ url: shim.url, token: shim.token }),
    ]);
  }
  const base = `/api/v1/orgs/${org.id}`;
  const paths = {
    report: `${base}/reports/hours?from=${MONTH.from}&to=${MONTH.to}`,
    balance: `${base}/pto/balances?userId=${veteran.id}`,
  };
  const time = async (fn: () => Promise<unknown>) => {
    await fn();
    const out: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t0 = performance.now();
      await fn();
      out.push(performance.now() - t0);
    }
    return stats(out);
  };
  const rows: string[] = [];
  const settings = (await getSettings(scope)).settings;
  const membership = (await getMembership(scope, veteran.id))!.value;
  const bare = {
    report: await time(() =>
      hoursReport(scope, {
        from: Temporal.PlainDate.from(MONTH.from),
        to: Temporal.PlainDate.from(MONTH.to),
        now: NOW,
      })
    ),
    // As the balance read does: the yearly checkpoints it computed are stored.
    balance: await time(async () => {
      const position = await memberBalances(scope, settings, membership, NOW);
      await saveCheckpoints(scope, veteran.id, position.checkpoints);
    }),
  };
  rows.push(
    `| computation alone (no HTTP, no cache) | ${f(bare.report.median)} / ${f(bare.report.p95)} | ${
      f(bare.balance.median)
    } / ${f(bare.balance.p95)} |`,
  );
  let reportSize = 0;
  for (const [label, adapter] of modes) {
    const cache = new ReadThrough(adapter);
    const app = createApp({
      store,
      config: loadConfig({ KV_PATH: ":memory:" }),
      now: () => NOW,
      passwordIterations: 1_000,
      throttle: DEFAULT_THROTTLE,
      mailer: new KvMailbox(store, () => NOW, () => {}),
      log: () => {},
      cache,
    });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    try {
      const get = async (path: string) => {
        const res = await fetch(`http://127.0.0.1:${server.addr.port}${path}`, {
          headers: { cookie: `cf_session=${token}` },
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${text}`);
        return text;
      };
      reportSize = (await get(paths.report)).length;
      const report = await time(() => get(paths.report));
      const balance = await time(() => get(paths.balance));
      rows.push(
        `| ${label} | ${f(report.median)} / ${f(report.p95)} | ${f(balance.median)} / ${
          f(balance.p95)
        } |`,
      );
      console.error(`  ${label}: ${JSON.stringify(cache.stats)}`);
    } finally {
      await server.shutdown();
    }
  }
  console.log(`\n## Read cache benchmark\n`);
  console.log(`- machine: ${await machine()}`);
  console.log(
    `- data: ${MEMBERS} members, ${entries} entries (2026-09-01 … 2026-10-31); report of ` +
      `${MONTH.from} … ${MONTH.to} (${(reportSize / 1024).toFixed(0)} KiB of JSON); balances of ` +
      `a member hired 2015-01-01 with ${own.length} entries, two PTO types`,
  );
  console.log(`- runs: ${RUNS} per cell after one warm-up, median / p95\n`);
  console.log("| cache | hours report, month | PTO balances |");
  console.log("| --- | --- | --- |");
  for (const r of rows) console.log(r);
} finally {
  await shim?.stop();
  store.close();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
