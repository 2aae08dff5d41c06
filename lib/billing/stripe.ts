/**
 * The Stripe adapter of {@linkcode BillingGateway}, on the official `stripe` SDK. In Deno the SDK
 * loads its worker build (fetch client, Web Crypto), so webhooks are verified with
 * `constructEventAsync`. `apiBase` (`STRIPE_API_BASE`) points the SDK at another host — a
 * Stripe-compatible local server, or the loopback fake the tests run.
 *
 * API version: the SDK's pinned `2026-10-28.endive`. In it `current_period_end` lives on the
 * subscription's items and an invoice names its subscription under
 * `parent.subscription_details.subscription`.
 *
 * @module
 */

import Stripe from "stripe";
import {
  type BillingEvent,
  type BillingGateway,
  type CheckoutInput,
  InvalidWebhook,
  type PortalInput,
  type SeatChange,
  type SubscriptionSnapshot,
} from "./gateway.ts";
import type { SubscriptionStatus } from "./lifecycle.ts";

/** What the adapter is built from (`config.stripe` has this shape). */
export interface StripeGatewayOptions {
  secretKey: string;
  webhookSecret: string;
  /** `http(s)://host:port` replacing `https://api.stripe.com`, or null. */
  apiBase: string | null;
}

/** Tuning knobs; the defaults suit production. */
export interface StripeClientTuning {
  /** Retries of failed requests (with the same idempotency key). Default 2. */
  maxNetworkRetries?: number;
  /** Per-request timeout in ms. Default 20 s. */
  timeoutMs?: number;
}

/** Largest age of a webhook signature we accept, seconds (Stripe's default). */
const WEBHOOK_TOLERANCE_S = 300;

/** The SDK's host/port/protocol for `apiBase` (`http(s)://host:port`). */
export function addressOf(
  apiBase: string,
): { host: string; port: number; protocol: "http" | "https" } {
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  const port = url.port ? Number(url.port) : protocol === "http" ? 80 : 443;
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port, protocol };
}

/**
 * Build the Stripe gateway.
 *
 * @example
 * ```ts
 * const billing = config.stripe ? createStripeGateway(config.stripe) : null;
 * ```
 */
export function createStripeGateway(
  options: StripeGatewayOptions,
  tuning: StripeClientTuning = {},
): BillingGateway {
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: tuning.maxNetworkRetries ?? 2,
    timeout: tuning.timeoutMs ?? 20_000,
    telemetry: false,
    appInfo: { name: "ClockFlow" },
    ...(options.apiBase ? addressOf(options.apiBase) : {}),
  });
  return new StripeGateway(stripe, options.webhookSecret);
}

class StripeGateway implements BillingGateway {
  constructor(readonly stripe: Stripe, readonly webhookSecret: string) {}

  async ensureCustomer(
    input: { orgId: string; name: string; customerId: string | null },
  ): Promise<string> {
    if (input.customerId) {
      const existing = await this.#retrieveOrNull(() =>
        this.stripe.customers.retrieve(input.customerId!)
      );
      if (existing && !("deleted" in existing && existing.deleted)) return existing.id;
    }
    const created = await this.stripe.customers.create(
      { name: input.name, metadata: { orgId: input.orgId } },
      {
        // One customer per organization: a retry after a lost answer gets the same customer.
        idempotencyKey: input.customerId
          ? `clockflow-customer-${input.orgId}-replaces-${input.customerId}`
          : `clockflow-customer-${input.orgId}`,
      },
    );
    return created.id;
  }

  async createCheckoutSession(input: CheckoutInput): Promise<{ id: string; url: string }> {
    const metadata = { orgId: input.orgId, plan: input.plan, interval: input.interval };
    const session = await this.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: input.customerId,
      client_reference_id: input.orgId,
      line_items: [{ price: input.priceId, quantity: input.quantity }],
      metadata,
      subscription_data: { metadata },
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
    });
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without url`);
    return { id: session.id, url: session.url };
  }

  async createPortalSession(input: PortalInput): Promise<{ url: string }> {
    const change = input.planChange;
    const session = await this.stripe.billingPortal.sessions.create({
      customer: input.customerId,
      return_url: input.returnUrl,
      ...(change
        ? {
          flow_data: {
            type: "subscription_update_confirm" as const,
            subscription_update_confirm: {
              subscription: change.subscriptionId,
              items: [{ id: change.itemId, price: change.priceId, quantity: change.quantity }],
            },
            after_completion: {
              type: "redirect" as const,
              redirect: { return_url: change.returnUrl },
            },
          },
        }
        : {}),
    });
    return { url: session.url };
  }

  async retrieveSubscription(subscriptionId: string): Promise<SubscriptionSnapshot | null> {
    const sub = await this.#retrieveOrNull(() =>
      this.stripe.subscriptions.retrieve(subscriptionId)
    );
    return sub ? subscriptionSnapshot(sub) : null;
  }

  async listSubscriptions(customerId: string): Promise<SubscriptionSnapshot[]> {
    const page = await this.stripe.subscriptions.list({
      customer: customerId,
      status: "all",
      limit: 10,
    });
    return page.data.map(subscriptionSnapshot);
  }

  async setSeatQuantity(change: SeatChange): Promise<SubscriptionSnapshot> {
    const sub = await this.stripe.subscriptions.update(
      change.subscriptionId,
      {
        items: [{ id: change.itemId, quantity: change.quantity }],
        proration_behavior: "create_prorations",
      },
      { idempotencyKey: change.idempotencyKey },
    );
    return subscriptionSnapshot(sub);
  }

  async verifyWebhook(payload: string, signature: string, nowMs: number): Promise<BillingEvent> {
    let event: Stripe.Event;
    try {
      event = await this.stripe.webhooks.constructEventAsync(
        payload,
        signature,
        this.webhookSecret,
        WEBHOOK_TOLERANCE_S,
        undefined,
        nowMs, // the SDK's receivedAt is in milliseconds
      );
    } catch (err) {
      throw new InvalidWebhook(err instanceof Error ? err.message : String(err));
    }
    if (
      !event || typeof event.id !== "string" || event.id.length > 255 ||
      typeof event.type !== "string" || typeof event.created !== "number"
    ) {
      throw new InvalidWebhook("The payload is not a Stripe event");
    }
    try {
      return billingEvent(event);
    } catch (err) {
      throw new InvalidWebhook(`Malformed ${event.type} event: ${err}`);
    }
  }

  /** Run a retrieve; a 404 (`resource_missing`) is null, anything else is thrown. */
  async #retrieveOrNull<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof Stripe.errors.StripeError && err.statusCode === 404) return null;
      throw err;
    }
  }
}

const STATUSES: readonly SubscriptionStatus[] = [
  "trialing",
  "active",
  "past_due",
  "unpaid",
  "incomplete",
  "incomplete_expired",
  "canceled",
  "paused",
];

function idOf(ref: unknown): string | null {
  if (typeof ref === "string") return ref;
  if (ref && typeof ref === "object" && typeof (ref as { id?: unknown }).id === "string") {
    return (ref as { id: string }).id;
  }
  return null;
}

/** A Stripe subscription in the gateway's terms (period end from its items). */
export function subscriptionSnapshot(sub: Stripe.Subscription): SubscriptionSnapshot {
  const items = (sub.items?.data ?? []).map((i) => ({
    id: i.id,
    priceId: i.price.id,
    quantity: i.quantity ?? 1,
    currentPeriodEnd: typeof i.current_period_end === "number" ? i.current_period_end * 1000 : null,
  }));
  const ends = items.flatMap((i) => (i.currentPeriodEnd === null ? [] : [i.currentPeriodEnd]));
  const status = (STATUSES as readonly string[]).includes(sub.status)
    ? sub.status as SubscriptionStatus
    : "incomplete";
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(sub.metadata ?? {})) {
    if (typeof v === "string") metadata[k] = v;
  }
  return {
    id: sub.id,
    customerId: idOf(sub.customer) ?? "",
    status,
    cancelAtPeriodEnd: sub.cancel_at_period_end === true,
    currentPeriodEnd: ends.length ? Math.max(...ends) : null,
    trialEnd: typeof sub.trial_end === "number" ? sub.trial_end * 1000 : null,
    created: sub.created,
    metadata,
    items,
  };
}

/** A verified Stripe event reduced to what ClockFlow reads. */
export function billingEvent(event: Stripe.Event): BillingEvent {
  const object = (event.data?.object ?? {}) as unknown as Record<string, unknown>;
  const out: BillingEvent = {
    id: event.id,
    type: event.type,
    created: event.created,
    livemode: event.livemode,
    customerId: null,
    subscriptionId: null,
    claimedOrgId: null,
    subscription: null,
  };
  switch (object.object) {
    case "checkout.session": {
      const metadata = (object.metadata ?? {}) as Record<string, unknown>;
      out.customerId = idOf(object.customer);
      out.subscriptionId = idOf(object.subscription);
      const claimed = object.client_reference_id ?? metadata.orgId;
      out.claimedOrgId = typeof claimed === "string" ? claimed : null;
      break;
    }
    case "subscription": {
      const sub = object as unknown as Stripe.Subscription;
      out.subscription = subscriptionSnapshot(sub);
      out.customerId = out.subscription.customerId || null;
      out.subscriptionId = sub.id;
      const claimed = out.subscription.metadata.orgId;
      out.claimedOrgId = typeof claimed === "string" ? claimed : null;
      break;
    }
    case "invoice": {
      const invoice = object as unknown as Stripe.Invoice;
      out.customerId = idOf(invoice.customer);
      out.subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
      break;
    }
  }
  return out;
}
