/**
 * `POST /api/stripe/webhook`: Stripe's event deliveries. No session and no cookie (so outside the
 * cookie CSRF check by nature); the raw body is verified with the webhook secret.
 *
 * - bad or missing signature, stale timestamp, malformed body → 400 `invalid_signature`;
 * - event types we do not act on → 200 `{received: true, ignored: true}`;
 * - a redelivered event → 200 `{received: true, duplicate: true}`, nothing changes;
 * - transient failures (Stripe or the store unreachable) → 500, so Stripe retries.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { errorResponse } from "../middleware/errors.ts";
import { billingGateway } from "../api/billing.ts";
import { InvalidWebhook } from "../../lib/billing/gateway.ts";
import { applyBillingEvent } from "../../lib/billing/webhook.ts";

/** Routes mounted at `/api/stripe`. */
export const stripeWebhook = new Hono<AppEnv>()
  .post("/webhook", async (c) => {
    const deps = c.get("deps");
    const gateway = billingGateway(deps);
    if (!gateway || !deps.config.stripe) {
      return errorResponse(c, 409, "billing_disabled", "Billing is off on this server");
    }
    const signature = c.req.header("stripe-signature");
    const payload = await c.req.text();
    if (!signature) {
      return errorResponse(c, 400, "invalid_signature", "The Stripe-Signature header is missing");
    }
    let event;
    try {
      event = await gateway.verifyWebhook(payload, signature, deps.now());
    } catch (err) {
      if (err instanceof InvalidWebhook) {
        return errorResponse(c, 400, "invalid_signature", "The webhook signature is not valid");
      }
      throw err;
    }
    const outcome = await applyBillingEvent({
      store: deps.store,
      gateway,
      prices: deps.config.stripe.prices,
      now: deps.now,
      jobs: c.get("outbox").port(),
    }, event);
    switch (outcome.result) {
      case "applied":
        return c.json({ received: true });
      case "stale":
        return c.json({ received: true, stale: true });
      case "duplicate":
        return c.json({ received: true, duplicate: true });
      case "ignored":
        return c.json({ received: true, ignored: true, reason: outcome.reason });
    }
  });
