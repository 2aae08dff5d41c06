/**
 * The billing port: the few things ClockFlow asks of a payment provider, in ClockFlow's own
 * terms (ids, instants in epoch ms). The Stripe adapter is `stripe.ts`; tests point that very
 * adapter at a loopback fake of Stripe's API, so nothing here is mocked away.
 *
 * @module
 */

import type { SubscriptionStatus } from "./lifecycle.ts";

/** One line of a subscription (we sell one price per subscription). */
export interface SubscriptionItemSnapshot {
  id: string;
  priceId: string;
  quantity: number;
  /** End of the item's current billing period, epoch ms. */
  currentPeriodEnd: number | null;
}

/** A subscription as the provider reports it now. */
export interface SubscriptionSnapshot {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  cancelAtPeriodEnd: boolean;
  /** The latest `currentPeriodEnd` of the items, epoch ms. */
  currentPeriodEnd: number | null;
  /** End of the provider's own trial, epoch ms. */
  trialEnd: number | null;
  /** Creation time, epoch s. */
  created: number;
  metadata: Record<string, string>;
  items: SubscriptionItemSnapshot[];
}

/** The webhook event types ClockFlow acts on. */
export const HANDLED_EVENT_TYPES = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.trial_will_end",
  "invoice.paid",
  "invoice.payment_failed",
] as const;

/** A handled event type. */
export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

/** True when ClockFlow acts on events of `type`. */
export function isHandledEventType(type: string): type is HandledEventType {
  return (HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

/** A verified webhook event, reduced to what ClockFlow reads from it. */
export interface BillingEvent {
  id: string;
  type: string;
  /** When the provider created the event, epoch s. */
  created: number;
  livemode: boolean;
  /** The customer the event's object belongs to, when it names one. */
  customerId: string | null;
  /** The subscription the event's object is or refers to. */
  subscriptionId: string | null;
  /** An organization id the object carries (Checkout's `client_reference_id` / metadata). */
  claimedOrgId: string | null;
  /** The subscription as it was when the event was made (subscription events only). */
  subscription: SubscriptionSnapshot | null;
}

/** What a Checkout session is created with. */
export interface CheckoutInput {
  orgId: string;
  customerId: string;
  plan: string;
  interval: "monthly" | "yearly";
  priceId: string;
  quantity: number;
  successUrl: string;
  cancelUrl: string;
}

/** A plan change the customer confirms in the portal (Stripe's `subscription_update_confirm`). */
export interface PlanChange {
  subscriptionId: string;
  itemId: string;
  priceId: string;
  quantity: number;
  /** Where the portal sends the customer after confirming. */
  returnUrl: string;
}

/** What a portal session is created with. */
export interface PortalInput {
  customerId: string;
  returnUrl: string;
  /** Open the portal on this plan change instead of its home page. */
  planChange?: PlanChange;
}

/** A seat-count change of a subscription item, prorated. */
export interface SeatChange {
  subscriptionId: string;
  itemId: string;
  quantity: number;
  /** Sent as the provider's idempotency key, so a retried job changes nothing twice. */
  idempotencyKey: string;
}

/**
 * The billing provider as ClockFlow uses it.
 *
 * @example
 * ```ts
 * const customerId = await gateway.ensureCustomer({ orgId, name: org.name, customerId: null });
 * const { url } = await gateway.createCheckoutSession({ orgId, customerId, ... });
 * ```
 */
export interface BillingGateway {
  /**
   * The provider's customer of organization `orgId`: `customerId` when it still exists, else a
   * new customer whose metadata carries the organization id. Creating is idempotent per
   * organization, so a retry after a lost answer gets the same customer.
   */
  ensureCustomer(input: { orgId: string; name: string; customerId: string | null }): Promise<
    string
  >;
  /** A hosted Checkout page for a new subscription. */
  createCheckoutSession(input: CheckoutInput): Promise<{ id: string; url: string }>;
  /** A hosted portal page (payment methods, invoices, cancellation, or one plan change). */
  createPortalSession(input: PortalInput): Promise<{ url: string }>;
  /** The subscription as it is now, or null when the provider does not know it. */
  retrieveSubscription(subscriptionId: string): Promise<SubscriptionSnapshot | null>;
  /**
   * The customer's subscriptions as they are now (newest first, at most ten), so a checkout can
   * see a subscription whose webhook has not arrived yet.
   */
  listSubscriptions(customerId: string): Promise<SubscriptionSnapshot[]>;
  /** Set the seats of a subscription item, with prorations. */
  setSeatQuantity(change: SeatChange): Promise<SubscriptionSnapshot>;
  /**
   * Verify a webhook delivery (raw body and signature header) at `nowMs`. Throws
   * {@linkcode InvalidWebhook} for a bad signature, a stale timestamp or a malformed body.
   */
  verifyWebhook(payload: string, signature: string, nowMs: number): Promise<BillingEvent>;
}

/** A webhook delivery that failed verification (the sender's fault: answer 400). */
export class InvalidWebhook extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidWebhook";
  }
}
