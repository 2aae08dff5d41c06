/**
 * Notification choices: each member's own preferences (`/notification-preferences`, GET/PUT; a
 * signed-in person only, API keys refused) and the organization's settings
 * (`/notification-settings`, GET/PATCH; admins, `settings:read|write`). The rules live in
 * `lib/notifications/use_cases.ts`; this door parses, calls and presents.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppDeps, AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import type { OutboundPolicy } from "../../lib/net/ssrf.ts";
import {
  getMyPreferences,
  getNotificationSettings,
  updateMyPreferences,
  updateNotificationSettings,
} from "../../lib/notifications/use_cases.ts";

/** The outbound guard Slack URLs are checked with (as `app.ts` `outboundOf` builds it). */
export function outboundPolicy(deps: AppDeps): OutboundPolicy {
  return deps.outbound?.policy ?? { allowPrivate: deps.config.allowPrivateWebhooks };
}

/** Routes mounted at `/api/v1/orgs/:orgId/notification-preferences`. */
export const notificationPreferencesApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await getMyPreferences(requestContext(c))))
  .put("/", async (c) => {
    const ctx = requestContext(c);
    return c.json(await updateMyPreferences(ctx, await readJson(c, z.any())));
  });

/** Routes mounted at `/api/v1/orgs/:orgId/notification-settings`. */
export const notificationSettingsApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await getNotificationSettings(requestContext(c))))
  .patch("/", async (c) => {
    const ctx = requestContext(c);
    const policy = outboundPolicy(c.get("deps"));
    return c.json(await updateNotificationSettings(ctx, await readJson(c, z.any()), policy));
  });
