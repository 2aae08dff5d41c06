/**
 * The plan in requests: the organization's entitlements, computed at most once per request
 * from what `requireOrg` read (billing record + the admins' switched-off features) and the
 * server clock and billing mode,
 * and the gates built on them. Use after `requireOrg` (API) or `orgMember` (pages).
 *
 * | helper | does |
 * | --- | --- |
 * | {@linkcode entitlements} | the request's {@linkcode Entitlements} (memoized in the context) |
 * | {@linkcode requireFeature} | 403 `feature_not_in_plan` / `feature_disabled` unless the feature is on |
 * | {@linkcode limitFor} | the {@linkcode LimitCheck} to hand to a repository (402 `plan_limit`) |
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppContext, AppDeps, AppEnv } from "../context.ts";
import type { BillingMode } from "../../lib/billing/lifecycle.ts";
import { type Entitlements, entitlementsOf } from "../../lib/billing/entitlements.ts";
import { assertFeature } from "../../lib/billing/gates.ts";
import { type CountLimit, type LimitCheck, limitCheck } from "../../lib/billing/limits.ts";
import type { Feature } from "../../lib/billing/plans.ts";

/** How billing is set up on this server: on with Stripe, else everyone has `DEFAULT_PLAN`. */
export function billingMode(deps: Pick<AppDeps, "config">): BillingMode {
  return { enabled: deps.config.stripe !== null, defaultPlan: deps.config.defaultPlan };
}

/** The entitlements of the request's organization, computed once per request. */
export function entitlements(c: AppContext): Entitlements {
  const known = c.get("entitlements") as Entitlements | undefined;
  if (known) return known;
  const { billing, settings } = c.get("org");
  const deps = c.get("deps");
  const ent = entitlementsOf(
    billing.record,
    settings.settings.disabledFeatures,
    deps.now(),
    billingMode(deps),
  );
  c.set("entitlements", ent);
  return ent;
}

/**
 * Refuse the request unless `feature` is on: 403 `feature_not_in_plan` with
 * `{feature, plan, upgradeTo}`, or 403 `feature_disabled` with `{feature, plan}` when the plan
 * includes it but an admin switched it off.
 */
export function requireFeature(feature: Feature): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertFeature(entitlements(c), feature);
    await next();
  };
}

/** The check of `limit` under the request's plan, for a repository's serialized write. */
export function limitFor(c: AppContext, limit: CountLimit): LimitCheck {
  return limitCheck(entitlements(c), limit);
}
