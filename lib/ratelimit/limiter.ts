/**
 * The rate limiter port: one question per request — may `key` make one more request under
 * `rule`? Two adapters answer it: {@linkcode KvRateLimiter} (`lib/ratelimit/kv.ts`, the embedded
 * default on Deno KV) and {@linkcode UpstashRateLimiter} (`lib/ratelimit/upstash.ts`, when
 * `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN` are set).
 *
 * @module
 */

/** A limit: at most `limit` requests in any `windowMs` milliseconds. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/** The limiter's decision on one request. */
export interface RateDecision {
  /** True when the request may go on (it has been counted). */
  allowed: boolean;
  /** The rule's `limit`. */
  limit: number;
  /** Requests still allowed now, after this one (0 when refused). */
  remaining: number;
  /**
   * Milliseconds from now until the quota is available again: when refused, until a retry can
   * succeed (`Retry-After`); when allowed, until the whole quota is back (`RateLimit-Reset`).
   */
  resetMs: number;
}

/** Decides whether a request may go on. */
export interface RateLimiter {
  /** Count one request of `key` under `rule`, or refuse it. */
  limit(key: string, rule: RateRule): Promise<RateDecision>;
}

/** A limiter that allows everything (for benchmarks with the limiter off). */
export const NO_RATE_LIMIT: RateLimiter = {
  limit: (_key, rule) =>
    Promise.resolve({ allowed: true, limit: rule.limit, remaining: rule.limit, resetMs: 0 }),
};
