/** Specification of the Stripe adapter, run with the real SDK against the loopback fake. */

import assert from "node:assert/strict";
import { addressOf, createStripeGateway } from "./stripe.ts";
import { InvalidWebhook } from "./gateway.ts";
import { FakeStripe } from "../../tests/fakes/stripe.ts";

const PRICES = {
  price_tm: { unitAmount: 400, interval: "month" as const, product: "team" },
};

async function withFake(fn: (fake: FakeStripe, now: { ms: number }) => Promise<void>) {
  const now = { ms: Date.UTC(2026, 10, 2, 8) };
  const fake = FakeStripe.start({ now: () => now.ms, prices: PRICES });
  try {
    await fn(fake, now);
  } finally {
    await fake.close();
  }
}

function gatewayFor(fake: FakeStripe) {
  return createStripeGateway(
    { secretKey: fake.secretKey, webhookSecret: fake.webhookSecret, apiBase: fake.url },
    { maxNetworkRetries: 0 },
  );
}

Deno.test("STRIPE_API_BASE becomes the SDK's host, port and protocol", () => {
  assert.deepEqual(addressOf("http://127.0.0.1:12111"), {
    host: "127.0.0.1",
    port: 12111,
    protocol: "http",
  });
  assert.deepEqual(addressOf("https://stripe.internal"), {
    host: "stripe.internal",
    port: 443,
    protocol: "https",
  });
  assert.deepEqual(addressOf("http://[::1]:8080/"), { host: "::1", port: 8080, protocol: "http" });
});

Deno.test("ensureCustomer creates one customer per organization, even when an answer is lost", async () => {
  await withFake(async (fake) => {
    const g = gatewayFor(fake);
    const first = await g.ensureCustomer({ orgId: "ORG_A", name: "A", customerId: null });
    // The answer was lost before it was stored: the retry reuses the idempotency key.
    const retry = await g.ensureCustomer({ orgId: "ORG_A", name: "A", customerId: null });
    assert.equal(retry, first);
    assert.equal(fake.customers.size, 1);
    assert.deepEqual(fake.requests.map((r) => r.replayed), [false, true]);
    assert.deepEqual(fake.customers.get(first)!.metadata, { orgId: "ORG_A" });

    assert.equal(await g.ensureCustomer({ orgId: "ORG_A", name: "A", customerId: first }), first);
    assert.equal(fake.customers.size, 1, "an existing customer is kept");

    fake.deleteCustomer(first);
    const replaced = await g.ensureCustomer({ orgId: "ORG_A", name: "A", customerId: first });
    assert.notEqual(replaced, first, "a deleted customer is replaced");
    const other = await g.ensureCustomer({ orgId: "ORG_B", name: "B", customerId: null });
    assert.notEqual(other, first);
  });
});

Deno.test("subscriptions are read with period ends from their items; unknown ones are null", async () => {
  await withFake(async (fake, now) => {
    const g = gatewayFor(fake);
    const customerId = await g.ensureCustomer({ orgId: "ORG", name: "O", customerId: null });
    const { subscription } = fake.createSubscription(customerId, {
      price: "price_tm",
      quantity: 3,
    });
    const snap = await g.retrieveSubscription(subscription.id);
    assert.deepEqual(snap, {
      id: subscription.id,
      customerId,
      status: "active",
      cancelAtPeriodEnd: false,
      currentPeriodEnd: Date.UTC(2026, 11, 2, 8),
      trialEnd: null,
      created: now.ms / 1000,
      metadata: {},
      items: [{
        id: subscription.items.data[0].id,
        priceId: "price_tm",
        quantity: 3,
        currentPeriodEnd: Date.UTC(2026, 11, 2, 8),
      }],
    });
    assert.equal(await g.retrieveSubscription("sub_missing"), null);
  });
});

Deno.test("setSeatQuantity prorates and is idempotent under its key", async () => {
  await withFake(async (fake) => {
    const g = gatewayFor(fake);
    const customerId = await g.ensureCustomer({ orgId: "ORG", name: "O", customerId: null });
    const { subscription } = fake.createSubscription(customerId, { price: "price_tm" });
    const change = {
      subscriptionId: subscription.id,
      itemId: subscription.items.data[0].id,
      quantity: 7,
      idempotencyKey: "seats-1",
    };
    assert.equal((await g.setSeatQuantity(change)).items[0].quantity, 7);
    await g.setSeatQuantity(change);
    const updates = fake.requestsTo("POST", `/v1/subscriptions/${subscription.id}`);
    assert.deepEqual(updates.map((u) => [u.idempotencyKey, u.replayed]), [
      ["seats-1", false],
      ["seats-1", true],
    ]);
    assert.equal(updates[0].params.proration_behavior, "create_prorations");
    assert.equal(
      fake.events.filter((e) => e.type === "customer.subscription.updated").length,
      1,
      "changed once",
    );
  });
});

Deno.test("verifyWebhook checks the signature against the secret and the injected clock", async () => {
  await withFake(async (fake, now) => {
    const g = gatewayFor(fake);
    const customerId = await g.ensureCustomer({ orgId: "ORG", name: "O", customerId: null });
    const { subscription } = fake.createSubscription(customerId, {
      price: "price_tm",
      metadata: { orgId: "ORG" },
    });
    const [failed] = fake.renew(subscription.id, { paid: false });
    const { payload, signature } = await fake.sign(failed);
    const event = await g.verifyWebhook(payload, signature, now.ms + 299_000);
    assert.deepEqual(event, {
      id: failed.id,
      type: "invoice.payment_failed",
      created: failed.created,
      livemode: false,
      customerId,
      subscriptionId: subscription.id,
      claimedOrgId: null,
      subscription: null,
    });
    await assert.rejects(
      () => g.verifyWebhook(payload, signature, now.ms + 301_000),
      InvalidWebhook,
    );
    await assert.rejects(() => g.verifyWebhook(payload + " ", signature, now.ms), InvalidWebhook);
    const other = await fake.sign(failed, { secret: "whsec_someone_else" });
    await assert.rejects(() => g.verifyWebhook(payload, other.signature, now.ms), InvalidWebhook);

    const [created] = fake.events;
    const signed = await fake.sign(created);
    const subEvent = await g.verifyWebhook(signed.payload, signed.signature, now.ms);
    assert.equal(subEvent.subscription?.id, subscription.id);
    assert.equal(subEvent.claimedOrgId, "ORG");
  });
});
