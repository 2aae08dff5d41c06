/**
 * Billing with Stripe, end to end: the real `stripe` SDK pointed at a loopback fake of Stripe's
 * API (`STRIPE_API_BASE`), webhook events built as Stripe builds them and signed with
 * `generateTestHeaderStringAsync`, background jobs run inline, and the app's clock moved by hand.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { createStripeGateway } from "../../lib/billing/stripe.ts";
import { InlineTransport } from "../../lib/jobs/jobs.ts";
import { createJobHandler } from "../../jobs/mod.ts";
import { entitlementsOf, getBillingRecord } from "../../lib/billing/entitlements.ts";
import type { BillingRecord } from "../../lib/billing/lifecycle.ts";
import { GRACE_MS, TRIAL_MS } from "../../lib/billing/lifecycle.ts";
import { globalKeys } from "../../lib/kv/mod.ts";
import type { AppDeps } from "../../routes/context.ts";
import { addMemberWithLogin, Client, signUpOrg, type TestApp } from "../helpers.ts";
import { type FakeEvent, FakeStripe } from "../fakes/stripe.ts";
import {
  addMember,
  assertApiError,
  assertSameSnapshot,
  DAY,
  PASSWORD,
  snapshot,
  withApp,
} from "./support.ts";

const PRICES = {
  price_team_monthly: { unitAmount: 400, interval: "month" as const, product: "team" },
  price_team_yearly: { unitAmount: 4000, interval: "year" as const, product: "team" },
  price_business_monthly: { unitAmount: 700, interval: "month" as const, product: "business" },
  price_enterprise_monthly: { unitAmount: 1200, interval: "month" as const, product: "ent" },
};

interface BillingWorld {
  app: TestApp;
  fake: FakeStripe;
  jobs: InlineTransport;
}

/** Run `fn` with billing on: the app, a fake Stripe on the app's clock, inline jobs. */
async function withBilling(
  fn: (w: BillingWorld) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  let app: TestApp | null = null;
  const fake = FakeStripe.start({ now: () => app!.clock.ms, prices: PRICES });
  try {
    const config = loadConfig({
      KV_PATH: ":memory:",
      STRIPE_SECRET_KEY: fake.secretKey,
      STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
      STRIPE_API_BASE: fake.url,
      STRIPE_PRICE_TEAM_MONTHLY: "price_team_monthly",
      STRIPE_PRICE_TEAM_YEARLY: "price_team_yearly",
      STRIPE_PRICE_BUSINESS_MONTHLY: "price_business_monthly",
      STRIPE_PRICE_ENTERPRISE_MONTHLY: "price_enterprise_monthly",
      ...env,
    });
    const jobs = new InlineTransport();
    const overrides: Partial<AppDeps> = {
      config,
      billing: createStripeGateway(config.stripe!, { maxNetworkRetries: 0 }),
      jobs,
    };
    await withApp(async (a) => {
      app = a;
      jobs.setHandler(createJobHandler(a.deps));
      await fn({ app: a, fake, jobs });
      assert.deepEqual(jobs.failures, [], "no background job failed");
    }, overrides);
  } finally {
    await fake.close();
  }
}

/** Deliver `event` to the webhook, signed like Stripe signs it. */
async function deliver(w: BillingWorld, event: FakeEvent, options: { secret?: string } = {}) {
  const { payload, signature } = await w.fake.sign(event, options);
  return await post(w.app, payload, signature);
}

async function post(app: TestApp, payload: string, signature: string | null) {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
  if (signature !== null) headers.set("stripe-signature", signature);
  const res = await app.fetch(
    new Request("http://localhost/api/stripe/webhook", { method: "POST", headers, body: payload }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Deliver each event in order, expecting 200. */
async function deliverAll(w: BillingWorld, events: FakeEvent[]): Promise<void> {
  for (const e of events) {
    const res = await deliver(w, e);
    assert.equal(res.status, 200, `${e.type}: ${JSON.stringify(res.body)}`);
  }
}

/** Sign in again (sessions last 14 days; these tests move the clock by weeks). */
async function signInAgain(client: Client, email: string): Promise<void> {
  const res = await client.json("POST", "/api/v1/session", { email, password: PASSWORD });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** The organization's billing record. */
async function recordOf(app: TestApp, adminId: string, orgId: string): Promise<BillingRecord> {
  const scope = await app.store.scopeForMember(adminId, orgId);
  assert.ok(scope);
  return (await getBillingRecord(scope)).record;
}

/** The organization's standing now. */
async function standingOf(app: TestApp, adminId: string, orgId: string) {
  const record = await recordOf(app, adminId, orgId);
  return entitlementsOf(record, [], app.clock.ms, {
    enabled: app.deps.config.stripe !== null,
    defaultPlan: app.deps.config.defaultPlan,
  }).standing;
}

/** How many `billing.update` audit records the organization has. */
async function billingAudits(app: TestApp, adminId: string, orgId: string): Promise<number> {
  const scope = (await app.store.scopeForMember(adminId, orgId))!;
  let n = 0;
  for await (const _ of app.store.list(scope.key("audit_by_entity", "billing", orgId))) n++;
  return n;
}

/** Subscribe `org` to `plan` through Checkout and deliver Stripe's events. */
async function subscribe(
  w: BillingWorld,
  admin: Client,
  orgId: string,
  plan = "team",
  interval = "monthly",
) {
  const res = await admin.json("POST", `/api/v1/orgs/${orgId}/billing/checkout`, {
    plan,
    interval,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const sessionId = new URL(res.body.url).pathname.split("/").pop()!;
  const done = w.fake.completeCheckout(sessionId);
  await deliverAll(w, done.events);
  return done;
}

Deno.test("checkout: one Stripe customer per organization, with the organization id in its metadata", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app, "Acme Billing");
    const path = `/api/v1/orgs/${a.orgId}/billing/checkout`;
    const first = await a.client.json("POST", path, { plan: "team", interval: "monthly" });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const again = await a.client.json("POST", path, { plan: "business", interval: "monthly" });
    assert.equal(again.status, 200);
    const portal = await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/portal`);
    assert.equal(portal.status, 200);

    const creates = w.fake.requestsTo("POST", "/v1/customers");
    assert.equal(creates.length, 1, "created once; later requests reuse it");
    assert.deepEqual(creates[0].params, { name: "Acme Billing", metadata: { orgId: a.orgId } });
    assert.equal(creates[0].idempotencyKey, `clockflow-customer-${a.orgId}`);
    const [customer] = [...w.fake.customers.values()];
    assert.equal(customer.metadata.orgId, a.orgId);
    const record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.stripeCustomerId, customer.id);
    const pointer = await w.app.store.get<string>(globalKeys.stripeCustomer(customer.id));
    assert.equal(pointer.value, a.orgId, "the webhook finds the org by its customer");
    assert.equal(
      w.fake.requestsTo("GET", `/v1/customers/${customer.id}`).length,
      2,
      "the stored customer is checked, not recreated",
    );

    const b = await signUpOrg(w.app, "Other Org");
    await b.client.json("POST", `/api/v1/orgs/${b.orgId}/billing/portal`);
    assert.equal(w.fake.requestsTo("POST", "/v1/customers").length, 2, "one per organization");
    assert.equal(
      w.fake.requestsTo("POST", "/v1/customers")[1].params.metadata.orgId,
      b.orgId,
    );

    const audits = await billingAudits(w.app, a.userId, a.orgId);
    assert.equal(audits, 1, "linking the customer is audited once");
  });
});

Deno.test("checkout: a session for the plan's price, one seat per active member, metadata and return URLs", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    await addMemberWithLogin(w.app, a.client, a.orgId);
    const gone = await addMember(a.client, a.orgId, { name: "Leaver", role: "employee" });
    await addMember(a.client, a.orgId, { name: "Kiosk only", role: "employee" });
    const off = await a.client.json("PATCH", `/api/v1/orgs/${a.orgId}/members/${gone.id}`, {
      active: false,
    });
    assert.equal(off.status, 200);

    const res = await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/checkout`, {
      plan: "team",
      interval: "yearly",
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body), ["url"]);
    assert.match(res.body.url, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);

    const [req] = w.fake.requestsTo("POST", "/v1/checkout/sessions");
    const meta = { orgId: a.orgId, plan: "team", interval: "yearly" };
    assert.deepEqual(req.params, {
      mode: "subscription",
      customer: [...w.fake.customers.keys()][0],
      client_reference_id: a.orgId,
      line_items: [{ price: "price_team_yearly", quantity: "3" }],
      metadata: meta,
      subscription_data: { metadata: meta },
      success_url:
        `http://localhost/o/${a.orgId}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://localhost/o/${a.orgId}/billing?checkout=canceled`,
    });
    assert.equal(req.stripeVersion, "2026-10-28.endive");
    assert.ok(req.idempotencyKey, "the SDK sends an Idempotency-Key");
  });
});

Deno.test("checkout: return URLs use PUBLIC_URL when it is set", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/checkout`, {
      plan: "business",
      interval: "monthly",
    });
    const [req] = w.fake.requestsTo("POST", "/v1/checkout/sessions");
    assert.equal(
      req.params.cancel_url,
      `https://clock.example.com/o/${a.orgId}/billing?checkout=canceled`,
    );
    assert.equal(req.params.line_items[0].quantity, "1");
  }, { PUBLIC_URL: "https://clock.example.com" });
});

Deno.test("checkout and portal refuse bad input, non-admins and unconfigured prices", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const manager = await addMemberWithLogin(w.app, a.client, a.orgId, "manager");
    const employee = await addMemberWithLogin(w.app, a.client, a.orgId, "employee");
    const base = `/api/v1/orgs/${a.orgId}/billing`;
    const before = await snapshot(w.app.store);
    for (
      const body of [
        { plan: "free", interval: "monthly" },
        { plan: "platinum", interval: "monthly" },
        { plan: "team", interval: "weekly" },
        { plan: "team" },
        { plan: "team", interval: "monthly", quantity: 9 },
        {},
      ]
    ) {
      assertApiError(
        await a.client.json("POST", `${base}/checkout`, body),
        400,
        "validation_failed",
      );
    }
    for (const who of [manager.client, employee.client]) {
      const body = { plan: "team", interval: "monthly" };
      assertApiError(await who.json("POST", `${base}/checkout`, body), 403, "forbidden");
      assertApiError(await who.json("POST", `${base}/portal`), 403, "forbidden");
    }
    assertSameSnapshot(before, await snapshot(w.app.store));
    assert.equal(w.fake.requests.length, 0, "Stripe was not called");

    const missing = await a.client.json("POST", `${base}/checkout`, {
      plan: "business",
      interval: "yearly",
    });
    assertApiError(missing, 422, "price_not_configured");
    assert.deepEqual(missing.body.error.details, { env: "STRIPE_PRICE_BUSINESS_YEARLY" });
  });
});

Deno.test("portal: a session for the organization's customer that returns to the billing page", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const res = await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/portal`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body), ["url"]);
    assert.match(res.body.url, /^https:\/\/billing\.stripe\.com\/p\/session\//);
    const [req] = w.fake.requestsTo("POST", "/v1/billing_portal/sessions");
    assert.deepEqual(req.params, {
      customer: [...w.fake.customers.keys()][0],
      return_url: `http://localhost/o/${a.orgId}/billing`,
    });
  });
});

Deno.test("no second subscription while the first one's webhook is still on its way", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const base = `/api/v1/orgs/${a.orgId}/billing/checkout`;
    const first = await a.client.json("POST", base, { plan: "team", interval: "monthly" });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    // The admin pays; Stripe has the subscription, but no event has reached us yet.
    w.fake.completeCheckout(new URL(first.body.url).pathname.split("/").pop()!);
    const before = await snapshot(w.app.store);

    const again = await a.client.json("POST", base, { plan: "team", interval: "monthly" });
    assertApiError(again, 409, "already_subscribed");
    const change = await a.client.json("POST", base, { plan: "business", interval: "monthly" });
    assert.equal(change.status, 200, JSON.stringify(change.body));
    assert.match(
      change.body.url,
      /^https:\/\/billing\.stripe\.com\//,
      "a plan change, not a checkout",
    );
    assert.equal(w.fake.requestsTo("POST", "/v1/checkout/sessions").length, 1, "one checkout only");
    assertSameSnapshot(before, await snapshot(w.app.store), "nothing stored meanwhile");
  });
});

Deno.test("changing plan while subscribed goes through the portal's prorated plan-change confirmation", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const { subscription } = await subscribe(w, a.client, a.orgId, "team", "monthly");
    const base = `/api/v1/orgs/${a.orgId}/billing/checkout`;
    const same = await a.client.json("POST", base, { plan: "team", interval: "monthly" });
    assertApiError(same, 409, "already_subscribed");

    const res = await a.client.json("POST", base, { plan: "business", interval: "monthly" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body.url, /^https:\/\/billing\.stripe\.com\//);
    assert.equal(
      w.fake.requestsTo("POST", "/v1/checkout/sessions").length,
      1,
      "no second checkout",
    );
    const [req] = w.fake.requestsTo("POST", "/v1/billing_portal/sessions");
    assert.deepEqual(req.params.flow_data, {
      type: "subscription_update_confirm",
      subscription_update_confirm: {
        subscription: subscription.id,
        items: [{
          id: subscription.items.data[0].id,
          price: "price_business_monthly",
          quantity: "1",
        }],
      },
      after_completion: {
        type: "redirect",
        redirect: { return_url: `http://localhost/o/${a.orgId}/billing?plan=changed` },
      },
    });

    // The admin confirms in the portal; Stripe changes the price and tells us.
    await deliverAll(
      w,
      w.fake.updateSubscription(subscription.id, { price: "price_business_monthly" }),
    );
    const record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.plan, "business");
    assert.equal(record.interval, "monthly");

    // Past due: fix the payment first.
    w.app.clock.advance(40 * 24 * 3600);
    await deliverAll(w, w.fake.renew(subscription.id, { paid: false }));
    await signInAgain(a.client, a.email);
    assertApiError(
      await a.client.json("POST", base, { plan: "enterprise", interval: "monthly" }),
      409,
      "payment_past_due",
    );
  });
});

Deno.test("seats: the quantity follows active members with prorations on per-member plans", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    await addMemberWithLogin(w.app, a.client, a.orgId);
    const { subscription } = await subscribe(w, a.client, a.orgId, "team", "monthly");
    assert.equal(subscription.items.data[0].quantity, 2);
    const updates = () => w.fake.requestsTo("POST", `/v1/subscriptions/${subscription.id}`);

    const added = await addMember(a.client, a.orgId, { name: "New hire", role: "employee" });
    assert.equal(updates().length, 1);
    assert.deepEqual(updates()[0].params, {
      items: [{ id: subscription.items.data[0].id, quantity: "3" }],
      proration_behavior: "create_prorations",
    });
    assert.match(updates()[0].idempotencyKey ?? "", /^clockflow-seats-[0-9A-Z]{26}-3$/);
    assert.equal(w.fake.subscriptions.get(subscription.id)!.items.data[0].quantity, 3);

    // Stripe tells us about the change; the record follows.
    await deliverAll(w, [w.fake.events.at(-1)!]);
    assert.equal((await recordOf(w.app, a.userId, a.orgId)).quantity, 3);

    const member = `/api/v1/orgs/${a.orgId}/members/${added.id}`;
    assert.equal((await a.client.json("PATCH", member, { active: false })).status, 200);
    assert.equal(updates().length, 2);
    assert.equal(updates()[1].params.items[0].quantity, "2");

    // Role and pay changes do not change seats: no call to Stripe's update.
    assert.equal((await a.client.json("PATCH", member, { role: "manager" })).status, 200);
    assert.equal((await a.client.json("PATCH", member, { hourlyRateCents: 2500 })).status, 200);
    assert.equal(updates().length, 2);
    // Deactivating an inactive member changes nothing either.
    assert.equal((await a.client.json("PATCH", member, { active: false })).status, 200);
    assert.equal(updates().length, 2, "the job compares before it changes anything");

    // The members page form does the same as the API.
    const form = await a.client.request(
      "POST",
      `/o/${a.orgId}/members`,
      new URLSearchParams({ intent: "add", name: "Form hire", role: "employee" }).toString(),
      { "content-type": "application/x-www-form-urlencoded" },
    );
    assert.equal(form.status, 303);
    assert.equal(updates().length, 3);
    assert.equal(updates()[2].params.items[0].quantity, "3");
    const reactivate = await a.client.request(
      "POST",
      `/o/${a.orgId}/members`,
      new URLSearchParams({ intent: "active", userId: added.id, active: "true" }).toString(),
      { "content-type": "application/x-www-form-urlencoded" },
    );
    assert.equal(reactivate.status, 303);
    assert.equal(updates().length, 4);
    assert.equal(updates()[3].params.items[0].quantity, "4");

    // A redelivered job (same id) changes nothing twice.
    const last = w.jobs.enqueued.at(-1)!;
    await w.jobs.enqueue(last);
    assert.equal(updates().length, 4);
  });
});

Deno.test("seats: organizations without a subscription never call Stripe's subscription API", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const m = await addMember(a.client, a.orgId, { name: "Trial hire", role: "employee" });
    await a.client.json("PATCH", `/api/v1/orgs/${a.orgId}/members/${m.id}`, { active: false });
    // (Sign-up also enqueued its verification mail: count the seat syncs only.)
    const syncs = w.jobs.enqueued.filter((j) => j.kind === "sync_seats");
    assert.equal(syncs.length, 2, "each change enqueued a sync");
    assert.equal(w.fake.requestsTo("GET", /^\/v1\/subscriptions\//).length, 0);
    assert.equal(w.fake.requestsTo("POST", /^\/v1\/subscriptions\//).length, 0);

    // Cancelled subscriptions are left alone too.
    const { subscription } = await subscribe(w, a.client, a.orgId);
    await deliverAll(w, w.fake.endSubscription(subscription.id));
    await addMember(a.client, a.orgId, { name: "After cancel", role: "employee" });
    assert.equal(w.fake.requestsTo("POST", /^\/v1\/subscriptions\//).length, 0);
  });
});

Deno.test("webhook: a bad signature is refused with 400 and changes nothing", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/portal`);
    const customerId = [...w.fake.customers.keys()][0];
    const { subscription, events } = w.fake.createSubscription(customerId, {
      price: "price_team_monthly",
    });
    assert.ok(subscription);
    const before = await snapshot(w.app.store);
    const event = events[0];
    const good = await w.fake.sign(event);

    const cases: [string, string, string | null][] = [
      [
        "wrong secret",
        good.payload,
        (await w.fake.sign(event, { secret: "whsec_other" })).signature,
      ],
      ["tampered body", good.payload.replace(customerId, "cus_attacker"), good.signature],
      ["missing header", good.payload, null],
      ["garbage header", good.payload, "t=1,v1=deadbeef"],
      [
        "replayed after 10 minutes",
        good.payload,
        (await w.fake.sign(event, { timestamp: Math.floor(w.app.clock.ms / 1000) - 600 }))
          .signature,
      ],
      ["not JSON", "not json", (await w.fake.sign("not json")).signature],
    ];
    for (const [what, payload, signature] of cases) {
      const res = await post(w.app, payload, signature);
      assertApiError(res, 400, "invalid_signature");
      assert.ok(res.status === 400, what);
    }
    assertSameSnapshot(before, await snapshot(w.app.store));

    const ok = await post(w.app, good.payload, good.signature);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { received: true });
  });
});

Deno.test("webhook: unknown event types are acknowledged and ignored", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/portal`);
    const before = await snapshot(w.app.store);
    const customer = [...w.fake.customers.values()][0];
    for (const type of ["customer.updated", "charge.succeeded", "made.up.type"]) {
      const res = await deliver(w, w.fake.buildEvent(type, customer));
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { received: true, ignored: true, reason: "unhandled_type" });
    }
    assertSameSnapshot(before, await snapshot(w.app.store));
  });
});

Deno.test("webhook: a redelivered event is applied once", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const res = await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/checkout`, {
      plan: "team",
      interval: "monthly",
    });
    const done = w.fake.completeCheckout(new URL(res.body.url).pathname.split("/").pop()!);
    const completed = done.events.at(-1)!;
    const audits = await billingAudits(w.app, a.userId, a.orgId);

    const first = await deliver(w, completed);
    assert.deepEqual(first.body, { received: true });
    assert.equal(await billingAudits(w.app, a.userId, a.orgId), audits + 1);
    const after = await snapshot(w.app.store);
    const again = await deliver(w, completed);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { received: true, duplicate: true });
    assertSameSnapshot(after, await snapshot(w.app.store), "a duplicate changes nothing");

    // Many deliveries at once: still one change.
    const renewal = w.fake.renew(done.subscription.id, { paid: false })[0];
    const results = await Promise.all(Array.from({ length: 6 }, () => deliver(w, renewal)));
    assert.ok(results.every((r) => r.status === 200), JSON.stringify(results.map((r) => r.body)));
    assert.equal(results.filter((r) => !r.body.duplicate).length, 1, "exactly one applied");
    assert.equal(await billingAudits(w.app, a.userId, a.orgId), audits + 2);

    const mark = await w.app.store.get<{ expiresAt: number; orgId: string }>(
      globalKeys.stripeEvent(renewal.id),
    );
    assert.equal(mark.value?.orgId, a.orgId);
    assert.equal(mark.value?.expiresAt, w.app.clock.ms + 30 * DAY, "kept 30 days");
  });
});

Deno.test("webhook: events out of order never overwrite newer state", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const res = await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/checkout`, {
      plan: "team",
      interval: "monthly",
    });
    const done = w.fake.completeCheckout(new URL(res.body.url).pathname.split("/").pop()!);
    const created = done.events.find((e) => e.type === "customer.subscription.created")!;

    // `updated` arrives before `created`.
    w.app.clock.advance(60);
    const [updated] = w.fake.updateSubscription(done.subscription.id, {
      cancel_at_period_end: true,
    });
    assert.deepEqual((await deliver(w, updated)).body, { received: true });
    let record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.status, "active");
    assert.equal(record.cancelAtPeriodEnd, true);
    assert.equal(record.lastEventCreated, updated.created);
    assert.deepEqual((await deliver(w, created)).body, { received: true, stale: true });
    assert.deepEqual(await recordOf(w.app, a.userId, a.orgId), record, "created changed nothing");

    // An old `active` arrives after a newer `past_due`.
    w.app.clock.advance(60);
    const [reactivated] = w.fake.updateSubscription(done.subscription.id, {
      cancel_at_period_end: false,
    });
    w.app.clock.advance(31 * 24 * 3600);
    const failed = w.fake.renew(done.subscription.id, { paid: false });
    await deliverAll(w, failed);
    record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.status, "past_due");
    const pastDueSince = record.pastDueSince;
    assert.equal(pastDueSince, failed[0].created * 1000);
    assert.equal(reactivated.data.object.status, "active");
    assert.deepEqual((await deliver(w, reactivated)).body, { received: true, stale: true });
    assert.deepEqual(await recordOf(w.app, a.userId, a.orgId), record);
    assert.equal((await standingOf(w.app, a.userId, a.orgId)).state, "grace");
  });
});

Deno.test("webhook: another tenant's customer never touches this organization", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app, "Victim");
    const b = await signUpOrg(w.app, "Attacker");
    await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/portal`);
    await b.client.json("POST", `/api/v1/orgs/${b.orgId}/billing/portal`);
    const [customerA, customerB] = [...w.fake.customers.keys()];
    const aBefore = await recordOf(w.app, a.userId, a.orgId);

    // B's subscription, with metadata claiming to be A's: applies to B (the customer's owner).
    const { subscription, events } = w.fake.createSubscription(customerB, {
      price: "price_enterprise_monthly",
      metadata: { orgId: a.orgId, plan: "enterprise", interval: "monthly" },
    });
    await deliverAll(w, events);
    assert.deepEqual(await recordOf(w.app, a.userId, a.orgId), aBefore, "A untouched");
    assert.equal((await recordOf(w.app, b.userId, b.orgId)).stripeSubscriptionId, subscription.id);

    // A checkout session of an unknown customer claiming A: not verified, ignored.
    w.fake.customers.set("cus_stranger", { id: "cus_stranger", object: "customer", metadata: {} });
    const stranger = w.fake.createSubscription("cus_stranger", { price: "price_team_monthly" });
    const forged = w.fake.buildEvent("checkout.session.completed", {
      id: "cs_test_forged",
      object: "checkout.session",
      client_reference_id: a.orgId,
      customer: "cus_stranger",
      metadata: { orgId: a.orgId, plan: "team", interval: "monthly" },
      mode: "subscription",
      status: "complete",
      subscription: stranger.subscription.id,
    });
    const res = await deliver(w, forged);
    assert.deepEqual(res.body, { received: true, ignored: true, reason: "unknown_customer" });

    // A's customer named with B's subscription: the subscription is not A's customer's.
    const mixed = w.fake.buildEvent("invoice.paid", {
      ...w.fake.invoices.get(subscription.latest_invoice)!,
      customer: customerA,
    });
    const mixedRes = await deliver(w, mixed);
    assert.deepEqual(mixedRes.body, {
      received: true,
      ignored: true,
      reason: "foreign_subscription",
    });
    assert.deepEqual(await recordOf(w.app, a.userId, a.orgId), aBefore, "A still untouched");
  });
});

Deno.test("webhook: a transient failure answers 500 so that Stripe retries; the retry applies", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const res = await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/checkout`, {
      plan: "team",
      interval: "monthly",
    });
    const done = w.fake.completeCheckout(new URL(res.body.url).pathname.split("/").pop()!);
    const before = await snapshot(w.app.store);
    w.fake.failWith = 503;
    const originalError = console.error;
    console.error = () => {};
    try {
      const failed = await deliver(w, done.events.at(-1)!);
      assertApiError(failed, 500, "internal");
    } finally {
      console.error = originalError;
      w.fake.failWith = null;
    }
    assertSameSnapshot(before, await snapshot(w.app.store), "nothing recorded on failure");
    assert.deepEqual((await deliver(w, done.events.at(-1)!)).body, { received: true });
    assert.equal((await recordOf(w.app, a.userId, a.orgId)).status, "active");
  });
});

Deno.test("journey: trial, free, subscribed, past due and recovered, grace expired, cancelled at period end", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    const t0 = w.app.clock.ms;
    const standing = () => standingOf(w.app, a.userId, a.orgId);

    // 1. A new organization tries business for 14 days, without a card.
    assert.deepEqual(await standing(), {
      plan: "business",
      state: "trial",
      banner: { kind: "trial", until: t0 + TRIAL_MS },
    });
    w.app.clock.advance(TRIAL_MS / 1000 - 1);
    assert.equal((await standing()).plan, "business");
    w.app.clock.advance(1);
    assert.deepEqual(await standing(), { plan: "free", state: "trial_expired", banner: null });

    // 2. Subscribing: Checkout completes; `checkout.session.completed` arrives first.
    w.app.clock.advance(3600);
    await signInAgain(a.client, a.email);
    const res = await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/checkout`, {
      plan: "team",
      interval: "monthly",
    });
    const done = w.fake.completeCheckout(new URL(res.body.url).pathname.split("/").pop()!);
    const byType = (t: string) => done.events.find((e) => e.type === t)!;
    await deliverAll(w, [
      byType("checkout.session.completed"),
      byType("customer.subscription.created"),
      byType("invoice.paid"),
    ]);
    let record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.stripeSubscriptionId, done.subscription.id);
    assert.equal(record.plan, "team");
    assert.equal(record.interval, "monthly");
    assert.equal(record.quantity, 1);
    assert.equal(
      record.currentPeriodEnd,
      done.subscription.items.data[0].current_period_end * 1000,
    );
    assert.deepEqual(await standing(), { plan: "team", state: "active", banner: null });
    const sub = done.subscription.id;

    // 3. The renewal payment fails: past due, plan kept for 7 days with a banner for admins.
    w.app.clock.ms = record.currentPeriodEnd!;
    const failedAt = w.app.clock.ms;
    await deliverAll(w, w.fake.renew(sub, { paid: false }));
    record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.status, "past_due");
    assert.equal(record.pastDueSince, failedAt);
    w.app.clock.advance(2 * 24 * 3600);
    assert.deepEqual(await standing(), {
      plan: "team",
      state: "grace",
      banner: { kind: "past_due", until: failedAt + GRACE_MS },
    });

    // 4. Paid: recovered, banner gone.
    await deliverAll(w, w.fake.payInvoice(sub));
    record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.status, "active");
    assert.equal(record.pastDueSince, null);
    assert.deepEqual(await standing(), { plan: "team", state: "active", banner: null });

    // 5. Past due again, and the grace period runs out: free.
    w.app.clock.ms = record.currentPeriodEnd!;
    const failedAgain = w.app.clock.ms;
    await deliverAll(w, w.fake.renew(sub, { paid: false }));
    w.app.clock.ms = failedAgain + GRACE_MS - 1;
    assert.equal((await standing()).state, "grace");
    w.app.clock.ms += 1;
    assert.deepEqual(await standing(), { plan: "free", state: "grace_expired", banner: null });

    // 6. A new card pays the invoice: team again.
    w.app.clock.advance(3600);
    await deliverAll(w, w.fake.payInvoice(sub));
    assert.equal((await standing()).plan, "team");

    // 7. Cancelled at period end (in the portal): team until the period ends, then free.
    w.app.clock.advance(3600);
    await deliverAll(w, w.fake.updateSubscription(sub, { cancel_at_period_end: true }));
    record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.cancelAtPeriodEnd, true);
    assert.deepEqual(await standing(), {
      plan: "team",
      state: "canceling",
      banner: { kind: "canceling", until: record.currentPeriodEnd! },
    });
    w.app.clock.ms = record.currentPeriodEnd!;
    assert.deepEqual(await standing(), { plan: "free", state: "canceled", banner: null });
    w.app.clock.advance(60);
    await deliverAll(w, w.fake.endSubscription(sub));
    record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.status, "canceled");
    assert.deepEqual(await standing(), { plan: "free", state: "canceled", banner: null });

    // Every change was audited by Stripe, with before and after.
    const scope = (await w.app.store.scopeForMember(a.userId, a.orgId))!;
    const audits = [];
    for await (
      const e of w.app.store.list<{ actorId: string; action: string }>(scope.key("audit"))
    ) {
      if (e.value.action === "billing.update") audits.push(e.value);
    }
    assert.ok(audits.length >= 8, `${audits.length} billing audits`);
    assert.ok(audits.slice(1).every((x) => x.actorId === "stripe"));
  });
});

Deno.test("webhook: trial_will_end records when Stripe's trial ends", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/portal`);
    const customerId = [...w.fake.customers.keys()][0];
    const trialEnd = Math.floor((w.app.clock.ms + 7 * DAY) / 1000);
    const { subscription, events } = w.fake.createSubscription(customerId, {
      price: "price_team_monthly",
      trialEnd,
    });
    await deliverAll(w, events);
    w.app.clock.advance(4 * 24 * 3600);
    await deliverAll(w, w.fake.trialWillEnd(subscription.id));
    const record = await recordOf(w.app, a.userId, a.orgId);
    assert.equal(record.status, "trialing");
    assert.equal(record.trialWillEndAt, trialEnd * 1000);
    assert.equal((await standingOf(w.app, a.userId, a.orgId)).plan, "team");
  });
});

Deno.test("billing off: every organization has DEFAULT_PLAN, and checkout and portal answer 409", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    app.clock.advance(60 * 24 * 3600);
    await signInAgain(a.client, a.email);
    assert.deepEqual(await standingOf(app, a.userId, a.orgId), {
      plan: "enterprise",
      state: "unmanaged",
      banner: null,
    });
    const before = await snapshot(app.store);
    const checkout = await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/checkout`, {
      plan: "team",
      interval: "monthly",
    });
    assertApiError(checkout, 409, "billing_disabled");
    assert.deepEqual(checkout.body.error.details, { plan: "enterprise" });
    assertApiError(
      await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/portal`),
      409,
      "billing_disabled",
    );
    const hook = await post(app, "{}", "t=1,v1=00");
    assertApiError(hook, 409, "billing_disabled");
    await addMember(a.client, a.orgId, { name: "No seats", role: "employee" });
    const billingKeys = [...(await snapshot(app.store)).keys()].filter((k) =>
      /"billing"|"stripe_/.test(k)
    );
    assert.deepEqual(billingKeys, [], "nothing billing-related written");
    assert.ok(before.size > 0);
  });
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    assert.equal((await standingOf(app, a.userId, a.orgId)).plan, "team");
  }, { config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: "team" }) });
});

Deno.test("webhook: the route is outside the session and cookie checks", async () => {
  await withBilling(async (w) => {
    const a = await signUpOrg(w.app);
    await a.client.json("POST", `/api/v1/orgs/${a.orgId}/billing/portal`);
    const customer = [...w.fake.customers.values()][0];
    const { payload, signature } = await w.fake.sign(
      w.fake.buildEvent("customer.updated", customer),
    );
    // Sent by Stripe's servers: no session, another origin; judged by the signature alone.
    const res = await w.app.fetch(
      new Request("http://localhost/api/stripe/webhook", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "stripe-signature": signature,
          origin: "https://stripe.com",
        },
        body: payload,
      }),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { received: true, ignored: true, reason: "unhandled_type" });
  });
});
