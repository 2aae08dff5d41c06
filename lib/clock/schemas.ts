/**
 * Input schemas of the clock use cases (`use_cases.ts`). The JSON API validates bodies with
 * them; the clock form adapts its strings to the same schemas. Objects are strict: unknown
 * fields are refused.
 *
 * @module
 */

import { z } from "zod";
import { id, note } from "../validation.ts";
import type { GeoPoint } from "../entries/model.ts";
import { breakTypeId } from "../entries/schemas.ts";

export { breakTypeId };

/** A reported position: latitude and longitude together, accuracy in meters optional. */
const position = {
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  accuracy: z.number().min(0).max(100_000).optional(),
};

const together = {
  check: (b: { latitude?: number; longitude?: number }) =>
    (b.latitude === undefined) === (b.longitude === undefined),
  params: { message: "send latitude and longitude together", path: ["latitude"] },
};

/**
 * The member an API key punches for (required from keys; a person may only name themselves).
 */
const forMember = { userId: id.optional() };

/** Body of clock-in: an optional note, job location and position. */
export const clockInBody = z.strictObject({
  ...forMember,
  note: note.optional(),
  locationId: id.nullable().optional(),
  ...position,
}).refine(together.check, together.params);

/** Body of break start: the break type (none: an unpaid break). */
export const breakStartBody = z.strictObject({
  ...forMember,
  typeId: breakTypeId.nullable().optional(),
});

/** Body of clock-out (an optional position). */
export const clockOutBody = z.strictObject({ ...forMember, ...position }).refine(
  together.check,
  together.params,
);

/** Body of break end (like clock-out: an optional position, not stored). */
export const breakEndBody = clockOutBody;

/** Query of the clock status: the member an API key asks about. */
export const clockStatusQuery = z.object(forMember);
/** Clock status input, as validated. */
export type ClockStatusQuery = z.infer<typeof clockStatusQuery>;

/** Clock-in input, as validated. */
export type ClockInBody = z.infer<typeof clockInBody>;
/** Break-start input, as validated. */
export type BreakStartBody = z.infer<typeof breakStartBody>;
/** Clock-out input, as validated. */
export type ClockOutBody = z.infer<typeof clockOutBody>;

/**
 * The position in a body with optional coordinates, or null without them.
 *
 * @example
 * ```ts
 * geoOf({ latitude: 52.5, longitude: 13.4 }); // { latitude: 52.5, longitude: 13.4, accuracy: null }
 * geoOf({}); // null
 * ```
 */
export function geoOf(
  b: { latitude?: number; longitude?: number; accuracy?: number },
): GeoPoint | null {
  return b.latitude === undefined || b.longitude === undefined
    ? null
    : { latitude: b.latitude, longitude: b.longitude, accuracy: b.accuracy ?? null };
}
