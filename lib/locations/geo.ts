/**
 * Geofence math: great-circle distance and whether a reported position (with its accuracy
 * radius) is inside a circular fence. Works across the antimeridian and near the poles.
 *
 * @module
 */

/** Mean Earth radius in meters (IUGG). */
export const EARTH_RADIUS_M = 6_371_008.8;

/** A point in degrees. */
export interface LatLng {
  latitude: number;
  longitude: number;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * Great-circle (haversine) distance in meters.
 *
 * @example
 * ```ts
 * distanceMeters({ latitude: 0, longitude: 179.9995 }, { latitude: 0, longitude: -179.9995 }); // ≈ 111
 * ```
 */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 +
    Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The verdict on a position against one fence. */
export interface FenceCheck {
  inside: boolean;
  /** Distance from the fence's center, meters, rounded to the meter. */
  distanceMeters: number;
}

/**
 * Whether a position reported with `accuracy` meters of uncertainty is inside the fence of
 * `radius` meters around `center`. The position counts as inside when its uncertainty circle
 * reaches the fence, but the benefit of the doubt is at most the fence's own radius: a reading
 * accurate to 5 km cannot clock in at a 100 m site 3 km away.
 */
export function checkFence(
  position: LatLng,
  accuracy: number,
  center: LatLng,
  radius: number,
): FenceCheck {
  const d = distanceMeters(position, center);
  const allowance = Math.min(Math.max(0, accuracy), radius);
  return { inside: d <= radius + allowance, distanceMeters: Math.round(d) };
}
