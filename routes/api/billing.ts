/**
 * Billing of an organization through Stripe's hosted pages (admins only):
 * `POST …/billing/checkout` `{plan, interval}` → `{url}` and `POST …/billing/portal` → `{url}`.
 * While billing is off (no `STRIPE_SECRET_KEY`) both answer 409 `billing_disabled`.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppDeps, AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requireRole } from "../middleware/auth.ts";
import { DomainError } from "../../lib/errors.ts";
import type { BillingGateway } from "../../lib/billing/gateway.ts";
import { PLANS } from "../../lib/billing/plans.ts";
import {
  type BillingDeps,
  type BillingRequest,
  CHECKOUT_PLANS,
  openPortal,
  startCheckout,
} from "../../lib/billing/checkout.ts";

const checkoutBody = z.object({
  plan: z.enum(CHECKOUT_PLANS),
  interval: z.enum(["monthly", "yearly"]),
}).strict();

/** The billing gateway when billing is on (`STRIPE_SECRET_KEY` set and a gateway built). */
export function billingGateway(deps: AppDeps): BillingGateway | null {
  return deps.config.stripe && deps.billing ? deps.billing : null;
}

/** The gateway, or 409 `billing_disabled`. */
function requireBilling(c: AppContext): { gateway: BillingGateway; deps: BillingDeps } {
  const deps = c.get("deps");
  const gateway = billingGateway(deps);
  if (!gateway || !deps.config.stripe) {
    const plan = deps.config.defaultPlan;
    throw new DomainError(
      "conflict",
      "billing_disabled",
      `Billing is off on this server: every organization has the ${PLANS[plan].name} plan`,
      { plan },
    );
  }
  return { gateway, deps: { gateway, prices: deps.config.stripe.prices, now: deps.now() } };
}

/** The organization, the acting admin, and the billing page Stripe sends people back to. */
function billingRequest(c: AppContext): BillingRequest {
  const { org } = c.get("org");
  const base = c.get("deps").config.publicUrl ?? new URL(c.req.url).origin;
  return {
    org,
    actorId: c.get("user")!.id,
    billingUrl: new URL(`/o/${encodeURIComponent(org.id)}/billing`, base).href,
  };
}

/** Routes mounted at `/api/v1/orgs/:orgId/billing` (after `requireOrg`). */
export const billingApi = new Hono<AppEnv>()
  .post("/checkout", requireRole("admin"), async (c) => {
    const { deps } = requireBilling(c);
    const body = await readJson(c, checkoutBody);
    return c.json(await startCheckout(c.get("org").scope, deps, billingRequest(c), body));
  })
  .post("/portal", requireRole("admin"), async (c) => {
    const { deps } = requireBilling(c);
    return c.json(await openPortal(c.get("org").scope, deps, billingRequest(c)));
  });
