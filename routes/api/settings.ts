/**
 * Organization settings: every member may read them (they decide how time is counted); only
 * admins change them.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requireRole } from "../middleware/auth.ts";
import { settingsPatchSchema } from "../../lib/settings/schema.ts";
import { getSettings, updateSettings } from "../../lib/settings/repository.ts";

/** Routes mounted at `/api/v1/orgs/:orgId/settings` (after `requireOrg`). */
export const settingsApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { version, settings } = await getSettings(c.get("org").scope);
    return c.json({ version, ...settings });
  })
  .patch("/", requireRole("admin"), async (c) => {
    const { version: expected, ...patch } = await readJson(c, settingsPatchSchema);
    const { version, settings } = await updateSettings(
      c.get("org").scope,
      c.get("user")!.id,
      patch,
      expected,
      c.get("deps").now(),
    );
    return c.json({ version, ...settings });
  });
