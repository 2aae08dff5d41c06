/**
 * Rate limits on `/api/v1/orgs/{orgId}/…` (mounted after the organization is resolved):
 *
 * | principal | limited by | key |
 * | --- | --- | --- |
 * | `api_key` | the plan's `apiRequestsPerMinute` per organization (plans without `api`: 403 `feature_not_in_plan`, nothing charged) | `api:<orgId>` |
 * | `user` (session cookie) | a generous per-person abuse limit ({@linkcode DEFAULT_SESSION_RULE}), never the plan's API quota; kept in process memory | `session:<userId>` |
 * | `kiosk_device` | the same abuse limit, per device | `device:<deviceId>` |
 *
 * Every answer on those routes carries `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds, IETF draft fields); over the limit the request is answered 429
 * `rate_limited` with `Retry-After` and nothing else runs. A plan without a per-minute figure
 * (`null`) is not limited and gets no headers.
 *
 * The plan's quota is kept where every process sees it (Deno KV, or Upstash Redis when
 * configured). The abuse limit of sessions and devices is kept in each process's memory
 * ({@linkcode MemoryRateLimiter}): it guards a process from one runaway client and must not cost
 * the browser's every request a KV commit; with N processes a person may make N times as many.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppContext, AppDeps, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { assertFeature } from "../../lib/billing/gates.ts";
import {
  KvRateLimiter,
  MemoryRateLimiter,
  type RateLimiter,
  type RateRule,
} from "../../lib/ratelimit/mod.ts";
import type { Store } from "../../lib/kv/mod.ts";
import { entitlements } from "./plan.ts";

/** The per-person (and per-device) abuse limit of first-party browser traffic. */
export const DEFAULT_SESSION_RULE: RateRule = { limit: 600, windowMs: 60_000 };
/** The window of the plan's `apiRequestsPerMinute`. */
export const API_WINDOW_MS = 60_000;

const kvLimiters = new WeakMap<Store, KvRateLimiter>();
const memoryLimiters = new WeakMap<Store, MemoryRateLimiter>();

/** The limiter of plan quotas: the injected one, else the KV limiter over the app's store. */
export function rateLimiterOf(deps: AppDeps): RateLimiter {
  if (deps.rateLimit?.limiter) return deps.rateLimit.limiter;
  let kv = kvLimiters.get(deps.store);
  if (!kv) {
    kv = new KvRateLimiter(deps.store, deps.now);
    kvLimiters.set(deps.store, kv);
  }
  return kv;
}

/** The limiter of the abuse limit: the injected one, else this process's memory. */
export function sessionLimiterOf(deps: AppDeps): RateLimiter {
  if (deps.rateLimit?.sessionLimiter) return deps.rateLimit.sessionLimiter;
  let memory = memoryLimiters.get(deps.store);
  if (!memory) {
    memory = new MemoryRateLimiter(deps.now);
    memoryLimiters.set(deps.store, memory);
  }
  return memory;
}

/** The limiter, key and rule of this request, or null when it is not limited. */
function ruleOf(c: AppContext): { limiter: RateLimiter; key: string; rule: RateRule } | null {
  const principal = c.get("principal");
  const deps = c.get("deps");
  const sessionRule = deps.rateLimit?.sessionRule ?? DEFAULT_SESSION_RULE;
  switch (principal?.type) {
    case "api_key": {
      const ent = entitlements(c);
      // Keys on a plan without the API are refused before anything is charged.
      assertFeature(ent, "api");
      const perMinute = ent.limits.apiRequestsPerMinute;
      if (perMinute === null) return null;
      return {
        limiter: rateLimiterOf(deps),
        key: `api:${c.get("org").scope.orgId}`,
        rule: { limit: perMinute, windowMs: API_WINDOW_MS },
      };
    }
    case "user":
      return {
        limiter: sessionLimiterOf(deps),
        key: `session:${principal.userId}`,
        rule: sessionRule,
      };
    case "kiosk_device":
      return {
        limiter: sessionLimiterOf(deps),
        key: `device:${principal.deviceId}`,
        rule: sessionRule,
      };
    default:
      return null;
  }
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/** Limit the request by its principal (see the module doc). Use after `requireOrg`. */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const which = ruleOf(c);
    if (!which) return await next();
    const decision = await which.limiter.limit(which.key, which.rule);
    const headers: [string, string][] = [
      ["RateLimit-Limit", String(decision.limit)],
      ["RateLimit-Remaining", String(decision.remaining)],
      ["RateLimit-Reset", String(seconds(decision.resetMs))],
    ];
    for (const [name, value] of headers) c.header(name, value);
    if (!decision.allowed) {
      const retryAfterSeconds = Math.max(1, seconds(decision.resetMs));
      throw new DomainError(
        "too_many",
        "rate_limited",
        `Too many requests: the limit is ${decision.limit} per ${
          which.rule.windowMs / 1000
        } seconds; retry in ${retryAfterSeconds} s`,
        { limit: decision.limit, retryAfterSeconds },
      );
    }
    await next();
    // Answers built without the context's headers (a raw Response) still carry them.
    for (const [name, value] of headers) {
      if (!c.res.headers.has(name)) c.header(name, value);
    }
  };
}
