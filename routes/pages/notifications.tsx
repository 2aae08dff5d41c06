/**
 * `/o/:orgId/notifications` for every member: their notification choices (kind × email/Slack)
 * and, for admins, the organization's notification settings. Both forms post to the same path
 * with an `intent` (`preferences`, `org`); the form's strings are adapted to
 * `lib/notifications/schemas.ts` and handed to the same use cases as the API.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import {
  getMyPreferences,
  getNotificationSettings,
  updateMyPreferences,
  updateNotificationSettings,
} from "../../lib/notifications/use_cases.ts";
import {
  channelField,
  NotificationsPage,
  type NotificationsPageProps,
} from "../../components/views/notifications.tsx";
import { fieldError, formFailure, readForm } from "./forms.ts";
import { requestContext } from "../request_context.ts";
import { chrome, renderPage } from "./render.tsx";
import { outboundPolicy } from "../api/notifications.ts";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = {
  preferences_saved: "Your notifications are saved.",
  org_saved: "The organization's notification settings are saved.",
};

async function notificationsPage(
  c: AppContext,
  failed: NotificationsPageProps["failed"] = null,
  status?: ContentfulStatusCode,
) {
  const ctx = requestContext(c);
  const base = chrome(c, "notifications");
  return renderPage(
    c,
    <NotificationsPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      preferences={await getMyPreferences(ctx)}
      settings={ctx.role === "admin" ? await getNotificationSettings(ctx) : null}
      failed={failed}
    />,
    status,
  );
}

/** The organization settings form adapted to `notificationSettingsPatch`. */
function settingsFromForm(values: Record<string, string>) {
  const url = (values.slackWebhookUrl ?? "").trim();
  const hours = (values.stillClockedInHours ?? "").trim();
  if (hours && !/^\d{1,2}$/.test(hours)) {
    throw fieldError("stillClockedInHours", "Choose a number of hours from the list");
  }
  return {
    slackWebhookUrl: "removeSlack" in values ? null : url ? url : undefined,
    stillClockedInHours: hours ? Number(hours) : null,
  };
}

/** The Notifications page (mounted under `/o/:orgId`). */
export const notificationPages = new Hono<AppEnv>()
  .get("/notifications", (c) => notificationsPage(c))
  .post("/notifications", async (c) => {
    const values = await readForm(c);
    const ctx = requestContext(c);
    const form = values.intent === "org" ? "org" : "preferences";
    try {
      if (values.intent === "org") {
        await updateNotificationSettings(
          ctx,
          settingsFromForm(values),
          outboundPolicy(c.get("deps")),
        );
        return c.redirect(`/o/${ctx.org.id}/notifications?ok=org_saved`, 303);
      }
      if (values.intent !== "preferences") throw fieldError("intent", "Choose what to save");
      const { kinds } = await getMyPreferences(ctx);
      await updateMyPreferences(
        ctx,
        Object.fromEntries(kinds.map((k) => [k, {
          email: channelField(k, "email") in values,
          slack: channelField(k, "slack") in values,
        }])),
      );
      return c.redirect(`/o/${ctx.org.id}/notifications?ok=preferences_saved`, 303);
    } catch (err) {
      if (err instanceof DomainError && ["not_found", "forbidden"].includes(err.kind)) throw err;
      const f = formFailure(err, values);
      return notificationsPage(c, { form, values: f.values, error: f.error }, f.status);
    }
  });
