/**
 * Request schemas shared by the API routes. Objects are strict: unknown fields are refused.
 *
 * @module
 */

import { z } from "zod";
import { ROLES } from "../../lib/members/members.ts";

export {
  email,
  id,
  instant,
  localDate,
  name,
  note,
  paging,
  password,
  reason,
  timeZone,
} from "../../lib/validation.ts";
import {
  email,
  id,
  instant,
  localDate,
  name,
  note,
  paging,
  password,
  reason,
  timeZone,
} from "../../lib/validation.ts";

/** A role. */
export const role = z.enum(ROLES);

/** Body creating another organization. */
export const orgBody = z.strictObject({ name, timeZone });

/** Body adding a member. */
export const memberBody = z.strictObject({
  name,
  email: email.nullable().optional(),
  password: password.optional(),
  role: role.default("employee"),
}).refine((b) => !b.password || b.email, {
  message: "a password needs an email",
  path: ["password"],
});

/** Body changing a member. */
export const memberPatch = z.strictObject({
  role: role.optional(),
  active: z.boolean().optional(),
  hourlyRateCents: z.number().int().min(0).max(100_000_000).nullable().optional(),
  hireDate: localDate.nullable().optional(),
}).refine((b) => Object.keys(b).length > 0, "change at least one field");

/** Body of clock-in. */
export const clockInBody = z.strictObject({
  note: note.optional(),
  locationId: id.nullable().optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  accuracy: z.number().min(0).max(100_000).optional(),
}).refine((b) => (b.latitude === undefined) === (b.longitude === undefined), {
  message: "send latitude and longitude together",
  path: ["latitude"],
});

/** A break type id. */
export const breakTypeId = z.string().regex(/^[a-z0-9_-]{1,32}$/, "not a break type id");

/** Body of break start. */
export const breakStartBody = z.strictObject({ typeId: breakTypeId.nullable().optional() });

/** Body of clock-out (optional position). */
export const clockOutBody = z.strictObject({
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  accuracy: z.number().min(0).max(100_000).optional(),
}).refine((b) => (b.latitude === undefined) === (b.longitude === undefined), {
  message: "send latitude and longitude together",
  path: ["latitude"],
});

const breaks = z.array(
  z.strictObject({ start: instant, end: instant, typeId: breakTypeId.nullable().optional() }),
).max(20);

/** Body creating an entry. */
export const entryBody = z.strictObject({
  userId: id,
  start: instant,
  end: instant,
  breaks: breaks.optional(),
  note: note.optional(),
  reason,
});

/** Body editing an entry. */
export const entryPatch = z.strictObject({
  start: instant.optional(),
  end: instant.optional(),
  breaks: breaks.optional(),
  note: note.optional(),
  reason,
});

/** Body deleting an entry. */
export const entryDelete = z.strictObject({ reason });

/** Query of the entry list. */
export const entryQuery = z.strictObject({
  userId: id.optional(),
  from: instant.optional(),
  to: instant.optional(),
  ...paging,
}).refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
  message: "from must be before to",
  path: ["to"],
});

/** Query of paged lists without filters. */
export const pageQuery = z.strictObject(paging);

/** A position from a body with optional coordinates. */
export function geoOf(b: { latitude?: number; longitude?: number; accuracy?: number }) {
  return b.latitude === undefined || b.longitude === undefined
    ? null
    : { latitude: b.latitude, longitude: b.longitude, accuracy: b.accuracy ?? null };
}
