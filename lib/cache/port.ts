/**
 * The cache port: a key → JSON value store with a time to live, used for reads that are
 * expensive to compute (PTO balances, hours reports). Two adapters: an in-process LRU
 * (`lru.ts`, the default) and Upstash Redis (`upstash.ts`, when `UPSTASH_REDIS_REST_URL` and
 * `UPSTASH_REDIS_REST_TOKEN` are set).
 *
 * Entries are never invalidated: a caller keys each entry by the revisions (versionstamps) of
 * every input the value was computed from, read before the computation (`keys.ts`). A write
 * changes a revision, so the next read looks under a new key and can never see the old answer;
 * stale entries simply age out. Values are copied in and out (JSON), so a caller mutating what it
 * got never changes what the next caller gets.
 *
 * @module
 */

/** A key → JSON value store with a time to live. */
export interface Cache {
  /** The value stored under `key`, or `undefined` when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  /** Store `value` (JSON-serializable) under `key` for `ttlMs` milliseconds. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
}

/** Counts of one process's cache use (tests and the bench read them). */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Computations run on a miss (or when the cache failed). */
  computed: number;
  /** Cache calls that threw (Redis unreachable…): the value was computed instead. */
  errors: number;
}

/**
 * Read-through use of a {@linkcode Cache}: `get`, else `compute` and `set`. A failing cache (Redis
 * unreachable, a value too large) never fails the read: the value is computed and the error is
 * logged once per failure through `onError` — fail open, since every entry can be recomputed.
 */
export class ReadThrough {
  /** Hits (joining a computation in flight counts as one), misses and computations so far. */
  readonly stats: CacheStats = { hits: 0, misses: 0, computed: 0, errors: 0 };
  readonly #inFlight = new Map<string, Promise<unknown>>();

  /**
   * @param cache where entries live
   * @param onError told about each failing cache call (default: a JSON line on stderr)
   */
  constructor(
    readonly cache: Cache,
    private readonly onError: (op: string, error: unknown) => void = logCacheError,
  ) {}

  /**
   * The value under `key`, else `compute()`'s, stored for `ttlMs`. A `null` key means "not
   * cacheable now" (for instance a running entry makes the answer depend on the clock): the value
   * is computed and nothing is stored.
   *
   * @example
   * ```ts
   * const cached = new ReadThrough(new LruCache());
   * const report = await cached.getOrCompute(key, 600_000, () => hoursReport(scope, q));
   * ```
   */
  async getOrCompute<T>(key: string | null, ttlMs: number, compute: () => Promise<T>): Promise<T> {
    if (key === null) return await this.#compute(compute);
    // Concurrent misses of one key in this process compute once; the others get a copy.
    const pending = this.#inFlight.get(key);
    if (pending) {
      this.stats.hits++;
      return JSON.parse(JSON.stringify(await pending)) as T;
    }
    const run = this.#lookup(key, ttlMs, compute);
    this.#inFlight.set(key, run);
    try {
      return await run;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  async #lookup<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<T> {
    let found: T | undefined;
    try {
      found = await this.cache.get<T>(key);
    } catch (e) {
      this.stats.errors++;
      this.onError("get", e);
    }
    if (found !== undefined) {
      this.stats.hits++;
      return found;
    }
    this.stats.misses++;
    const value = await this.#compute(compute);
    try {
      await this.cache.set(key, value, ttlMs);
    } catch (e) {
      this.stats.errors++;
      this.onError("set", e);
    }
    return value;
  }

  async #compute<T>(compute: () => Promise<T>): Promise<T> {
    this.stats.computed++;
    return await compute();
  }
}

/**
 * The error message fit for a log line: `@upstash/redis` appends the command with its
 * arguments (the cached value, which may hold names and notes), so that part is cut off.
 */
export function cacheErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(", command was:")[0].slice(0, 200);
}

/** The default error sink: one JSON line on stderr, without the cached value. */
export function logCacheError(op: string, error: unknown): void {
  console.error(JSON.stringify({
    level: "warn",
    msg: "cache unavailable, computing instead",
    op,
    error: cacheErrorMessage(error),
  }));
}
