/**
 * Billing of an organization through Stripe's hosted pages (admins only):
 * `POST …/billing/checkout` `{plan, interval}` → `{url}` and `POST …/billing/portal` → `{url}`.
 * While billing is off (no `STRIPE_SECRET_KEY`) both answer 409 `billing_disabled`. The rules
 * live in `lib/billing/use_cases.ts`; this door parses, calls and presents.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { billingMode } from "../middleware/plan.ts";
import { requestContext } from "../request_context.ts";
import type { BillingGateway } from "../../lib/billing/gateway.ts";
import {
  type BillingService,
  openBillingPortal,
  startBillingCheckout,
} from "../../lib/billing/use_cases.ts";

/** The billing gateway when billing is on (`STRIPE_SECRET_KEY` set and a gateway built). */
export function billingGateway(deps: AppDeps): BillingGateway | null {
  return deps.config.stripe && deps.billing ? deps.billing : null;
}

/** How billing runs on this server, for the billing use cases. */
export function billingService(deps: AppDeps): BillingService {
  const gateway = billingGateway(deps);
  return {
    mode: billingMode(deps),
    stripe: gateway && deps.config.stripe ? { gateway, prices: deps.config.stripe.prices } : null,
  };
}

/** Routes mounted at `/api/v1/orgs/:orgId/billing` (after `requireOrg`). */
export const billingApi = new Hono<AppEnv>()
  .post("/checkout", async (c) => {
    const ctx = requestContext(c);
    const service = billingService(c.get("deps"));
    return c.json(await startBillingCheckout(ctx, await readJson(c, z.any()), service));
  })
  .post("/portal", async (c) => {
    return c.json(await openBillingPortal(requestContext(c), billingService(c.get("deps"))));
  });
