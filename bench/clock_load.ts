/**
 * ClockFlow load benchmark: the clock endpoints and the week listing of the real app, each
 * beside a bare `Deno.serve` + KV baseline measured in the same run.
 *
 * Every server is its own subprocess on its own temporary KV *file*; `wrk` (one thread) keeps
 * the connections busy for a warm-up, then for the measured duration. Each round uses its own
 * members, so the entries punched in one round do not slow the next. Everything is on
 * 127.0.0.1, every run is bounded in time, and the temporary folder is removed at the end.
 *
 * ```sh
 * deno task bench                 # 3 rounds × 500 members, 50 connections, 2 s + 10 s per row
 * deno task bench --explain       # …then KV calls per request and the "KV floor"
 * deno task bench --rounds=1 --duration=5 --members=300
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { seedApp } from "./fixture.ts";
import { seedBaseline } from "./baseline_server.ts";
import { seedMirror } from "./mirror_server.ts";
import { type ServerProcess, startServer } from "./process.ts";
import { assertWrk, type WrkRequest } from "./wrk.ts";
import {
  appClockRequests,
  appWeekRequests,
  bareClockRequests,
  bareWeekRequests,
  clockEveryoneOut,
  signInAll,
} from "./workloads.ts";
import { addUsage, type CpuUsage, formatUsage } from "./cpu.ts";
import { type LoadSettings, measureQuietly } from "./measure.ts";
import { compare, medians, type Row, table, verdicts } from "./report.ts";
import { explain } from "./explain.ts";

/** Options of a bench run. */
export interface BenchOptions {
  /** Members per round. */
  members: number;
  connections: number;
  warmup: number;
  duration: number;
  rounds: number;
  explain: boolean;
}

/** Read options from command-line flags (`--members=500` …). */
export function options(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      members: { type: "string", default: "500" },
      connections: { type: "string", default: "50" },
      warmup: { type: "string", default: "2" },
      duration: { type: "string", default: "10" },
      rounds: { type: "string", default: "3" },
      explain: { type: "boolean", default: false },
    },
  });
  const int = (name: keyof typeof values, min: number, max: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    }
    return n;
  };
  const o = {
    members: int("members", 10, 5000),
    connections: int("connections", 1, 1000),
    warmup: int("warmup", 0, 60),
    duration: int("duration", 1, 300),
    rounds: int("rounds", 1, 10),
    explain: values.explain,
  };
  if (o.connections * 4 > o.members) throw new Error("use at least 4 members per connection");
  return o;
}

const here = (file: string) => new URL(`./${file}`, import.meta.url);

async function withKv(path: string, fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(path);
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

/** Run the whole benchmark and print the results. */
export async function main(o: BenchOptions): Promise<void> {
  await assertWrk();
  const dir = await Deno.makeTempDir({ prefix: "clockflow-bench-" });
  const servers: ServerProcess[] = [];
  const start = async (script: string, [file, ...args]: string[], env?: Record<string, string>) => {
    const s = await startServer(here(script), [`${dir}/${file}`, ...args], env);
    servers.push(s);
    return s;
  };
  const load: LoadSettings = { ...o, workDir: dir };
  try {
    console.log(
      `Deno ${Deno.version.deno} on ${navigator.hardwareConcurrency} CPUs; ${o.rounds} round(s) × ` +
        `${o.members} members; ${o.connections} connections; ${o.warmup} s warm-up + ` +
        `${o.duration} s per row; load generator: wrk -t1`,
    );
    let t = performance.now();
    const secs = () => ((performance.now() - t) / 1000).toFixed(1);
    const cohorts = o.rounds + (o.explain ? 1 : 0);
    const fx = await seedApp(`${dir}/app.sqlite3`, o.members * cohorts);
    const counts = fx.members.map((m) => m.weeks.map((w) => w.entries));
    await withKv(`${dir}/baseline.sqlite3`, (kv) => seedBaseline(kv, counts));
    if (o.explain) await withKv(`${dir}/mirror.sqlite3`, (kv) => seedMirror(kv, counts));
    console.log(`seeded ${fx.members.length} members, ${fx.entries} entries in ${secs()} s`);

    const app = await start("app_server.ts", ["app.sqlite3"]);
    const baseline = await start("baseline_server.ts", ["baseline.sqlite3"]);
    t = performance.now();
    const cookies = await signInAll(app.baseUrl, fx);
    console.log(`signed ${cookies.length} members in (POST /api/v1/session) in ${secs()} s`);

    const cohort = (c: number) => {
      const first = c * o.members;
      const range = [first, first + o.members] as const;
      return { first, members: fx.members.slice(...range), cookies: cookies.slice(...range) };
    };
    // Warm-up requests still in flight when wrk exits land afterwards: let them finish first.
    const resetClocks = (server: ServerProcess, c: string[]) => async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      await clockEveryoneOut(server.baseUrl, fx.orgId, c);
    };

    const rows: Row[] = [];
    const cpu = new Map<string, { cpu: CpuUsage; seconds: number }>();
    const run = async (
      scenario: string,
      server: string,
      round: number,
      target: ServerProcess,
      reqs: WrkRequest[],
      before?: () => Promise<unknown>,
    ) => {
      const m = await measureQuietly(target, reqs, load, before);
      rows.push({ scenario, server, round: String(round), result: m.result, noise: m.noise });
      const key = `${scenario} / ${server}`;
      const acc = cpu.get(key) ?? { cpu: { server: {}, bench: 0, others: 0 }, seconds: 0 };
      addUsage(acc.cpu, m.cpu);
      acc.seconds += m.result.seconds;
      cpu.set(key, acc);
    };
    for (let r = 0; r < o.rounds; r++) {
      const c = cohort(r);
      console.log(`round ${r + 1}/${o.rounds}…`);
      await run("clock in/out", "baseline", r + 1, baseline, bareClockRequests(c.first, o.members));
      await run(
        "clock in/out",
        "app",
        r + 1,
        app,
        appClockRequests(app.baseUrl, fx.orgId, c.cookies),
        resetClocks(app, c.cookies),
      );
      await run("week listing", "baseline", r + 1, baseline, bareWeekRequests(c.first, c.members));
      await run("week listing", "app", r + 1, app, appWeekRequests(fx.orgId, c.members, c.cookies));
    }

    const summary = medians(rows);
    const find = (scenario: string, server: string) =>
      summary.find((r) => r.scenario === scenario && r.server === server)!.result;
    if (o.rounds > 1) console.log(`\nEvery round:\n\n${table(rows)}`);
    console.log(`\nMedians over ${o.rounds} round(s):\n\n${table(summary)}\n`);
    console.log(verdicts([
      compare("clock in/out", find("clock in/out", "app"), find("clock in/out", "baseline")),
      compare("week listing", find("week listing", "app"), find("week listing", "baseline")),
    ]));
    console.log("\nCPU during the measured runs (100% = one core):");
    for (const [key, v] of cpu) console.log(`  ${key}: ${formatUsage(v.cpu, v.seconds)}`);

    if (o.explain) {
      const c = cohort(o.rounds);
      await app.close();
      await explain({
        startApp: () => start("app_server.ts", ["app.sqlite3"], { BENCH_KV_STATS: "1" }),
        startMirror: (plan) => start("mirror_server.ts", ["mirror.sqlite3", plan]),
        appRequests: (server) => ({
          "clock in/out": appClockRequests(server.baseUrl, fx.orgId, c.cookies),
          "week listing": appWeekRequests(fx.orgId, c.members, c.cookies),
        }),
        bareRequests: {
          "clock in/out": bareClockRequests(c.first, o.members),
          "week listing": bareWeekRequests(c.first, c.members),
        },
        resetApp: (server) => resetClocks(server, c.cookies),
        measured: find,
        load,
      });
    }
  } finally {
    for (const s of servers) await s.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  await main(options(Deno.args));
}
