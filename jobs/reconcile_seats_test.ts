/** Specification of the daily seat reconciliation (the function; the cron only calls it). */

import assert from "node:assert/strict";
import { Store } from "../lib/kv/mod.ts";
import { InlineTransport, type Job } from "../lib/jobs/jobs.ts";
import { Outbox } from "../lib/jobs/outbox.ts";
import { getBillingRecord } from "../lib/billing/entitlements.ts";
import type { SubscriptionStatus } from "../lib/billing/lifecycle.ts";
import { reconcileSeats } from "./reconcile_seats.ts";
import { signUpOrg, testApp } from "../tests/helpers.ts";

async function subscribe(
  store: Store,
  orgId: string,
  status: SubscriptionStatus,
  subscriptionId: string | null,
): Promise<void> {
  const scope = (await store.scopeForJob(orgId))!;
  const { record } = await getBillingRecord(scope);
  const next = { ...record, status, stripeSubscriptionId: subscriptionId };
  assert.ok(await scope.atomic().set(scope.key("billing"), next).commit());
}

Deno.test("the daily reconciliation enqueues sync_seats for every organization with a live subscription, and only those", async () => {
  const app = await testApp();
  try {
    const active = await signUpOrg(app);
    const pastDue = await signUpOrg(app);
    const canceled = await signUpOrg(app);
    const never = await signUpOrg(app);
    await subscribe(app.store, active.orgId, "active", "sub_1");
    await subscribe(app.store, pastDue.orgId, "past_due", "sub_2");
    await subscribe(app.store, canceled.orgId, "canceled", "sub_3");
    const ran: Job[] = [];
    const transport = new InlineTransport((job) => {
      ran.push(job);
      return Promise.resolve();
    });
    const outbox = new Outbox(app.store, transport, app.clock.now);
    const now = app.clock.now();

    const off = await reconcileSeats({
      store: app.store,
      billingEnabled: false,
      jobs: outbox.port(),
      now,
    });
    assert.deepEqual(off, [], "billing off: nothing to reconcile");
    assert.equal(ran.length, 0);

    const enqueued = await reconcileSeats({
      store: app.store,
      billingEnabled: true,
      jobs: outbox.port(),
      now,
    });
    assert.deepEqual(enqueued.sort(), [active.orgId, pastDue.orgId].sort());
    assert.deepEqual(ran.map((j) => j.kind), ["sync_seats", "sync_seats"]);
    assert.deepEqual(ran.map((j) => j.orgId).sort(), enqueued.sort());
    assert.deepEqual(await outbox.pending(), [], "handed off and cleared");
    assert.ok(!enqueued.includes(never.orgId) && !enqueued.includes(canceled.orgId));
  } finally {
    app.close();
  }
});
