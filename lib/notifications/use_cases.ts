/**
 * Notification choices as use cases. The JSON API (`routes/api/notifications.ts`) and the
 * Notifications page (`routes/pages/notifications.tsx`) call these; the unsubscribe page calls
 * the two that take a token instead of a signed-in person.
 *
 * | use case | who | input |
 * | --- | --- | --- |
 * | {@linkcode getMyPreferences} | any member, for themselves (API keys refused) | |
 * | {@linkcode updateMyPreferences} | any member, for themselves (API keys refused) | `preferencesInput` |
 * | {@linkcode getNotificationSettings} | admins (`settings:read`) | |
 * | {@linkcode updateNotificationSettings} | admins (`settings:write`) | `notificationSettingsPatch` |
 * | {@linkcode readUnsubscribeLink} / {@linkcode unsubscribe} | whoever holds a mailed link | `unsubscribeInput` |
 *
 * @module
 */

import { actingMember, authorize, type RequestContext, requireScope } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { Store } from "../kv/mod.ts";
import type { Membership } from "../members/members.ts";
import type { Organization } from "../orgs/orgs.ts";
import { addAudit } from "../audit/audit.ts";
import { checkOutboundUrl, type OutboundPolicy } from "../net/ssrf.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import { KIND_LABELS, kindsForRole, type NotificationKind } from "./kinds.ts";
import {
  type Channels,
  type NotificationSettings,
  preferencesFrom,
  preferencesKey,
  readPreferences,
  readSettings,
  setPreferences,
  settingsKey,
} from "./repository.ts";
import { notificationSettingsPatch, preferencesInput, unsubscribeInput } from "./schemas.ts";
import { verifyUnsubscribe } from "./unsubscribe.ts";

/** A person's choices as shown: only the kinds offered to their role. */
export interface PreferencesView {
  /** The kinds offered, in page order. */
  kinds: NotificationKind[];
  preferences: Partial<Record<NotificationKind, Channels>>;
}

function viewPreferences(
  prefs: Record<NotificationKind, Channels>,
  kinds: NotificationKind[],
): PreferencesView {
  return { kinds, preferences: Object.fromEntries(kinds.map((k) => [k, prefs[k]])) };
}

/** The acting member's choices, per kind offered to their role. */
export async function getMyPreferences(ctx: RequestContext): Promise<PreferencesView> {
  const me = actingMember(ctx);
  requireScope(ctx, "settings:read");
  const { preferences } = await readPreferences(ctx.scope, me.membership.userId);
  return viewPreferences(preferences, kindsForRole(ctx.role));
}

/**
 * Change the acting member's channels of the kinds given (others keep their choice). A kind not
 * offered to the member's role is refused (400 `kind_not_offered`).
 *
 * @example
 * ```ts
 * await updateMyPreferences(ctx, { timesheet_rejected: { email: false, slack: true } });
 * ```
 */
export async function updateMyPreferences(
  ctx: RequestContext,
  input: Unparsed<typeof preferencesInput>,
): Promise<PreferencesView> {
  const me = actingMember(ctx);
  requireScope(ctx, "settings:write");
  const patch = parseInput(preferencesInput, input);
  const kinds = kindsForRole(ctx.role);
  const unknown = (Object.keys(patch) as NotificationKind[]).filter((k) =>
    patch[k] !== undefined && !kinds.includes(k)
  );
  if (unknown.length) {
    throw new DomainError(
      "invalid",
      "kind_not_offered",
      "Your role does not receive these notifications",
      { kinds: unknown, offered: kinds },
    );
  }
  const userId = me.membership.userId;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await readPreferences(ctx.scope, userId);
    const next = { ...current.preferences };
    for (const k of kinds) if (patch[k]) next[k] = { ...patch[k]! };
    const op = ctx.scope.atomic()
      .check(preferencesKey(ctx.scope, userId), current.versionstamp)
      .check(ctx.scope.key("member", userId), me.membershipVersionstamp);
    setPreferences(op, ctx.scope, userId, next);
    if (await op.commit()) return viewPreferences(next, kinds);
  }
  throw new DomainError("conflict", "version_conflict", "Your choices changed meanwhile; retry");
}

/** The organization's settings as shown: the Slack URL is a credential, so only a hint. */
export interface NotificationSettingsView {
  slackWebhook: { configured: boolean; hint: string | null };
  stillClockedInHours: number | null;
}

/** `https://hooks.slack.com/…/Xy12`: enough to recognise a URL, not to use it. */
export function slackUrlHint(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.origin}/…${url.slice(-4)}`;
  } catch {
    return "…";
  }
}

function viewSettings(s: NotificationSettings): NotificationSettingsView {
  return {
    slackWebhook: { configured: s.slackWebhookUrl !== null, hint: slackUrlHint(s.slackWebhookUrl) },
    stillClockedInHours: s.stillClockedInHours,
  };
}

/** The organization's notification settings (admins). */
export async function getNotificationSettings(
  ctx: RequestContext,
): Promise<NotificationSettingsView> {
  requireScope(ctx, "settings:read");
  authorize(ctx, "admin");
  return viewSettings((await readSettings(ctx.scope)).settings);
}

/**
 * Change the organization's notification settings (admins). A Slack URL must pass the outbound
 * guard `policy` (https, public addresses; 422 `slack_url_not_allowed` otherwise); it is
 * checked again before every post. Audited, with the URL reduced to its hint.
 *
 * @example
 * ```ts
 * await updateNotificationSettings(ctx, { stillClockedInHours: 10 }, outbound.policy);
 * ```
 */
export async function updateNotificationSettings(
  ctx: RequestContext,
  input: Unparsed<typeof notificationSettingsPatch>,
  policy: OutboundPolicy,
): Promise<NotificationSettingsView> {
  requireScope(ctx, "settings:write");
  authorize(ctx, "admin");
  const patch = parseInput(notificationSettingsPatch, input);
  if (typeof patch.slackWebhookUrl === "string") {
    const check = await checkOutboundUrl(patch.slackWebhookUrl, policy);
    if (!check.ok) {
      throw new DomainError("unprocessable", "slack_url_not_allowed", check.message, {
        reason: check.reason,
      });
    }
  }
  const current = await readSettings(ctx.scope);
  const next: NotificationSettings = {
    slackWebhookUrl: patch.slackWebhookUrl === undefined
      ? current.settings.slackWebhookUrl
      : patch.slackWebhookUrl,
    stillClockedInHours: patch.stillClockedInHours === undefined
      ? current.settings.stillClockedInHours
      : patch.stillClockedInHours,
    updatedAt: ctx.now,
  };
  const op = ctx.scope.atomic()
    .check(settingsKey(ctx.scope), current.versionstamp)
    .set(settingsKey(ctx.scope), next);
  addAudit(op, ctx.scope, {
    principal: ctx.principal,
    action: "notification_settings.update",
    entity: { kind: "notification_settings", id: ctx.scope.orgId },
    before: viewSettings(current.settings),
    after: viewSettings(next),
  }, ctx.now);
  if (!(await op.commit())) {
    throw new DomainError("conflict", "version_conflict", "The settings changed meanwhile; retry");
  }
  return viewSettings(next);
}

/** What an unsubscribe link turns off, as its confirmation page shows it. */
export interface UnsubscribeView {
  orgName: string;
  kind: NotificationKind;
  label: string;
  /** Whether that kind's email is already off. */
  alreadyOff: boolean;
}

function invalidLink(): DomainError {
  return new DomainError(
    "invalid",
    "invalid_unsubscribe_link",
    "This unsubscribe link is not valid. Change your notifications on the Notifications page.",
  );
}

/**
 * The organization and member a genuine token names, or 400 `invalid_unsubscribe_link`.
 * `store.scopeForJob` makes the scope: like a queue message, the token was written (signed)
 * by this server only. A member no longer in the organization gets the same 400.
 */
async function resolveLink(store: Store, token: string) {
  const claim = await verifyUnsubscribe(store, token);
  if (!claim) throw invalidLink();
  const scope = await store.scopeForJob(claim.orgId);
  if (!scope) throw invalidLink();
  const [profile, member, pref] = await scope.getMany<unknown>([
    scope.key("profile"),
    scope.key("member", claim.userId),
    preferencesKey(scope, claim.userId),
  ]);
  const org = profile.value as Organization | null;
  const membership = member.value as Membership | null;
  if (!org || !membership) throw invalidLink();
  return { claim, scope, org, member, pref };
}

/** What a mailed unsubscribe link would turn off (no sign-in, writes nothing). */
export async function readUnsubscribeLink(
  store: Store,
  input: Unparsed<typeof unsubscribeInput>,
): Promise<UnsubscribeView> {
  const { token } = parseInput(unsubscribeInput, input);
  const { claim, org, pref } = await resolveLink(store, token);
  return {
    orgName: org.name,
    kind: claim.kind,
    label: KIND_LABELS[claim.kind],
    alreadyOff: !preferencesFrom(pref.value)[claim.kind].email,
  };
}

/**
 * Turn off the email of the kind a mailed link names, for the person it names (no sign-in:
 * the token is the proof). Idempotent; audited as the person.
 */
export async function unsubscribe(
  store: Store,
  input: Unparsed<typeof unsubscribeInput>,
  now: number,
): Promise<UnsubscribeView> {
  const { token } = parseInput(unsubscribeInput, input);
  for (let attempt = 0; attempt < 5; attempt++) {
    const { claim, scope, org, member, pref } = await resolveLink(store, token);
    const prefs = preferencesFrom(pref.value);
    const view = { orgName: org.name, kind: claim.kind, label: KIND_LABELS[claim.kind] };
    if (!prefs[claim.kind].email) return { ...view, alreadyOff: true };
    const next = { ...prefs, [claim.kind]: { ...prefs[claim.kind], email: false } };
    const op = scope.atomic()
      .check(preferencesKey(scope, claim.userId), pref.versionstamp)
      .check(scope.key("member", claim.userId), member.versionstamp);
    setPreferences(op, scope, claim.userId, next);
    addAudit(op, scope, {
      actorId: claim.userId,
      action: "notification_preferences.unsubscribe",
      entity: { kind: "notification_preferences", id: claim.userId },
      before: { [claim.kind]: prefs[claim.kind] },
      after: { [claim.kind]: next[claim.kind] },
    }, now);
    if (await op.commit()) return { ...view, alreadyOff: false };
  }
  throw new DomainError("conflict", "version_conflict", "Your choices changed meanwhile; retry");
}
