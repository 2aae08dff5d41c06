/**
 * Live board benchmark (issue #10 §2): how long a clock-in takes to reach the open live
 * streams, with many streams open, and what each open stream costs the server in memory.
 *
 * - The server (`bench/live_server.ts`) is the real app in its own process on a temporary KV
 *   file, started with `--v8-flags=--expose-gc` so its memory is read after a full collection.
 * - Data, written through `lib/` before the server starts: the measured organization (an admin
 *   and `--members` employees) and `--orgs` other organizations (an admin each).
 * - Streams are `GET /api/v1/orgs/{orgId}/live` with the admins' session cookies, a quarter on
 *   the measured organization and the rest spread over the others. One more stream on the
 *   measured organization is "the measured stream".
 * - A punch is `POST …/clock/in` or `…/clock/out` over HTTP by the next employee (round robin,
 *   one every `--pace` ms so nobody punches twice within a second); its latency is from just
 *   before the request until its `presence` event (matched by entry id and state) arrives on the
 *   measured stream, and until it has arrived on every stream of the organization ("all").
 * - Phase 1: `--streams` (200) background streams; phase 2: `--many` (1,000). Memory per stream
 *   is (RSS, V8 heap) after opening them minus before, divided by their number.
 *
 * ```sh
 * deno task bench:live
 * deno task bench:live --punches=300 --streams=200 --many=1000
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runMigrations, Store } from "../lib/kv/mod.ts";
import { MIGRATIONS } from "../lib/migrations.ts";
import { hashPassword } from "../lib/identity/password.ts";
import { signUp } from "../lib/orgs/orgs.ts";
import { addMember } from "../lib/members/members.ts";
import { pool } from "./fixture.ts";

const PASSWORD = "bench-password-123";

/** Options of a run. */
interface Options {
  members: number;
  orgs: number;
  streams: number;
  many: number;
  punches: number;
  pace: number;
}

function options(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      members: { type: "string", default: "40" },
      orgs: { type: "string", default: "19" },
      streams: { type: "string", default: "200" },
      many: { type: "string", default: "1000" },
      punches: { type: "string", default: "300" },
      pace: { type: "string", default: "40" },
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
    members: int("members", 2, 1000),
    orgs: int("orgs", 1, 200),
    streams: int("streams", 4, 5000),
    many: int("many", 4, 10000),
    punches: int("punches", 10, 10000),
    pace: int("pace", 0, 1000),
  };
  if (o.members * o.pace < 1100) {
    throw new Error("members × pace must be ≥ 1100 ms: nobody may punch twice within a second");
  }
  return o;
}

interface Person {
  userId: string;
  email: string;
  cookie?: string;
}

interface Fixture {
  measured: { orgId: string; admin: Person; members: Person[] };
  others: { orgId: string; admin: Person }[];
}

async function seed(path: string, o: Options): Promise<Fixture> {
  const store = await Store.open(path);
  try {
    await runMigrations(store, MIGRATIONS);
    const hash = await hashPassword(PASSWORD, 1_000);
    const now = Date.now();
    const org = async (n: number) => {
      const email = `admin${n}@live.bench.example.com`;
      const made = await signUp(store, {
        organization: { name: `Live Bench ${n}`, timeZone: "America/Chicago" },
        user: { name: `Admin ${n}`, email, passwordHash: hash },
      }, now);
      return { orgId: made.org.id, admin: { userId: made.user.id, email } };
    };
    const first = await org(0);
    const scope = (await store.scopeForMember(first.admin.userId, first.orgId))!;
    const members: Person[] = [];
    for (let i = 0; i < o.members; i++) {
      const email = `worker${i}@live.bench.example.com`;
      const m = await addMember(scope, first.admin.userId, {
        name: `Worker ${i}`,
        email,
        passwordHash: hash,
        role: "employee",
      }, now);
      members.push({ userId: m.id, email });
    }
    const others = [];
    for (let n = 1; n <= o.orgs; n++) others.push(await org(n));
    return { measured: { ...first, members }, others };
  } finally {
    store.close();
  }
}

async function signIn(base: string, p: Person): Promise<void> {
  const res = await fetch(`${base}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: p.email, password: PASSWORD }),
  });
  await res.body?.cancel();
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0])
    .find((c) => c.startsWith("cf_session="));
  if (res.status !== 200 || !cookie) throw new Error(`sign-in of ${p.email}: ${res.status}`);
  p.cookie = cookie;
}

interface Presence {
  userId: string;
  state: string;
  entryId: string | null;
}

/** An open stream: calls `onEvent` with each presence event and its arrival time. */
interface Stream {
  orgId: string;
  close(): void;
  onEvent: ((e: Presence, at: number) => void) | null;
}

/**
 * Open a stream over a raw TCP connection (HTTP/1.1, chunked), resolving once its first bytes
 * (`retry:`) arrived. Raw, because Deno's `fetch` does not close every aborted connection when
 * dozens are open (the server then keeps writing keepalives to a live socket), which would
 * make the "streams closed → watchers released" check measure the client, not the server.
 */
async function openStream(base: string, orgId: string, cookie: string): Promise<Stream> {
  const url = new URL(base);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const path = `/api/v1/orgs/${orgId}/live`;
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nhost: ${url.host}\r\ncookie: ${cookie}\r\n` +
        "accept: text/event-stream\r\n\r\n",
    ),
  );
  let closed = false;
  const stream: Stream = {
    orgId,
    close: () => {
      if (closed) return;
      closed = true;
      try {
        conn.close();
      } catch { /* gone */ }
    },
    onEvent: null,
  };
  const decoder = new TextDecoder();
  const buf = new Uint8Array(64 * 1024);
  let raw = ""; // undecoded HTTP: headers, then chunk framing
  let sse = ""; // the decoded event stream
  let headersDone = false;
  let opened!: () => void;
  let failed!: (err: Error) => void;
  const ready = new Promise<void>((res, rej) => [opened, failed] = [res, rej]);
  (async () => {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) throw new Error("the server closed the stream");
      raw += decoder.decode(buf.subarray(0, n), { stream: true });
      if (!headersDone) {
        const end = raw.indexOf("\r\n\r\n");
        if (end < 0) continue;
        const status = raw.slice(0, raw.indexOf("\r\n"));
        if (!/^HTTP\/1\.1 200/.test(status)) throw new Error(`stream: ${status}`);
        raw = raw.slice(end + 4);
        headersDone = true;
      }
      // Chunked framing: "<hex size>\r\n<data>\r\n" (sizes count bytes; frames are ASCII/UTF-8
      // JSON, and each server write is one chunk, so text lengths match for this app's data).
      for (;;) {
        const nl = raw.indexOf("\r\n");
        if (nl < 0) break;
        const size = parseInt(raw.slice(0, nl), 16);
        if (raw.length < nl + 2 + size + 2) break;
        sse += raw.slice(nl + 2, nl + 2 + size);
        raw = raw.slice(nl + 2 + size + 2);
      }
      let end: number;
      while ((end = sse.indexOf("\n\n")) >= 0) {
        const block = sse.slice(0, end);
        sse = sse.slice(end + 2);
        if (block.startsWith("retry:")) opened();
        const data = block.split("\n").find((l) => l.startsWith("data: "));
        if (data && block.includes("event: presence")) {
          stream.onEvent?.(JSON.parse(data.slice(6)), performance.now());
        }
      }
    }
  })().catch((err) => {
    if (!closed) failed(err);
  });
  await ready;
  return stream;
}

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  gc: boolean;
  subscribers: number;
  watchers: number;
}

async function memory(base: string): Promise<Memory> {
  await new Promise((r) => setTimeout(r, 500));
  return await (await fetch(`${base}/__bench/memory`)).json();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface LatencyResult {
  punches: number;
  failed: number;
  lost: number;
  http: number[];
  measured: number[];
  all: number[];
}

/** `count` punches, each waiting for its event on every stream of the measured organization. */
async function punchAndMeasure(
  base: string,
  fx: Fixture,
  measured: Stream,
  sameOrg: Stream[],
  count: number,
  pace: number,
  clockedIn: Set<string>,
): Promise<LatencyResult> {
  const out: LatencyResult = { punches: 0, failed: 0, lost: 0, http: [], measured: [], all: [] };
  const streams = [measured, ...sameOrg];
  let pending: { entryId: string; state: string } | null = null;
  let arrivals = new Map<Stream, number>();
  let early: { e: Presence; at: number; s: Stream }[] = [];
  let done: (() => void) | null = null;
  const onEvent = (s: Stream) => (e: Presence, at: number) => {
    if (!pending) return void early.push({ e, at, s });
    if (e.entryId !== pending.entryId || e.state !== pending.state) return;
    if (!arrivals.has(s)) arrivals.set(s, at);
    if (arrivals.size === streams.length) done?.();
  };
  for (const s of streams) s.onEvent = onEvent(s);
  for (let i = 0; i < count; i++) {
    const member = fx.measured.members[i % fx.measured.members.length];
    const action = clockedIn.has(member.userId) ? "out" : "in";
    arrivals = new Map();
    early = [];
    pending = null;
    const all = new Promise<void>((r) => (done = r));
    const t0 = performance.now();
    const res = await fetch(`${base}/api/v1/orgs/${fx.measured.orgId}/clock/${action}`, {
      method: "POST",
      headers: { cookie: member.cookie!, "content-type": "application/json" },
      body: "{}",
    });
    const tHttp = performance.now();
    const body = await res.json().catch(() => null);
    out.punches++;
    if (!res.ok) {
      out.failed++;
      console.error(`punch ${action} by ${member.email}: ${res.status} ${JSON.stringify(body)}`);
      continue;
    }
    if (action === "in") clockedIn.add(member.userId);
    else clockedIn.delete(member.userId);
    pending = { entryId: body.id, state: action };
    for (const { e, at, s } of early) onEvent(s)(e, at);
    if (arrivals.size < streams.length) {
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5_000));
      if (await Promise.race([all.then(() => "ok" as const), timeout]) === "timeout") out.lost++;
    }
    out.http.push(tHttp - t0);
    const m = arrivals.get(measured);
    if (m !== undefined) out.measured.push(m - t0);
    if (arrivals.size === streams.length) out.all.push(Math.max(...arrivals.values()) - t0);
    await new Promise((r) => setTimeout(r, pace));
  }
  for (const s of streams) s.onEvent = null;
  return out;
}

function summary(name: string, xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1);
  return {
    name,
    n: s.length,
    p50: f(percentile(s, 50)),
    p95: f(percentile(s, 95)),
    p99: f(percentile(s, 99)),
    max: f(s.at(-1) ?? NaN),
  };
}

/** Open streams until `sameOrg` and `otherOrgs` hold `same` and `other`. */
async function openUpTo(
  base: string,
  fx: Fixture,
  sameOrg: Stream[],
  otherOrgs: Stream[],
  same: number,
  other: number,
): Promise<void> {
  const jobs: (() => Promise<void>)[] = [];
  for (let i = sameOrg.length; i < same; i++) {
    jobs.push(async () => {
      sameOrg.push(await openStream(base, fx.measured.orgId, fx.measured.admin.cookie!));
    });
  }
  for (let i = otherOrgs.length; i < other; i++) {
    const o = fx.others[i % fx.others.length];
    jobs.push(async () => {
      otherOrgs.push(await openStream(base, o.orgId, o.admin.cookie!));
    });
  }
  await pool(jobs, 20, (job) => job());
}

async function machine(): Promise<string> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1];
  const mem = (await Deno.readTextFile("/proc/meminfo")).match(/MemTotal:\s*(\d+)/)?.[1];
  return `${navigator.hardwareConcurrency} vCPU (${cpu ?? "?"}), ${
    Math.round(Number(mem) / 1024 / 1024)
  } GiB RAM, Deno ${Deno.version.deno}`;
}

if (import.meta.main) {
  const o = options(Deno.args);
  const dir = await Deno.makeTempDir({ prefix: "clockflow-live-bench-" });
  const path = `${dir}/live.sqlite3`;
  let child: Deno.ChildProcess | null = null;
  const streams: Stream[] = [];
  try {
    console.log(`machine: ${await machine()}`);
    const fx = await seed(path, o);
    child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc",
        new URL("./live_server.ts", import.meta.url).pathname,
        path,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error("the server exited before listening");
      seen += value;
    }
    (async () => {
      while (!(await lines.read()).done) { /* drain */ }
    })().catch(() => {});
    const base = `http://127.0.0.1:${JSON.parse(seen.split("\n")[0]).port}`;
    await pool(
      [fx.measured.admin, ...fx.measured.members, ...fx.others.map((x) => x.admin)],
      8,
      (p) => signIn(base, p),
    );

    const clockedIn = new Set<string>();
    const measured = await openStream(base, fx.measured.orgId, fx.measured.admin.cookie!);
    streams.push(measured);
    // Warm-up (discarded): JIT, KV pages, the organization's watcher.
    await punchAndMeasure(base, fx, measured, [], 2 * o.members, o.pace, clockedIn);
    const before = await memory(base);

    const sameOrg: Stream[] = [];
    const otherOrgs: Stream[] = [];
    const rows = [];
    const memRows = [];
    for (const total of [o.streams, o.many]) {
      const same = Math.round(total / 4);
      const t = performance.now();
      await openUpTo(base, fx, sameOrg, otherOrgs, same, total - same);
      streams.push(...sameOrg.filter((s) => !streams.includes(s)));
      streams.push(...otherOrgs.filter((s) => !streams.includes(s)));
      const opened = performance.now() - t;
      const after = await memory(base);
      const n = sameOrg.length + otherOrgs.length;
      memRows.push({
        streams: n,
        "open (s)": (opened / 1000).toFixed(1),
        "server subscribers": after.subscribers,
        watchers: after.watchers,
        "RSS/stream (KiB)": ((after.rss - before.rss) / n / 1024).toFixed(1),
        "heap/stream (KiB)": ((after.heapUsed - before.heapUsed) / n / 1024).toFixed(1),
        "RSS total (MiB)": (after.rss / 1048576).toFixed(1),
        "heap total (MiB)": (after.heapUsed / 1048576).toFixed(1),
      });
      const r = await punchAndMeasure(base, fx, measured, sameOrg, o.punches, o.pace, clockedIn);
      const label = `${n} streams (${sameOrg.length + 1} on the org)`;
      rows.push(
        { ...summary(`${label}: HTTP answer`, r.http), failed: r.failed, lost: r.lost },
        { ...summary(`${label}: event, measured stream`, r.measured), failed: "", lost: "" },
        { ...summary(`${label}: event, all org streams`, r.all), failed: "", lost: "" },
      );
    }
    console.log(
      `\nmemory before streams: RSS ${(before.rss / 1048576).toFixed(1)} MiB, heap ${
        (before.heapUsed / 1048576).toFixed(1)
      } MiB (gc: ${before.gc})`,
    );
    console.table(memRows);
    console.log("latency in ms, from just before the punch request:");
    console.table(rows);
    for (const s of streams.splice(0)) s.close();
    const closedAt = performance.now();
    let end = await memory(base);
    while (end.subscribers > 0 && performance.now() - closedAt < 30_000) end = await memory(base);
    console.log(
      `after closing every stream: ${end.subscribers} subscribers, ${end.watchers} watchers ` +
        `(${((performance.now() - closedAt) / 1000).toFixed(1)} s later)`,
    );
  } finally {
    for (const s of streams) s.close();
    if (child) {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      const force = setTimeout(() => {
        try {
          child!.kill("SIGKILL");
        } catch { /* gone */ }
      }, 5_000);
      await child.status;
      clearTimeout(force);
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
