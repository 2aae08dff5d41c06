/**
 * The JSON API under `/api/v1`.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { requireOrg } from "../middleware/auth.ts";
import { meterApiRequests } from "../middleware/usage.ts";
import { rateLimit } from "../middleware/rate_limit.ts";
import { identityApi } from "./identity.ts";
import { membersApi } from "./members.ts";
import { invitationLinkApi, invitationsApi } from "./invitations.ts";
import { clockApi } from "./clock.ts";
import { entriesApi } from "./entries.ts";
import { settingsApi } from "./settings.ts";
import { timesheetsApi } from "./timesheets.ts";
import { reportsApi } from "./reports.ts";
import { ptoApi } from "./pto.ts";
import { locationsApi } from "./locations.ts";
import { billingApi } from "./billing.ts";
import { billingStatusApi } from "./billing_status.ts";
import { openApiRoute } from "./openapi.ts";
import { apiKeysApi } from "./api_keys.ts";
import { notificationPreferencesApi, notificationSettingsApi } from "./notifications.ts";
import { webhooksApi } from "./webhooks.ts";
import { exportsApi, reportScheduleApi } from "./exports.ts";
import { kioskConflictsApi, kiosksApi, memberPinApi } from "./kiosks.ts";
import { kioskDeviceApi } from "./kiosk_device.ts";
import { brandingApi } from "./branding.ts";
import { liveApi } from "./live.ts";
import { requestContext } from "../request_context.ts";
import { readOrganization } from "../../lib/orgs/use_cases.ts";

/** Every `/api/v1` route. */
export const apiV1 = new Hono<AppEnv>()
  .route("/", openApiRoute)
  .route("/", identityApi)
  .route("/invitations", invitationLinkApi)
  .route("/kiosk", kioskDeviceApi)
  .use("/orgs/:orgId/*", requireOrg(), rateLimit(), meterApiRequests())
  .get("/orgs/:orgId", (c) => c.json(readOrganization(requestContext(c))))
  .route("/orgs/:orgId/members", membersApi)
  .route("/orgs/:orgId/members", memberPinApi)
  .route("/orgs/:orgId/invitations", invitationsApi)
  .route("/orgs/:orgId/clock", clockApi)
  .route("/orgs/:orgId/live", liveApi)
  .route("/orgs/:orgId/time-entries", entriesApi)
  .route("/orgs/:orgId/settings", settingsApi)
  .route("/orgs/:orgId/timesheets", timesheetsApi)
  .route("/orgs/:orgId/reports", reportsApi)
  .route("/orgs/:orgId/pto", ptoApi)
  .route("/orgs/:orgId/locations", locationsApi)
  .route("/orgs/:orgId/billing", billingApi)
  .route("/orgs/:orgId/billing", billingStatusApi)
  .route("/orgs/:orgId/api-keys", apiKeysApi)
  .route("/orgs/:orgId/notification-preferences", notificationPreferencesApi)
  .route("/orgs/:orgId/notification-settings", notificationSettingsApi)
  .route("/orgs/:orgId/webhooks", webhooksApi)
  .route("/orgs/:orgId/exports", exportsApi)
  .route("/orgs/:orgId/report-schedule", reportScheduleApi)
  .route("/orgs/:orgId/kiosks", kiosksApi)
  .route("/orgs/:orgId/kiosk-conflicts", kioskConflictsApi)
  .route("/orgs/:orgId/branding", brandingApi);
