/**
 * Organization settings as use cases. Every member may read them (they decide how time is
 * counted); only admins change them. A change is validated with `settingsPatchSchema`
 * (`./schema.ts`), gated by the plan (changing `overtime` needs `overtimeRules`, turning
 * `requireLocation` on needs `geofencing`, changing `branding` needs `branding`: 403
 * `feature_not_in_plan` / `feature_disabled`; an accent colour white text cannot be read on is
 * 422 `insufficient_contrast`),
 * versioned (409 `version_conflict`) and audited with the acting principal. The JSON API and the
 * settings page call the same {@linkcode updateOrgSettings}.
 *
 * | use case | who | input |
 * | --- | --- | --- |
 * | {@linkcode readOrgSettings} | every member | |
 * | {@linkcode updateOrgSettings} | admin | `settingsPatchSchema` (`version` optional) |
 * | {@linkcode settingsView} | admin | what the settings page shows beside the form |
 *
 * @module
 */

import { authorize, type RequestContext, requireScope } from "../context.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import { assertSettingsChangeAllowed } from "../billing/gates.ts";
import { cheapestPlanWith, type Feature, FEATURES, type PlanId, PLANS } from "../billing/plans.ts";
import { allLocations } from "../locations/repository.ts";
import { updateSettings, type VersionedSettings } from "./repository.ts";
import { settingsPatchSchema } from "./schema.ts";
import { assertAccentContrast } from "../branding/contrast.ts";

/** The organization's settings with their version (every member). */
export function readOrgSettings(ctx: RequestContext): Promise<VersionedSettings> {
  requireScope(ctx, "settings:read");
  return Promise.resolve(ctx.settings);
}

/**
 * Replace the given top-level sections of the settings (admins). With `version`, the change
 * applies only to that version (409 `version_conflict` otherwise).
 *
 * @example
 * ```ts
 * await updateOrgSettings(ctx, { timeZone: "america/chicago", version: 3 }); // stored as America/Chicago
 * ```
 */
export async function updateOrgSettings(
  ctx: RequestContext,
  input: Unparsed<typeof settingsPatchSchema>,
): Promise<VersionedSettings> {
  requireScope(ctx, "settings:write");
  authorize(ctx, "admin");
  const { version, ...patch } = parseInput(settingsPatchSchema, input);
  assertSettingsChangeAllowed(ctx.entitlements, ctx.settings.settings, patch);
  if (patch.branding) assertAccentContrast(patch.branding.accentColor);
  return await updateSettings(ctx.scope, ctx.principal, patch, version, ctx.now);
}

/** One plan feature as the settings page offers it. */
export interface FeatureChoice {
  id: Feature;
  /** In the organization's plan (so an admin may switch it off and on). */
  inPlan: boolean;
  /** The cheapest plan that has it, when it is not in this one. */
  upgradeTo: PlanId | null;
}

/** What the settings page shows beside the stored settings. */
export interface SettingsView extends VersionedSettings {
  plan: PlanId;
  /** Features in force (in the plan and not switched off). */
  enabledFeatures: Feature[];
  features: FeatureChoice[];
  /** Active locations (the page explains `requireLocation` with them). */
  activeLocations: number;
}

/** The settings with the plan's features and the active locations (admins). */
export async function settingsView(ctx: RequestContext): Promise<SettingsView> {
  requireScope(ctx, "settings:read");
  authorize(ctx, "admin");
  const active = await allLocations(ctx.scope, { activeOnly: true });
  const plan = PLANS[ctx.entitlements.plan];
  return {
    ...ctx.settings,
    plan: plan.id,
    enabledFeatures: ctx.entitlements.features,
    features: FEATURES.map((id) => ({
      id,
      inPlan: plan.features.includes(id),
      upgradeTo: plan.features.includes(id) ? null : cheapestPlanWith(id),
    })),
    activeLocations: active.length,
  };
}
