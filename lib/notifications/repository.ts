/**
 * Notification data in KV, per organization:
 *
 * - `["org", o, "notification_pref", userId]` → {@linkcode StoredPreferences}: a person's choice
 *   per kind (`{email, slack}`); kinds never chosen take {@linkcode DEFAULT_CHANNELS}.
 * - `["org", o, "notification_settings"]` → {@linkcode NotificationSettings}: the organization's
 *   Slack incoming-webhook URL and the still-clocked-in threshold (admins).
 * - `["org", o, "still_clocked_in_sent", userId, entryId]` → epoch ms: the sweep told this member
 *   about this running entry (written in the commit of the `notify` job; expires in 60 days).
 *
 * @module
 */

import type { Atomic, OrgScope } from "../kv/mod.ts";
import { NOTIFICATION_KINDS, type NotificationKind } from "./kinds.ts";

/** How one kind reaches a person. */
export interface Channels {
  email: boolean;
  slack: boolean;
}

/** Email on, Slack off: what a person gets before choosing. */
export const DEFAULT_CHANNELS: Readonly<Channels> = Object.freeze({ email: true, slack: false });

/** A person's stored choices (only kinds they changed). */
export type StoredPreferences = Partial<Record<NotificationKind, Channels>>;

/** Every kind's channels for one person. */
export type Preferences = Record<NotificationKind, Channels>;

/** The organization's notification settings. */
export interface NotificationSettings {
  /** Slack incoming-webhook URL (a credential: never shown back in full), or null. */
  slackWebhookUrl: string | null;
  /** Hours after which a running entry is reported to its member; null: off. */
  stillClockedInHours: number | null;
  updatedAt: number | null;
}

/** No Slack, no still-clocked-in reminder. */
export const DEFAULT_SETTINGS: Readonly<NotificationSettings> = Object.freeze({
  slackWebhookUrl: null,
  stillClockedInHours: null,
  updatedAt: null,
});

/** The key of a person's preferences. */
export function preferencesKey(scope: OrgScope, userId: string) {
  return scope.key("notification_pref", userId);
}

/** The key of the organization's notification settings. */
export function settingsKey(scope: OrgScope) {
  return scope.key("notification_settings");
}

/** The marker that the sweep reported running entry `entryId` of `userId`. */
export function stillClockedInMarkerKey(scope: OrgScope, userId: string, entryId: string) {
  return scope.key("still_clocked_in_sent", userId, entryId);
}

/** How long a still-clocked-in marker is kept (longer than any entry may run). */
export const MARKER_TTL_MS = 60 * 24 * 3_600_000;

/** Every kind's channels from what is stored (malformed parts fall back to the defaults). */
export function preferencesFrom(stored: unknown): Preferences {
  const s = (stored && typeof stored === "object" ? stored : {}) as Record<string, unknown>;
  const out = {} as Preferences;
  for (const kind of NOTIFICATION_KINDS) {
    const c = s[kind] as Partial<Channels> | undefined;
    out[kind] = {
      email: typeof c?.email === "boolean" ? c.email : DEFAULT_CHANNELS.email,
      slack: typeof c?.slack === "boolean" ? c.slack : DEFAULT_CHANNELS.slack,
    };
  }
  return out;
}

/** The settings from what is stored (absent or malformed: the defaults). */
export function settingsFrom(stored: unknown): NotificationSettings {
  const s = (stored && typeof stored === "object" ? stored : {}) as Partial<NotificationSettings>;
  return {
    slackWebhookUrl: typeof s.slackWebhookUrl === "string" ? s.slackWebhookUrl : null,
    stillClockedInHours: typeof s.stillClockedInHours === "number" ? s.stillClockedInHours : null,
    updatedAt: typeof s.updatedAt === "number" ? s.updatedAt : null,
  };
}

/** A person's preferences with the versionstamp they were read at. */
export async function readPreferences(
  scope: OrgScope,
  userId: string,
): Promise<{ preferences: Preferences; versionstamp: string | null }> {
  const e = await scope.getKey(preferencesKey(scope, userId));
  return { preferences: preferencesFrom(e.value), versionstamp: e.versionstamp };
}

/** The preferences of several people, in order (one read per ten people). */
export async function readPreferencesOf(
  scope: OrgScope,
  userIds: string[],
): Promise<Preferences[]> {
  const got = await scope.getMany(userIds.map((id) => preferencesKey(scope, id)));
  return got.map((e) => preferencesFrom(e.value));
}

/** The organization's settings with their versionstamp. */
export async function readSettings(
  scope: OrgScope,
): Promise<{ settings: NotificationSettings; versionstamp: string | null }> {
  const e = await scope.getKey(settingsKey(scope));
  return { settings: settingsFrom(e.value), versionstamp: e.versionstamp };
}

/** Add the write of a person's whole preferences to `op`. */
export function setPreferences(
  op: Atomic,
  scope: OrgScope,
  userId: string,
  prefs: Preferences,
): Atomic {
  return op.set(preferencesKey(scope, userId), prefs satisfies StoredPreferences);
}
