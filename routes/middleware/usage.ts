/**
 * Usage metering of the JSON API: every request that reached its organization (after
 * `requireOrg`, whatever the answer) adds one to the organization's `apiRequests` counter of the
 * day (`lib/billing/usage.ts`). The increment goes to the store's batched meter, which keeps it in
 * memory and commits a batch a few times a second; only the request that triggers a batch waits
 * for it, after its own handler. A request made with an API key is also counted for that key. A
 * failure to count is logged and never fails the request.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { usageMeter } from "../../lib/billing/usage.ts";

/** Count the request as one API request of its organization. Use after `requireOrg`. */
export function meterApiRequests(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get("deps");
    const meter = usageMeter(deps.store);
    const scope = c.get("org").scope;
    const now = deps.now();
    const principal = c.get("principal");
    const counted = Promise.all([
      meter.count(scope, "apiRequests", 1, now),
      principal?.type === "api_key" ? meter.countKey(scope, principal.keyId, 1, now) : null,
    ]).catch((err) => console.error("usage: could not count an API request:", err));
    try {
      await next();
    } finally {
      await counted;
    }
  };
}
