/**
 * Organization settings in KV: one versioned record per organization (`["settings"]`), the time
 * zone kept on the organization's profile and changed in the same commit. Every change is
 * audited with the settings before and after.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { OrgScope } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import type { Organization } from "../orgs/orgs.ts";
import type { Principal } from "../principal.ts";
import { parseInput } from "../validation.ts";
import { defaultSettings, type Settings, settingsSchema } from "./schema.ts";

type Stored = { version: number; updatedAt: number; values: Omit<Settings, "timeZone"> };

/** Settings with their version (0 until first changed). */
export interface VersionedSettings {
  version: number;
  settings: Settings;
}

/** The organization's settings (defaults until an admin changes them). */
export async function getSettings(scope: OrgScope): Promise<VersionedSettings> {
  const [profile, stored] = await scope.getMany<Organization | Stored>([
    scope.key("profile"),
    scope.key("settings"),
  ]);
  const org = profile.value as Organization | null;
  if (!org) throw new DomainError("not_found", "not_found", "organization not found");
  return settingsFrom(org, stored.value);
}

/** The key parts of the stored settings record (for callers that read it with other keys). */
export const SETTINGS_PARTS = ["settings"] as const;

/**
 * Settings from the organization's profile and the stored record at {@linkcode SETTINGS_PARTS}
 * (null: never changed, so the defaults).
 */
export function settingsFrom(org: Organization, stored: unknown): VersionedSettings {
  const s = stored as Stored | null;
  const base = defaultSettings(org.timeZone);
  return {
    version: s?.version ?? 0,
    settings: s ? { ...base, ...s.values, timeZone: org.timeZone } : base,
  };
}

/**
 * Throw 400 `unknown_break_type` unless every given type id (nulls ignored) is one of the
 * organization's break types.
 */
export function requireBreakType(
  settings: Pick<Settings, "breaks">,
  ...typeIds: (string | null | undefined)[]
): void {
  const wanted = typeIds.filter((t): t is string => typeof t === "string");
  if (wanted.length === 0) return;
  const known = settings.breaks.types.map((t) => t.id);
  const unknown = wanted.find((t) => !known.includes(t));
  if (unknown !== undefined) {
    throw new DomainError("invalid", "unknown_break_type", "No such break type", {
      typeId: unknown,
      known,
    });
  }
}

/**
 * Replace the given top-level sections. `expectedVersion`, when given, must match the current
 * version (409 `version_conflict` otherwise), so two admins editing at once cannot silently
 * overwrite each other. Who may change what is decided by `updateOrgSettings`
 * (`./use_cases.ts`); this only stores.
 */
export async function updateSettings(
  scope: OrgScope,
  principal: Principal,
  patch: Partial<Settings>,
  expectedVersion: number | undefined,
  now: number,
): Promise<VersionedSettings> {
  const [profile, stored] = await scope.getMany<Organization | Stored>([
    scope.key("profile"),
    scope.key("settings"),
  ]);
  const current = await getSettings(scope);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new DomainError(
      "conflict",
      "version_conflict",
      "The settings changed since you loaded them; reload and try again",
      { currentVersion: current.version },
    );
  }
  // The whole result must hold (a value stored under older rules is refused, 400, until fixed).
  const next = parseInput(settingsSchema, { ...current.settings, ...patch });
  const { timeZone, ...values } = next;
  const version = current.version + 1;
  const org = profile.value as Organization;
  const op = scope.atomic()
    .check(scope.key("profile"), profile.versionstamp)
    .check(scope.key("settings"), stored.versionstamp)
    .set(scope.key("settings"), { version, updatedAt: now, values } satisfies Stored);
  if (timeZone !== org.timeZone) op.set(scope.key("profile"), { ...org, timeZone });
  addAudit(op, scope, {
    principal,
    action: "settings.update",
    entity: { kind: "settings", id: scope.orgId },
    before: { version: current.version, ...current.settings },
    after: { version, ...next },
  }, now);
  if (!(await op.commit())) {
    throw new DomainError("conflict", "version_conflict", "The settings changed meanwhile; retry");
  }
  return { version, settings: next };
}
