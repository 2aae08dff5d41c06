/**
 * The fixed bounds of job locations, whatever the plan: how many one organization may have and
 * how large a geofence may be. Pure constants, so the catalog text (`lib/billing/catalog_text.ts`)
 * can state the real cap without reaching the store.
 *
 * @module
 */

/** Smallest geofence radius, meters (a phone's GPS is rarely better than ~10–20 m). */
export const MIN_RADIUS_METERS = 25;
/** Largest geofence radius, meters. */
export const MAX_RADIUS_METERS = 100_000;
/**
 * Most locations one organization may have, on every plan (clock-in looks at all of them to
 * find the nearest one). A plan without a `locations` limit is capped here.
 */
export const MAX_LOCATIONS = 500;
