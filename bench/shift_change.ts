/**
 * Shift change at the seed's scale (issue #11): 1,000 organizations with 10 members each
 * (created through `lib`, not HTTP), all 10,000 members clocking in over 500 connections, then
 * all clocking out; throughput, p50/p95/p99 and errors of each wave. While a wave runs, one
 * manager reads a week listing and the month's hours report in a loop (reads must not starve
 * behind packed writes), beside the same reads on the idle server. Then one organization's clock
 * latency with 1 and with 1,000 organizations present (org-scoped latency must not grow with
 * other tenants). Everything runs with group commit on and off (`KV_GROUP_COMMIT`), same tree,
 * same machine, same data.
 *
 * ```sh
 * deno task bench:shift                                # 1,000 orgs × 10 members, 500 connections
 * deno run -A bench/shift_change.ts --orgs=100 --connections=100
 * ```
 *
 * The load generator is this process (`fetch`, keep-alive, one request per member and wave); the
 * server is `bench/app_server.ts` in a child process on a temporary KV file (removed at the end).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runMigrations, Store } from "../lib/kv/mod.ts";
import { MIGRATIONS } from "../lib/migrations.ts";
import { hashPassword } from "../lib/identity/password.ts";
import { signUp } from "../lib/orgs/orgs.ts";
import { addMember } from "../lib/members/members.ts";
import { createSession } from "../lib/identity/sessions.ts";
import { pool } from "./fixture.ts";
import { startServer } from "./process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    orgs: { type: "string", default: "1000" },
    members: { type: "string", default: "10" },
    connections: { type: "string", default: "500" },
    modes: { type: "string", default: "on,off" },
    spread: { type: "string", default: "60" },
  },
});
const SPREAD_MS = Number(values.spread) * 1000;
const ORGS = Number(values.orgs);
const MEMBERS = Number(values.members);
const CONNECTIONS = Number(values.connections);
const MODES = values.modes!.split(",") as ("on" | "off")[];

interface Person {
  orgId: string;
  userId: string;
  cookie: string;
}

/** Seed `orgs` organizations of `members` people (the first an admin) with a session each. */
async function seed(path: string, orgs: number, members: number): Promise<Person[][]> {
  const store = await Store.open(path);
  try {
    await runMigrations(store, MIGRATIONS);
    const hash = await hashPassword("bench-password-123", 1_000);
    const now = Date.now();
    return await pool(Array.from({ length: orgs }, (_, i) => i), 16, async (i) => {
      const { org, user } = await signUp(store, {
        organization: { name: `Shift ${i}`, timeZone: "America/Chicago" },
        user: { name: `Admin ${i}`, email: `admin${i}@shift.example.com`, passwordHash: hash },
      }, now);
      const scope = (await store.scopeForMember(user.id, org.id))!;
      const ids = [user.id];
      for (let m = 1; m < members; m++) {
        const added = await addMember(scope, user.id, {
          name: `Worker ${i}.${m}`,
          email: `w${i}.${m}@shift.example.com`,
          passwordHash: hash,
          role: m === 1 ? "manager" : "employee",
        }, now);
        ids.push(added.id);
      }
      const people: Person[] = [];
      for (const userId of ids) {
        const token = await createSession(store, userId, now);
        people.push({ orgId: org.id, userId, cookie: `cf_session=${token}` });
      }
      return people;
    });
  } finally {
    store.close();
  }
}

interface Wave {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(latencies: number[], seconds: number, errors: number): Wave {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    errors,
  };
}

/**
 * One punch per person over at most `connections` concurrent clients, in a shuffled order: as
 * fast as the server answers (`spreadMs` 0: the burst, a capacity test), or arriving evenly over
 * `spreadMs` (a shift change: people reach the clock over a minute, each one's latency measured
 * from the moment they punch).
 */
async function wave(
  base: string,
  people: Person[],
  op: "in" | "out",
  connections: number,
  spreadMs = 0,
) {
  const order = [...people].sort(() => Math.random() - 0.5);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next < order.length) {
      const i = next++;
      const p = order[i];
      const due = started + (spreadMs * i) / order.length;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = spreadMs ? Math.min(performance.now(), Math.max(due, started)) : performance.now();
      try {
        const res = await fetch(`${base}/api/v1/orgs/${p.orgId}/clock/${op}`, {
          method: "POST",
          headers: { cookie: p.cookie, "content-type": "application/json", origin: base },
          body: "{}",
        });
        if (res.status >= 300) {
          errors++;
          if (errors <= 3) console.error(`clock ${op}: ${res.status} ${await res.text()}`);
        } else await res.body?.cancel();
      } catch (err) {
        errors++;
        if (errors <= 3) console.error(`clock ${op}: ${err}`);
      }
      latencies.push(performance.now() - t);
    }
  }));
  return summarize(latencies, (performance.now() - started) / 1000, errors);
}

/** Reads of one manager in a loop until `stop` resolves: week listing and month report. */
async function readLoop(base: string, manager: Person, stop: Promise<void>) {
  const week: number[] = [];
  const report: number[] = [];
  let errors = 0;
  let done = false;
  stop.then(() => done = true);
  const get = async (path: string, into: number[]) => {
    const t = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { cookie: manager.cookie } });
    if (res.status !== 200) {
      if (++errors <= 3) console.error(`read ${path}: ${res.status} ${await res.text()}`);
    } else await res.body?.cancel();
    into.push(performance.now() - t);
  };
  const org = `/api/v1/orgs/${manager.orgId}`;
  // Paced like a manager watching the board (the per-person limit is 600 requests a minute).
  while (!done) {
    await get(
      `${org}/time-entries?from=2026-11-30T06:00:00Z&to=2026-12-07T06:00:00Z&limit=100`,
      week,
    );
    await get(`${org}/reports/hours?from=2026-11-01&to=2026-11-30`, report);
    await new Promise((r) => setTimeout(r, 200));
  }
  const s = (xs: number[]) => summarize(xs, 1, errors);
  return { week: s(week), report: s(report), errors };
}

/** Clock latency of one organization's 10 people, sequentially in/out `rounds` times. */
async function orgLatency(base: string, people: Person[], rounds: number): Promise<Wave> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const op of ["in", "out"] as const) {
      await Promise.all(people.map(async (p) => {
        const t = performance.now();
        const res = await fetch(`${base}/api/v1/orgs/${p.orgId}/clock/${op}`, {
          method: "POST",
          headers: { cookie: p.cookie, "content-type": "application/json", origin: base },
          body: "{}",
        });
        if (res.status >= 300) {
          errors++;
          if (errors <= 3) console.error(`org clock ${op}: ${res.status} ${await res.text()}`);
        } else await res.body?.cancel();
        latencies.push(performance.now() - t);
      }));
    }
  }
  return summarize(latencies, (performance.now() - started) / 1000, errors);
}

const ms = (x: number) => x.toFixed(1);
function line(label: string, w: Wave): string {
  return `| ${label} | ${w.requests} | ${w.rps.toFixed(0)} | ${ms(w.p50)} | ${ms(w.p95)} | ${
    ms(w.p99)
  } | ${ms(w.max)} | ${w.errors} |`;
}

const dir = await Deno.makeTempDir({ prefix: "clockflow-shift-" });
try {
  const bigPath = `${dir}/big.sqlite3`;
  const smallPath = `${dir}/small.sqlite3`;
  let t = performance.now();
  const orgs = await seed(bigPath, ORGS, MEMBERS);
  console.log(
    `seeded ${ORGS} orgs × ${MEMBERS} members in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const single = await seed(smallPath, 1, MEMBERS);
  // The reading manager of org 0 never punches (the per-person limit counts their reads).
  const reader = orgs[0][1];
  const everyone = orgs.flat().filter((p) => p !== reader);
  const org0 = orgs[0].filter((p) => p !== reader);
  const server = new URL("./app_server.ts", import.meta.url);
  const rows: string[] = [];
  const header = "| run | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |\n" +
    "| --- | --- | --- | --- | --- | --- | --- | --- |";
  for (const mode of MODES) {
    const env = { KV_GROUP_COMMIT: mode, LOG_LEVEL: "error" };
    const app = await startServer(server, [bigPath], env);
    try {
      // Warm up the server's code paths on org 0 (then everybody is out again).
      await wave(app.baseUrl, org0, "in", 10);
      await wave(app.baseUrl, org0, "out", 10);
      let stopIdle!: () => void;
      const idle = readLoop(app.baseUrl, reader, new Promise<void>((r) => stopIdle = r));
      await new Promise((r) => setTimeout(r, 3_000));
      stopIdle();
      const idleReads = await idle;
      for (
        const [spread, label] of [[SPREAD_MS, `over ${SPREAD_MS / 1000} s`], [0, "burst"]] as const
      ) {
        for (const op of ["in", "out"] as const) {
          let stop!: () => void;
          const reads = readLoop(app.baseUrl, reader, new Promise<void>((r) => stop = r));
          t = performance.now();
          const w = await wave(app.baseUrl, everyone, op, CONNECTIONS, spread);
          stop();
          const r = await reads;
          const what = `clock ${op} ${label}`;
          rows.push(line(`group commit ${mode}: ${what}, ${everyone.length} members`, w));
          rows.push(line(`group commit ${mode}: week listing during ${what}`, r.week));
          rows.push(line(`group commit ${mode}: month hours report during ${what}`, r.report));
        }
      }
      rows.push(line(`group commit ${mode}: week listing, idle`, idleReads.week));
      rows.push(line(`group commit ${mode}: month hours report, idle`, idleReads.report));
      rows.push(
        line(
          `group commit ${mode}: one org's clock, ${ORGS} orgs present`,
          await orgLatency(app.baseUrl, org0, 20),
        ),
      );
    } finally {
      await app.close();
    }
    const small = await startServer(server, [smallPath], env);
    try {
      await orgLatency(small.baseUrl, single[0], 2);
      rows.push(
        line(
          `group commit ${mode}: one org's clock, 1 org present`,
          await orgLatency(small.baseUrl, single[0], 20),
        ),
      );
    } finally {
      await small.close();
    }
  }
  console.log(`\n${header}\n${rows.join("\n")}`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
