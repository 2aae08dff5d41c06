/**
 * Job locations: every member may read them (the clock page offers them); only admins change
 * them.
 *
 * | method and path | who | body / query |
 * | --- | --- | --- |
 * | `GET …/locations` | all | `limit`, `cursor` |
 * | `POST …/locations` | admin | {@linkcode locationBody} |
 * | `GET …/locations/{id}` | all | |
 * | `PATCH …/locations/{id}` | admin | {@linkcode locationPatch} |
 * | `DELETE …/locations/{id}` | admin | (hard delete; entries keep the id) |
 *
 * Job locations are on every plan (entries are tagged with them); the plan's `geofencing`
 * feature decides only whether clock-in enforces their fences (`requireLocation`). Creating an
 * active location or reactivating one beyond the plan's `locations` limit answers 402
 * `plan_limit`.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { requireRole } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { limitFor } from "../middleware/plan.ts";
import { pageQuery, timeZone } from "./schemas.ts";
import { decodeCursorParam } from "../../lib/kv/mod.ts";
import {
  createLocation,
  deleteLocation,
  getLocation,
  listLocations,
  MAX_RADIUS_METERS,
  MIN_RADIUS_METERS,
  updateLocation,
  viewLocation,
} from "../../lib/locations/repository.ts";

const fields = {
  name: z.string().trim().min(1).max(100),
  address: z.string().trim().max(300),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  radiusMeters: z.number().int().min(MIN_RADIUS_METERS).max(MAX_RADIUS_METERS),
  timeZone: timeZone.nullable(),
  active: z.boolean(),
};

/** Body creating a location (`address` defaults to "", `timeZone` to null, `active` to true). */
export const locationBody = z.strictObject({
  ...fields,
  address: fields.address.default(""),
  timeZone: fields.timeZone.default(null),
  active: fields.active.default(true),
});

/** Body changing a location: any of its fields, at least one. */
export const locationPatch = z.strictObject({
  name: fields.name.optional(),
  address: fields.address.optional(),
  latitude: fields.latitude.optional(),
  longitude: fields.longitude.optional(),
  radiusMeters: fields.radiusMeters.optional(),
  timeZone: fields.timeZone.optional(),
  active: fields.active.optional(),
}).refine((b) => Object.keys(b).length > 0, "change at least one field");

/** Routes mounted at `/api/v1/orgs/:orgId/locations` (after `requireOrg`). */
export const locationsApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = readQuery(c, pageQuery);
    const page = await listLocations(c.get("org").scope, {
      limit: q.limit,
      cursor: decodeCursorParam(q.cursor),
    });
    return c.json({ data: page.data.map(viewLocation), nextCursor: page.nextCursor });
  })
  .post("/", requireRole("admin"), idempotent(), async (c) => {
    const body = await readJson(c, locationBody);
    const loc = await createLocation(
      c.get("org").scope,
      c.get("user")!.id,
      body,
      c.get("deps").now(),
      { activeLimit: limitFor(c, "locations") },
    );
    return c.json(viewLocation(loc), 201);
  })
  .get("/:id", async (c) => {
    return c.json(viewLocation(await getLocation(c.get("org").scope, c.req.param("id"))));
  })
  .patch("/:id", requireRole("admin"), async (c) => {
    const body = await readJson(c, locationPatch);
    const loc = await updateLocation(
      c.get("org").scope,
      c.get("user")!.id,
      c.req.param("id"),
      body,
      c.get("deps").now(),
      { activeLimit: limitFor(c, "locations") },
    );
    return c.json(viewLocation(loc));
  })
  .delete("/:id", requireRole("admin"), async (c) => {
    await deleteLocation(
      c.get("org").scope,
      c.get("user")!.id,
      c.req.param("id"),
      c.get("deps").now(),
    );
    return c.body(null, 204);
  });
