/**
 * Request schemas shared by the API routes. Objects are strict: unknown fields are refused.
 *
 * @module
 */

import { z } from "zod";
import { isTimeZone } from "../../lib/orgs/orgs.ts";
import { isId } from "../../lib/kv/mod.ts";
import { ROLES } from "../../lib/members/members.ts";

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** An ISO 8601 instant with an offset (`Z` or `±hh:mm`), as epoch ms. */
export const instant = z.iso.datetime({ offset: true }).transform((s, ctx) => {
  const ms = Date.parse(s);
  if (!Number.isFinite(ms) || ms < EARLIEST || ms >= LATEST) {
    ctx.addIssue({ code: "custom", message: "instant must be between 2000 and 2100" });
    return z.NEVER;
  }
  return ms;
});

/** A local calendar date, `YYYY-MM-DD`. */
export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD").refine((v) => {
  try {
    Temporal.PlainDate.from(v, { overflow: "reject" });
    return true;
  } catch {
    return false;
  }
}, "not a real date");

/** A ClockFlow id. */
export const id = z.string().refine(isId, "not a valid id");

/** An IANA time zone name. */
export const timeZone = z.string().refine(isTimeZone, "not a known IANA time zone");

/** A person's or organization's name. */
export const name = z.string().trim().min(1).max(100);

/** An email address. */
export const email = z.email().max(254);

/** A password: 10 to 200 characters. */
export const password = z.string().min(10, "use at least 10 characters").max(200);

/** A role. */
export const role = z.enum(ROLES);

/** Why a change is made (required on corrections). */
export const reason = z.string().trim().min(1, "say why").max(500);

/** A free-text note. */
export const note = z.string().trim().max(1000).nullable();

/** `limit` and `cursor` of paged lists. */
export const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(1024).optional(),
};

/** Sign-up body. */
export const signupBody = z.strictObject({
  organization: z.strictObject({ name, timeZone }),
  user: z.strictObject({ name, email, password }),
});

/** Sign-in body. */
export const signinBody = z.strictObject({
  email: z.string().max(254),
  password: z.string().max(200),
});

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
