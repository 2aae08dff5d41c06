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
import {
  clockIn,
  clockOut,
  clockStatus,
  endBreak,
  type Puncher,
  startBreak,
} from "../../lib/clock/clock.ts";
import { viewEntry } from "../../lib/entries/model.ts";

function puncher(c: AppContext): Puncher {
  const { membership, membershipVersionstamp } = c.get("org");
  return { userId: membership.userId, membershipVersionstamp };
}

/** Routes mounted at `/api/v1/orgs/:orgId/clock` (after `requireOrg`). */
export const clockApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { state, entry } = await clockStatus(c.get("org").scope, c.get("org").membership.userId);
    const now = c.get("deps").now();
    return c.json({ state, entry: entry ? viewEntry(entry, now) : null });
  })
  .post("/in", idempotent(), async (c) => {
    const body = await readJson(c, clockInBody);
    const now = c.get("deps").now();
    const entry = await clockIn(c.get("org").scope, puncher(c), {
      note: body.note ?? null,
      locationId: body.locationId ?? null,
      geo: geoOf(body),
    }, now);
    return c.json(viewEntry(entry, now), 201);
  })
  .post("/break/start", async (c) => {
    const body = await readJson(c, breakStartBody);
    const { scope } = c.get("org");
    const typeId = body.typeId ?? null;
    await requireBreakType(scope, typeId);
    const now = c.get("deps").now();
    return c.json(viewEntry(await startBreak(scope, puncher(c), now, typeId), now));
  })
  .post("/break/end", async (c) => {
    await readJson(c, clockOutBody);
    const now = c.get("deps").now();
    return c.json(viewEntry(await endBreak(c.get("org").scope, puncher(c), now), now));
  })
  .post("/out", async (c) => {
    const body = await readJson(c, clockOutBody);
    const now = c.get("deps").now();
    return c.json(viewEntry(await clockOut(c.get("org").scope, puncher(c), geoOf(body), now), now));
  });
