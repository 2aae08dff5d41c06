/**
 * Inputs of the notification use cases: the one definition of their bounds, shared by the JSON
 * API and the pages (and documented in the OpenAPI registry).
 *
 * @module
 */

import { z } from "zod";
import { NOTIFICATION_KINDS, type NotificationKind } from "./kinds.ts";

/** How one kind reaches a person. */
export const channelsInput = z.strictObject({ email: z.boolean(), slack: z.boolean() });

/**
 * `PUT …/notification-preferences`: the channels of each kind given (kinds not given keep the
 * person's current choice; kinds not offered to the person's role are refused).
 */
export const preferencesInput = z.strictObject(
  Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, channelsInput.optional()])) as Record<
    NotificationKind,
    z.ZodOptional<typeof channelsInput>
  >,
);

/** The longest Slack webhook URL accepted. */
export const MAX_SLACK_URL = 2_000;

/**
 * `PATCH …/notification-settings` (admins). `slackWebhookUrl` null removes it;
 * `stillClockedInHours` null switches the reminder off.
 */
export const notificationSettingsPatch = z.strictObject({
  slackWebhookUrl: z.string().trim().min(1).max(MAX_SLACK_URL).pipe(z.url()).nullable()
    .optional(),
  stillClockedInHours: z.number().int().min(1).max(24).nullable().optional(),
});

/** The input of `POST /unsubscribe` (the token of a mailed link). */
export const unsubscribeInput = z.strictObject({ token: z.string().min(1).max(1_000) });
