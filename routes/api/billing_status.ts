/**
 * `GET /api/v1/orgs/{orgId}/billing` (admins): the organization's plan, its state, limits, usage
 * (now, today and the last 30 UTC days) and features, from the same
 * `readBillingStatus` use case as the billing page. Instants are ISO 8601 (UTC). Checkout and the
 * customer portal (`POST …/billing/checkout`, `…/billing/portal`) live in `./billing.ts`.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { requestContext } from "../request_context.ts";
import { billingService } from "./billing.ts";
import { readBillingStatus } from "../../lib/billing/use_cases.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Routes mounted at `/api/v1/orgs/:orgId/billing` (after `requireOrg`). */
export const billingStatusApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const s = await readBillingStatus(requestContext(c), billingService(c.get("deps")));
    return c.json({
      plan: s.plan,
      status: s.status,
      subscriptionStatus: s.subscriptionStatus,
      subscribedPlan: s.subscribedPlan,
      interval: s.interval,
      cancelAtPeriodEnd: s.cancelAtPeriodEnd,
      trialEndsAt: iso(s.trialEndsAt),
      currentPeriodEnd: iso(s.currentPeriodEnd),
      graceEndsAt: iso(s.graceEndsAt),
      limits: s.limits,
      usage: s.usage,
      features: s.features,
      planFeatures: s.planFeatures,
      disabledFeatures: s.disabledFeatures,
      banner: s.banner && { kind: s.banner.kind, until: iso(s.banner.until) },
      billingEnabled: s.billingEnabled,
    });
  });
