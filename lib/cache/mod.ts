/**
 * The cache port and its adapters (see `port.ts`): {@linkcode LruCache} in process by default,
 * {@linkcode UpstashCache} when Upstash Redis is configured; {@linkcode ReadThrough} is what use
 * cases call.
 *
 * @module
 */

export {
  type Cache,
  cacheErrorMessage,
  type CacheStats,
  logCacheError,
  ReadThrough,
} from "./port.ts";
export { LruCache, type LruOptions } from "./lru.ts";
export { cacheKey } from "./keys.ts";

/** How long a computed read is kept: entries never go stale (their key names their inputs). */
export const CACHE_TTL_MS = 10 * 60_000;
