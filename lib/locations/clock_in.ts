/**
 * Where a clock-in happens: the rule that checks a punch's position against the organization's
 * geofences and decides which location the new entry names.
 *
 * With the `requireLocation` setting on:
 * - the punch must carry coordinates **and** their accuracy (422 `location_required`);
 * - there must be at least one active location (422 `no_locations`);
 * - a given `locationId` must name an active location (422 `unknown_location`); otherwise the
 *   nearest active location whose fence holds the position is chosen, or — when none does — the
 *   nearest one by distance is reported;
 * - the position, widened by its accuracy (at most by the fence's own radius, see
 *   {@linkcode checkFence}), must be inside that location's fence (422 `outside_geofence`, with
 *   `{locationId, locationName, distanceMeters, radiusMeters, accuracyMeters}` in the details).
 *
 * With it off, coordinates are optional and never refused; a given `locationId` must still name
 * an active location (422 `unknown_location`), and without one, a position inside an active
 * location's fence names that location (the nearest such).
 *
 * Unknown ids, other organizations' ids and inactive locations all answer the same
 * `unknown_location`, so the answer reveals nothing about other tenants.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { OrgScope } from "../kv/mod.ts";
import type { GeoPoint } from "../entries/model.ts";
import { checkFence, distanceMeters } from "./geo.ts";
import { allLocations, type Location } from "./repository.ts";

/** What a clock-in says about where it happens. */
export interface ClockInPlace {
  locationId?: string | null;
  latitude?: number;
  longitude?: number;
  accuracy?: number;
}

/** The verdict: the location the entry names and the position it stores. */
export interface ResolvedPlace {
  locationId: string | null;
  geo: GeoPoint | null;
}

/** A location as the rule needs it. */
export type FenceSite = Pick<
  Location,
  "id" | "name" | "latitude" | "longitude" | "radiusMeters" | "active"
>;

function geoOf(place: ClockInPlace): GeoPoint | null {
  return place.latitude === undefined || place.longitude === undefined
    ? null
    : { latitude: place.latitude, longitude: place.longitude, accuracy: place.accuracy ?? null };
}

/** The nearest of `sites` to `position` whose fence holds it, or null. */
function nearestContaining(sites: FenceSite[], position: GeoPoint): FenceSite | null {
  let best: { site: FenceSite; d: number } | null = null;
  for (const site of sites) {
    const fence = checkFence(position, position.accuracy ?? 0, site, site.radiusMeters);
    if (!fence.inside) continue;
    const d = distanceMeters(position, site);
    if (!best || d < best.d) best = { site, d };
  }
  return best?.site ?? null;
}

/** The nearest of `sites` (non-empty) to `position` by distance from its center. */
function nearest(sites: FenceSite[], position: GeoPoint): FenceSite {
  let best = sites[0];
  let bestD = distanceMeters(position, best);
  for (const site of sites.slice(1)) {
    const d = distanceMeters(position, site);
    if (d < bestD) [best, bestD] = [site, d];
  }
  return best;
}

/**
 * Apply the clock-in rule to `place` with the organization's `sites` (any order; inactive ones
 * are ignored). Pure: throws the 422 errors described in the module docs.
 *
 * @example
 * ```ts
 * const site = { id: "A", name: "Shop", latitude: 0, longitude: 0, radiusMeters: 100, active: true };
 * decideClockInPlace([site], true, { latitude: 0, longitude: 0.0005, accuracy: 10 });
 * // { locationId: "A", geo: { latitude: 0, longitude: 0.0005, accuracy: 10 } }
 * ```
 */
export function decideClockInPlace(
  sites: FenceSite[],
  requireLocation: boolean,
  place: ClockInPlace,
): ResolvedPlace {
  const active = sites.filter((s) => s.active);
  const geo = geoOf(place);
  const wanted = place.locationId ?? null;
  const chosen = wanted === null ? null : active.find((s) => s.id === wanted) ?? null;
  if (wanted !== null && !chosen) {
    throw new DomainError(
      "unprocessable",
      "unknown_location",
      "That location does not exist or is no longer active; choose another",
      { locationId: wanted },
    );
  }
  if (!requireLocation) {
    if (chosen) return { locationId: chosen.id, geo };
    const inside = geo ? nearestContaining(active, geo) : null;
    return { locationId: inside?.id ?? null, geo };
  }
  if (!geo || geo.accuracy === null) {
    throw new DomainError(
      "unprocessable",
      "location_required",
      "Clocking in needs your position: allow this site to use your location and try again",
      { missing: !geo ? ["latitude", "longitude", "accuracy"] : ["accuracy"] },
    );
  }
  if (active.length === 0) {
    throw new DomainError(
      "unprocessable",
      "no_locations",
      "Clocking in needs a job location, but there are no active locations; ask an admin to add one",
    );
  }
  const site = chosen ?? nearestContaining(active, geo) ?? nearest(active, geo);
  const accuracy = geo.accuracy ?? 0;
  const fence = checkFence(geo, accuracy, site, site.radiusMeters);
  if (!fence.inside) {
    throw new DomainError(
      "unprocessable",
      "outside_geofence",
      `You are ${fence.distanceMeters} m from ${site.name} (fence ${site.radiusMeters} m)`,
      {
        locationId: site.id,
        locationName: site.name,
        distanceMeters: fence.distanceMeters,
        radiusMeters: site.radiusMeters,
        accuracyMeters: accuracy,
      },
    );
  }
  return { locationId: site.id, geo };
}

/**
 * The clock-in rule over the organization's stored locations (see the module docs). Reads the
 * locations only when the rule needs them.
 */
export async function resolveClockInLocation(
  scope: OrgScope,
  settings: { requireLocation: boolean },
  place: ClockInPlace,
): Promise<ResolvedPlace> {
  const needsSites = settings.requireLocation || (place.locationId ?? null) !== null ||
    geoOf(place) !== null;
  const sites = needsSites ? await allLocations(scope, { activeOnly: true }) : [];
  return decideClockInPlace(sites, settings.requireLocation, place);
}
