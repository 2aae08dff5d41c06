/**
 * Server-rendered pages. Failures render as HTML pages (see `errors.tsx`); pages that need a
 * session send the browser to `/signin` instead of answering 401.
 *
 * | route | who |
 * | --- | --- |
 * | `GET /` | everyone: to `/app` or `/signin` |
 * | `GET/POST /signup`, `GET/POST /signin`, `POST /signout` | everyone |
 * | `GET /app`, `GET/POST /app/orgs` | signed in |
 * | `GET/POST /o/:orgId/clock`, `GET /o/:orgId/week` | members |
 * | `GET /o/:orgId/entries/:id/history` | managers; employees for their own entries |
 * | `GET /o/:orgId/team`, `GET/POST /o/:orgId/team/:userId` | managers, admins |
 * | `GET/POST /o/:orgId/members` | admins |
 * | `GET/POST /invitations/:token` | whoever holds the mailed link |
 * | `GET/POST /o/:orgId/timesheets` | members (own); managers, admins (`?userId=`) |
 * | `GET/POST /o/:orgId/timesheets/review` | managers, admins |
 * | `GET /o/:orgId/reports/hours` | managers, admins |
 * | `GET/POST /o/:orgId/exports` | members (their own); managers, admins (all); schedule: admins |
 * | `GET /o/:orgId/billing` | admins |
 * | `GET/POST /o/:orgId/notifications` | members (own choices); admins also the org's settings |
 * | `GET/POST /unsubscribe?token=` | whoever holds a mailed unsubscribe link |
 * | `GET/POST /o/:orgId/webhooks`, `GET /o/:orgId/webhooks/:webhookId` | admins |
 * | `GET/POST /o/:orgId/kiosks` | admins (`kiosks.tsx`) |
 * | `GET/POST /o/:orgId/members/:userId/pin` | admins, or the member (a kiosk PIN) |
 * | `POST /o/:orgId/kiosk-conflicts/:conflictId/resolve` | managers, admins |
 * | `GET/POST /o/:orgId/branding`, `POST /o/:orgId/branding/logo` | admins |
 * | `GET /pricing` | everyone |
 * | `GET /docs/api` | everyone: the API reference (`/api/v1/openapi.json`) |
 * | `GET /kiosk`, `GET /kiosk/sw.js` | everyone: a kiosk device (its cookie, no session) |
 * | `GET /ops`, `GET /ops/orgs/:orgId` | operators (`OPERATOR_EMAILS`); everyone else 404 |
 *
 * Pages of an organization use its entitlements (`routes/middleware/plan.ts`): the navigation
 * hides features that are off, admins see the subscription notice, and pages of a feature that
 * is off answer 403 (`feature_not_in_plan` / `feature_disabled`). With the plan's `branding`,
 * they show the organization's logo and accent colour (`routes/middleware/custom_domain.ts`).
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { authPages } from "./auth.tsx";
import { orgPages } from "./orgs.tsx";
import { clockPages } from "./clock.tsx";
import { teamPages } from "./team.tsx";
import { historyPages } from "./history.tsx";
import { memberPages } from "./members.tsx";
import { invitationPages } from "./invitations.tsx";
import { timesheetPages } from "./timesheets.tsx";
import { reportPages } from "./reports.tsx";
import { ptoPages } from "./pto.tsx";
import { settingsPages } from "./settings.tsx";
import { billingPages } from "./billing.tsx";
import { pricingPages } from "./pricing.tsx";
import { opsPages } from "./ops.tsx";
import { apiKeyPages } from "./api_keys.tsx";
import { notificationPages } from "./notifications.tsx";
import { unsubscribePages } from "./unsubscribe.tsx";
import { webhookPages } from "./webhooks.tsx";
import { exportPages } from "./exports.tsx";
import { kioskPages } from "./kiosks.tsx";
import { brandingPages } from "./branding.tsx";
import { orgPageBranding } from "../middleware/custom_domain.ts";
import { orgMember, signedIn } from "./guards.ts";
import { onPageError, statusPage } from "./errors.tsx";
import { apiDocsPages } from "./api_docs.tsx";
import { kioskDevicePages } from "./kiosk.tsx";

const orgScoped = new Hono<AppEnv>()
  .get("/", (c) => c.redirect(`/o/${c.req.param("orgId")}/clock`, 303))
  .route("/", clockPages)
  .route("/", teamPages)
  .route("/", historyPages)
  .route("/", memberPages)
  .route("/", timesheetPages)
  .route("/", reportPages)
  .route("/", ptoPages)
  .route("/", settingsPages)
  .route("/", billingPages)
  .route("/", apiKeyPages)
  .route("/", notificationPages)
  .route("/", webhookPages)
  .route("/", exportPages)
  .route("/", kioskPages)
  .route("/", brandingPages);
orgScoped.onError(onPageError);

/** Every page route. */
export const pages = new Hono<AppEnv>()
  .get("/", (c) => c.redirect(c.get("user") ? "/app" : "/signin"))
  .route("/", authPages)
  .route("/", orgPages)
  .route("/", pricingPages)
  .route("/", apiDocsPages)
  .route("/", kioskDevicePages)
  .route("/", opsPages)
  .route("/", invitationPages)
  .route("/", unsubscribePages)
  .use("/o/:orgId", signedIn(), orgMember(), orgPageBranding())
  .use("/o/:orgId/*", signedIn(), orgMember(), orgPageBranding())
  .route("/o/:orgId", orgScoped)
  // Unknown pages under the app's own prefixes answer with an HTML page, not the API's JSON.
  .get("/o/*", (c) => statusPage(c, 404))
  .get("/app/*", (c) => statusPage(c, 404));
pages.onError(onPageError);
