/**
 * Job locations: every member may read them (the clock page offers them); only admins change
 * them. The rules (roles, the plan's `locations` limit, validation) live in the use cases of
 * `lib/locations/use_cases.ts`; this door parses, calls and presents.
 *
 * | method and path | who | body / query |
 * | --- | --- | --- |
 * | `GET …/locations` | all | `limit`, `cursor` |
 * | `POST …/locations` | admin | `locationInput` (`lib/locations/schemas.ts`) |
 * | `GET …/locations/{id}` | all | |
 * | `PATCH …/locations/{id}` | admin | `locationPatch` |
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
import type { AppEnv } from "../context.ts";
import { z } from "zod";
import { readJson } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { requestContext } from "../request_context.ts";
import { viewLocation } from "../../lib/locations/repository.ts";
import {
  createJobLocation,
  deleteJobLocation,
  getJobLocation,
  listJobLocations,
  updateJobLocation,
} from "../../lib/locations/use_cases.ts";

/** Any JSON body: the use case validates it after authorizing. */
const body = z.any();

/** Routes mounted at `/api/v1/orgs/:orgId/locations` (after `requireOrg`). */
export const locationsApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const page = await listJobLocations(requestContext(c), c.req.query());
    return c.json({ data: page.data.map(viewLocation), nextCursor: page.nextCursor });
  })
  .post("/", idempotent(), async (c) => {
    const loc = await createJobLocation(requestContext(c), await readJson(c, body));
    return c.json(viewLocation(loc), 201);
  })
  .get("/:id", async (c) => {
    return c.json(viewLocation(await getJobLocation(requestContext(c), { id: c.req.param("id") })));
  })
  .patch("/:id", async (c) => {
    const patch = await readJson(c, body);
    const loc = await updateJobLocation(requestContext(c), { id: c.req.param("id"), patch });
    return c.json(viewLocation(loc));
  })
  .delete("/:id", async (c) => {
    await deleteJobLocation(requestContext(c), { id: c.req.param("id") });
    return c.body(null, 204);
  });
