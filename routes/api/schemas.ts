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
import { email, localDate, name, paging, password, timeZone } from "../../lib/validation.ts";

/** A role. */
export const role = z.enum(ROLES);

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

/** Query of paged lists without filters. */
export const pageQuery = z.strictObject(paging);
