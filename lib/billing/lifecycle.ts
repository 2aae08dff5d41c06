/**
 * The subscription lifecycle as pure functions: what an organization's billing record says, and
 * which plan is in force at a given instant.
 *
 * - A new organization gets a 14-day trial of `business` without a card; then `free` unless it
 *   subscribed.
 * - `past_due` keeps the paid plan for a 7-day grace period (admins see a banner), then `free`.
 * - A subscription cancelled at period end keeps its plan until the period ends, then `free`.
 * - Without billing configured, every organization has the configured default plan.
 *
 * @module
 */

import type { PlanId } from "./plans.ts";

/** Trial length for new organizations. */
export const TRIAL_MS = 14 * 24 * 3600 * 1000;
/** How long a past-due subscription keeps its plan. */
export const GRACE_MS = 7 * 24 * 3600 * 1000;
/** The plan new organizations try. */
export const TRIAL_PLAN: PlanId = "business";

/** Stripe subscription statuses we act on, plus `none` (never subscribed). */
export type SubscriptionStatus =
  | "none"
  | "trialing"
  | "active"
  | "past_due"
  | "unpaid"
  | "incomplete"
  | "incomplete_expired"
  | "canceled"
  | "paused";

/** An organization's billing record. Instants are epoch ms. */
export interface BillingRecord {
  /** The plan subscribed to (or last subscribed to). */
  plan: PlanId;
  status: SubscriptionStatus;
  interval: "monthly" | "yearly" | null;
  /** End of our own no-card trial. */
  trialEndsAt: number;
  currentPeriodEnd: number | null;
  cancelAtPeriodEnd: boolean;
  /** When the subscription first became past due (cleared when paid). */
  pastDueSince: number | null;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  /** Seats billed on per-member plans. */
  quantity: number;
  /** `created` (epoch s) of the newest Stripe event applied; older events never overwrite. */
  lastEventCreated: number;
  /** When Stripe said the subscription's trial will end (for a notice). */
  trialWillEndAt: number | null;
  updatedAt: number;
}

/** The record of an organization created at `now`. */
export function newBillingRecord(now: number): BillingRecord {
  return {
    plan: TRIAL_PLAN,
    status: "none",
    interval: null,
    trialEndsAt: now + TRIAL_MS,
    currentPeriodEnd: null,
    cancelAtPeriodEnd: false,
    pastDueSince: null,
    stripeCustomerId: null,
    stripeSubscriptionId: null,
    quantity: 0,
    lastEventCreated: 0,
    trialWillEndAt: null,
    updatedAt: now,
  };
}

/** How billing is set up on this server. */
export interface BillingMode {
  /** False without `STRIPE_SECRET_KEY`: nothing is billed. */
  enabled: boolean;
  /** The plan everyone has when billing is off (`DEFAULT_PLAN`). */
  defaultPlan: PlanId;
}

/** What is in force now. */
export interface Standing {
  /** The plan whose limits and features apply now. */
  plan: PlanId;
  /** Why: a short state name for pages and the API. */
  state:
    | "unmanaged"
    | "trial"
    | "trial_expired"
    | "active"
    | "grace"
    | "grace_expired"
    | "canceling"
    | "canceled";
  /** A notice for admins, when there is something to act on. */
  banner: { kind: "trial" | "past_due" | "canceling"; until: number } | null;
}

/**
 * The plan in force for `record` at `now`.
 *
 * @example
 * ```ts
 * const r = newBillingRecord(Date.UTC(2026, 0, 1));
 * standing(r, Date.UTC(2026, 0, 5), { enabled: true, defaultPlan: "enterprise" }).plan; // "business"
 * standing(r, Date.UTC(2026, 0, 20), { enabled: true, defaultPlan: "enterprise" }).plan; // "free"
 * ```
 */
export function standing(record: BillingRecord, now: number, mode: BillingMode): Standing {
  if (!mode.enabled) return { plan: mode.defaultPlan, state: "unmanaged", banner: null };
  const periodOver = record.currentPeriodEnd !== null && now >= record.currentPeriodEnd;
  switch (record.status) {
    case "active":
    case "trialing":
      if (record.cancelAtPeriodEnd) {
        if (periodOver) return { plan: "free", state: "canceled", banner: null };
        return {
          plan: record.plan,
          state: "canceling",
          banner: { kind: "canceling", until: record.currentPeriodEnd ?? now },
        };
      }
      return { plan: record.plan, state: "active", banner: null };
    case "past_due":
    case "unpaid": {
      const since = record.pastDueSince ?? now;
      if (now < since + GRACE_MS) {
        return {
          plan: record.plan,
          state: "grace",
          banner: { kind: "past_due", until: since + GRACE_MS },
        };
      }
      return { plan: "free", state: "grace_expired", banner: null };
    }
    case "canceled":
    case "incomplete_expired":
    case "paused":
      return { plan: "free", state: "canceled", banner: null };
    case "none":
    case "incomplete":
      if (now < record.trialEndsAt) {
        return {
          plan: TRIAL_PLAN,
          state: "trial",
          banner: { kind: "trial", until: record.trialEndsAt },
        };
      }
      return { plan: "free", state: "trial_expired", banner: null };
  }
}
