/**
 * Rate limits: the port and its two adapters (Deno KV, Upstash Redis).
 *
 * @module
 */

export { NO_RATE_LIMIT, type RateDecision, type RateLimiter, type RateRule } from "./limiter.ts";
export { KV_LIMITER_RETRIES, KvRateLimiter } from "./kv.ts";
export { gcra, MemoryRateLimiter } from "./memory.ts";
export { FAIL_OPEN_LOG_INTERVAL_MS, UPSTASH_TIMEOUT_MS, UpstashRateLimiter } from "./upstash.ts";
