/**
 * Signing in: password check with throttling of failures per account and per IP. Unknown
 * emails cost the same work as known ones and count the same, so answers reveal nothing.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { Store } from "../kv/mod.ts";
import { organizationsOf } from "../orgs/orgs.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { recordSigninFailure, signinRetryAfter, type ThrottlePolicy } from "./throttle.ts";
import { findUserByEmail, normalizeEmail, type User } from "./users.ts";

let dummyHash: Promise<string> | null = null;

/**
 * The user whose email and password match. Throws `too_many_attempts` (429) while throttled,
 * `invalid_credentials` (401) on a mismatch, and `account_inactive` (403) when the person has no
 * active membership left.
 */
export async function signIn(
  store: Store,
  emailInput: string,
  password: string,
  ip: string,
  now: number,
  policy: ThrottlePolicy,
): Promise<User> {
  const email = normalizeEmail(emailInput);
  const retryAfter = await signinRetryAfter(store, email, ip, now, policy);
  if (retryAfter > 0) {
    throw new DomainError(
      "too_many",
      "too_many_attempts",
      "Too many failed sign-ins; try again later",
      {
        retryAfterSeconds: retryAfter,
      },
    );
  }
  const user = await findUserByEmail(store, email);
  dummyHash ??= hashPassword("not a password");
  const ok = user?.passwordHash
    ? await verifyPassword(password, user.passwordHash)
    : (await verifyPassword(password, await dummyHash), false);
  if (!user || !ok) {
    await recordSigninFailure(store, email, ip, now, policy);
    throw new DomainError("unauthenticated", "invalid_credentials", "Email or password is wrong");
  }
  if ((await organizationsOf(store, user.id)).length === 0) {
    throw new DomainError("forbidden", "account_inactive", "This account has no active membership");
  }
  return user;
}
