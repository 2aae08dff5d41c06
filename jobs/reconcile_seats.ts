/**
 * The daily seat reconciliation: a `sync_seats` job for every organization with a live Stripe
 * subscription, so a seat change whose own job was lost or failed is corrected within a day.
 * `main.ts` runs it from a daily `Deno.cron`; each job compares before it changes anything
 * (`jobs/sync_seats.ts`), so a reconciliation that finds nothing to do changes nothing.
 *
 * @module
 */

import type { Store } from "../lib/kv/mod.ts";
import { syncSeatsJob } from "../lib/jobs/jobs.ts";
import type { JobPort } from "../lib/jobs/outbox.ts";
import { getBillingRecord } from "../lib/billing/entitlements.ts";
import { isLive } from "../lib/billing/webhook.ts";

/** Jobs written per commit (each is one outbox key; KV allows 1000 mutations). */
const PER_COMMIT = 100;

/**
 * Put a `sync_seats` job into the outbox for every organization whose subscription is live,
 * then hand them off. Does nothing while billing is off. Returns the organizations enqueued.
 *
 * @example
 * ```ts
 * Deno.cron("reconcile seats", "17 3 * * *", () =>
 *   reconcileSeats({ store, billingEnabled: !!billing, jobs: outbox.port(), now: Date.now() }));
 * ```
 */
export async function reconcileSeats(
  deps: { store: Store; billingEnabled: boolean; jobs: JobPort; now: number },
): Promise<string[]> {
  if (!deps.billingEnabled) return [];
  const enqueued: string[] = [];
  let op = deps.store.atomic();
  let inOp = 0;
  for await (const scope of deps.store.allOrgScopes()) {
    const { record } = await getBillingRecord(scope);
    if (!record.stripeSubscriptionId || !isLive(record.status)) continue;
    deps.jobs.add(op, syncSeatsJob(scope.orgId, deps.now));
    enqueued.push(scope.orgId);
    if (++inOp === PER_COMMIT) {
      if (!(await op.commit())) throw new Error("reconcile seats: an outbox commit failed");
      op = deps.store.atomic();
      inOp = 0;
    }
  }
  if (inOp && !(await op.commit())) throw new Error("reconcile seats: an outbox commit failed");
  await deps.jobs.dispatch();
  return enqueued;
}
