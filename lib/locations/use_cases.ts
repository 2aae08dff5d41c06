/**
 * Job locations as use cases: what any front door (the JSON API, the locations page, later an
 * API key) calls. Every member may read locations (the clock offers them); only admins change
 * them. Creating an active location, or reactivating one, counts against the plan's `locations`
 * limit (402 `plan_limit`), always; every organization is also capped at
 * {@linkcode MAX_LOCATIONS}. The plan's `geofencing` feature decides only whether clock-in
 * enforces the fences (the `requireLocation` setting, gated in `lib/settings/use_cases.ts`).
 *
 * Each use case authorizes first and then validates its input with its schema from
 * `./schemas.ts` (so a refused role hears 403 whatever it sent, from every door).
 *
 * | use case | who | input (schema) |
 * | --- | --- | --- |
 * | {@linkcode listJobLocations} | every member | `locationListQuery` |
 * | {@linkcode getJobLocation} | every member | `{id}` |
 * | {@linkcode createJobLocation} | admin | `locationInput` |
 * | {@linkcode updateJobLocation} | admin | `{id, patch: locationPatch}` |
 * | {@linkcode deleteJobLocation} | admin | `{id}` |
 * | {@linkcode manageLocationsView} | admin | a page of the admins' list with the active count |
 *
 * @module
 */

import { authorize, planLimit, type RequestContext, requireScope } from "../context.ts";
import { decodeCursorParam } from "../kv/mod.ts";
import {
  allLocations,
  createLocation,
  deleteLocation,
  getLocation,
  listLocations,
  type Location,
  updateLocation,
} from "./repository.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import { locationInput, locationListQuery, locationPatch, type LocationRef } from "./schemas.ts";
import { MAX_LOCATIONS } from "./limits.ts";

export { MAX_LOCATIONS };

/** A page of locations. */
export interface LocationPage {
  data: Location[];
  nextCursor: string | null;
}

/**
 * A page of the organization's locations in creation order (every member). 400
 * `invalid_cursor` for a malformed cursor.
 *
 * @example
 * ```ts
 * const { data, nextCursor } = await listJobLocations(ctx, { limit: 50 });
 * ```
 */
export async function listJobLocations(
  ctx: RequestContext,
  input: Unparsed<typeof locationListQuery>,
): Promise<LocationPage> {
  requireScope(ctx, "locations:read");
  const q = parseInput(locationListQuery, input);
  return await listLocations(ctx.scope, { limit: q.limit, cursor: decodeCursorParam(q.cursor) });
}

/** One location (every member); `not_found` for unknown ids and other tenants' ids. */
export async function getJobLocation(ctx: RequestContext, input: LocationRef): Promise<Location> {
  requireScope(ctx, "locations:read");
  return await getLocation(ctx.scope, input.id);
}

/**
 * Create a location (admins). 402 `plan_limit` when an active one would exceed the plan's
 * `locations` limit; 409 `location_limit` beyond {@linkcode MAX_LOCATIONS}.
 *
 * @example
 * ```ts
 * await createJobLocation(ctx, { name: "Depot", latitude: 1, longitude: 2, radiusMeters: 100 });
 * ```
 */
export async function createJobLocation(
  ctx: RequestContext,
  input: Unparsed<typeof locationInput>,
): Promise<Location> {
  requireScope(ctx, "locations:write");
  authorize(ctx, "admin");
  const loc = parseInput(locationInput, input);
  return await createLocation(ctx.scope, ctx.principal, loc, ctx.now, {
    activeLimit: planLimit(ctx, "locations"),
  });
}

/**
 * Change a location (admins); a change that changes nothing writes nothing. Reactivating counts
 * against the plan's `locations` limit (402 `plan_limit`). `not_found` for unknown ids.
 */
export async function updateJobLocation(
  ctx: RequestContext,
  input: LocationRef & { patch: Unparsed<typeof locationPatch> },
): Promise<Location> {
  requireScope(ctx, "locations:write");
  authorize(ctx, "admin");
  const patch = parseInput(locationPatch, input.patch);
  return await updateLocation(ctx.scope, ctx.principal, input.id, patch, ctx.now, {
    activeLimit: planLimit(ctx, "locations"),
  });
}

/**
 * Delete a location for good (admins): entries keep its id, its audit trail keeps its last
 * state. `not_found` for unknown ids.
 */
export async function deleteJobLocation(ctx: RequestContext, input: LocationRef): Promise<void> {
  requireScope(ctx, "locations:write");
  authorize(ctx, "admin");
  await deleteLocation(ctx.scope, ctx.principal, input.id, ctx.now);
}

/** What the admins' locations page shows. */
export interface LocationsView extends LocationPage {
  /** Active locations in the whole organization (what the plan's limit counts). */
  activeCount: number;
  /** Whether clock-in requires a location (the setting). */
  requireLocation: boolean;
}

/** The admins' view of the locations: a page of them and how many are active (admins). */
export async function manageLocationsView(
  ctx: RequestContext,
  input: { limit: number; cursor?: string | null },
): Promise<LocationsView> {
  requireScope(ctx, "locations:read");
  authorize(ctx, "admin");
  const [page, active] = await Promise.all([
    listLocations(ctx.scope, { limit: input.limit, cursor: decodeCursorParam(input.cursor) }),
    allLocations(ctx.scope, { activeOnly: true }),
  ]);
  return {
    ...page,
    activeCount: active.length,
    requireLocation: ctx.settings.settings.requireLocation,
  };
}
