/**
 * The inputs of the members and invitations use cases: the one definition of each rule. The
 * JSON API validates bodies with these schemas; the members page adapts its form strings to
 * them (empty string → absent, `"true"`/`"false"` → boolean) and validates with the same ones.
 *
 * @module
 */

import { z } from "zod";
import { localDate, name, paging, password } from "../validation.ts";
import { ROLES } from "./members.ts";

/** A role. */
export const role = z.enum(ROLES, { error: "Choose a role" });

/** An email address with a message for people (trimmed, lower-cased). */
export const email = z.string({ error: "Enter an email address" }).trim().toLowerCase()
  .pipe(z.email("Enter an email address like name@example.com").max(254));

/** Input of adding a member (`POST …/members`, the page's "Add a member" form). */
export const addMemberInput = z.strictObject({
  name,
  email: email.nullable().optional(),
  password: password.optional(),
  role: role.default("employee"),
}).refine((b) => !b.password || b.email, {
  message: "A password needs an email address to sign in with",
  path: ["password"],
});
/** Input of adding a member. */
export type AddMemberInput = z.infer<typeof addMemberInput>;

/** The fields of a member an admin changes (`PATCH …/members/{userId}`). */
export const memberPatch = z.strictObject({
  role: role.optional(),
  active: z.boolean().optional(),
  hourlyRateCents: z.number().int().min(0).max(100_000_000).nullable().optional(),
  hireDate: localDate.nullable().optional(),
}).refine((b) => Object.keys(b).length > 0, "change at least one field");
/** The fields of a member an admin changes. */
export type MemberPatchInput = z.infer<typeof memberPatch>;

/** Input of changing a member: who, and what. */
export const updateMemberInput = z.strictObject({
  userId: z.string().max(64),
  patch: memberPatch,
});
/** Input of changing a member. */
export type UpdateMemberInput = z.infer<typeof updateMemberInput>;

/** Input of reading one member. */
export const getMemberInput = z.strictObject({ userId: z.string().max(64) });

/** Input of listing members or invitations (`limit`, `cursor`). */
export const listInput = z.strictObject(paging);
/** Input of listing members or invitations. */
export type ListInput = z.infer<typeof listInput>;

/** Input of inviting a person (`POST …/invitations`). */
export const inviteInput = z.strictObject({
  email,
  role: role.default("employee"),
  name: name.nullable().optional(),
});
/** Input of inviting a person. */
export type InviteInput = z.infer<typeof inviteInput>;

/**
 * Body of accepting an invitation: empty when signed in; `{name, password}` to create the
 * invited account when signed out.
 */
export const acceptInvitationBody = z.strictObject({
  name: name.optional(),
  password: password.optional(),
}).refine((b) => (b.name === undefined) === (b.password === undefined), {
  message: "send name and password together to create your account",
  path: ["password"],
});
/** Body of accepting an invitation. */
export type AcceptInvitationBody = z.infer<typeof acceptInvitationBody>;

/** An invitation token as it appears in the link (base64url, 128 random bits or more). */
export const invitationToken = z.string().regex(/^[A-Za-z0-9_-]{22,100}$/, "not an invitation");
