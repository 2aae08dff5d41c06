/**
 * The signed-in member's own time clock.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { breakStartBody, clockInBody, clockOutBody, geoOf } from "./schemas.ts";
import { requireBreakType } from "../../lib/settings/repository.ts";
import { resolveClockInLocation } from "../../lib/locations/clock_in.ts";
import { effectiveSettings } from "../../lib/billing/gates.ts";
import { entitlements } from "../middleware/plan.ts";
import {
  clockIn,
  clockOut,
  clockStatus,
  endBreak,
  type Puncher,
  startBreak,
} from "../../lib/clock/clock.ts";
import { type TimeEntry, viewEntry } from "../../lib/entries/model.ts";

function puncher(c: AppContext): Puncher {
  const { membership, membershipVersionstamp, ownTimeline } = c.get("org");
  return { userId: membership.userId, membershipVersionstamp, timeline: ownTimeline };
}

/** The entry as JSON, viewed with the organization's break rules (paid breaks, deduction). */
function entryJson(c: AppContext, entry: TimeEntry | null, now: number) {
  return entry ? viewEntry(entry, now, c.get("org").settings.settings) : null;
}

/** Routes mounted at `/api/v1/orgs/:orgId/clock` (after `requireOrg`). */
export const clockApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { scope, membership, ownTimeline } = c.get("org");
    const { state, entry } = await clockStatus(scope, membership.userId, ownTimeline);
    return c.json({ state, entry: entryJson(c, entry, c.get("deps").now()) });
  })
  .post("/in", idempotent(), async (c) => {
    const body = await readJson(c, clockInBody);
    const { scope, settings: { settings } } = c.get("org");
    // Without the plan's geofencing, `requireLocation` is not applied.
    const rules = effectiveSettings(settings, entitlements(c));
    const place = await resolveClockInLocation(scope, rules, body);
    const now = c.get("deps").now();
    const entry = await clockIn(scope, puncher(c), {
      note: body.note ?? null,
      locationId: place.locationId,
      geo: place.geo,
    }, now);
    return c.json(viewEntry(entry, now, settings), 201);
  })
  .post("/break/start", async (c) => {
    const body = await readJson(c, breakStartBody);
    const { scope } = c.get("org");
    const typeId = body.typeId ?? null;
    requireBreakType(c.get("org").settings.settings, typeId);
    const now = c.get("deps").now();
    return c.json(entryJson(c, await startBreak(scope, puncher(c), now, typeId), now));
  })
  .post("/break/end", async (c) => {
    await readJson(c, clockOutBody);
    const now = c.get("deps").now();
    return c.json(entryJson(c, await endBreak(c.get("org").scope, puncher(c), now), now));
  })
  .post("/out", async (c) => {
    const body = await readJson(c, clockOutBody);
    const now = c.get("deps").now();
    const entry = await clockOut(c.get("org").scope, puncher(c), geoOf(body), now);
    return c.json(entryJson(c, entry, now));
  });
