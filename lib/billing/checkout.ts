/**
 * Subscribing and managing billing through Stripe's hosted pages.
 *
 * - Subscribing: a Checkout session (`mode: subscription`) for the plan's configured price, with
 *   one seat per active member on per-member plans.
 * - Changing plan while a subscription is in force: Checkout only creates new subscriptions
 *   (a second one would bill twice), so, as Stripe recommends, the change goes through the
 *   customer portal — a `subscription_update_confirm` deep link that shows the prorated amount
 *   and applies the new price to the existing subscription when the admin confirms.
 * - Everything else (payment methods, invoices, cancellation): the customer portal.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { OrgScope } from "../kv/mod.ts";
import { activeMemberships } from "../members/members.ts";
import type { Organization } from "../orgs/orgs.ts";
import type { Principal } from "../principal.ts";
import { getBillingRecord } from "./entitlements.ts";
import type { BillingGateway } from "./gateway.ts";
import { PLAN_IDS, type PlanId, PLANS } from "./plans.ts";
import { linkStripeCustomer } from "./repository.ts";
import { type Interval, isLive, priceFor, type PriceTable } from "./webhook.ts";

/** Plans an admin can buy through Checkout (self-serve and not free). */
export const CHECKOUT_PLANS = PLAN_IDS.filter((id) =>
  PLANS[id].selfServe && PLANS[id].monthlyCents > 0
) as unknown as readonly [PaidPlanId, ...PaidPlanId[]];

/** A plan that is paid for. */
export type PaidPlanId = Exclude<PlanId, "free">;

/** What checkout and the portal need besides the organization. */
export interface BillingDeps {
  gateway: BillingGateway;
  prices: PriceTable;
  now: number;
}

/** The organization, who acts, and the billing page Stripe sends people back to. */
export interface BillingRequest {
  org: Organization;
  /** Who acts (audited when the Stripe customer is linked). */
  principal: Principal;
  /** Absolute URL of the organization's billing page, e.g. `https://…/o/<orgId>/billing`. */
  billingUrl: string;
}

/** Seats billed for the organization on `plan`: its active members (at least one), else 1. */
export async function seatsFor(scope: OrgScope, plan: PlanId): Promise<number> {
  if (!PLANS[plan].perMember) return 1;
  return Math.max(1, (await activeMemberships(scope)).length);
}

/**
 * The organization's Stripe customer, created (with `metadata.orgId`) and linked on first use.
 * Linking writes the billing record and the global customer pointer in one commit.
 */
export async function ensureOrgCustomer(
  scope: OrgScope,
  gateway: BillingGateway,
  org: Organization,
  principal: Principal,
  now: number,
): Promise<string> {
  const { record } = await getBillingRecord(scope);
  const customerId = await gateway.ensureCustomer({
    orgId: scope.orgId,
    name: org.name,
    customerId: record.stripeCustomerId,
  });
  if (customerId === record.stripeCustomerId) return customerId;
  return await linkStripeCustomer(scope, customerId, principal, now);
}

/**
 * Where to send an admin who chose `plan` billed `interval`: a Checkout page for a new
 * subscription, or the portal's confirmation of a plan change for a subscription in force.
 *
 * @throws DomainError `price_not_configured` (422), `already_subscribed` (409),
 * `payment_past_due` (409).
 */
export async function startCheckout(
  scope: OrgScope,
  deps: BillingDeps,
  req: BillingRequest,
  choice: { plan: PaidPlanId; interval: Interval },
): Promise<{ url: string }> {
  const priceId = priceFor(deps.prices, choice.plan, choice.interval);
  if (!priceId) {
    throw new DomainError(
      "unprocessable",
      "price_not_configured",
      `No Stripe price is configured for ${choice.plan} billed ${choice.interval}`,
      { env: `STRIPE_PRICE_${choice.plan.toUpperCase()}_${choice.interval.toUpperCase()}` },
    );
  }
  const customerId = await ensureOrgCustomer(scope, deps.gateway, req.org, req.principal, deps.now);
  const quantity = await seatsFor(scope, choice.plan);
  // Ask Stripe, not the record: a subscription whose webhook has not arrived yet must not lead
  // to a second one (a second Checkout would bill the organization twice).
  const live = (await deps.gateway.listSubscriptions(customerId))
    .filter((s) => s.customerId === customerId && isLive(s.status) && s.items.length > 0);
  const sub = live[0];
  if (sub) {
    if (sub.status === "past_due" || sub.status === "unpaid") {
      throw new DomainError(
        "conflict",
        "payment_past_due",
        "The subscription's last payment failed; update the payment method in the billing portal first",
      );
    }
    const item = sub.items[0];
    if (item.priceId === priceId) {
      throw new DomainError(
        "conflict",
        "already_subscribed",
        `The organization already subscribes to ${choice.plan} billed ${choice.interval}`,
      );
    }
    return await deps.gateway.createPortalSession({
      customerId,
      returnUrl: req.billingUrl,
      planChange: {
        subscriptionId: sub.id,
        itemId: item.id,
        priceId,
        quantity,
        returnUrl: `${req.billingUrl}?plan=changed`,
      },
    });
  }
  const session = await deps.gateway.createCheckoutSession({
    orgId: scope.orgId,
    customerId,
    plan: choice.plan,
    interval: choice.interval,
    priceId,
    quantity,
    successUrl: `${req.billingUrl}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${req.billingUrl}?checkout=canceled`,
  });
  return { url: session.url };
}

/** A customer-portal page for payment methods, invoices and cancellation. */
export async function openPortal(
  scope: OrgScope,
  deps: BillingDeps,
  req: BillingRequest,
): Promise<{ url: string }> {
  const customerId = await ensureOrgCustomer(scope, deps.gateway, req.org, req.principal, deps.now);
  return await deps.gateway.createPortalSession({ customerId, returnUrl: req.billingUrl });
}
