/**
 * Organization settings: every member may read them (they decide how time is counted); only
 * admins change them. Changing `overtime` needs the plan's `overtimeRules`, turning
 * `requireLocation` on needs `geofencing` (403 `feature_not_in_plan` / `feature_disabled`);
 * `disabledFeatures` switches plan features off for the organization.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requireRole } from "../middleware/auth.ts";
import { settingsPatchSchema } from "../../lib/settings/schema.ts";
import { updateSettings } from "../../lib/settings/repository.ts";
import { assertSettingsChangeAllowed } from "../../lib/billing/gates.ts";
import { entitlements } from "../middleware/plan.ts";

/** Routes mounted at `/api/v1/orgs/:orgId/settings` (after `requireOrg`). */
export const settingsApi = new Hono<AppEnv>()
  .get("/", (c) => {
    const { version, settings } = c.get("org").settings;
    return c.json({ version, ...settings });
  })
  .patch("/", requireRole("admin"), async (c) => {
    const { version: expected, ...patch } = await readJson(c, settingsPatchSchema);
    const { settings: current } = c.get("org").settings;
    assertSettingsChangeAllowed(entitlements(c), current, patch);
    const { version, settings } = await updateSettings(
      c.get("org").scope,
      c.get("user")!.id,
      patch,
      expected,
      c.get("deps").now(),
    );
    return c.json({ version, ...settings });
  });
