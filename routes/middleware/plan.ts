/**
 * The plan in requests: the organization's entitlements, computed at most once per request
 * from what `requireOrg` read (billing record + the admins' switched-off features), the server
 * clock and the billing mode. The request context hands them to use cases, which apply the
 * gates and limits themselves (`lib/context.ts`); pages also read them for the navigation.
 *
 * @module
 */

import type { AppContext, AppDeps } from "../context.ts";
import type { BillingMode } from "../../lib/billing/lifecycle.ts";
import { type Entitlements, entitlementsOf } from "../../lib/billing/entitlements.ts";

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
