/**
 * The kinds of notification ClockFlow sends, who each one is for, and which organization event
 * becomes which kind. Stable ids: they are stored in people's preferences and named in
 * unsubscribe links.
 *
 * | kind | to | from the event |
 * | --- | --- | --- |
 * | `pto_request_submitted` | active managers and admins (not the requester) | `pto_request.created` |
 * | `pto_request_decided` | the member | `pto_request.approved`, `pto_request.rejected` |
 * | `timesheet_rejected` | the member | `timesheet.rejected` |
 * | `still_clocked_in` | the member | `notification.still_clocked_in` (the sweep) |
 * | `trial_ending` | active admins | `billing.trial_ending` (Stripe webhook) |
 * | `payment_failed` | active admins | `billing.payment_failed` (Stripe webhook) |
 *
 * @module
 */

import type { Role } from "../members/members.ts";

/** Every notification kind, in the order pages show them. */
export const NOTIFICATION_KINDS = [
  "pto_request_submitted",
  "pto_request_decided",
  "timesheet_rejected",
  "still_clocked_in",
  "trial_ending",
  "payment_failed",
] as const;

/** A notification kind. */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** True when `value` is a notification kind. */
export function isNotificationKind(value: unknown): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly unknown[]).includes(value);
}

/** Internal event types (not webhook events) that notify people. */
export const INTERNAL_EVENT_TYPES = {
  stillClockedIn: "notification.still_clocked_in",
  trialEnding: "billing.trial_ending",
  paymentFailed: "billing.payment_failed",
} as const;

/** The kind an event type notifies of, or null when it notifies nobody. */
export function kindOfEvent(type: string): NotificationKind | null {
  switch (type) {
    case "pto_request.created":
      return "pto_request_submitted";
    case "pto_request.approved":
    case "pto_request.rejected":
      return "pto_request_decided";
    case "timesheet.rejected":
      return "timesheet_rejected";
    case INTERNAL_EVENT_TYPES.stillClockedIn:
      return "still_clocked_in";
    case INTERNAL_EVENT_TYPES.trialEnding:
      return "trial_ending";
    case INTERNAL_EVENT_TYPES.paymentFailed:
      return "payment_failed";
  }
  return null;
}

/** Who a kind goes to: the member the event is about, or people of some roles. */
export type Audience = { type: "member" } | { type: "roles"; roles: readonly Role[] };

/** The audience of each kind. */
export const AUDIENCE: Record<NotificationKind, Audience> = {
  pto_request_submitted: { type: "roles", roles: ["admin", "manager"] },
  pto_request_decided: { type: "member" },
  timesheet_rejected: { type: "member" },
  still_clocked_in: { type: "member" },
  trial_ending: { type: "roles", roles: ["admin"] },
  payment_failed: { type: "roles", roles: ["admin"] },
};

/** What people read about each kind (preferences page, unsubscribe page). */
export const KIND_LABELS: Record<NotificationKind, string> = {
  pto_request_submitted: "A time-off request is submitted",
  pto_request_decided: "My time-off request is approved or rejected",
  timesheet_rejected: "My timesheet is rejected",
  still_clocked_in: "I am still clocked in after many hours",
  trial_ending: "The trial is ending",
  payment_failed: "A payment failed",
};

/**
 * The kinds a member of `role` can receive (the preferences they are offered).
 *
 * @example
 * ```ts
 * kindsForRole("employee"); // ["pto_request_decided", "timesheet_rejected", "still_clocked_in"]
 * ```
 */
export function kindsForRole(role: Role): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((k) => {
    const a = AUDIENCE[k];
    return a.type === "member" || a.roles.includes(role);
  });
}
