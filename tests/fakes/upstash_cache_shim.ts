/**
 * A loopback server speaking Upstash's REST protocol in front of a real `redis-server` (Debian),
 * for testing the Upstash adapters offline: `POST /` with one command as a JSON array,
 * `POST /pipeline` and `POST /multi-exec` with an array of commands, `Authorization: Bearer
 * <token>`, answers `{result}` / `{error}`, and string results base64-encoded when the client
 * sends `Upstash-Encoding: base64` (as `@upstash/redis` 1.39 does), `"OK"` excepted. Commands go
 * to Redis unchanged over RESP on one TCP connection. Self-contained: it starts and stops its
 * own `redis-server` on a free port.
 *
 * @module
 */

type Resp = string | number | null | RespError | Resp[];

class RespError {
  constructor(readonly message: string) {}
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A RESP client over one TCP connection; calls are queued, one reply each. */
class RespConnection {
  #buf = new Uint8Array(0);
  #queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly conn: Deno.Conn) {}

  /** Send `args` and read its reply. */
  call(args: (string | number)[]): Promise<Resp> {
    const run = this.#queue.then(async () => {
      let out = `*${args.length}\r\n`;
      for (const a of args) {
        const s = enc.encode(String(a));
        out += `$${s.length}\r\n${String(a)}\r\n`;
      }
      const bytes = enc.encode(out);
      for (let n = 0; n < bytes.length;) n += await this.conn.write(bytes.subarray(n));
      return await this.#reply();
    });
    this.#queue = run.catch(() => {});
    return run;
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

  async #bytes(n: number): Promise<Uint8Array> {
    while (this.#buf.length < n + 2) await this.#fill();
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n + 2);
    return out;
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
      case "$": {
        const n = Number(rest);
        return n < 0 ? null : dec.decode(await this.#bytes(n));
      }
      case "*": {
        const n = Number(rest);
        if (n < 0) return null;
        const out: Resp[] = [];
        for (let i = 0; i < n; i++) out.push(await this.#reply());
        return out;
      }
      default:
        throw new Error(`unexpected RESP line ${JSON.stringify(line)}`);
    }
  }
}

function base64(s: string): string {
  const bytes = enc.encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The JSON form of a reply: `{result}` or `{error}`, strings base64 when asked. */
function answer(r: Resp, b64: boolean): { result?: unknown; error?: string } {
  if (r instanceof RespError) return { error: r.message };
  const encode = (v: Resp): unknown =>
    v instanceof RespError
      ? v.message
      : Array.isArray(v)
      ? v.map(encode)
      : typeof v === "string" && b64 && v !== "OK"
      ? base64(v)
      : v;
  return { result: encode(r) };
}

/** A running shim and its Redis. */
export interface UpstashShim {
  /** The REST URL (`UPSTASH_REDIS_REST_URL`). */
  url: string;
  /** The bearer token (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string;
  /** REST requests answered so far. */
  requests: number;
  /** Send a raw command to Redis (tests inspect what was stored). */
  redis(args: (string | number)[]): Promise<Resp>;
  /** Stop Redis only (the shim then answers 502): an unreachable backend. */
  stopRedis(): Promise<void>;
  /** Stop the shim and Redis. */
  close(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Start `redis-server` on a free loopback port and the REST shim in front of it. */
export async function startUpstashShim(token = "test-token"): Promise<UpstashShim> {
  const port = freePort();
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let conn: Deno.Conn | null = null;
  for (let i = 0; i < 100 && !conn; i++) {
    try {
      conn = await Deno.connect({ hostname: "127.0.0.1", port });
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  if (!conn) throw new Error("redis-server did not start");
  const redis = new RespConnection(conn);
  let redisUp = true;
  const shim: UpstashShim = {
    url: "",
    token,
    requests: 0,
    redis: (args) => redis.call(args),
    stopRedis: async () => {
      if (!redisUp) return;
      redisUp = false;
      conn!.close();
      child.kill("SIGTERM");
      await child.status;
    },
    close: async () => {
      await server.shutdown();
      await shim.stopRedis();
    },
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      shim.requests++;
      if (req.headers.get("authorization") !== `Bearer ${token}`) {
        return Response.json({ error: "Unauthorized" }, { status: 401 });
      }
      if (!redisUp) return Response.json({ error: "redis unreachable" }, { status: 502 });
      const b64 = req.headers.get("upstash-encoding") === "base64";
      const path = new URL(req.url).pathname;
      const body = await req.json();
      if (path === "/pipeline" || path === "/multi-exec") {
        const commands = body as (string | number)[][];
        const out = [];
        if (path === "/multi-exec") await redis.call(["MULTI"]);
        for (const c of commands) out.push(await redis.call(c));
        if (path === "/multi-exec") {
          const exec = await redis.call(["EXEC"]);
          return Response.json(Array.isArray(exec) ? exec.map((r) => answer(r, b64)) : []);
        }
        return Response.json(out.map((r) => answer(r, b64)));
      }
      const reply = await redis.call(body as (string | number)[]);
      const json = answer(reply, b64);
      return Response.json(json, { status: json.error ? 400 : 200 });
    },
  );
  shim.url = `http://127.0.0.1:${server.addr.port}`;
  return shim;
}
