/**
 * Storage of billing: the organization's {@linkcode BillingRecord} at `["org", orgId, "billing"]`,
 * the global Stripe customer pointer (`["stripe_customer", customerId]` → orgId) and the applied
 * Stripe event ids (`["stripe_event", eventId]`). Every record change is one atomic commit,
 * checked against the versionstamp it was planned from and audited as `billing.update` with
 * before and after; a webhook event's id is recorded in the very commit that applies it.
 *
 * @module
 */

import { type Atomic, globalKeys, type OrgScope, type Store } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import type { Principal } from "../principal.ts";
import { getBillingRecord } from "./entitlements.ts";
import type { BillingRecord } from "./lifecycle.ts";

/** How long an applied Stripe event id is remembered (Stripe retries for up to 3 days). */
export const STRIPE_EVENT_TTL_MS = 30 * 24 * 3600 * 1000;
/** The actor of changes made by Stripe webhooks, in audit records. */
export const STRIPE_ACTOR = "stripe";
/** Attempts at a commit that lost a race before giving up (the caller answers 500: retry). */
const ATTEMPTS = 5;

/** What is remembered of an applied Stripe event. */
export interface StripeEventMark {
  orgId: string;
  type: string;
  /** What the event did: changed the record, or nothing (older than the record). */
  outcome: "applied" | "stale";
  appliedAt: number;
  /** When the mark stops counting (also the KV expiry, which is swept lazily). */
  expiresAt: number;
}

/**
 * Add the audited writes of replacing the billing record read at `versionstamp` by `next`.
 * `actor` is who acts: a principal (`ctx.principal`), or an actor id such as
 * {@linkcode STRIPE_ACTOR}.
 */
export function addBillingUpdate(
  op: Atomic,
  scope: OrgScope,
  current: { record: BillingRecord; versionstamp: string | null },
  next: BillingRecord,
  actor: string | Principal,
  now: number,
  reason: string | null = null,
): Atomic {
  op.check(scope.key("billing"), current.versionstamp).set(scope.key("billing"), next);
  return addAudit(op, scope, {
    ...(typeof actor === "string" ? { actorId: actor } : { principal: actor }),
    action: "billing.update",
    entity: { kind: "billing", id: scope.orgId },
    reason,
    before: current.versionstamp === null ? null : current.record,
    after: next,
  }, now);
}

/**
 * Record `customerId` as the organization's Stripe customer: the billing record and the global
 * pointer the webhook finds the tenant by, in one commit. Returns the customer id in force
 * (another request may have linked one first; then that one is kept).
 */
export async function linkStripeCustomer(
  scope: OrgScope,
  customerId: string,
  actor: string | Principal,
  now: number,
): Promise<string> {
  const pointer = globalKeys.stripeCustomer(customerId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await getBillingRecord(scope);
    if (current.record.stripeCustomerId === customerId) return customerId;
    const next: BillingRecord = { ...current.record, stripeCustomerId: customerId, updatedAt: now };
    // The pointer must be new: a customer that another organization owns fails this check on
    // every attempt (a scope reads no global key, so the check is the test).
    const op = scope.atomic()
      .check(pointer, null)
      .set(pointer, scope.orgId);
    addBillingUpdate(op, scope, current, next, actor, now, "Stripe customer created");
    if (await op.commit()) return customerId;
  }
  throw new Error(`Stripe customer ${customerId} could not be linked to ${scope.orgId}`);
}

/** The live mark of `eventId`, or null (never applied, or its mark expired). */
export async function appliedStripeEvent(
  store: Store,
  eventId: string,
  now: number,
): Promise<StripeEventMark | null> {
  const e = await store.get<StripeEventMark>(globalKeys.stripeEvent(eventId));
  return e.value && e.value.expiresAt > now ? e.value : null;
}

/** What a webhook event does to the record it is applied to. */
export type EventDecision =
  | { outcome: "applied"; next: BillingRecord }
  | { outcome: "stale" };

/**
 * Apply Stripe event `event` to the organization of `scope` exactly once: read the record,
 * `decide` what the event does to it, and commit the change together with the event's mark
 * (absent before, by check) and the customer pointer when it is missing. A lost race re-reads
 * and decides again. Returns `duplicate` when the event was applied before. `effects` adds what
 * the event causes (a `notify` job) to the same commit, whatever the decision.
 *
 * @throws Error when the commit keeps losing races (answer 500 so that Stripe retries).
 */
export async function commitStripeEvent(
  store: Store,
  scope: OrgScope,
  event: { id: string; type: string; customerId: string },
  decide: (record: BillingRecord) => EventDecision,
  now: number,
  effects: (op: Atomic, decision: EventDecision) => void = () => {},
): Promise<"applied" | "stale" | "duplicate"> {
  const markKey = globalKeys.stripeEvent(event.id);
  const pointer = globalKeys.stripeCustomer(event.customerId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [mark, owner] = await store.getMany<StripeEventMark | string>([markKey, pointer]);
    const live = mark.value as StripeEventMark | null;
    if (live && live.expiresAt > now) return "duplicate";
    const current = await getBillingRecord(scope);
    const decision = decide(current.record);
    const value: StripeEventMark = {
      orgId: scope.orgId,
      type: event.type,
      outcome: decision.outcome,
      appliedAt: now,
      expiresAt: now + STRIPE_EVENT_TTL_MS,
    };
    // An expired mark may still be stored (expiry is swept lazily): check what was read.
    const op = store.atomic()
      .check(markKey, mark.versionstamp)
      .set(markKey, value, { expireIn: STRIPE_EVENT_TTL_MS });
    if (owner.value === null) op.check(pointer, null).set(pointer, scope.orgId);
    if (decision.outcome === "applied") {
      addBillingUpdate(op, scope, current, decision.next, STRIPE_ACTOR, now, event.type);
    } else {
      op.check(scope.key("billing"), current.versionstamp);
    }
    effects(op, decision);
    if (await op.commit()) return decision.outcome;
  }
  throw new Error(`Stripe event ${event.id}: the billing record kept changing; retry`);
}
