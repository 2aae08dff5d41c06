/**
 * Input schemas of organizations: the only definition of an organization's name and time zone.
 * The time zone is kept as its canonical IANA name (`america/new_york` → `America/New_York`);
 * offsets such as `+05:30` are refused (they have no daylight-saving rules). Names refuse control
 * and direction-override characters.
 *
 * @module
 */

import { z } from "zod";
import { name, timeZone } from "../validation.ts";

/** A new organization: its name and IANA time zone (sign-up and "create another"). */
export const organizationInput = z.strictObject({ name, timeZone });
/** A new organization, validated. */
export type OrganizationInput = z.infer<typeof organizationInput>;
