/**
 * CPU accounting from Linux `/proc` (clock ticks of 10 ms): the server per thread (is it bound
 * by its JavaScript thread or by KV's thread?), the bench itself with wrk, and every other
 * process on the machine (a noisy neighbour makes the figures meaningless, so it is reported).
 *
 * @module
 */

/** CPU seconds per thread group: `main` (the JS thread) and the other threads by name. */
export type CpuByThread = Record<string, number>;

/** CPU seconds counters at one instant. */
export interface CpuSnapshot {
  server: CpuByThread;
  /** This process plus its finished children (wrk runs are reaped children). */
  bench: number;
  /** Busy CPU seconds of the whole machine, all cores. */
  machine: number;
}

/** CPU seconds used between two snapshots. */
export interface CpuUsage {
  server: CpuByThread;
  bench: number;
  /** Everything else on the machine. */
  others: number;
}

const TICK = 0.01;

async function threadsOf(pid: number): Promise<CpuByThread> {
  const out: CpuByThread = {};
  try {
    for await (const t of Deno.readDir(`/proc/${pid}/task`)) {
      const stat = await Deno.readTextFile(`/proc/${pid}/task/${t.name}/stat`);
      const name = Number(t.name) === pid
        ? "main"
        : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) * TICK;
    }
  } catch {
    // not Linux, or the process is gone
  }
  return out;
}

async function benchCpu(): Promise<number> {
  try {
    const stat = await Deno.readTextFile("/proc/self/stat");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK;
  } catch {
    return 0;
  }
}

async function machineBusy(): Promise<number> {
  try {
    const line = (await Deno.readTextFile("/proc/stat")).split("\n")[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - v[3] - v[4]) * TICK;
  } catch {
    return 0;
  }
}

/** Read the counters now; `serverPid` 0 skips the server. */
export async function snapshot(serverPid: number): Promise<CpuSnapshot> {
  return {
    server: serverPid ? await threadsOf(serverPid) : {},
    bench: await benchCpu(),
    machine: await machineBusy(),
  };
}

/** CPU seconds used from `a` to `b`. */
export function usage(a: CpuSnapshot, b: CpuSnapshot): CpuUsage {
  const server: CpuByThread = {};
  for (const [k, v] of Object.entries(b.server)) server[k] = v - (a.server[k] ?? 0);
  const serverTotal = Object.values(server).reduce((x, y) => x + y, 0);
  const bench = b.bench - a.bench;
  return { server, bench, others: Math.max(0, b.machine - a.machine - serverTotal - bench) };
}

/** Add `u` into `into` (for totals over rounds). */
export function addUsage(into: CpuUsage, u: CpuUsage): CpuUsage {
  for (const [k, v] of Object.entries(u.server)) into.server[k] = (into.server[k] ?? 0) + v;
  into.bench += u.bench;
  into.others += u.others;
  return into;
}

/**
 * e.g. `server main 97%, sw-0 40%; wrk+bench 12%; other processes 1%` over `seconds` of wall
 * time (100% = one core).
 */
export function formatUsage(u: CpuUsage, seconds: number): string {
  const pct = (v: number) => `${(v / seconds * 100).toFixed(0)}%`;
  const threads = Object.entries(u.server).filter(([, v]) => v >= 0.005 * seconds)
    .sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${pct(v)}`).join(", ");
  return `server ${threads}; wrk+bench ${pct(u.bench)}; other processes ${pct(u.others)}`;
}

/**
 * Wait (at most `maxSeconds`) until the rest of the machine uses less than `threshold` of one
 * core. Returns the share other processes still used at the last check (0.25 = 25% of a core).
 */
export async function waitForQuiet(maxSeconds: number, threshold = 0.15): Promise<number> {
  let busy = 0;
  for (let i = 0; i < maxSeconds; i++) {
    const a = await snapshot(0);
    await new Promise((r) => setTimeout(r, 1_000));
    busy = usage(a, await snapshot(0)).others;
    if (busy < threshold) break;
  }
  return busy;
}
