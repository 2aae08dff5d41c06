/**
 * Billing as use cases, for admins: the billing status (the API's `GET …/billing` and the
 * billing page), starting a Stripe Checkout (or a plan change through the portal) and opening
 * the customer portal. Billing is a server-wide service beside the organization, so these take
 * it as a {@linkcode BillingService} after the context; while billing is off (no
 * `STRIPE_SECRET_KEY`) checkout and the portal answer 409 `billing_disabled`.
 *
 * | use case | who | input |
 * | --- | --- | --- |
 * | {@linkcode readBillingStatus} | admin | |
 * | {@linkcode billingPageView} | admin | |
 * | {@linkcode startBillingCheckout} | admin | `checkoutInput` (`./schemas.ts`) |
 * | {@linkcode openBillingPortal} | admin | |
 *
 * @module
 */

import { refuseApiKeys } from "../apikeys/guards.ts";
import { apiKeyLabels } from "../apikeys/keys.ts";
import { authorize, type RequestContext } from "../context.ts";
import { DomainError } from "../errors.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import type { BillingGateway } from "./gateway.ts";
import type { BillingMode } from "./lifecycle.ts";
import { PLANS } from "./plans.ts";
import { type BillingStatus, billingStatus } from "./status.ts";
import {
  type BillingDeps,
  type BillingRequest,
  CHECKOUT_PLANS,
  openPortal,
  startCheckout,
} from "./checkout.ts";
import type { PriceTable } from "./webhook.ts";
import { checkoutInput } from "./schemas.ts";

/** How billing runs on this server. */
export interface BillingService {
  /** On with Stripe, else every organization has `mode.defaultPlan`. */
  mode: BillingMode;
  /** The Stripe gateway and price table; null while billing is off. */
  stripe: { gateway: BillingGateway; prices: PriceTable } | null;
}

/** The gateway and prices, or 409 `billing_disabled`. */
function requireStripe(ctx: RequestContext, billing: BillingService): BillingDeps {
  if (!billing.mode.enabled || !billing.stripe) {
    const plan = billing.mode.defaultPlan;
    throw new DomainError(
      "conflict",
      "billing_disabled",
      `Billing is off on this server: every organization has the ${PLANS[plan].name} plan`,
      { plan },
    );
  }
  return { ...billing.stripe, now: ctx.now };
}

/** The organization, the acting principal and the billing page Stripe sends people back to. */
function billingRequest(ctx: RequestContext): BillingRequest {
  return {
    org: ctx.org,
    principal: ctx.principal,
    billingUrl: new URL(`/o/${encodeURIComponent(ctx.org.id)}/billing`, ctx.services.publicUrl)
      .href,
  };
}

/**
 * The organization's plan, its state, limits, usage and features (admins); API usage per key is
 * labelled with each key's public prefix. Reading it records today's `activeMembers` gauge (see
 * `./status.ts`).
 */
export async function readBillingStatus(
  ctx: RequestContext,
  billing: BillingService,
): Promise<BillingStatus> {
  refuseApiKeys(ctx, "Billing");
  authorize(ctx, "admin");
  return await billingStatus(
    ctx.scope,
    ctx.entitlements,
    ctx.settings.settings.disabledFeatures,
    ctx.now,
    billing.mode,
    await apiKeyLabels(ctx.scope),
  );
}

/** What the billing page shows: the status, and what an admin may do from it. */
export interface BillingPageView {
  status: BillingStatus;
  /** A Stripe customer exists, so the portal has something to manage. */
  canManage: boolean;
  /** Plans sold through Checkout. */
  checkoutPlans: typeof CHECKOUT_PLANS;
}

/** The billing page's data (admins). */
export async function billingPageView(
  ctx: RequestContext,
  billing: BillingService,
): Promise<BillingPageView> {
  refuseApiKeys(ctx, "Billing");
  const status = await readBillingStatus(ctx, billing);
  return {
    status,
    canManage: ctx.entitlements.record.stripeCustomerId !== null,
    checkoutPlans: CHECKOUT_PLANS,
  };
}

/**
 * Where to send an admin who chose a plan: Stripe Checkout for a new subscription, or the
 * portal's confirmation of a plan change. 409 `billing_disabled`, `already_subscribed`,
 * `payment_past_due`; 422 `price_not_configured`.
 *
 * @example
 * ```ts
 * const { url } = await startBillingCheckout(ctx, { plan: "team", interval: "monthly" }, billing);
 * ```
 */
export async function startBillingCheckout(
  ctx: RequestContext,
  input: Unparsed<typeof checkoutInput>,
  billing: BillingService,
): Promise<{ url: string }> {
  refuseApiKeys(ctx, "Billing");
  authorize(ctx, "admin");
  const deps = requireStripe(ctx, billing);
  const choice = parseInput(checkoutInput, input);
  return await startCheckout(ctx.scope, deps, billingRequest(ctx), choice);
}

/** A customer-portal page for payment methods, invoices and cancellation (admins). */
export async function openBillingPortal(
  ctx: RequestContext,
  billing: BillingService,
): Promise<{ url: string }> {
  refuseApiKeys(ctx, "Billing");
  authorize(ctx, "admin");
  return await openPortal(ctx.scope, requireStripe(ctx, billing), billingRequest(ctx));
}
