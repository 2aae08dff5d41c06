/** Specification of applying Stripe events: the pure record update and the once-only commit. */

import assert from "node:assert/strict";
import { Store } from "../kv/mod.ts";
import { globalKeys } from "../kv/mod.ts";
import type { OrgScope } from "../kv/mod.ts";
import { type BillingRecord, newBillingRecord } from "./lifecycle.ts";
import type { BillingEvent, BillingGateway, SubscriptionSnapshot } from "./gateway.ts";
import { applyBillingEvent, applySubscription, planOfPrice, priceFor } from "./webhook.ts";
import { getBillingRecord } from "./entitlements.ts";
import { addBillingUpdate, linkStripeCustomer, STRIPE_EVENT_TTL_MS } from "./repository.ts";

const T0 = Date.UTC(2026, 10, 2, 8);
const S0 = T0 / 1000;
const PRICES = { team_monthly: "price_tm", team_yearly: "price_ty", business_monthly: "price_bm" };

function sub(patch: Partial<SubscriptionSnapshot> = {}): SubscriptionSnapshot {
  return {
    id: "sub_1",
    customerId: "cus_1",
    status: "active",
    cancelAtPeriodEnd: false,
    currentPeriodEnd: T0 + 30 * 86_400_000,
    trialEnd: null,
    created: S0,
    metadata: {},
    items: [{ id: "si_1", priceId: "price_tm", quantity: 4, currentPeriodEnd: null }],
    ...patch,
  };
}

function event(patch: Partial<BillingEvent> = {}): BillingEvent {
  return {
    id: `evt_${crypto.randomUUID().slice(0, 8)}`,
    type: "customer.subscription.updated",
    created: S0,
    livemode: false,
    customerId: "cus_1",
    subscriptionId: "sub_1",
    claimedOrgId: null,
    subscription: null,
    ...patch,
  };
}

Deno.test("prices map to plans and back through the configured table", () => {
  assert.equal(priceFor(PRICES, "team", "yearly"), "price_ty");
  assert.equal(priceFor(PRICES, "business", "yearly"), null);
  assert.deepEqual(planOfPrice(PRICES, "price_bm"), { plan: "business", interval: "monthly" });
  assert.equal(planOfPrice(PRICES, "price_unknown"), null);
});

Deno.test("applySubscription copies the subscription's state into the record", () => {
  const r = newBillingRecord(T0);
  const next = applySubscription(r, sub(), event(), PRICES, T0 + 5)!;
  assert.deepEqual(next, {
    ...r,
    plan: "team",
    interval: "monthly",
    status: "active",
    currentPeriodEnd: T0 + 30 * 86_400_000,
    cancelAtPeriodEnd: false,
    pastDueSince: null,
    stripeCustomerId: "cus_1",
    stripeSubscriptionId: "sub_1",
    quantity: 4,
    trialWillEndAt: null,
    lastEventCreated: S0,
    updatedAt: T0 + 5,
  });
});

Deno.test("an unknown price falls back to the subscription's metadata, then to the record", () => {
  const r = { ...newBillingRecord(T0), plan: "team" as const, interval: "yearly" as const };
  const items = [{ id: "si_1", priceId: "price_legacy", quantity: 1, currentPeriodEnd: null }];
  const meta = applySubscription(
    r,
    sub({ items, metadata: { plan: "business", interval: "monthly" } }),
    event(),
    PRICES,
    T0,
  )!;
  assert.equal(meta.plan, "business");
  const none = applySubscription(r, sub({ items }), event(), PRICES, T0)!;
  assert.deepEqual([none.plan, none.interval], ["team", "yearly"]);
});

Deno.test("pastDueSince is set when the subscription becomes past due, kept, and cleared when paid", () => {
  const active = applySubscription(newBillingRecord(T0), sub(), event(), PRICES, T0)!;
  const due = applySubscription(
    active,
    sub({ status: "past_due" }),
    event({ created: S0 + 100 }),
    PRICES,
    T0,
  )!;
  assert.equal(due.pastDueSince, (S0 + 100) * 1000);
  const stillDue = applySubscription(
    due,
    sub({ status: "unpaid" }),
    event({ created: S0 + 500 }),
    PRICES,
    T0,
  )!;
  assert.equal(stillDue.pastDueSince, (S0 + 100) * 1000, "the grace period does not restart");
  const paid = applySubscription(stillDue, sub(), event({ created: S0 + 900 }), PRICES, T0)!;
  assert.equal(paid.pastDueSince, null);
});

Deno.test("trial_will_end records the end of Stripe's trial; it is cleared after the trial", () => {
  const trialing = sub({ status: "trialing", trialEnd: T0 + 3 * 86_400_000 });
  const r = applySubscription(
    newBillingRecord(T0),
    trialing,
    event({ type: "customer.subscription.trial_will_end" }),
    PRICES,
    T0,
  )!;
  assert.equal(r.trialWillEndAt, T0 + 3 * 86_400_000);
  assert.equal(
    applySubscription(r, trialing, event(), PRICES, T0)!.trialWillEndAt,
    r.trialWillEndAt,
  );
  assert.equal(applySubscription(r, sub(), event(), PRICES, T0)!.trialWillEndAt, null);
});

Deno.test("another subscription replaces the linked one only when it is live and the linked one is not", () => {
  const linked = applySubscription(newBillingRecord(T0), sub(), event(), PRICES, T0)!;
  const other = sub({ id: "sub_2" });
  assert.equal(applySubscription(linked, other, event(), PRICES, T0), null, "linked one is live");
  const ended = { ...linked, status: "canceled" as const };
  assert.equal(applySubscription(ended, other, event(), PRICES, T0)!.stripeSubscriptionId, "sub_2");
  assert.equal(
    applySubscription(ended, sub({ id: "sub_3", status: "canceled" }), event(), PRICES, T0),
    null,
    "an old cancelled subscription never replaces anything",
  );
});

/** A gateway that answers subscriptions from a table (to play a lagging Stripe). */
function stubGateway(subs: Map<string, SubscriptionSnapshot>): BillingGateway {
  const no = () => Promise.reject(new Error("not used"));
  return {
    ensureCustomer: no,
    createCheckoutSession: no,
    createPortalSession: no,
    setSeatQuantity: no,
    verifyWebhook: no,
    retrieveSubscription: (id) => Promise.resolve(subs.get(id) ?? null),
    listSubscriptions: no,
  };
}

async function withOrg(
  fn: (store: Store, scope: OrgScope, subs: Map<string, SubscriptionSnapshot>) => Promise<void>,
) {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    await store.atomic().set(globalKeys.orgIndex(scope.orgId), T0).set(scope.key("profile"), {
      id: scope.orgId,
      createdAt: T0,
    }).commit();
    await fn(store, scope, new Map());
  } finally {
    store.close();
  }
}

Deno.test("an event older than the newest applied never overwrites the record, even if Stripe lags", async () => {
  await withOrg(async (store, scope, subs) => {
    await linkStripeCustomer(scope, "cus_1", "admin", T0);
    const deps = { store, gateway: stubGateway(subs), prices: PRICES, now: () => T0 + 1000 };
    subs.set("sub_1", sub({ status: "past_due" }));
    assert.deepEqual(await applyBillingEvent(deps, event({ created: S0 + 60 })), {
      result: "applied",
    });
    // A lagging read would say active; the older event must not bring it back.
    subs.set("sub_1", sub({ status: "active" }));
    assert.deepEqual(await applyBillingEvent(deps, event({ created: S0 + 30 })), {
      result: "stale",
    });
    const { record } = await getBillingRecord(scope);
    assert.equal(record.status, "past_due");
    assert.equal(record.lastEventCreated, S0 + 60);
    // The same second is not older: it applies.
    assert.equal((await applyBillingEvent(deps, event({ created: S0 + 60 }))).result, "applied");
  });
});

Deno.test("an event id is applied once; an expired mark (still stored) lets it apply again", async () => {
  await withOrg(async (store, scope, subs) => {
    await linkStripeCustomer(scope, "cus_1", "admin", T0);
    subs.set("sub_1", sub());
    let now = T0;
    const deps = { store, gateway: stubGateway(subs), prices: PRICES, now: () => now };
    const e = event();
    assert.equal((await applyBillingEvent(deps, e)).result, "applied");
    assert.equal((await applyBillingEvent(deps, e)).result, "duplicate");
    const results = await Promise.all(
      Array.from({ length: 5 }, () => applyBillingEvent(deps, event({ id: "evt_same" }))),
    );
    assert.equal(results.filter((r) => r.result === "applied").length, 1, JSON.stringify(results));
    // The KV expiry is lazy; the value's own expiry decides.
    now = T0 + STRIPE_EVENT_TTL_MS + 1;
    assert.equal((await applyBillingEvent(deps, e)).result, "applied");
  });
});

Deno.test("metadata names an organization only when its record names the same customer", async () => {
  await withOrg(async (store, scope, subs) => {
    subs.set("sub_1", sub({ customerId: "cus_9" }));
    const deps = { store, gateway: stubGateway(subs), prices: PRICES, now: () => T0 };
    const claim = event({ customerId: "cus_9", claimedOrgId: scope.orgId });
    assert.deepEqual(await applyBillingEvent(deps, claim), {
      result: "ignored",
      reason: "unknown_customer",
    });
    assert.equal((await getBillingRecord(scope)).versionstamp, null, "nothing written");

    // The record names cus_9 but the pointer is missing (e.g. restored from a backup).
    const current = await getBillingRecord(scope);
    const op = store.atomic();
    addBillingUpdate(op, scope, current, { ...current.record, stripeCustomerId: "cus_9" }, "x", T0);
    assert.ok(await op.commit());
    assert.equal(
      (await applyBillingEvent(deps, event({ ...claim, id: "evt_2" }))).result,
      "applied",
    );
    const pointer = await store.get<string>(globalKeys.stripeCustomer("cus_9"));
    assert.equal(pointer.value, scope.orgId, "the pointer is restored in the same commit");
  });
});

Deno.test("events without a customer or subscription, or of unknown types, are ignored", async () => {
  await withOrg(async (store, scope, subs) => {
    await linkStripeCustomer(scope, "cus_1", "admin", T0);
    const deps = { store, gateway: stubGateway(subs), prices: PRICES, now: () => T0 };
    assert.equal(
      (await applyBillingEvent(deps, event({ type: "charge.refunded" }))).reason,
      "unhandled_type",
    );
    assert.equal(
      (await applyBillingEvent(deps, event({ customerId: null }))).reason,
      "no_customer",
    );
    assert.equal(
      (await applyBillingEvent(deps, event({ subscriptionId: null }))).reason,
      "no_subscription",
    );
    assert.equal((await applyBillingEvent(deps, event())).reason, "no_subscription", "unknown sub");
    // Stripe no longer knows it, but the event carries it: deleted subscriptions still apply.
    const gone = sub({ status: "canceled" });
    const deleted = event({ type: "customer.subscription.deleted", subscription: gone });
    assert.equal((await applyBillingEvent(deps, deleted)).result, "applied");
    const record: BillingRecord = (await getBillingRecord(scope)).record;
    assert.equal(record.status, "canceled");
  });
});
