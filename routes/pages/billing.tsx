/**
 * `/o/:orgId/billing` for admins: the plan, its state, limits next to usage, the last 30 days,
 * and the buttons to Stripe Checkout and the customer portal (which post to
 * `…/billing/checkout` and `…/billing/portal`). Built from the same `billingStatus` as
 * `GET /api/v1/orgs/{orgId}/billing` (`billingPageView` in `lib/billing/use_cases.ts`).
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { withRole } from "./guards.ts";
import { chrome, renderPage } from "./render.tsx";
import { requestContext } from "../request_context.ts";
import { billingService } from "../api/billing.ts";
import { billingPageView } from "../../lib/billing/use_cases.ts";
import { BillingPage } from "../../components/views/billing.tsx";

/** The billing page (mounted under `/o/:orgId`). */
export const billingPages = new Hono<AppEnv>()
  .use("/billing", withRole("admin"))
  .get("/billing", async (c) => {
    const ctx = requestContext(c);
    const view = await billingPageView(ctx, billingService(c.get("deps")));
    return renderPage(
      c,
      <BillingPage
        {...chrome(c, "billing")}
        status={view.status}
        timeZone={ctx.org.timeZone}
        now={ctx.now}
        canManage={view.canManage}
        checkoutPlans={view.checkoutPlans}
      />,
    );
  });
