/**
 * The real ClockFlow app, built exactly as `main.ts` builds it (default password cost and
 * throttle, the server clock), on the KV file given as the first argument, served on a free
 * loopback port announced on stdout as `{"port": n}`.
 *
 * With `BENCH_KV_STATS=1` it also counts KV calls (see `kv_stats.ts`) and answers
 * `GET /__bench/kv-stats` with the totals since the previous call.
 *
 * The limiter of plan quotas (API-key traffic) is chosen with `BENCH_LIMITER`:
 *
 * | `BENCH_LIMITER` | limiter |
 * | --- | --- |
 * | `kv` (default) | the embedded KV limiter, as `main.ts` builds it without Upstash (with leases) |
 * | `kv-exact` | the KV limiter without leases: one commit per allowed request |
 * | `upstash` | the Upstash limiter at `UPSTASH_REDIS_REST_URL` with `UPSTASH_REDIS_REST_TOKEN` |
 * | `off` | `NO_RATE_LIMIT`: allows everything (the "limiter off" row) |
 *
 * Bench-only override: `BENCH_API_PER_MINUTE=n` makes the limiter apply `n` requests a minute
 * instead of the plan's `apiRequestsPerMinute` (the enterprise plan's 6000 a minute is below
 * what one process serves, and a throttled bench measures refusals, not the limiter's cost).
 * The plan catalog is never changed; the limiter still does all its work per request.
 *
 * ```sh
 * deno run -A bench/app_server.ts /tmp/app.sqlite3
 * BENCH_LIMITER=off BENCH_API_PER_MINUTE=10000000 deno run -A bench/app_server.ts /tmp/app.sqlite3
 * ```
 *
 * @module
 */

import { KvMailbox } from "../lib/mail/mail.ts";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { runMigrations, Store } from "../lib/kv/mod.ts";
import { MIGRATIONS } from "../lib/migrations.ts";
import { DEFAULT_ITERATIONS } from "../lib/identity/password.ts";
import { DEFAULT_THROTTLE } from "../lib/identity/throttle.ts";
import { instrumentKv } from "./kv_stats.ts";
import { listenAndAnnounce } from "./serve.ts";
import {
  KvRateLimiter,
  NO_RATE_LIMIT,
  type RateLimiter,
  UpstashRateLimiter,
} from "../lib/ratelimit/mod.ts";

/** `inner` applying `perMinute` requests a minute instead of each request's plan rule. */
export function withPerMinute(inner: RateLimiter, perMinute: number): RateLimiter {
  return { limit: (key, rule) => inner.limit(key, { limit: perMinute, windowMs: rule.windowMs }) };
}

/** The bench limiter named by `BENCH_LIMITER` (see the module doc). */
export function benchLimiter(store: Store, env: Record<string, string | undefined>): RateLimiter {
  const mode = env.BENCH_LIMITER ?? "kv";
  let limiter: RateLimiter;
  if (mode === "off") limiter = NO_RATE_LIMIT;
  else if (mode === "kv") limiter = new KvRateLimiter(store, Date.now);
  else if (mode === "kv-exact") limiter = new KvRateLimiter(store, Date.now, { leases: false });
  else if (mode === "upstash") {
    const url = env.UPSTASH_REDIS_REST_URL, token = env.UPSTASH_REDIS_REST_TOKEN;
    if (!url || !token) throw new Error("BENCH_LIMITER=upstash needs UPSTASH_REDIS_REST_URL/TOKEN");
    limiter = new UpstashRateLimiter({ url, token });
  } else throw new Error(`BENCH_LIMITER must be off, kv, kv-exact or upstash, not ${mode}`);
  const perMinute = env.BENCH_API_PER_MINUTE;
  if (perMinute === undefined) return limiter;
  const n = Number(perMinute);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error("BENCH_API_PER_MINUTE must be a whole number ≥ 1");
  }
  return withPerMinute(limiter, n);
}

if (import.meta.main) {
  const stats = Deno.env.get("BENCH_KV_STATS") === "1" ? instrumentKv() : null;
  const config = loadConfig({
    KV_PATH: Deno.args[0],
    HOSTNAME: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: Deno.env.get("LOG_LEVEL"),
    KV_GROUP_COMMIT: Deno.env.get("KV_GROUP_COMMIT"),
  });
  const store = await Store.open(config.kvPath, config.groupCommit);
  await runMigrations(store, MIGRATIONS);
  const app = createApp({
    store,
    config,
    now: Date.now,
    passwordIterations: DEFAULT_ITERATIONS,
    throttle: DEFAULT_THROTTLE,
    mailer: new KvMailbox(store, Date.now),
    rateLimit: { limiter: benchLimiter(store, Deno.env.toObject()) },
  });
  const handler: Deno.ServeHandler<Deno.NetAddr> = !stats ? app.fetch : async (req, info) => {
    if (new URL(req.url).pathname === "/__bench/kv-stats") return Response.json(stats.take());
    const t = performance.now();
    try {
      return await app.fetch(req, info);
    } finally {
      stats.record(performance.now() - t);
    }
  };
  listenAndAnnounce(handler, () => store.close());
}
