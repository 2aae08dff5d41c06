/**
 * Request schemas shared by the API routes. Objects are strict: unknown fields are refused.
 *
 * @module
 */

import { z } from "zod";

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
import { email, name, paging, password, timeZone } from "../../lib/validation.ts";

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

/** Body creating another organization (defined in `lib/orgs/schemas.ts`). */
export { organizationInput as orgBody } from "../../lib/orgs/schemas.ts";

// Member and invitation inputs live in `lib/members/schemas.ts`.

/** Query of paged lists without filters. */
export const pageQuery = z.strictObject(paging);
