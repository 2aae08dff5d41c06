/**
 * Request ids and the request log: one JSON line per request, honouring `LOG_LEVEL`.
 *
 * A line holds the time, level, request id, organization id (when the request resolved one),
 * the route pattern (`/api/v1/orgs/:orgId/members`, never the raw path, so tokens in paths such
 * as invitation links stay out of the log), method, status and duration in ms. Never headers,
 * cookies, query strings or bodies. Answers below 500 are logged at `info`; 5xx at `error`.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { requestId as honoRequestId } from "hono/request-id";
import { routePath } from "hono/route";
import type { AppEnv } from "../context.ts";

/** Log levels, least severe first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go (one JSON object per call). */
export type LogSink = (line: string) => void;

/** True when a line of `level` is written under the configured `threshold`. */
export function logs(threshold: LogLevel, level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}

/**
 * A {@linkcode LogSink} that gathers lines and writes them to `out` in one write every
 * `maxDelayMs` (or sooner once `maxBytes` are waiting): under load a request costs a string
 * append instead of a write to standard output. Lines still waiting when the process is killed
 * are lost (at most `maxDelayMs` of them); an orderly exit flushes them.
 *
 * @example
 * ```ts
 * const log = bufferedLines((bytes) => Deno.stdout.writeSync(bytes));
 * log('{"msg":"request"}');
 * ```
 */
export function bufferedLines(
  out: (bytes: Uint8Array) => number,
  { maxDelayMs = 100, maxBytes = 64 * 1024 } = {},
): LogSink & { flush(): void } {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const bytes = encoder.encode(pending.join("\n") + "\n");
    pending = [];
    size = 0;
    let written = 0;
    while (written < bytes.length) {
      const n = out(bytes.subarray(written));
      written += n > 0 ? n : bytes.length;
    }
  };
  globalThis.addEventListener("unload", flush);
  const sink = (line: string) => {
    pending.push(line);
    size += line.length + 1;
    if (size >= maxBytes) flush();
    else if (timer === null) {
      const t = setTimeout(flush, maxDelayMs);
      Deno.unrefTimer(t);
      timer = t;
    }
  };
  return Object.assign(sink, { flush });
}

let stdoutSink: (LogSink & { flush(): void }) | null = null;

/** The process's buffered standard-output sink (made on first use). */
export function stdoutLines(): LogSink {
  return stdoutSink ??= bufferedLines((bytes) => Deno.stdout.writeSync(bytes));
}

/** Longest incoming `X-Request-Id` kept (longer ones are replaced by a fresh id). */
export const MAX_REQUEST_ID = 128;

/**
 * Echo `X-Request-Id`: a sane incoming one (1–128 of `A–Z a–z 0–9 _ - =`) is kept, anything
 * else replaced by a random UUID. Hono's built-in, bounded to 128 characters.
 *
 * @example
 * ```ts
 * app.use("*", requestId());
 * app.get("/", (c) => c.text(c.get("requestId")));
 * ```
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return honoRequestId({ limitLength: MAX_REQUEST_ID }) as MiddlewareHandler<AppEnv>;
}

/** One request line as written. */
export interface RequestLine {
  time: string;
  level: LogLevel;
  msg: "request";
  requestId: string;
  orgId: string | null;
  route: string;
  method: string;
  status: number;
  ms: number;
}

/**
 * Write one JSON line per request to `sink` (from the app's `deps.log`, else standard output)
 * at the app's `LOG_LEVEL`. Use after {@linkcode requestId}.
 *
 * @example
 * ```ts
 * app.use("*", requestId(), requestLog());
 * ```
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const deps = c.get("deps");
      const status = c.res.status;
      const level: LogLevel = status >= 500 ? "error" : "info";
      if (logs(deps.config.logLevel, level)) {
        const org = c.get("org") as AppEnv["Variables"]["org"] | undefined;
        const line: RequestLine = {
          time: new Date().toISOString(),
          level,
          msg: "request",
          requestId: c.get("requestId"),
          orgId: org?.scope.orgId ?? null,
          route: routePath(c) || "*",
          method: c.req.method,
          status,
          ms: Math.round((performance.now() - started) * 10) / 10,
        };
        (deps.log ?? stdoutLines())(JSON.stringify(line));
      }
    }
  };
}
