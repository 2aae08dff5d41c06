/**
 * The cost of the rate limiter on API-key traffic (issue #8 §5): the clock in/out workload made
 * with an API key (`Authorization: Bearer …`, scope `clock:write`, body `{userId}`), against
 * three app servers that differ only in the limiter of plan quotas:
 *
 * | mode | limiter |
 * | --- | --- |
 * | `off` | `NO_RATE_LIMIT` (allows everything; key lookup, scopes, audit all still run) |
 * | `kv` | the embedded KV limiter on the server's own KV file (leases: one commit per block of tokens) |
 * | `kv-exact` | the KV limiter without leases: one commit per request (what the lease replaced) |
 * | `upstash` | `@upstash/ratelimit` over `@upstash/redis`, to a real `redis-server` on loopback through the REST shim of `tests/fakes/upstash_rest.ts` (run in this process) |
 *
 * The three modes are measured in ONE run, interleaved per round (the mode order rotates each
 * round), each on its own copy of one seeded KV file, so the machine's drift hits every mode
 * alike. The plan's limit (enterprise: 6000 a minute) is below what the bench sends, so the
 * servers apply the bench-only override `BENCH_API_PER_MINUTE` (see `app_server.ts`) — the
 * limiter does all its work, it just never refuses.
 *
 * ```sh
 * deno task bench:api                  # 3 rounds × 500 members, 50 connections, 2 s + 10 s per row
 * deno task bench:api --rounds=1 --duration=5
 * ```
 *
 * @module
 */

import { options as benchOptions } from "./clock_load.ts";
import { createBenchApiKey, seedApp } from "./fixture.ts";
import { type ServerProcess, startServer } from "./process.ts";
import { assertWrk } from "./wrk.ts";
import { apiKeyClockRequests, clockEveryoneOutWithKey } from "./workloads.ts";
import { type LoadSettings, measureQuietly } from "./measure.ts";
import { medians, type Row, table } from "./report.ts";
import { startUpstash, type UpstashFake } from "../tests/fakes/upstash_rest.ts";

/** The limiter modes, in the order of the first round. */
export const MODES = ["off", "kv", "kv-exact", "upstash"] as const;
/** One limiter mode. */
export type Mode = (typeof MODES)[number];

/** The target: the KV limiter costs at most this share of throughput. */
export const MAX_KV_COST = 0.10;

/** The per-minute limit the bench servers apply instead of the plan's (never reached). */
export const BENCH_API_PER_MINUTE = 100_000_000;

/** The modes in round `r`'s order (rotated, so no mode always goes first). */
export function modeOrder(r: number): Mode[] {
  return MODES.map((_, i) => MODES[(i + r) % MODES.length]);
}

/** Throughput cost of `mode` vs `off`: 0.05 = 5 % fewer requests a second. */
export function cost(mode: { rps: number }, off: { rps: number }): number {
  return 1 - mode.rps / off.rps;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Run the bench and print the results. */
export async function main(args: string[]): Promise<void> {
  const o = benchOptions(args);
  await assertWrk();
  const dir = await Deno.makeTempDir({ prefix: "clockflow-bench-api-" });
  const servers = new Map<Mode, ServerProcess>();
  let upstash: UpstashFake | null = null;
  try {
    console.log(
      `Deno ${Deno.version.deno} on ${navigator.hardwareConcurrency} CPUs; ${o.rounds} round(s) × ` +
        `${o.members} members; ${o.connections} connections; ${o.warmup} s warm-up + ` +
        `${o.duration} s per row; load generator: wrk -t1; API key auth; limiter override ` +
        `${BENCH_API_PER_MINUTE}/min (plan: enterprise, 6000/min)`,
    );
    const t = performance.now();
    const seeded = `${dir}/seed.sqlite3`;
    const fx = await seedApp(seeded, o.members * o.rounds);
    const key = await createBenchApiKey(seeded, fx);
    for (const m of MODES) await Deno.copyFile(seeded, `${dir}/${m}.sqlite3`);
    console.log(
      `seeded ${fx.members.length} members, ${fx.entries} entries and one API key in ` +
        `${((performance.now() - t) / 1000).toFixed(1)} s (one copy of the KV file per mode)`,
    );
    upstash = await startUpstash();
    const app = new URL("./app_server.ts", import.meta.url);
    for (const m of MODES) {
      servers.set(
        m,
        await startServer(app, [`${dir}/${m}.sqlite3`], {
          BENCH_LIMITER: m,
          BENCH_API_PER_MINUTE: String(BENCH_API_PER_MINUTE),
          UPSTASH_REDIS_REST_URL: upstash.url,
          UPSTASH_REDIS_REST_TOKEN: upstash.token,
        }),
      );
    }

    const load: LoadSettings = { ...o, workDir: dir };
    const rows: Row[] = [];
    /** Per round, each mode's requests a second. */
    const perRound: Map<Mode, number>[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const members = fx.members.slice(r * o.members, (r + 1) * o.members);
      console.log(`round ${r + 1}/${o.rounds}: ${modeOrder(r).join(", ")}…`);
      perRound.push(new Map());
      for (const m of modeOrder(r)) {
        const server = servers.get(m)!;
        const reset = async () => {
          // Warm-up requests still in flight when wrk exits land afterwards: let them finish.
          await new Promise((res) => setTimeout(res, 1_000));
          await clockEveryoneOutWithKey(server.baseUrl, fx.orgId, key, members);
        };
        const measured = await measureQuietly(
          server,
          apiKeyClockRequests(fx.orgId, key, members),
          load,
          reset,
        );
        perRound[r].set(m, measured.result.rps);
        rows.push({
          scenario: "clock in/out (API key)",
          server: `limiter ${m}`,
          round: String(r + 1),
          result: measured.result,
          noise: measured.noise,
        });
      }
    }
    const summary = medians(rows);
    if (o.rounds > 1) console.log(`\nEvery round:\n\n${table(rows)}`);
    console.log(`\nMedians over ${o.rounds} round(s):\n\n${table(summary)}\n`);
    const of = (m: Mode) => summary.find((s) => s.server === `limiter ${m}`)!.result;
    const off = of("off");
    for (const m of ["kv", "kv-exact", "upstash"] as const) {
      const c = cost(of(m), off);
      // The same comparison within each round (the machine drifts between rounds).
      const paired = perRound.map((round) =>
        cost({ rps: round.get(m)! }, { rps: round.get("off")! })
      );
      const pairedMedian = median(paired);
      const line = `limiter ${m} vs off: throughput cost ${pct(c)} of the medians, ` +
        `${pct(pairedMedian)} median of the rounds (${paired.map(pct).join(", ")}); ` +
        `p95 ${of(m).p95.toFixed(2)} ms vs ${off.p95.toFixed(2)} ms`;
      const met = Math.max(c, pairedMedian) <= MAX_KV_COST && of(m).non2xx === 0;
      console.log(
        m === "kv"
          ? `${line} (target ≤ ${MAX_KV_COST * 100} % on both) → ${
            met ? "TARGET MET" : "TARGET NOT MET"
          }`
          : `${line} (figures only)`,
      );
    }
  } finally {
    for (const s of servers.values()) await s.close();
    await upstash?.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  await main(Deno.args);
}
