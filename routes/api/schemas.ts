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
import { paging } from "../../lib/validation.ts";

/** Body creating another organization (defined in `lib/orgs/schemas.ts`). */
export { organizationInput as orgBody } from "../../lib/orgs/schemas.ts";

// Member and invitation inputs live in `lib/members/schemas.ts`.

/** Query of paged lists without filters. */
export const pageQuery = z.strictObject(paging);
