/**
 * Organizations as use cases.
 *
 * | use case | who | input |
 * | --- | --- | --- |
 * | {@linkcode readOrganization} | every member | |
 * | {@linkcode createAnotherOrganization} | a signed-in person (no organization yet) | `organizationInput` |
 *
 * Creating an organization happens outside any organization, so it takes the person's principal
 * and the store instead of a request context. Sign-up (an organization with its first admin)
 * is `signUp` in `./orgs.ts`, called by the identity routes; it checks the organization with the
 * same `organizationInput`.
 *
 * @module
 */

import type { RequestContext } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { Store } from "../kv/mod.ts";
import type { Role } from "../members/members.ts";
import type { Principal } from "../principal.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import { createOrganization, type Organization, viewOrg } from "./orgs.ts";
import { organizationInput } from "./schemas.ts";

/** The organization as its members see it, with the acting role. */
export interface OrganizationView {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  role: Role;
}

/** The organization's profile and the role the principal acts with (every member). */
export function readOrganization(ctx: RequestContext): OrganizationView {
  return { ...viewOrg(ctx.org), role: ctx.role };
}

/** What creating an organization needs from the server. */
export interface NewOrganizationDeps {
  store: Store;
  now: number;
}

/**
 * Create another organization with the signed-in person as its admin. 403 `forbidden` for
 * principals that are not a person (a key or a device belongs to one organization); 400
 * `validation_failed` for a bad name or time zone. The time zone is stored canonical.
 *
 * @example
 * ```ts
 * const org = await createAnotherOrganization({ store, now }, principal, { name: "Branch", timeZone: "europe/berlin" });
 * org.timeZone; // "Europe/Berlin"
 * ```
 */
export async function createAnotherOrganization(
  deps: NewOrganizationDeps,
  principal: Principal,
  input: Unparsed<typeof organizationInput>,
): Promise<Organization> {
  if (principal.type !== "user") {
    throw new DomainError("forbidden", "forbidden", "Only a person can create an organization");
  }
  const valid = parseInput(organizationInput, input);
  return await createOrganization(deps.store, { id: principal.userId }, valid, deps.now);
}
