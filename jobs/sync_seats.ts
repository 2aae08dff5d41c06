/**
 * `sync_seats`: make the subscription's quantity equal to the organization's active members on
 * per-member plans, with prorations. Idempotent: it compares before it changes anything, and
 * its change carries an idempotency key made of the job id and the quantity, so a redelivered
 * job never changes anything twice.
 *
 * Two jobs of one organization may run at once and read different counts; each one reads the
 * count again after its change and goes round again when it moved, so the last change made
 * always matches the count read after it.
 *
 * @module
 */

import type { Store } from "../lib/kv/mod.ts";
import type { SyncSeatsJob } from "../lib/jobs/jobs.ts";
import type { BillingGateway } from "../lib/billing/gateway.ts";
import { getBillingRecord } from "../lib/billing/entitlements.ts";
import { isLive } from "../lib/billing/webhook.ts";
import { seatsFor } from "../lib/billing/checkout.ts";
import { PLANS } from "../lib/billing/plans.ts";

/** What the job needs. */
export interface SyncSeatsDeps {
  store: Store;
  billing: BillingGateway | null;
}

/** What the job did. */
export type SyncSeatsResult =
  | { result: "updated"; quantity: number }
  | { result: "unchanged"; quantity: number }
  | { result: "skipped"; reason: string };

/** Rounds before giving up on a count that keeps moving (the job is then retried). */
const ROUNDS = 3;

/** Run one `sync_seats` job. */
export async function syncSeats(deps: SyncSeatsDeps, job: SyncSeatsJob): Promise<SyncSeatsResult> {
  if (!deps.billing) return { result: "skipped", reason: "billing_disabled" };
  const scope = await deps.store.scopeForJob(job.orgId);
  if (!scope) return { result: "skipped", reason: "unknown_organization" };
  let updated = false;
  for (let round = 0; round < ROUNDS; round++) {
    const { record } = await getBillingRecord(scope);
    if (!record.stripeSubscriptionId || !isLive(record.status)) {
      return { result: "skipped", reason: "no_subscription" };
    }
    if (!PLANS[record.plan].perMember) return { result: "skipped", reason: "flat_plan" };
    const wanted = await seatsFor(scope, record.plan);
    const sub = await deps.billing.retrieveSubscription(record.stripeSubscriptionId);
    const item = sub?.items[0];
    if (!sub || !item || !isLive(sub.status) || sub.customerId !== record.stripeCustomerId) {
      return { result: "skipped", reason: "no_subscription" };
    }
    if (item.quantity === wanted) {
      return { result: updated ? "updated" : "unchanged", quantity: wanted };
    }
    await deps.billing.setSeatQuantity({
      subscriptionId: sub.id,
      itemId: item.id,
      quantity: wanted,
      idempotencyKey: `clockflow-seats-${job.id}-${wanted}`,
    });
    updated = true;
    if ((await seatsFor(scope, record.plan)) === wanted) {
      return { result: "updated", quantity: wanted };
    }
  }
  throw new Error(`sync_seats ${job.orgId}: the member count kept changing; retry later`);
}
