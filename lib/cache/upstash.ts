/**
 * The cache over Upstash Redis (`@upstash/redis`, REST): values are stored as JSON text with
 * `SET key value PX ttl`, and read back with `GET`. Used when `UPSTASH_REDIS_REST_URL` and
 * `UPSTASH_REDIS_REST_TOKEN` are configured, so several app processes share one cache. Errors
 * (Redis unreachable) propagate; {@linkcode ReadThrough} turns them into a computation and a log
 * line.
 *
 * @module
 */

import { Redis } from "@upstash/redis";
import type { Cache } from "./port.ts";

/** Where the Upstash REST endpoint is. */
export interface UpstashCacheOptions {
  url: string;
  token: string;
  /** Prefix of every key (default `cf:cache:`), so the cache shares a database safely. */
  prefix?: string;
  /** Retries of a failed REST call (default none: a miss is cheaper than a slow retry). */
  retries?: number;
}

/** {@linkcode Cache} adapter over Upstash Redis. */
export class UpstashCache implements Cache {
  readonly #redis: Redis;
  readonly #prefix: string;

  /** A cache talking to the Upstash REST endpoint at `options.url`. */
  constructor(options: UpstashCacheOptions) {
    this.#redis = new Redis({
      url: options.url,
      token: options.token,
      automaticDeserialization: false,
      enableAutoPipelining: false,
      retry: options.retries ? { retries: options.retries } : false,
      enableTelemetry: false,
    });
    this.#prefix = options.prefix ?? "cf:cache:";
  }

  /** The value under `key`, or `undefined`. */
  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.#redis.get<string>(this.#prefix + key);
    return json === null || json === undefined ? undefined : JSON.parse(json) as T;
  }

  /** Store `value` as JSON for `ttlMs` (at least 1 ms). */
  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#prefix + key, JSON.stringify(value), {
      px: Math.max(1, Math.round(ttlMs)),
    });
  }
}
