/**
 * `--explain`: where the app's time goes. Separate runs after the measured rounds (not part of
 * the verdict):
 *
 * 1. the app again, started with `BENCH_KV_STATS=1`, reporting KV calls and waits per request;
 * 2. the "KV floor" (`mirror_server.ts`): the app's KV calls on a bare `Deno.serve`;
 * 3. the same with the fewer calls proposed in `bench/README.md` (`fewer`, `fewest`).
 *
 * @module
 */

import type { ServerProcess } from "./process.ts";
import { runWrk, type WrkRequest, type WrkResult } from "./wrk.ts";
import type { KvStats } from "./kv_stats.ts";
import { type LoadSettings, measureQuietly } from "./measure.ts";
import { type Plan, PLANS } from "./mirror_server.ts";
import { type Row, table } from "./report.ts";
import { formatUsage } from "./cpu.ts";

async function take(server: ServerProcess): Promise<KvStats> {
  return await (await fetch(`${server.baseUrl}/__bench/kv-stats`)).json();
}

/**
 * Run `requests` against an instrumented app server and describe the KV calls per request,
 * e.g. `6.00 KV calls: get 5.00 (1.2 ms), list 1.00 (0.3 ms); summed KV waits 1.5 ms, handler
 * 1.7 ms` (waits of calls made in parallel add up).
 */
export async function kvCallsPerRequest(
  server: ServerProcess,
  requests: WrkRequest[],
  s: LoadSettings,
  reset: () => Promise<unknown>,
): Promise<string> {
  await reset();
  await take(server);
  const r = await runWrk({
    baseUrl: server.baseUrl,
    requests,
    connections: s.connections,
    durationSeconds: s.duration,
    workDir: s.workDir,
  });
  const k = await take(server);
  const per = (n: number) => (n / k.requests).toFixed(2);
  const ops = Object.keys(k.calls).sort().map((op) =>
    `${op} ${per(k.calls[op])} (${per(k.waitMs[op])} ms)`
  );
  const calls = Object.values(k.calls).reduce((a, b) => a + b, 0);
  const waited = Object.values(k.waitMs).reduce((a, b) => a + b, 0);
  return `${per(calls)} KV calls: ${ops.join(", ")}; summed KV waits ${per(waited)} ms, ` +
    `handler ${per(k.handlerMs)} ms (instrumented: ${r.rps.toFixed(0)} req/s` +
    (r.non2xx ? `, ${r.non2xx} non-2xx answers!)` : ")");
}

/** What {@linkcode explain} needs from the bench run. */
export interface ExplainContext {
  /** Start the app with KV counting on. */
  startApp(): Promise<ServerProcess>;
  startMirror(plan: Plan): Promise<ServerProcess>;
  appRequests(server: ServerProcess): Record<string, WrkRequest[]>;
  bareRequests: Record<string, WrkRequest[]>;
  /** Clock everybody out on the app (before measuring the clock). */
  resetApp(server: ServerProcess): () => Promise<unknown>;
  /** The measured medians, by scenario and server. */
  measured(scenario: string, server: string): WrkResult;
  load: LoadSettings;
}

/** Run the explanation and print it. */
export async function explain(x: ExplainContext): Promise<void> {
  console.log("\nWhere the time goes (separate runs, not part of the verdict):");
  const app = await x.startApp();
  for (const [scenario, requests] of Object.entries(x.appRequests(app))) {
    const reset = scenario.startsWith("clock") ? x.resetApp(app) : () => Promise.resolve();
    console.log(
      `  app ${scenario}, per request: ` +
        await kvCallsPerRequest(app, requests, x.load, reset),
    );
  }
  await app.close();
  const rows: Row[] = [];
  const lines: string[] = [];
  for (const plan of PLANS) {
    const mirror = await x.startMirror(plan);
    const reset = async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      await (await fetch(`${mirror.baseUrl}/reset`, { method: "POST" })).body?.cancel();
    };
    for (const [scenario, requests] of Object.entries(x.bareRequests)) {
      const m = await measureQuietly(mirror, requests, x.load, reset);
      const server = `KV floor, ${plan === "app" ? "app's" : plan} calls`;
      rows.push({ scenario, server, round: "1", result: m.result, noise: m.noise });
      const vsBaseline = m.result.rps / x.measured(scenario, "baseline").rps;
      const p95 = m.result.p95 / x.measured(scenario, "baseline").p95;
      lines.push(
        `  ${scenario}, ${server}: ${vsBaseline.toFixed(2)}× the baseline's throughput, p95 ` +
          `${p95.toFixed(2)}× (CPU: ${formatUsage(m.cpu, m.result.seconds)})` +
          (plan === "app"
            ? `; the app reaches ${
              (x.measured(scenario, "app").rps / m.result.rps).toFixed(2)
            }× this floor`
            : ""),
      );
    }
    await mirror.close();
  }
  console.log(`\n${table(rows)}\n\n${lines.join("\n")}`);
}
