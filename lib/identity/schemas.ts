/**
 * Input schemas of identity: sign-up, sign-in, password reset and change. The one definition of
 * these rules: the JSON API validates bodies with them, and the pages adapt their form strings to
 * them, so both doors take the same decision. Objects are strict: unknown fields are refused.
 *
 * @module
 */

import { z } from "zod";
import { email, name, password, timeZone } from "../validation.ts";

/** Sign-up: a new organization and its first admin. */
export const signupBody = z.strictObject({
  organization: z.strictObject({ name, timeZone }),
  user: z.strictObject({ name, email, password }),
});
/** Input of sign-up. */
export type SignupInput = z.infer<typeof signupBody>;

/** Sign-in. Any text is accepted as the email: an unknown one is simply a wrong sign-in. */
export const signinBody = z.strictObject({
  email: z.string().trim().min(1, "enter your email").max(254),
  password: z.string().min(1, "enter your password").max(200),
});
/** Input of sign-in. */
export type SigninInput = z.infer<typeof signinBody>;

/** Asking for a password reset link. */
export const passwordResetRequestBody = z.strictObject({ email });
/** Input of a password reset request. */
export type PasswordResetRequestInput = z.infer<typeof passwordResetRequestBody>;

/** Setting a new password from a reset link. */
export const passwordResetBody = z.strictObject({ password });
/** Input of a password reset. */
export type PasswordResetInput = z.infer<typeof passwordResetBody>;

/** Changing one's password while signed in. */
export const passwordChangeBody = z.strictObject({
  currentPassword: z.string().min(1, "enter your current password").max(200),
  newPassword: password,
});
/** Input of a password change. */
export type PasswordChangeInput = z.infer<typeof passwordChangeBody>;
