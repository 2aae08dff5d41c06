/**
 * Organization settings: every member may read them (they decide how time is counted); only
 * admins change them. Changing `overtime` needs the plan's `overtimeRules`, turning
 * `requireLocation` on needs `geofencing` (403 `feature_not_in_plan` / `feature_disabled`);
 * `disabledFeatures` switches plan features off for the organization. The rules live in
 * `lib/settings/use_cases.ts`; this door parses, calls and presents.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import { readOrgSettings, updateOrgSettings } from "../../lib/settings/use_cases.ts";
import type { VersionedSettings } from "../../lib/settings/repository.ts";

/** The settings as the API shows them: the version beside every setting. */
const present = ({ version, settings }: VersionedSettings) => ({ version, ...settings });

/** Routes mounted at `/api/v1/orgs/:orgId/settings` (after `requireOrg`). */
export const settingsApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(present(await readOrgSettings(requestContext(c)))))
  .patch("/", async (c) => {
    const ctx = requestContext(c);
    return c.json(present(await updateOrgSettings(ctx, await readJson(c, z.any()))));
  });
