/**
 * `/o/:orgId/billing` for admins: the plan, its state, limits next to usage, the last 30 days,
 * and the buttons to Stripe Checkout and the customer portal (which post to
 * `…/billing/checkout` and `…/billing/portal`). Built from the same `billingStatus` as
 * `GET /api/v1/orgs/{orgId}/billing`.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { withRole } from "./guards.ts";
import { chrome, renderPage } from "./render.tsx";
import { billingMode, entitlements } from "../middleware/plan.ts";
import { billingStatus } from "../../lib/billing/status.ts";
import { PLAN_IDS, type PlanId, PLANS } from "../../lib/billing/plans.ts";
import { BillingPage } from "../../components/views/billing.tsx";

/** Plans sold through Checkout: paid and self-serve. */
const CHECKOUT_PLANS = PLAN_IDS.filter((id): id is Exclude<PlanId, "free"> =>
  id !== "free" && PLANS[id].selfServe && PLANS[id].monthlyCents > 0
);

/** The billing page (mounted under `/o/:orgId`). */
export const billingPages = new Hono<AppEnv>()
  .use("/billing", withRole("admin"))
  .get("/billing", async (c) => {
    const { scope, org } = c.get("org");
    const deps = c.get("deps");
    const now = deps.now();
    const ent = entitlements(c);
    const { settings } = c.get("org").settings;
    const status = await billingStatus(
      scope,
      ent,
      settings.disabledFeatures,
      now,
      billingMode(deps),
    );
    return renderPage(
      c,
      <BillingPage
        {...chrome(c, "billing")}
        status={status}
        timeZone={org.timeZone}
        now={now}
        canManage={ent.record.stripeCustomerId !== null}
        checkoutPlans={CHECKOUT_PLANS}
      />,
    );
  });
