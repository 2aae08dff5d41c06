/**
 * Input schemas of the location use cases: the only definition of what a location may be. The
 * JSON API validates bodies with them; the locations page adapts its form strings (numbers from
 * text, an empty time zone as null) and validates with the same schemas. Messages are written for
 * people, since the page shows them next to its fields.
 *
 * @module
 */

import { z } from "zod";
import { hasUnsafeText, label, paging, timeZone } from "../validation.ts";
import { MAX_RADIUS_METERS, MIN_RADIUS_METERS } from "./limits.ts";

const LATITUDE = "Enter a latitude between -90 and 90, like 40.7128";
const LONGITUDE = "Enter a longitude between -180 and 180, like -74.006";
const RADIUS = `Enter a radius in whole meters, from ${MIN_RADIUS_METERS} to ${MAX_RADIUS_METERS}`;

/** Each field of a location, with its rule. */
export const locationFields = {
  name: label(100),
  address: z.string().trim().max(300, "use at most 300 characters")
    .refine((s) => !hasUnsafeText(s), "remove control and direction-override characters"),
  latitude: z.number({ error: LATITUDE }).min(-90, LATITUDE).max(90, LATITUDE),
  longitude: z.number({ error: LONGITUDE }).min(-180, LONGITUDE).max(180, LONGITUDE),
  radiusMeters: z.number({ error: RADIUS }).int(RADIUS).min(MIN_RADIUS_METERS, RADIUS)
    .max(MAX_RADIUS_METERS, RADIUS),
  /** An IANA time zone (canonicalized, offsets refused); null: the organization's. */
  timeZone: timeZone.nullable(),
  active: z.boolean(),
};

/** Creating a location (`address` defaults to "", `timeZone` to null, `active` to true). */
export const locationInput = z.strictObject({
  ...locationFields,
  address: locationFields.address.default(""),
  timeZone: locationFields.timeZone.default(null),
  active: locationFields.active.default(true),
});
/** A location to create. */
export type LocationInput = z.infer<typeof locationInput>;

/** Changing a location: any of its fields, at least one. */
export const locationPatch = z.strictObject({
  name: locationFields.name.optional(),
  address: locationFields.address.optional(),
  latitude: locationFields.latitude.optional(),
  longitude: locationFields.longitude.optional(),
  radiusMeters: locationFields.radiusMeters.optional(),
  timeZone: locationFields.timeZone.optional(),
  active: locationFields.active.optional(),
}).refine((b) => Object.keys(b).length > 0, "change at least one field");
/** Changes to a location. */
export type LocationPatchInput = z.infer<typeof locationPatch>;

/** A page of the list: `limit` and the opaque `cursor` of the previous page. */
export const locationListQuery = z.strictObject(paging);
/** A page of the list. */
export type LocationListQuery = z.infer<typeof locationListQuery>;

/** One location by id (a malformed id is simply not found). */
export const locationRef = z.strictObject({ id: z.string().max(64) });
/** One location by id. */
export type LocationRef = z.infer<typeof locationRef>;
