/**
 * The embedded rate limiter on Deno KV: GCRA (the generic cell rate algorithm, a leaky bucket
 * that keeps one number per key). Each key stores its theoretical arrival time `tat` at
 * `["ratelimit", key]`; a request at `now` is allowed when `max(tat, now) + T − windowMs ≤ now`
 * (with the emission interval `T = windowMs / limit`, so a full quota of `limit` requests may
 * come at once), and then moves `tat` on by `T`. Refusals write nothing.
 *
 * Correct across processes sharing one KV: every allowed request commits with a check on the
 * versionstamp it decided from, and a lost race re-reads and decides again. Within a process,
 * requests for one key queue behind each other (so they never exhaust each other's retries) and
 * the last state committed is kept in memory, so the common case is one commit and no read.
 *
 * @module
 */

import { globalKeys, type Store } from "../kv/mod.ts";
import type { RateDecision, RateLimiter, RateRule } from "./limiter.ts";
import { gcra } from "./memory.ts";

/** How many lost races one request retries before it is refused as over the limit. */
export const KV_LIMITER_RETRIES = 20;

interface Known {
  tat: number;
  versionstamp: string | null;
}

/** The state kept in KV per key (expires once `tat` has passed: an expired state allows all). */
interface Stored {
  tat: number;
}

const MAX_KNOWN = 10_000;

/** GCRA on Deno KV. */
export class KvRateLimiter implements RateLimiter {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #known = new Map<string, Known>();
  readonly #queues = new Map<string, Promise<unknown>>();

  /** A limiter over `store`, reading the time from `now` (epoch ms). */
  constructor(store: Store, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** Count one request of `key` under `rule`, or refuse it. */
  limit(key: string, rule: RateRule): Promise<RateDecision> {
    const before = this.#queues.get(key) ?? Promise.resolve();
    const run = before.then(() => this.#decide(key, rule));
    const tail = run.catch(() => {});
    this.#queues.set(key, tail);
    tail.then(() => {
      if (this.#queues.get(key) === tail) this.#queues.delete(key);
    });
    return run;
  }

  async #decide(key: string, rule: RateRule): Promise<RateDecision> {
    const kvKey = globalKeys.rateLimit(key);
    let known = this.#known.get(key);
    for (let attempt = 0; attempt <= KV_LIMITER_RETRIES; attempt++) {
      if (!known) {
        const e = await this.#store.get<Stored>(kvKey);
        known = { tat: e.value?.tat ?? 0, versionstamp: e.versionstamp };
      }
      const now = this.#now();
      const step = gcra(known.tat, now, rule);
      // Refused: nothing is written. The state may be stale, which only errs towards refusing
      // what another process's state would also refuse (tat only grows).
      if (!step.decision.allowed) return step.decision;
      const next = step.tat;
      let versionstamp: string | null;
      try {
        versionstamp = await this.#store.atomic()
          .check(kvKey, known.versionstamp)
          .set(kvKey, { tat: next } satisfies Stored, { expireIn: Math.ceil(next - now) + 1000 })
          .commit();
      } catch (err) {
        // Another process holds the SQLite write lock: the same as a lost race.
        if (!(err instanceof Error && /database is locked/.test(err.message))) throw err;
        await new Promise((r) => setTimeout(r, 1 + Math.random() * 5 * (attempt + 1)));
        versionstamp = null;
      }
      if (versionstamp) {
        this.#remember(key, { tat: next, versionstamp });
        return step.decision;
      }
      known = undefined; // another process moved it: re-read and decide again
    }
    this.#known.delete(key);
    return {
      allowed: false,
      limit: rule.limit,
      remaining: 0,
      resetMs: Math.ceil(rule.windowMs / rule.limit),
    };
  }

  #remember(key: string, state: Known): void {
    if (this.#known.size >= MAX_KNOWN && !this.#known.has(key)) this.#known.clear();
    this.#known.set(key, state);
  }
}
