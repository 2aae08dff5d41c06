/**
 * Driving `wrk` (Debian package `wrk`): a fixed number of keep-alive connections kept busy for
 * a fixed time, cycling through a list of prepared requests, with latency percentiles taken from
 * wrk's own histogram (microsecond resolution).
 *
 * @module
 */

/** One request wrk should send; the list is sent in order, round and round. */
export interface WrkRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Options of one wrk run. */
export interface WrkOptions {
  /** `http://127.0.0.1:port` */
  baseUrl: string;
  requests: WrkRequest[];
  connections: number;
  durationSeconds: number;
  /** Folder for the generated Lua script. */
  workDir: string;
}

/** What one wrk run measured. Times in milliseconds. */
export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  /** Responses with a status outside 2xx/3xx. */
  non2xx: number;
  /** Connect, read, write and timeout errors. */
  socketErrors: number;
}

function luaString(s: string): string {
  if (s.includes("]==]")) throw new Error(`cannot quote ${s} for Lua`);
  return `[==[${s}]==]`;
}

/**
 * The Lua script: requests are formatted once in `init`, `request` hands them out in order (one
 * wrk thread, so the order is global; wrk's own trial call before the run is not counted), and
 * `done` prints one `BENCH_JSON` line.
 */
export function luaScript(requests: WrkRequest[]): string {
  const specs = requests.map((r) => {
    const headers = Object.entries(r.headers ?? {})
      .map(([k, v]) => `[ ${luaString(k)} ]=${luaString(v)}`).join(",");
    const body = r.body === undefined ? "nil" : luaString(r.body);
    return `{${luaString(r.method)},${luaString(r.path)},{${headers}},${body}}`;
  });
  return `local specs = {
${specs.join(",\n")}
}
local reqs = {}
-- wrk calls request() once before the run to check it; that call must not skip a request.
local i = -1
init = function(args)
  for k, s in ipairs(specs) do reqs[k] = wrk.format(s[1], s[2], s[3], s[4]) end
end
request = function()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[math.max(i, 1)]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"us":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%f,' ..
      '"status":%d,"socket":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, e.status,
    e.connect + e.read + e.write + e.timeout))
end
`;
}

/** Fail with an install hint unless `wrk` is on the PATH. */
export async function assertWrk(): Promise<void> {
  try {
    await new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
  } catch {
    throw new Error("wrk is not installed; install it with: apt-get install -y wrk");
  }
}

/** Run wrk once (one thread) and return its figures. Stops by itself after the duration. */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const script = await Deno.makeTempFile({ dir: o.workDir, suffix: ".lua" });
  await Deno.writeTextFile(script, luaScript(o.requests));
  try {
    const out = await new Deno.Command("wrk", {
      args: [
        "-t1",
        `-c${o.connections}`,
        `-d${o.durationSeconds}s`,
        "--timeout",
        "10s",
        "-s",
        script,
        o.baseUrl,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout((o.durationSeconds + 30) * 1000),
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const line = text.split("\n").find((l) => l.startsWith("BENCH_JSON "));
    if (!out.success || !line) {
      throw new Error(`wrk failed:\n${text}\n${new TextDecoder().decode(out.stderr)}`);
    }
    const r = JSON.parse(line.slice("BENCH_JSON ".length));
    const seconds = r.us / 1e6;
    return {
      requests: r.requests,
      seconds,
      rps: r.requests / seconds,
      p50: r.p50 / 1000,
      p95: r.p95 / 1000,
      p99: r.p99 / 1000,
      max: r.max / 1000,
      mean: r.mean / 1000,
      non2xx: r.status,
      socketErrors: r.socket,
    };
  } finally {
    await Deno.remove(script);
  }
}
