/**
 * Applying verified Stripe webhook events to an organization's billing record.
 *
 * - The tenant comes from the event's customer through the global pointer this server wrote
 *   (`store.scopeForStripeCustomer`); an organization id in the payload counts only when that
 *   organization's record names the same customer. Unknown customers are ignored.
 * - Events arrive at least once and in any order. Each event id is recorded in the same commit
 *   as its effect, so a redelivery changes nothing; an event created before the newest one
 *   applied (`lastEventCreated`) never overwrites the record.
 * - Subscription and invoice events are not trusted for state: the subscription is retrieved
 *   from Stripe and its current state applied (Stripe's advice for order-independent handling).
 *
 * @module
 */

import type { Atomic, OrgScope, Store } from "../kv/mod.ts";
import type { BillingEvent, BillingGateway, SubscriptionSnapshot } from "./gateway.ts";
import { isHandledEventType } from "./gateway.ts";
import type { BillingRecord, SubscriptionStatus } from "./lifecycle.ts";
import { isPlanId, type PlanId } from "./plans.ts";
import { appliedStripeEvent, commitStripeEvent, type EventDecision } from "./repository.ts";
import type { JobPort } from "../jobs/outbox.ts";
import { newJob } from "../jobs/jobs.ts";
import { newId } from "../kv/mod.ts";

/**
 * The internal event (`lib/notifications`) a Stripe event tells the organization's admins
 * about, or null.
 */
export function billingNotificationType(stripeType: string): string | null {
  switch (stripeType) {
    case "customer.subscription.trial_will_end":
      return "billing.trial_ending";
    case "invoice.payment_failed":
      return "billing.payment_failed";
  }
  return null;
}

/** Price ids by `<plan>_<interval>` (`config.stripe.prices`). */
export type PriceTable = Readonly<Partial<Record<string, string>>>;

/** A billing interval. */
export type Interval = "monthly" | "yearly";

/** Statuses in which a subscription is in force (paid, or being dunned). */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = [
  "active",
  "trialing",
  "past_due",
  "unpaid",
];

/** True when a subscription in `status` is in force. */
export function isLive(status: SubscriptionStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

/** The price id configured for `plan` billed `interval`, or null. */
export function priceFor(prices: PriceTable, plan: PlanId, interval: Interval): string | null {
  return prices[`${plan}_${interval}`] ?? null;
}

/** The plan and interval a configured price id stands for, or null. */
export function planOfPrice(
  prices: PriceTable,
  priceId: string,
): { plan: PlanId; interval: Interval } | null {
  for (const [key, id] of Object.entries(prices)) {
    if (id !== priceId) continue;
    const [plan, interval] = key.split("_");
    if (isPlanId(plan) && (interval === "monthly" || interval === "yearly")) {
      return { plan, interval };
    }
  }
  return null;
}

function planOfMetadata(meta: Record<string, string>): { plan: PlanId; interval: Interval } | null {
  const { plan, interval } = meta;
  return isPlanId(plan) && (interval === "monthly" || interval === "yearly")
    ? { plan, interval }
    : null;
}

/**
 * The record after applying subscription `sub` (as it is now) for `event`, or null when the
 * subscription is not the organization's: another subscription than the linked one is taken
 * over only when it is in force and the linked one is not. Pure.
 *
 * - plan and interval from the price (configured ids), else the subscription's metadata;
 * - status, `cancel_at_period_end`, the period end (from the items) and the seat quantity;
 * - `pastDueSince` set when the subscription becomes past due or unpaid (the event's time),
 *   kept while it stays so, cleared otherwise;
 * - `trialWillEndAt` set by `customer.subscription.trial_will_end`, cleared after the trial.
 */
export function applySubscription(
  record: BillingRecord,
  sub: SubscriptionSnapshot,
  event: Pick<BillingEvent, "type" | "created">,
  prices: PriceTable,
  now: number,
): BillingRecord | null {
  if (record.stripeSubscriptionId && record.stripeSubscriptionId !== sub.id) {
    if (!isLive(sub.status) || isLive(record.status)) return null;
  }
  const item = sub.items[0];
  const mapped = (item ? planOfPrice(prices, item.priceId) : null) ??
    planOfMetadata(sub.metadata) ?? { plan: record.plan, interval: record.interval };
  const pastDue = sub.status === "past_due" || sub.status === "unpaid";
  const wasPastDue = record.stripeSubscriptionId === sub.id &&
    (record.status === "past_due" || record.status === "unpaid") && record.pastDueSince !== null;
  return {
    ...record,
    plan: mapped.plan,
    interval: mapped.interval,
    status: sub.status,
    currentPeriodEnd: sub.currentPeriodEnd,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    pastDueSince: pastDue ? (wasPastDue ? record.pastDueSince : event.created * 1000) : null,
    stripeCustomerId: sub.customerId,
    stripeSubscriptionId: sub.id,
    quantity: sub.items.reduce((n, i) => n + i.quantity, 0),
    trialWillEndAt: event.type === "customer.subscription.trial_will_end"
      ? sub.trialEnd
      : sub.status === "trialing"
      ? record.trialWillEndAt
      : null,
    lastEventCreated: Math.max(record.lastEventCreated, event.created),
    updatedAt: now,
  };
}

/** What the webhook did with an event. */
export interface WebhookOutcome {
  result: "applied" | "stale" | "duplicate" | "ignored";
  /** Why an event was ignored. */
  reason?:
    | "unhandled_type"
    | "no_customer"
    | "unknown_customer"
    | "no_subscription"
    | "foreign_subscription"
    | "other_subscription";
}

/** What {@linkcode applyBillingEvent} needs. */
export interface WebhookDeps {
  store: Store;
  gateway: BillingGateway;
  prices: PriceTable;
  now: () => number;
  /**
   * The job port of this delivery: trial-ending and payment-failed events add a `notify` job
   * (admins are mailed) to the commit that marks the event, and it is dispatched after. Absent:
   * nobody is notified.
   */
  jobs?: JobPort;
}

/**
 * Apply a verified event. Throws only on transient failures (Stripe or the store unreachable,
 * a commit that kept losing races): the route answers 500 and Stripe retries.
 *
 * @example
 * ```ts
 * const event = await gateway.verifyWebhook(body, signature, now());
 * const { result } = await applyBillingEvent({ store, gateway, prices, now }, event);
 * ```
 */
export async function applyBillingEvent(
  deps: WebhookDeps,
  event: BillingEvent,
): Promise<WebhookOutcome> {
  if (!isHandledEventType(event.type)) return { result: "ignored", reason: "unhandled_type" };
  if (!event.customerId) return { result: "ignored", reason: "no_customer" };
  if (await appliedStripeEvent(deps.store, event.id, deps.now())) return { result: "duplicate" };
  const scope = await deps.store.scopeForStripeCustomer(event.customerId, event.claimedOrgId);
  if (!scope) return { result: "ignored", reason: "unknown_customer" };
  if (!event.subscriptionId) return { result: "ignored", reason: "no_subscription" };
  const sub = (await deps.gateway.retrieveSubscription(event.subscriptionId)) ??
    (event.subscription?.id === event.subscriptionId ? event.subscription : null);
  if (!sub) return { result: "ignored", reason: "no_subscription" };
  if (sub.customerId !== event.customerId) {
    return { result: "ignored", reason: "foreign_subscription" };
  }
  return await commit(deps, scope, event, sub);
}

async function commit(
  deps: WebhookDeps,
  scope: OrgScope,
  event: BillingEvent,
  sub: SubscriptionSnapshot,
): Promise<WebhookOutcome> {
  const now = deps.now();
  let other = false;
  const decide = (record: BillingRecord): EventDecision => {
    other = false;
    if (record.stripeCustomerId !== null && record.stripeCustomerId !== event.customerId) {
      // The pointer says this customer is the org's, the record names another: keep the record.
      other = true;
      return { outcome: "stale" };
    }
    if (event.created < record.lastEventCreated) return { outcome: "stale" };
    const next = applySubscription(record, sub, event, deps.prices, now);
    if (!next) {
      other = true;
      return { outcome: "stale" };
    }
    return { outcome: "applied", next };
  };
  const notifyType = billingNotificationType(event.type);
  const effects = (op: Atomic) => {
    // An event about another customer's or subscription's record tells these admins nothing.
    if (!deps.jobs || !notifyType || other) return;
    deps.jobs.add(
      op,
      newJob("notify", {
        orgId: scope.orgId,
        event: {
          id: `msg_${newId(now)}`,
          type: notifyType,
          timestamp: new Date(now).toISOString(),
          data: {
            stripeEventId: event.id,
            trialEndsAt: sub.trialEnd === null ? null : new Date(sub.trialEnd).toISOString(),
          },
        },
      }, now),
    );
  };
  const result = await commitStripeEvent(
    deps.store,
    scope,
    { id: event.id, type: event.type, customerId: event.customerId! },
    decide,
    now,
    effects,
  );
  await deps.jobs?.dispatch();
  if (result === "stale" && other) return { result: "ignored", reason: "other_subscription" };
  return { result };
}
