/**
 * Feature gates: what happens when a feature is off. Every decision comes from
 * {@linkcode enabled} (`entitlements.ts`); this module turns it into refusals and into the
 * settings the engines actually apply.
 *
 * - A feature outside the plan answers 403 `feature_not_in_plan` with
 *   `{feature, plan, upgradeTo}` (`upgradeTo`: the cheapest plan that includes it).
 * - A feature the plan includes but an admin switched off answers 403 `feature_disabled` with
 *   `{feature, plan}`: the fix is the organization's settings, not an upgrade.
 * - Settings of a feature that is off stay stored but are not applied: without `overtimeRules`
 *   pay is computed with the overtime preset `none`; without `geofencing` clock-in ignores
 *   `requireLocation` ({@linkcode effectiveSettings}). Changing those settings while the feature
 *   is off is refused ({@linkcode assertSettingsChangeAllowed}), sending them back unchanged is
 *   not (the settings page posts every section).
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { Settings } from "../settings/schema.ts";
import { enabled, type Entitlements } from "./entitlements.ts";
import { cheapestPlanWith, type Feature, FEATURE_LABELS, PLANS } from "./plans.ts";

/** The 403 refusing `feature`, or null when it is on. */
export function featureError(
  ent: Pick<Entitlements, "plan" | "features">,
  feature: Feature,
): DomainError | null {
  if (enabled(ent, feature)) return null;
  const label = FEATURE_LABELS[feature];
  if (PLANS[ent.plan].features.includes(feature)) {
    return new DomainError(
      "forbidden",
      "feature_disabled",
      `${label} is switched off for this organization; an admin can switch it on in the settings`,
      { feature, plan: ent.plan },
    );
  }
  const upgradeTo = cheapestPlanWith(feature);
  return new DomainError(
    "forbidden",
    "feature_not_in_plan",
    `${label} is not part of the ${PLANS[ent.plan].name} plan${
      upgradeTo ? `; upgrade to ${PLANS[upgradeTo].name} to use it` : ""
    }`,
    { feature, plan: ent.plan, upgradeTo },
  );
}

/**
 * Throw 403 `feature_not_in_plan` or `feature_disabled` unless `feature` is on.
 *
 * @example
 * ```ts
 * assertFeature(ent, "pto"); // on the free plan: 403 feature_not_in_plan, upgradeTo "team"
 * ```
 */
export function assertFeature(
  ent: Pick<Entitlements, "plan" | "features">,
  feature: Feature,
): void {
  const err = featureError(ent, feature);
  if (err) throw err;
}

/** What the settings of switched-off features mean while they are off. */
export function effectiveSettings(
  settings: Settings,
  ent: Pick<Entitlements, "features">,
): Settings {
  const overtime = enabled(ent, "overtimeRules") ? settings.overtime : { preset: "none" as const };
  const requireLocation = enabled(ent, "geofencing") ? settings.requireLocation : false;
  if (overtime === settings.overtime && requireLocation === settings.requireLocation) {
    return settings;
  }
  return { ...settings, overtime, requireLocation };
}

/** JSON text with object keys sorted, so equal settings compare equal whatever their order. */
function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v,
  );
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/**
 * Refuse a settings change that needs a feature that is off: changing `overtime` needs
 * `overtimeRules`, turning `requireLocation` on needs `geofencing`, setting an accent colour
 * needs `branding`. Unchanged values (and turning `requireLocation` off, clearing the accent
 * colour) always pass.
 */
export function assertSettingsChangeAllowed(
  ent: Pick<Entitlements, "plan" | "features">,
  current: Settings,
  patch: Partial<Settings>,
): void {
  if (patch.overtime !== undefined && !same(patch.overtime, current.overtime)) {
    assertFeature(ent, "overtimeRules");
  }
  if (patch.requireLocation === true && !current.requireLocation) {
    assertFeature(ent, "geofencing");
  }
  if (
    patch.branding !== undefined && patch.branding.accentColor !== null &&
    !same(patch.branding, current.branding)
  ) {
    assertFeature(ent, "branding");
  }
}
