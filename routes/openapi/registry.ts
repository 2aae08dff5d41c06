/**
 * One entry per `/api/v1` route: what the OpenAPI document (`routes/openapi/document.ts`) says
 * about it. Request bodies and queries are the very zod schemas the handlers (or the use cases
 * they call) validate with, so the document cannot drift from validation; a test
 * (`tests/api/openapi_test.ts`) fails when the app registers a route this list lacks.
 *
 * Kept apart from the route files on purpose: the handlers stay "parse → call → present".
 *
 * @module
 */

import { z } from "zod";
import type { Scope } from "../../lib/apikeys/scopes.ts";
import { apiKeyInput } from "../../lib/apikeys/schemas.ts";
import {
  deliveryListQuery,
  emptyWebhookBody,
  webhookInput,
  webhookPatch,
} from "../../lib/webhooks/schemas.ts";
import { checkoutInput } from "../../lib/billing/schemas.ts";
import {
  breakEndBody,
  breakStartBody,
  clockInBody,
  clockOutBody,
} from "../../lib/clock/schemas.ts";
import {
  entryBody,
  entryDelete,
  entryHistoryQuery,
  entryPatch,
  entryQuery,
} from "../../lib/entries/schemas.ts";
import {
  passwordChangeBody,
  passwordResetBody,
  passwordResetRequestBody,
  signinBody,
  signupBody,
} from "../../lib/identity/schemas.ts";
import { locationInput, locationListQuery, locationPatch } from "../../lib/locations/schemas.ts";
import {
  acceptInvitationBody,
  addMemberInput,
  inviteInput,
  listInput,
  memberPatch,
} from "../../lib/members/schemas.ts";
import { organizationInput } from "../../lib/orgs/schemas.ts";
import {
  adjustmentInput,
  balancesInput,
  calendarInput,
  cancelInput,
  ledgerInput,
  listRequestsInput,
  rejectInput,
  requestInput,
} from "../../lib/pto/schemas.ts";
import { hoursReportInput } from "../../lib/reports/schemas.ts";
import { liveFeedInput, liveSnapshotQuery } from "../../lib/presence/schemas.ts";
import {
  createExportInput,
  listExportsInput,
  reportScheduleInput,
} from "../../lib/exports/schemas.ts";
import { settingsPatchSchema } from "../../lib/settings/schema.ts";
import { domainInput } from "../../lib/branding/schemas.ts";
import { LOGO_TYPES } from "../../lib/branding/image.ts";
import {
  identifyInput,
  kioskInput,
  pairInput,
  pinInput,
  punchInput,
} from "../../lib/kiosks/schemas.ts";
import { notificationSettingsPatch, preferencesInput } from "../../lib/notifications/schemas.ts";
import {
  emptyBody,
  reasonBody,
  timesheetHistoryQuery,
  timesheetListInput,
} from "../../lib/timesheets/schemas.ts";

/**
 * Who may call a route: `public` (no credentials), `session` (a signed-in person's cookie only),
 * `org` (an organization route: the session cookie or an API key of that organization) or
 * `kiosk` (a paired kiosk device's `cf_kiosk` cookie; `/kiosk/*`).
 */
export type RouteAuth = "public" | "session" | "org" | "kiosk";

/** What the document says about one route. */
export interface RouteDoc {
  /** HTTP method, lower case. */
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Path below `/api/v1`, parameters in OpenAPI `{param}` form. */
  path: string;
  /** One line, shown as the operation's title. */
  summary: string;
  /** Group in the reference. */
  tag: string;
  /** The JSON body schema the route validates with. */
  body?: z.ZodType;
  /** A body that is not JSON but the bytes themselves, of one of these media types (a logo). */
  rawBody?: readonly string[];
  /** The query schema the route validates with (each property becomes a query parameter). */
  query?: z.ZodType;
  /** The success status. */
  status: 200 | 201 | 202 | 204;
  /** What the success answer holds. */
  response: string;
  /** The answer is a page: `{data: [...], nextCursor}`. */
  paged?: boolean;
  /** The route honours `Idempotency-Key` (`routes/middleware/idempotency.ts`). */
  idempotent?: boolean;
  /** Who may call it. */
  auth: RouteAuth;
  /** The scope an API key needs (org routes). */
  scope?: Scope;
  /**
   * Org routes without a scope: `any` — any key of the organization may call it; `refused` — no
   * API key may (billing, managing keys: a signed-in admin only). The scope sweep
   * (`tests/api/api_key_scopes_test.ts`) holds the app to exactly what this says.
   */
  keys?: "any" | "refused";
}

/**
 * Routes documented before the app registers them. The coverage test fails as soon as one of
 * these exists in the app, so this list empties itself into the ordinary one.
 */
export const PENDING_ROUTES: ReadonlyArray<string> = [];

const ORG = "/orgs/{orgId}";

/** Every `/api/v1` route, in the order the reference shows them. */
export const ROUTES: ReadonlyArray<RouteDoc> = [
  // Meta
  {
    method: "get",
    path: "/openapi.json",
    summary: "This OpenAPI document",
    tag: "Meta",
    status: 200,
    response: "The OpenAPI 3.1 document describing every /api/v1 route.",
    auth: "public",
  },
  // Identity
  {
    method: "post",
    path: "/signup",
    summary: "Sign up",
    tag: "Identity",
    body: signupBody,
    status: 201,
    response: "The new organization and its owner; a session cookie is set.",
    idempotent: true,
    auth: "public",
  },
  {
    method: "post",
    path: "/session",
    summary: "Sign in",
    tag: "Identity",
    body: signinBody,
    status: 200,
    response: "The user and their organizations; a session cookie is set.",
    auth: "public",
  },
  {
    method: "delete",
    path: "/session",
    summary: "Sign out",
    tag: "Identity",
    status: 204,
    response: "Signed out; the session is revoked and the cookie cleared.",
    auth: "public",
  },
  {
    method: "get",
    path: "/me",
    summary: "Who am I",
    tag: "Identity",
    status: 200,
    response: "The signed-in user, their organizations and whether the email is verified.",
    auth: "session",
  },
  {
    method: "post",
    path: "/me/email-verification",
    summary: "Resend the verification email",
    tag: "Identity",
    status: 202,
    response: "`{sent: true}`",
    auth: "session",
  },
  {
    method: "post",
    path: "/me/password",
    summary: "Change password",
    tag: "Identity",
    body: passwordChangeBody,
    status: 204,
    response: "Password changed; other sessions are revoked.",
    auth: "session",
  },
  {
    method: "post",
    path: "/email-verification/{token}",
    summary: "Verify an email address",
    tag: "Identity",
    status: 200,
    response: "`{emailVerified: true}`",
    auth: "public",
  },
  {
    method: "post",
    path: "/password-reset",
    summary: "Request a password reset",
    tag: "Identity",
    body: passwordResetRequestBody,
    status: 202,
    response: "`{accepted: true}` whether or not the address is known.",
    auth: "public",
  },
  {
    method: "post",
    path: "/password-reset/{token}",
    summary: "Reset a password",
    tag: "Identity",
    body: passwordResetBody,
    status: 204,
    response: "Password set.",
    auth: "public",
  },
  {
    method: "post",
    path: "/orgs",
    summary: "Create another organization",
    tag: "Organizations",
    body: organizationInput,
    status: 201,
    response: "`{organization}`",
    idempotent: true,
    auth: "session",
  },
  // Invitation links
  {
    method: "get",
    path: "/invitations/{token}",
    summary: "Preview an invitation",
    tag: "Invitations",
    status: 200,
    response: "The organization, email, role, name and expiry of the invitation.",
    auth: "public",
  },
  {
    method: "post",
    path: "/invitations/{token}/accept",
    summary: "Accept an invitation",
    tag: "Invitations",
    body: acceptInvitationBody,
    status: 201,
    response: "The organization, the new membership, the user and whether an account was created.",
    auth: "public",
  },
  // Organization
  {
    method: "get",
    path: ORG,
    summary: "Read the organization",
    tag: "Organizations",
    status: 200,
    response: "The organization.",
    auth: "org",
    keys: "any",
  },
  // Members
  {
    method: "get",
    path: `${ORG}/members`,
    summary: "List members",
    tag: "Members",
    query: listInput,
    status: 200,
    response: "A page of members.",
    paged: true,
    auth: "org",
    scope: "members:read",
  },
  {
    method: "post",
    path: `${ORG}/members`,
    summary: "Add a member",
    tag: "Members",
    body: addMemberInput,
    status: 201,
    response: "The member.",
    idempotent: true,
    auth: "org",
    scope: "members:write",
  },
  {
    method: "get",
    path: `${ORG}/members/{userId}`,
    summary: "Read a member",
    tag: "Members",
    status: 200,
    response: "The member.",
    auth: "org",
    scope: "members:read",
  },
  {
    method: "patch",
    path: `${ORG}/members/{userId}`,
    summary: "Update a member",
    tag: "Members",
    body: memberPatch,
    status: 200,
    response: "The member.",
    auth: "org",
    scope: "members:write",
  },
  // Invitations
  {
    method: "get",
    path: `${ORG}/invitations`,
    summary: "List pending invitations",
    tag: "Invitations",
    query: listInput,
    status: 200,
    response: "A page of invitations.",
    paged: true,
    auth: "org",
    scope: "members:read",
  },
  {
    method: "post",
    path: `${ORG}/invitations`,
    summary: "Invite someone",
    tag: "Invitations",
    body: inviteInput,
    status: 201,
    response: "The invitation.",
    idempotent: true,
    auth: "org",
    scope: "members:write",
  },
  {
    method: "delete",
    path: `${ORG}/invitations/{invitationId}`,
    summary: "Revoke an invitation",
    tag: "Invitations",
    status: 204,
    response: "Revoked.",
    auth: "org",
    scope: "members:write",
  },
  // Clock
  {
    method: "get",
    path: `${ORG}/clock`,
    summary: "Clock status",
    tag: "Clock",
    status: 200,
    response: "`{state, entry}`: the member's clock state and open entry.",
    auth: "org",
    scope: "entries:read",
  },
  {
    method: "post",
    path: `${ORG}/clock/in`,
    summary: "Clock in",
    tag: "Clock",
    body: clockInBody,
    status: 201,
    response: "The open time entry.",
    idempotent: true,
    auth: "org",
    scope: "clock:write",
  },
  {
    method: "post",
    path: `${ORG}/clock/break/start`,
    summary: "Start a break",
    tag: "Clock",
    body: breakStartBody,
    status: 200,
    response: "The time entry.",
    auth: "org",
    scope: "clock:write",
  },
  {
    method: "post",
    path: `${ORG}/clock/break/end`,
    summary: "End a break",
    tag: "Clock",
    body: breakEndBody,
    status: 200,
    response: "The time entry.",
    auth: "org",
    scope: "clock:write",
  },
  {
    method: "post",
    path: `${ORG}/clock/out`,
    summary: "Clock out",
    tag: "Clock",
    body: clockOutBody,
    status: 200,
    response: "The closed time entry.",
    auth: "org",
    scope: "clock:write",
  },
  // Live board
  {
    method: "get",
    path: `${ORG}/live`,
    summary: "Live presence stream (server-sent events)",
    tag: "Live board",
    query: liveFeedInput,
    status: 200,
    response:
      "`text/event-stream`, managers and admins: `retry: 2000`, then one `event: presence` " +
      "per punch (`id:` the event id, `data: {userId, state, since, entryId}`), a `: keepalive` " +
      "comment every 15 s. With `Last-Event-ID` (or `?lastEventId=`) the events after it are " +
      "replayed first; an id the 24-hour log cannot resume from gets `event: reset` (`data: " +
      "{lastEventId}`): reload the snapshot.",
    auth: "org",
    scope: "members:read",
  },
  {
    method: "get",
    path: `${ORG}/live/snapshot`,
    summary: "Live board snapshot",
    tag: "Live board",
    query: liveSnapshotQuery,
    status: 200,
    response: "`{data: [{userId, name, state, since, entryId}], lastEventId}`: every active " +
      "member's presence now; open the stream with `?lastEventId=` to continue from it.",
    auth: "org",
    scope: "members:read",
  },
  {
    method: "get",
    path: `${ORG}/live/me`,
    summary: "My own presence stream (server-sent events)",
    tag: "Live board",
    query: liveFeedInput,
    status: 200,
    response: "`text/event-stream` of the signed-in member's own presence events, like `…/live` " +
      "(a punch made in another tab or on a kiosk). People only.",
    auth: "org",
    keys: "refused",
  },
  // Time entries
  {
    method: "get",
    path: `${ORG}/time-entries`,
    summary: "List time entries",
    tag: "Time entries",
    query: entryQuery,
    status: 200,
    response: "A page of time entries.",
    paged: true,
    auth: "org",
    scope: "entries:read",
  },
  {
    method: "post",
    path: `${ORG}/time-entries`,
    summary: "Create a time entry",
    tag: "Time entries",
    body: entryBody,
    status: 201,
    response: "The time entry.",
    idempotent: true,
    auth: "org",
    scope: "entries:write",
  },
  {
    method: "get",
    path: `${ORG}/time-entries/{id}`,
    summary: "Read a time entry",
    tag: "Time entries",
    status: 200,
    response: "The time entry.",
    auth: "org",
    scope: "entries:read",
  },
  {
    method: "patch",
    path: `${ORG}/time-entries/{id}`,
    summary: "Correct a time entry",
    tag: "Time entries",
    body: entryPatch,
    status: 200,
    response: "The time entry.",
    auth: "org",
    scope: "entries:write",
  },
  {
    method: "delete",
    path: `${ORG}/time-entries/{id}`,
    summary: "Delete a time entry",
    tag: "Time entries",
    body: entryDelete,
    status: 204,
    response: "Deleted (the history keeps it, with the reason).",
    auth: "org",
    scope: "entries:write",
  },
  {
    method: "get",
    path: `${ORG}/time-entries/{id}/history`,
    summary: "A time entry's history",
    tag: "Time entries",
    query: entryHistoryQuery,
    status: 200,
    response: "A page of the entry's revisions.",
    paged: true,
    auth: "org",
    scope: "entries:read",
  },
  // Settings
  {
    method: "get",
    path: `${ORG}/settings`,
    summary: "Read settings",
    tag: "Settings",
    status: 200,
    response: "Every setting and its `version`.",
    auth: "org",
    scope: "settings:read",
  },
  {
    method: "patch",
    path: `${ORG}/settings`,
    summary: "Change settings",
    tag: "Settings",
    body: settingsPatchSchema,
    status: 200,
    response: "Every setting and the new `version`. Setting `branding.accentColor` needs the " +
      "plan's `branding` and 4.5:1 contrast against white (422 `insufficient_contrast`, " +
      "details `{ratio, required}`).",
    auth: "org",
    scope: "settings:write",
  },
  // Timesheets
  {
    method: "get",
    path: `${ORG}/timesheets`,
    summary: "List timesheets of a pay period",
    tag: "Timesheets",
    query: timesheetListInput,
    status: 200,
    response: "`{data}`: the timesheets of the pay period holding `date`.",
    auth: "org",
    scope: "timesheets:read",
  },
  {
    method: "get",
    path: `${ORG}/timesheets/{timesheetId}`,
    summary: "Read a timesheet",
    tag: "Timesheets",
    status: 200,
    response: "The timesheet.",
    auth: "org",
    scope: "timesheets:read",
  },
  {
    method: "get",
    path: `${ORG}/timesheets/{timesheetId}/history`,
    summary: "A timesheet's history",
    tag: "Timesheets",
    query: timesheetHistoryQuery,
    status: 200,
    response: "A page of the timesheet's transitions.",
    paged: true,
    auth: "org",
    scope: "timesheets:read",
  },
  ...(["submit", "approve", "reject", "reopen"] as const).map((action): RouteDoc => ({
    method: "post",
    path: `${ORG}/timesheets/{timesheetId}/${action}`,
    summary: `${action[0].toUpperCase()}${action.slice(1)} a timesheet`,
    tag: "Timesheets",
    body: action === "submit" || action === "approve" ? emptyBody : reasonBody,
    status: 200,
    response: "The timesheet after the transition.",
    auth: "org",
    scope: "timesheets:write",
  })),
  // Reports
  {
    method: "get",
    path: `${ORG}/reports/hours`,
    summary: "Hours report",
    tag: "Reports",
    query: hoursReportInput,
    status: 200,
    response: "Hours per member and day, with overtime, between `from` and `to`.",
    auth: "org",
    scope: "reports:read",
  },
  // Time off
  {
    method: "get",
    path: `${ORG}/pto/types`,
    summary: "List time-off types",
    tag: "Time off",
    status: 200,
    response: "`{data}`: the organization's time-off types.",
    auth: "org",
    scope: "pto:read",
  },
  {
    method: "get",
    path: `${ORG}/pto/balances`,
    summary: "Time-off balances",
    tag: "Time off",
    query: balancesInput,
    status: 200,
    response: "A member's balance per time-off type.",
    auth: "org",
    scope: "pto:read",
  },
  {
    method: "get",
    path: `${ORG}/pto/ledger`,
    summary: "Time-off ledger",
    tag: "Time off",
    query: ledgerInput,
    status: 200,
    response: "The lines behind one balance and what is upcoming.",
    auth: "org",
    scope: "pto:read",
  },
  {
    method: "post",
    path: `${ORG}/pto/adjustments`,
    summary: "Adjust a balance",
    tag: "Time off",
    body: adjustmentInput,
    status: 201,
    response: "The adjustment.",
    idempotent: true,
    auth: "org",
    scope: "pto:write",
  },
  {
    method: "get",
    path: `${ORG}/pto/requests`,
    summary: "List time-off requests",
    tag: "Time off",
    query: listRequestsInput,
    status: 200,
    response: "A page of time-off requests.",
    paged: true,
    auth: "org",
    scope: "pto:read",
  },
  {
    method: "post",
    path: `${ORG}/pto/requests`,
    summary: "Request time off",
    tag: "Time off",
    body: requestInput,
    status: 201,
    response: "The request.",
    idempotent: true,
    auth: "org",
    scope: "pto:write",
  },
  {
    method: "get",
    path: `${ORG}/pto/requests/{requestId}`,
    summary: "Read a time-off request",
    tag: "Time off",
    status: 200,
    response: "The request.",
    auth: "org",
    scope: "pto:read",
  },
  {
    method: "post",
    path: `${ORG}/pto/requests/{requestId}/approve`,
    summary: "Approve a time-off request",
    tag: "Time off",
    body: z.strictObject({}),
    status: 200,
    response: "The request.",
    auth: "org",
    scope: "pto:write",
  },
  {
    method: "post",
    path: `${ORG}/pto/requests/{requestId}/reject`,
    summary: "Reject a time-off request",
    tag: "Time off",
    body: rejectInput.omit({ requestId: true }),
    status: 200,
    response: "The request.",
    auth: "org",
    scope: "pto:write",
  },
  {
    method: "post",
    path: `${ORG}/pto/requests/{requestId}/cancel`,
    summary: "Cancel a time-off request",
    tag: "Time off",
    body: cancelInput.omit({ requestId: true }),
    status: 200,
    response: "The request.",
    auth: "org",
    scope: "pto:write",
  },
  {
    method: "get",
    path: `${ORG}/pto/calendar`,
    summary: "Time-off calendar",
    tag: "Time off",
    query: calendarInput,
    status: 200,
    response: "`{from, to, data}`: who is off on each day.",
    auth: "org",
    scope: "pto:read",
  },
  // Locations
  {
    method: "get",
    path: `${ORG}/locations`,
    summary: "List job locations",
    tag: "Locations",
    query: locationListQuery,
    status: 200,
    response: "A page of job locations.",
    paged: true,
    auth: "org",
    scope: "locations:read",
  },
  {
    method: "post",
    path: `${ORG}/locations`,
    summary: "Create a job location",
    tag: "Locations",
    body: locationInput,
    status: 201,
    response: "The job location.",
    idempotent: true,
    auth: "org",
    scope: "locations:write",
  },
  {
    method: "get",
    path: `${ORG}/locations/{id}`,
    summary: "Read a job location",
    tag: "Locations",
    status: 200,
    response: "The job location.",
    auth: "org",
    scope: "locations:read",
  },
  {
    method: "patch",
    path: `${ORG}/locations/{id}`,
    summary: "Update a job location",
    tag: "Locations",
    body: locationPatch,
    status: 200,
    response: "The job location.",
    auth: "org",
    scope: "locations:write",
  },
  {
    method: "delete",
    path: `${ORG}/locations/{id}`,
    summary: "Delete a job location",
    tag: "Locations",
    status: 204,
    response: "Deleted.",
    auth: "org",
    scope: "locations:write",
  },
  // Billing
  {
    method: "get",
    path: `${ORG}/billing`,
    summary: "Billing status",
    tag: "Billing",
    status: 200,
    response: "Plan, subscription state, limits, usage and features.",
    auth: "org",
    keys: "refused",
  },
  {
    method: "post",
    path: `${ORG}/billing/checkout`,
    summary: "Start a checkout",
    tag: "Billing",
    body: checkoutInput,
    status: 200,
    response: "Where to send the browser to pay.",
    auth: "org",
    keys: "refused",
  },
  {
    method: "post",
    path: `${ORG}/billing/portal`,
    summary: "Open the billing portal",
    tag: "Billing",
    status: 200,
    response: "Where to send the browser to manage the subscription.",
    auth: "org",
    keys: "refused",
  },
  // API keys (issue #8 section 1)
  {
    method: "get",
    path: `${ORG}/api-keys`,
    summary: "List API keys",
    tag: "API keys",
    status: 200,
    response: "`{data}`: each key's id, name, prefix, scopes, expiry, lastUsedAt and createdBy; " +
      "never the secret.",
    auth: "org",
    keys: "refused",
  },
  {
    method: "post",
    path: `${ORG}/api-keys`,
    summary: "Create an API key",
    tag: "API keys",
    body: apiKeyInput,
    status: 201,
    response: "`{id, name, prefix, scopes, expiresAt, createdAt, key}`; `key` (starting `cf_`) " +
      "is shown only in this answer.",
    auth: "org",
    keys: "refused",
  },
  {
    method: "delete",
    path: `${ORG}/api-keys/{id}`,
    summary: "Revoke an API key",
    tag: "API keys",
    status: 204,
    response: "Revoked at once.",
    auth: "org",
    keys: "refused",
  },
  // Notifications (issue #9 section 3)
  {
    method: "get",
    path: `${ORG}/notification-preferences`,
    summary: "Read my notification preferences",
    tag: "Notifications",
    status: 200,
    response: "`{kinds, preferences}`: the kinds offered to your role and, for each, " +
      "`{email, slack}`.",
    auth: "org",
    keys: "refused",
  },
  {
    method: "put",
    path: `${ORG}/notification-preferences`,
    summary: "Change my notification preferences",
    tag: "Notifications",
    body: preferencesInput,
    status: 200,
    response: "`{kinds, preferences}` after the change; kinds not sent keep their choice.",
    auth: "org",
    keys: "refused",
  },
  {
    method: "get",
    path: `${ORG}/notification-settings`,
    summary: "Read the organization's notification settings",
    tag: "Notifications",
    status: 200,
    response: "`{slackWebhook: {configured, hint}, stillClockedInHours}` (admins).",
    auth: "org",
    scope: "settings:read",
  },
  {
    method: "patch",
    path: `${ORG}/notification-settings`,
    summary: "Change the organization's notification settings",
    tag: "Notifications",
    body: notificationSettingsPatch,
    status: 200,
    response: "The settings after the change. A Slack URL that is not https or resolves to a " +
      "non-public address is refused with 422 `slack_url_not_allowed`.",
    auth: "org",
    scope: "settings:write",
  },
  // Webhooks (issue #9 section 2; docs/webhooks.md)
  {
    method: "get",
    path: `${ORG}/webhooks`,
    summary: "List webhook endpoints",
    tag: "Webhooks",
    status: 200,
    response: "`{data}`: each endpoint's id, url, events, description, enabled, disabledReason, " +
      "failingSince, secretHint and previousSecretExpiresAt; never a secret.",
    auth: "org",
    scope: "webhooks:read",
  },
  {
    method: "post",
    path: `${ORG}/webhooks`,
    summary: "Create a webhook endpoint",
    tag: "Webhooks",
    body: webhookInput,
    status: 201,
    response: "The endpoint with its signing `secret` (`whsec_…`), shown only in this answer. " +
      "422 `webhook_url_not_allowed` (details.reason) when the URL is not https or resolves to " +
      "a non-public address; 409 `webhook_limit` beyond 20 endpoints.",
    idempotent: true,
    auth: "org",
    scope: "webhooks:write",
  },
  {
    method: "get",
    path: `${ORG}/webhooks/{webhookId}`,
    summary: "Read a webhook endpoint",
    tag: "Webhooks",
    status: 200,
    response: "The endpoint (no secret).",
    auth: "org",
    scope: "webhooks:read",
  },
  {
    method: "patch",
    path: `${ORG}/webhooks/{webhookId}`,
    summary: "Update a webhook endpoint",
    tag: "Webhooks",
    body: webhookPatch,
    status: 200,
    response: "The endpoint. Enabling it clears its failure state.",
    auth: "org",
    scope: "webhooks:write",
  },
  {
    method: "delete",
    path: `${ORG}/webhooks/{webhookId}`,
    summary: "Delete a webhook endpoint",
    tag: "Webhooks",
    status: 204,
    response: "Deleted; nothing more is sent to it.",
    auth: "org",
    scope: "webhooks:write",
  },
  {
    method: "post",
    path: `${ORG}/webhooks/{webhookId}/test`,
    summary: "Send a test event",
    tag: "Webhooks",
    body: emptyWebhookBody,
    status: 200,
    response: "The attempt of a `webhook.test` message, made now: status, responseStatus, " +
      "durationMs, error, responseBody.",
    auth: "org",
    scope: "webhooks:write",
  },
  {
    method: "post",
    path: `${ORG}/webhooks/{webhookId}/rotate-secret`,
    summary: "Rotate the signing secret",
    tag: "Webhooks",
    body: emptyWebhookBody,
    status: 200,
    response: "The endpoint with its new `secret`, shown only here; the previous secret keeps " +
      "signing beside it until `previousSecretExpiresAt` (24 hours).",
    auth: "org",
    scope: "webhooks:write",
  },
  {
    method: "get",
    path: `${ORG}/webhooks/{webhookId}/deliveries`,
    summary: "List delivery attempts",
    tag: "Webhooks",
    query: deliveryListQuery,
    status: 200,
    response: "A page of attempts, newest first (kept 30 days): event, messageId, attempt, " +
      "status (succeeded, pending, failed), responseStatus, durationMs, error, the first 1 KB " +
      "of the response, nextAttemptAt.",
    paged: true,
    auth: "org",
    scope: "webhooks:read",
  },
  {
    method: "post",
    path: `${ORG}/webhooks/{webhookId}/deliveries/{deliveryId}/retry`,
    summary: "Retry a delivery",
    tag: "Webhooks",
    body: emptyWebhookBody,
    status: 202,
    response: "`{endpointId, messageId, attempt, jobId}`: one more attempt of the same message " +
      "(same `webhook-id`) is queued now. 409 `webhook_disabled`, `webhook_message_expired`.",
    auth: "org",
    scope: "webhooks:write",
  },
  // Exports (issue #9 section 4)
  {
    method: "post",
    path: `${ORG}/exports`,
    summary: "Ask for an export",
    tag: "Exports",
    body: createExportInput,
    status: 202,
    response: "`{id, status}`: the export is queued; poll `GET …/exports/{exportId}`. PDF only " +
      "for `hours_report` and `timesheets` (else 422 `format_not_supported`); a format outside " +
      "the plan is 403 `feature_not_in_plan`. Employees: `time_entries` and `timesheets` of " +
      "themselves only.",
    auth: "org",
    scope: "exports:write",
  },
  {
    method: "get",
    path: `${ORG}/exports`,
    summary: "List recent exports",
    tag: "Exports",
    query: listExportsInput,
    status: 200,
    response: "`{data}`: recent exports, newest first (employees: their own).",
    auth: "org",
    scope: "exports:read",
  },
  {
    method: "get",
    path: `${ORG}/exports/{exportId}`,
    summary: "Get an export",
    tag: "Exports",
    status: 200,
    response: "`{id, kind, format, status (queued|running|done|failed), progress (0–1), " +
      "rowCount, downloadUrl, expiresAt, …}`.",
    auth: "org",
    scope: "exports:read",
  },
  {
    method: "get",
    path: `${ORG}/exports/{exportId}/download`,
    summary: "Download an export's file",
    tag: "Exports",
    status: 200,
    response: "The file (`Content-Disposition: attachment`); 409 `export_not_ready` until it is " +
      "done, 410 `export_expired` after 7 days.",
    auth: "org",
    scope: "exports:read",
  },
  {
    method: "get",
    path: `${ORG}/report-schedule`,
    summary: "Get the report schedule",
    tag: "Exports",
    status: 200,
    response: "The scheduled report (admins), with whether the plan offers it.",
    auth: "org",
    scope: "exports:read",
  },
  {
    method: "put",
    path: `${ORG}/report-schedule`,
    summary: "Set the report schedule",
    tag: "Exports",
    body: reportScheduleInput,
    status: 200,
    response: "The scheduled report. Switching it on needs the plan's scheduled reports.",
    auth: "org",
    scope: "exports:write",
  },
  // Kiosks (issue #10 section 1; docs/kiosk.md)
  {
    method: "post",
    path: `${ORG}/kiosks`,
    summary: "Create a kiosk",
    tag: "Kiosks",
    body: kioskInput,
    status: 201,
    response: "`{id, name, locationId, pairingCode, pairingExpiresAt}`: enter the 8-character " +
      "code on the tablet within 10 minutes; it works once. 422 `unknown_location`.",
    auth: "org",
    scope: "settings:write",
  },
  {
    method: "get",
    path: `${ORG}/kiosks`,
    summary: "List kiosks",
    tag: "Kiosks",
    status: 200,
    response: "`{data}`: each kiosk's id, name, locationId, paired, lastSeenAt, createdAt and a " +
      "pending code's pairingExpiresAt; never a code or credential.",
    auth: "org",
    scope: "settings:read",
  },
  {
    method: "post",
    path: `${ORG}/kiosks/{kioskId}/pairing-code`,
    summary: "Issue a new pairing code",
    tag: "Kiosks",
    status: 200,
    response: "`{pairingCode, pairingExpiresAt}`; the previous code stops working, and the " +
      "device that pairs with this one replaces (revokes) the kiosk's current device.",
    auth: "org",
    scope: "settings:write",
  },
  {
    method: "delete",
    path: `${ORG}/kiosks/{kioskId}`,
    summary: "Revoke a kiosk",
    tag: "Kiosks",
    status: 204,
    response: "Revoked: the device's next call answers 401 `kiosk_unpaired`.",
    auth: "org",
    scope: "settings:write",
  },
  {
    method: "put",
    path: `${ORG}/members/{userId}/pin`,
    summary: "Set a member's kiosk PIN",
    tag: "Kiosks",
    body: pinInput,
    status: 204,
    response: "Set (admins, or the member for themselves); stored hashed. 409 `pin_taken` when " +
      "another member of the organization has it.",
    auth: "org",
    scope: "members:write",
  },
  {
    method: "delete",
    path: `${ORG}/members/{userId}/pin`,
    summary: "Remove a member's kiosk PIN",
    tag: "Kiosks",
    status: 204,
    response: "Removed (admins, or the member for themselves).",
    auth: "org",
    scope: "members:write",
  },
  {
    method: "get",
    path: `${ORG}/kiosk-conflicts`,
    summary: "List kiosk conflicts",
    tag: "Kiosks",
    status: 200,
    response: "`{data}`: offline punches that could not apply, newest first (managers, admins): " +
      "id, kioskId, userId, name, action, at, code, message, createdAt, resolvedAt.",
    auth: "org",
    scope: "entries:read",
  },
  {
    method: "post",
    path: `${ORG}/kiosk-conflicts/{conflictId}/resolve`,
    summary: "Resolve a kiosk conflict",
    tag: "Kiosks",
    status: 200,
    response: "The conflict with `resolvedAt` (managers, admins); resolving twice is harmless.",
    auth: "org",
    scope: "entries:write",
  },
  {
    method: "post",
    path: "/kiosk/pair",
    summary: "Pair this device with a kiosk",
    tag: "Kiosk device",
    body: pairInput,
    status: 200,
    response: "`{kiosk: {id, name, locationId}, organization: {id, name, timeZone}, branding: " +
      "{accentColor, logoUrl}}` and the device cookie. 404 `pairing_code_invalid` (unknown, " +
      "used or expired); 429 `too_many_attempts` per client address.",
    auth: "public",
  },
  {
    method: "get",
    path: "/kiosk/me",
    summary: "This kiosk",
    tag: "Kiosk device",
    status: 200,
    response: "The same body as pairing. 401 `kiosk_unpaired` without a live credential.",
    auth: "kiosk",
  },
  {
    method: "post",
    path: "/kiosk/identify",
    summary: "Find a member by PIN",
    tag: "Kiosk device",
    body: identifyInput,
    status: 200,
    response: "`{userId, name, state (out|in|break), since}`. 404 `unknown_pin`; 429 " +
      "`too_many_attempts` (Retry-After) after 5 wrong PINs in a row on the device.",
    auth: "kiosk",
  },
  {
    method: "post",
    path: "/kiosk/punch",
    summary: "Punch by PIN",
    tag: "Kiosk device",
    body: punchInput,
    status: 200,
    response: '`{status: "applied", member, state, entry}` (201 for `in`) or, for an offline ' +
      'punch (`at`) a rule refuses, `{status: "conflict", conflict: {id, code, message}}`. ' +
      "The same `idempotencyKey` again answers the first answer (`Idempotent-Replayed: true`). " +
      "422 `punch_time_out_of_range` (over 72 h late or in the future); live refusals are the " +
      "clock's 409s; 404 `unknown_pin`; 429 `too_many_attempts`.",
    auth: "kiosk",
  },
  // Branding (issue #10 section 3; docs/branding.md)
  {
    method: "get",
    path: `${ORG}/branding`,
    summary: "Read the branding",
    tag: "Branding",
    status: 200,
    response:
      "`{accentColor, contrast, requiredContrast, logoUrl, customDomain, featureEnabled}` " +
      "(admins). The accent colour is changed with `PATCH …/settings {branding: {accentColor}}`.",
    auth: "org",
    scope: "settings:read",
  },
  {
    method: "put",
    path: `${ORG}/branding/logo`,
    summary: "Upload the logo",
    tag: "Branding",
    rawBody: LOGO_TYPES,
    status: 200,
    response: "`{logoUrl}`: a public, versioned URL (cached for a year). The body is the image " +
      "itself, PNG, JPEG or WebP, checked by its bytes (the declared type must match; never " +
      "SVG): 413 `payload_too_large` over 256 KiB, 422 `unsupported_image` (details.reason " +
      "`type_not_accepted`, `type_mismatch`, `malformed`) otherwise.",
    auth: "org",
    scope: "settings:write",
  },
  {
    method: "delete",
    path: `${ORG}/branding/logo`,
    summary: "Remove the logo",
    tag: "Branding",
    status: 204,
    response: "Removed (also when there was none).",
    auth: "org",
    scope: "settings:write",
  },
  {
    method: "put",
    path: `${ORG}/branding/domain`,
    summary: "Set the custom domain",
    tag: "Branding",
    body: domainInput,
    status: 200,
    response: '`{domain, status: "pending", txtName, txtValue}`: create a TXT record ' +
      "`txtName` holding `txtValue`, then verify. The same domain again keeps its record.",
    auth: "org",
    scope: "settings:write",
  },
  {
    method: "post",
    path: `${ORG}/branding/domain/verify`,
    summary: "Verify the custom domain",
    tag: "Branding",
    status: 200,
    response: '`{domain, status: "verified"}` when the TXT record holds the value; 422 ' +
      "`domain_not_verified` otherwise, 409 `domain_taken` when another organization verified " +
      "the domain first.",
    auth: "org",
    scope: "settings:write",
  },
  {
    method: "delete",
    path: `${ORG}/branding/domain`,
    summary: "Remove the custom domain",
    tag: "Branding",
    status: 204,
    response: "Removed; the domain no longer serves this organization's pages.",
    auth: "org",
    scope: "settings:write",
  },
];
