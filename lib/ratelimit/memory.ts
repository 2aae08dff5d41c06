/**
 * GCRA in process memory (the same arithmetic as `kv.ts`, without storage): for limits that need
 * not be shared between processes — the per-person abuse limit of browser traffic, which guards
 * each process from one runaway client and should not cost a KV commit per request. With N
 * processes a person may make up to N times the limit.
 *
 * @module
 */

import type { RateDecision, RateLimiter, RateRule } from "./limiter.ts";

/** Keys kept before the table is swept of states whose time has passed. */
const SWEEP_AT = 10_000;

/**
 * One GCRA step: from the theoretical arrival time `tat` at `now`, the decision and the next
 * `tat` (unchanged when refused).
 */
export function gcra(
  tat: number,
  now: number,
  rule: RateRule,
): { decision: RateDecision; tat: number } {
  const interval = rule.windowMs / rule.limit;
  // A state more than a window ahead means the clock went back: start afresh rather than
  // refuse for as long as the clock jumped.
  if (tat > now + rule.windowMs) tat = now;
  const next = Math.max(tat, now) + interval;
  const allowAt = next - rule.windowMs;
  if (allowAt > now) {
    return {
      decision: {
        allowed: false,
        limit: rule.limit,
        remaining: 0,
        resetMs: Math.ceil(allowAt - now),
      },
      tat,
    };
  }
  return {
    decision: {
      allowed: true,
      limit: rule.limit,
      remaining: Math.max(0, Math.floor((now - allowAt) / interval + 1e-9)),
      resetMs: Math.ceil(next - now),
    },
    tat: next,
  };
}

/** GCRA per key in this process. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #now: () => number;
  readonly #tat = new Map<string, number>();

  /** A limiter reading the time from `now` (epoch ms). */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Count one request of `key` under `rule`, or refuse it. */
  limit(key: string, rule: RateRule): Promise<RateDecision> {
    const now = this.#now();
    if (this.#tat.size >= SWEEP_AT && !this.#tat.has(key)) {
      for (const [k, t] of this.#tat) if (t <= now) this.#tat.delete(k);
    }
    const step = gcra(this.#tat.get(key) ?? 0, now, rule);
    if (step.decision.allowed) this.#tat.set(key, step.tat);
    return Promise.resolve(step.decision);
  }
}
