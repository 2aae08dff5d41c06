/**
 * The rate limiter on Upstash Redis: `@upstash/ratelimit` (sliding window) over
 * `@upstash/redis`, used when `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN` are set.
 *
 * **When Redis is unreachable the limiter fails open**: the request is allowed (reported with the
 * full quota), and one line per minute says so on standard error. A rate limit protects the
 * service from heavy clients; refusing every client because the limiter's store is down would
 * turn a Redis outage into a full API outage. A slow Redis counts as unreachable after
 * {@linkcode UPSTASH_TIMEOUT_MS}.
 *
 * @module
 */

import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import type { RateDecision, RateLimiter, RateRule } from "./limiter.ts";

/** How long a limit check may wait for Redis before the request is let through. */
export const UPSTASH_TIMEOUT_MS = 1000;
/** At most one "Redis unreachable" line per this many milliseconds. */
export const FAIL_OPEN_LOG_INTERVAL_MS = 60_000;

/** Where the Upstash limiter keeps its keys, and how it reports trouble. */
export interface UpstashLimiterOptions {
  /** `UPSTASH_REDIS_REST_URL`. */
  url: string;
  /** `UPSTASH_REDIS_REST_TOKEN` (a secret: never logged). */
  token: string;
  /** Redis key prefix (default `clockflow:ratelimit`). */
  prefix?: string;
  /** Where the fail-open line goes (default: `console.error`). */
  log?: (line: string) => void;
  /** The clock for the log throttle, epoch ms (default `Date.now`). */
  now?: () => number;
  /** Network retries of the Redis client (default: none, so a dead Redis fails fast). */
  retries?: number;
}

/** `@upstash/ratelimit` sliding windows, one per rule, sharing one Redis client. */
export class UpstashRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #log: (line: string) => void;
  readonly #now: () => number;
  readonly #byRule = new Map<string, Ratelimit>();
  #lastLogAt = -Infinity;

  /** A limiter on the Upstash Redis database named by `options`. */
  constructor(options: UpstashLimiterOptions) {
    this.#redis = new Redis({
      url: options.url,
      token: options.token,
      retry: options.retries ? { retries: options.retries } : false,
      enableTelemetry: false,
    });
    this.#prefix = options.prefix ?? "clockflow:ratelimit";
    this.#log = options.log ?? ((line) => console.error(line));
    this.#now = options.now ?? Date.now;
  }

  /** Count one request of `key` under `rule`, or refuse it; allows when Redis cannot answer. */
  async limit(key: string, rule: RateRule): Promise<RateDecision> {
    try {
      const r = await this.#limiter(rule).limit(key);
      if (r.reason === "timeout") throw new Error(`no answer within ${UPSTASH_TIMEOUT_MS} ms`);
      return {
        allowed: r.success,
        limit: rule.limit,
        remaining: Math.max(0, Math.min(rule.limit, r.remaining)),
        resetMs: Math.max(0, Math.ceil(r.reset - Date.now())),
      };
    } catch (err) {
      this.#failOpen(err);
      return { allowed: true, limit: rule.limit, remaining: rule.limit, resetMs: 0 };
    }
  }

  #limiter(rule: RateRule): Ratelimit {
    const id = `${rule.limit}/${rule.windowMs}`;
    let limiter = this.#byRule.get(id);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.#redis,
        limiter: Ratelimit.slidingWindow(rule.limit, `${rule.windowMs} ms`),
        prefix: `${this.#prefix}:${id}`,
        timeout: UPSTASH_TIMEOUT_MS,
        analytics: false,
      });
      this.#byRule.set(id, limiter);
    }
    return limiter;
  }

  #failOpen(err: unknown): void {
    const now = this.#now();
    if (now - this.#lastLogAt < FAIL_OPEN_LOG_INTERVAL_MS) return;
    this.#lastLogAt = now;
    const why = err instanceof Error ? err.message : String(err);
    this.#log(`ratelimit: Upstash Redis unreachable, allowing requests (fail open): ${why}`);
  }
}
