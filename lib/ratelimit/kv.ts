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
 * **Leases.** A commit per request would cost the API about a tenth of its throughput (see
 * `bench/README.md`, "API keys and the rate limiter"), so a busy key claims a block of tokens in
 * one commit — moving `tat` on by the whole block, so every token is charged in KV before it is
 * spent — and spends them in process memory. The block grows (1, 2, 4 … at most
 * {@linkcode maxLeaseTokens}: 1 % of the limit, never above {@linkcode MAX_LEASE_TOKENS}) while
 * leases are used up within {@linkcode LEASE_TTL_MS}, and shrinks to what was used when one
 * expires; a lease's unspent tokens are forfeited after {@linkcode LEASE_TTL_MS}. Hence:
 *
 * - at one instant, processes sharing one KV never allow more than the limit between them
 *   (tokens are charged before they are spent);
 * - over time, each process may spend at most one lease ({@linkcode maxLeaseTokens}) claimed
 *   before a window began within that window: the bound over plain GCRA is
 *   `processes × maxLeaseTokens(limit)` (60 for the enterprise plan's 6000 a minute, per process);
 * - limits under 200 a minute get leases of one token: exactly the behaviour without leases;
 * - a client that stops mid-lease is over-charged by at most the lease's unspent tokens, which
 *   come back with the rest of its quota as time passes (GCRA);
 * - headers: `RateLimit-Remaining` is the quota left at the claim plus the lease's unspent
 *   tokens, exact for one process and off by at most what other processes spent since.
 *
 * @module
 */

import { globalKeys, type Store } from "../kv/mod.ts";
import type { RateDecision, RateLimiter, RateRule } from "./limiter.ts";
import { gcra } from "./memory.ts";

/** How many lost races one request retries before it is refused as over the limit. */
export const KV_LIMITER_RETRIES = 20;

/** How long a claimed lease may be spent from (ms); unspent tokens are forfeited after it. */
export const LEASE_TTL_MS = 1000;
/** The largest lease, in tokens, whatever the limit. */
export const MAX_LEASE_TOKENS = 64;

/** The largest lease under a limit of `limit`: 1 % of it, at least 1, at most {@linkcode MAX_LEASE_TOKENS}. */
export function maxLeaseTokens(limit: number): number {
  return Math.max(1, Math.min(MAX_LEASE_TOKENS, Math.floor(limit / 100)));
}

/** Tokens this process has claimed for a key and not spent yet. */
interface Lease {
  /** The rule it was claimed under (a different rule drops it). */
  limit: number;
  windowMs: number;
  /** Tokens claimed, and still unspent. */
  size: number;
  left: number;
  claimedAt: number;
  /** The quota left in KV right after the claim. */
  remainingAfterClaim: number;
  /** `tat` after the claim. */
  tat: number;
}

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
  readonly #leases = new Map<string, Lease>();
  /** The size of the next lease per key, learned from the last one. */
  readonly #nextSize = new Map<string, number>();

  readonly #leasing: boolean;

  /**
   * A limiter over `store`, reading the time from `now` (epoch ms). `leases: false` commits
   * once per allowed request (the exact behaviour; the bench compares both).
   */
  constructor(store: Store, now: () => number, options: { leases?: boolean } = {}) {
    this.#store = store;
    this.#now = now;
    this.#leasing = options.leases ?? true;
  }

  /** Count one request of `key` under `rule`, or refuse it. */
  limit(key: string, rule: RateRule): Promise<RateDecision> {
    const before = this.#queues.get(key);
    if (!before) {
      const spent = this.#spend(key, rule);
      if (spent) return Promise.resolve(spent);
    }
    const run = (before ?? Promise.resolve()).then(() =>
      this.#spend(key, rule) ?? this.#decide(key, rule)
    );
    const tail = run.catch(() => {});
    this.#queues.set(key, tail);
    tail.then(() => {
      if (this.#queues.get(key) === tail) this.#queues.delete(key);
    });
    return run;
  }

  /** One token from this process's lease of `key`, or null when there is none to spend. */
  #spend(key: string, rule: RateRule): RateDecision | null {
    const lease = this.#leases.get(key);
    if (!lease) return null;
    const now = this.#now();
    const stale = now - lease.claimedAt >= LEASE_TTL_MS || now < lease.claimedAt ||
      lease.limit !== rule.limit || lease.windowMs !== rule.windowMs;
    if (stale) {
      this.#leases.delete(key);
      this.#nextSize.set(key, Math.max(1, lease.size - lease.left));
      return null;
    }
    if (lease.left === 0) return null;
    lease.left--;
    const interval = rule.windowMs / rule.limit;
    return {
      allowed: true,
      limit: rule.limit,
      remaining: lease.remainingAfterClaim + lease.left,
      resetMs: Math.max(0, Math.ceil(lease.tat - lease.left * interval - now)),
    };
  }

  /** How many tokens the next claim for `key` asks for. */
  #leaseSize(key: string, rule: RateRule): number {
    if (!this.#leasing) return 1;
    const cap = maxLeaseTokens(rule.limit);
    const lease = this.#leases.get(key);
    // The last lease was used up before it expired: the key is busy, so claim twice as many.
    if (lease && lease.left === 0) return Math.min(cap, lease.size * 2);
    return Math.min(cap, this.#nextSize.get(key) ?? 1);
  }

  async #decide(key: string, rule: RateRule): Promise<RateDecision> {
    const kvKey = globalKeys.rateLimit(key);
    const want = this.#leaseSize(key, rule);
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
      const claim = claimBlock(known.tat, now, rule, want);
      const next = claim.tat;
      // A locked database is retried by the store's commit itself (`lib/kv/store.ts`).
      const versionstamp = await this.#store.atomic()
        .check(kvKey, known.versionstamp)
        .set(kvKey, { tat: next } satisfies Stored, { expireIn: Math.ceil(next - now) + 1000 })
        .commit();
      if (versionstamp) {
        this.#remember(key, { tat: next, versionstamp });
        this.#lease(key, rule, now, claim);
        return this.#spend(key, rule) ?? step.decision;
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

  #lease(key: string, rule: RateRule, now: number, claim: Claim): void {
    if (this.#leases.size >= MAX_KNOWN && !this.#leases.has(key)) {
      this.#leases.clear();
      this.#nextSize.clear();
    }
    this.#leases.set(key, {
      limit: rule.limit,
      windowMs: rule.windowMs,
      size: claim.tokens,
      left: claim.tokens,
      claimedAt: now,
      remainingAfterClaim: claim.remaining,
      tat: claim.tat,
    });
  }

  #remember(key: string, state: Known): void {
    if (this.#known.size >= MAX_KNOWN && !this.#known.has(key)) this.#known.clear();
    this.#known.set(key, state);
  }
}

/** A block of tokens claimed in one commit. */
interface Claim {
  /** Tokens claimed (≥ 1). */
  tokens: number;
  /** `tat` after the claim. */
  tat: number;
  /** The quota left after the claim. */
  remaining: number;
}

/**
 * GCRA for a block: up to `want` tokens from state `tat` at `now`, as many as the rule allows
 * (the caller has checked that one is allowed). The arithmetic of `gcra` in `memory.ts`,
 * `tokens` emission intervals at once.
 */
export function claimBlock(tat: number, now: number, rule: RateRule, want: number): Claim {
  const interval = rule.windowMs / rule.limit;
  if (tat > now + rule.windowMs) tat = now;
  const base = Math.max(tat, now);
  const fits = Math.floor((now + rule.windowMs - base) / interval + 1e-9);
  const tokens = Math.max(1, Math.min(want, fits));
  const next = base + tokens * interval;
  const allowAt = next - rule.windowMs;
  return {
    tokens,
    tat: next,
    remaining: Math.max(0, Math.floor((now - allowAt) / interval + 1e-9)),
  };
}
