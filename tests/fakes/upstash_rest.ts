/**
 * A real `redis-server` behind a loopback shim that speaks Upstash's REST protocol, for testing
 * `@upstash/redis` and `@upstash/ratelimit` offline.
 *
 * - `POST /` with a JSON array (one command) → `{result}` or `{error}`;
 *   `POST /pipeline` and `POST /multi-exec` with an array of commands → an array of those.
 * - `Authorization: Bearer <token>` is required (401 otherwise).
 * - With `Upstash-Encoding: base64` (the client's default) bulk strings are answered base64.
 * - Scripts starting `#!lua flags=…` (`@upstash/ratelimit` ≥ 2.1.0) are sent without that line,
 *   which plain Redis 7.0 rejects; `EVALSHA` of the original script's hash is mapped to the
 *   stripped script's hash, so the client's `evalsha` → `NOSCRIPT` → `eval` path works as on
 *   Upstash.
 *
 * {@linkcode startUpstash} starts `redis-server` on a free loopback port (no persistence) and the
 * shim on another; `stop()` ends both. Two ways to make Redis unreachable: `pause()`/`resume()`
 * make the shim itself refuse connections (a network failure), `stopRedis()` ends `redis-server`
 * while the shim answers 502 `{"error":"redis unreachable"}` (an unhealthy backend).
 *
 * The one Upstash fake of the repository: the rate limiter's tests (`lib/ratelimit`,
 * `tests/api/rate_limit_test.ts`), the cache's (`lib/cache`, `tests/api/cache_test.ts`), the
 * key-platform integration tests and `bench/cache.ts` all use it.
 *
 * @module
 */

type Resp = string | number | null | Resp[] | RespError;

class RespError {
  constructor(readonly message: string) {}
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function encodeCommand(args: unknown[]): Uint8Array {
  const parts = args.map((a) => enc.encode(typeof a === "string" ? a : JSON.stringify(a)));
  const chunks: Uint8Array[] = [enc.encode(`*${parts.length}\r\n`)];
  for (const p of parts) chunks.push(enc.encode(`$${p.length}\r\n`), p, enc.encode("\r\n"));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** A minimal RESP2 client on one connection; callers take turns (`#queue`). */
class RedisConnection {
  #buf = new Uint8Array(0);
  #queue: Promise<unknown> = Promise.resolve();
  constructor(readonly conn: Deno.TcpConn) {}

  /** Send `commands` and read as many replies. */
  run(commands: unknown[][]): Promise<Resp[]> {
    const job = this.#queue.then(async () => {
      for (const c of commands) await this.#writeAll(encodeCommand(c));
      const out: Resp[] = [];
      for (let i = 0; i < commands.length; i++) out.push(await this.#reply());
      return out;
    });
    this.#queue = job.catch(() => {});
    return job;
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let o = 0;
    while (o < bytes.length) o += await this.conn.write(bytes.subarray(o));
  }

  async #fill(): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) throw new Error("redis closed the connection");
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
  }

  async #line(): Promise<string> {
    for (;;) {
      const i = this.#buf.findIndex((b, j) => b === 13 && this.#buf[j + 1] === 10);
      if (i >= 0) {
        const line = dec.decode(this.#buf.subarray(0, i));
        this.#buf = this.#buf.subarray(i + 2);
        return line;
      }
      await this.#fill();
    }
  }

  async #bytes(n: number): Promise<string> {
    while (this.#buf.length < n + 2) await this.#fill();
    const s = dec.decode(this.#buf.subarray(0, n));
    this.#buf = this.#buf.subarray(n + 2);
    return s;
  }

  async #reply(): Promise<Resp> {
    const line = await this.#line();
    const rest = line.slice(1);
    switch (line[0]) {
      case "+":
        return rest;
      case "-":
        return new RespError(rest);
      case ":":
        return Number(rest);
      case "$":
        return Number(rest) < 0 ? null : await this.#bytes(Number(rest));
      case "*": {
        if (Number(rest) < 0) return null;
        const out: Resp[] = [];
        for (let i = 0; i < Number(rest); i++) out.push(await this.#reply());
        return out;
      }
      default:
        throw new Error(`unexpected RESP line ${JSON.stringify(line)}`);
    }
  }
}

function b64(s: string): string {
  const bytes = enc.encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function toJson(r: Resp, base64: boolean, bulk = true): unknown {
  if (r instanceof RespError) return { error: r.message };
  if (Array.isArray(r)) return r.map((x) => toJson(x, base64));
  if (typeof r === "string" && base64 && bulk) return b64(r);
  return r;
}

async function sha1(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-1", enc.encode(text));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A running redis-server + REST shim. */
export interface UpstashFake {
  /** `UPSTASH_REDIS_REST_URL` of the shim. */
  url: string;
  /** `UPSTASH_REDIS_REST_TOKEN` the shim accepts. */
  token: string;
  /** Send one command straight to Redis (test setup and inspection). */
  redis(...args: unknown[]): Promise<unknown>;
  /** Requests the shim has served. */
  requests: number;
  /** Make the shim unreachable (connections refused) until {@linkcode UpstashFake.resume}. */
  pause(): Promise<void>;
  /** Listen again on the same port. */
  resume(): void;
  /** End `redis-server` only; the shim then answers 502 `redis unreachable`. */
  stopRedis(): Promise<void>;
  /** Stop the shim and redis-server. */
  stop(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function connectRetrying(port: number): Promise<Deno.TcpConn> {
  for (let i = 0;; i++) {
    try {
      return await Deno.connect({ hostname: "127.0.0.1", port });
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Start `redis-server` (Debian's, `REDIS_SERVER` overrides the path) and the REST shim. */
export async function startUpstash(token = "test-upstash-token"): Promise<UpstashFake> {
  const redisPort = freePort();
  const child = new Deno.Command(Deno.env.get("REDIS_SERVER") ?? "redis-server", {
    args: [
      "--port",
      String(redisPort),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const redis = new RedisConnection(await connectRetrying(redisPort));
  let redisUp = true;
  const stopRedis = async () => {
    if (!redisUp) return;
    redisUp = false;
    redis.conn.close();
    child.kill("SIGTERM");
    await child.status;
  };
  const shaMap = new Map<string, string>();

  const strip = async (script: string): Promise<string> => {
    if (!script.startsWith("#!lua")) return script;
    const stripped = script.slice(script.indexOf("\n") + 1);
    shaMap.set(await sha1(script), await sha1(stripped));
    return stripped;
  };
  const rewrite = async (cmd: unknown[]): Promise<unknown[]> => {
    const name = String(cmd[0]).toLowerCase();
    if (name === "eval" || name === "eval_ro") {
      return [cmd[0], await strip(String(cmd[1])), ...cmd.slice(2)];
    }
    if (name === "evalsha" || name === "evalsha_ro") {
      return [cmd[0], shaMap.get(String(cmd[1])) ?? cmd[1], ...cmd.slice(2)];
    }
    if (name === "script" && String(cmd[1]).toLowerCase() === "load") {
      return [cmd[0], cmd[1], await strip(String(cmd[2]))];
    }
    return cmd;
  };
  const isCommand = (c: unknown): c is unknown[] => Array.isArray(c) && c.length > 0;

  const fake: UpstashFake = {
    url: "",
    token,
    requests: 0,
    redis: async (...args) => toJson((await redis.run([args]))[0], false),
    pause: async () => {
      server.shutdown();
      await server.finished;
    },
    resume: () => {
      server = serve(port);
    },
    stopRedis,
    stop: async () => {
      try {
        server.shutdown();
        await server.finished;
      } catch { /* already stopped */ }
      await stopRedis();
    },
  };

  const handler = async (req: Request): Promise<Response> => {
    fake.requests++;
    if (req.headers.get("authorization") !== `Bearer ${token}`) {
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    if (!redisUp) return Response.json({ error: "redis unreachable" }, { status: 502 });
    const base64 = req.headers.get("upstash-encoding") === "base64";
    const path = new URL(req.url).pathname;
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return Response.json({ error: "ERR bad JSON" }, { status: 400 });
    }
    const one = (r: Resp) =>
      r instanceof RespError
        ? { error: r.message }
        : { result: toJson(r, base64, !(typeof r === "string" && r === "OK")) };
    if (path === "/pipeline" || path === "/multi-exec") {
      if (!Array.isArray(body) || !body.every(isCommand)) {
        return Response.json({ error: "ERR expected an array of commands" }, { status: 400 });
      }
      const cmds = await Promise.all(body.map(rewrite));
      if (path === "/pipeline") return Response.json((await redis.run(cmds)).map(one));
      const replies = await redis.run([["MULTI"], ...cmds, ["EXEC"]]);
      const exec = replies[replies.length - 1];
      if (!Array.isArray(exec)) {
        return Response.json({ error: "ERR transaction aborted" }, { status: 400 });
      }
      return Response.json(exec.map(one));
    }
    if (!isCommand(body)) {
      return Response.json({ error: "ERR expected a command" }, { status: 400 });
    }
    const [reply] = await redis.run([await rewrite(body)]);
    const answer = one(reply);
    return Response.json(answer, { status: "error" in answer ? 400 : 200 });
  };

  const serve = (p: number) =>
    Deno.serve({ hostname: "127.0.0.1", port: p, onListen: () => {} }, handler);
  let server = serve(0);
  const port = server.addr.port;
  fake.url = `http://127.0.0.1:${port}`;
  return fake;
}
