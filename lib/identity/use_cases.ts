/**
 * Identity use cases: sign-up, sign-in, email verification, password reset and change. They run
 * before (or outside) any organization, so instead of a request context they take explicit
 * {@linkcode IdentityDeps}: the store, the clock, the job port of the request, the password cost,
 * the throttle policy, the public origin for links and the client's address. The JSON API and
 * the pages call the same functions with the same zod-typed inputs (`./schemas.ts`), so the same
 * input gets the same decision from either door.
 *
 * | use case | throttled by | mails |
 * | --- | --- | --- |
 * | {@linkcode signUpUseCase} | client address (after the email check, before the hash) | verification link (48 h) |
 * | {@linkcode signInUseCase} | (account, client) and client, reserved before the hash | — |
 * | {@linkcode verifyEmail} | — (256-bit single-use token) | — |
 * | {@linkcode resendVerification} | account | verification link |
 * | {@linkcode requestPasswordReset} | client address and email | reset link (1 h) |
 * | {@linkcode resetPassword} | — (256-bit single-use token) | — |
 * | {@linkcode changePassword} | (account, client) and client, like sign-in | — |
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import { globalKeys, type Store } from "../kv/mod.ts";
import type { JobPort } from "../jobs/outbox.ts";
import { sendMailJob } from "../jobs/jobs.ts";
import { type Organization, organizationsOf, signUp } from "../orgs/orgs.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import {
  fullPolicy,
  passwordCheckLimits,
  releaseAttempt,
  reserveAttempt,
  settleAttempt,
  type ThrottlePolicy,
} from "./throttle.ts";
import { EMAIL_TOKEN_TTL_MS, newEmailToken, readEmailToken } from "./email_tokens.ts";
import { revokeAllSessions, revokeOtherSessions, sessionTokenHash } from "./sessions.ts";
import { findUserByEmail, getUser, isEmailVerified, normalizeEmail, type User } from "./users.ts";
import type {
  PasswordChangeInput,
  PasswordResetInput,
  PasswordResetRequestInput,
  SigninInput,
  SignupInput,
} from "./schemas.ts";

/** What the identity use cases need from the server and the request. */
export interface IdentityDeps {
  store: Store;
  /** The server clock when the request arrived, epoch ms. */
  now: number;
  /** Jobs caused by the change (mail), committed with it and dispatched after. */
  jobs: JobPort;
  /** PBKDF2 iterations for new password hashes. */
  passwordIterations: number;
  throttle: ThrottlePolicy;
  /** The origin links in mail point to, e.g. `https://clock.example.com`. */
  publicUrl: string;
  /** The client's address (as resolved by the front door, see `TRUST_PROXY`). */
  clientIp: string;
}

/** The signed-in person a use case acts for, with the session the request carries. */
export interface SignedInActor {
  userId: string;
  /** The request's session token (kept signed in by a password change), or null. */
  sessionToken: string | null;
}

function invalidToken(): DomainError {
  return new DomainError(
    "invalid",
    "invalid_token",
    "This link is not valid: it was used already, has expired, or was mistyped",
  );
}

function invalidCredentials(): DomainError {
  return new DomainError("unauthenticated", "invalid_credentials", "Email or password is wrong");
}

function emailTaken(): DomainError {
  return new DomainError("conflict", "email_taken", "An account with this email already exists");
}

const HOURS = 3600 * 1000;

function verificationMail(publicUrl: string, name: string, token: string) {
  const link = `${publicUrl}/verify-email/${token}`;
  const hours = EMAIL_TOKEN_TTL_MS.verify_email / HOURS;
  return {
    subject: "Confirm your email address for ClockFlow",
    text: `Hello ${name},\n\nPlease confirm that this is your email address by opening this ` +
      `link (it works once, for ${hours} hours):\n\n${link}\n\n` +
      `If you did not sign up for ClockFlow, you can ignore this mail.\n`,
  };
}

function resetMail(publicUrl: string, name: string, token: string) {
  const link = `${publicUrl}/password-reset/${token}`;
  return {
    subject: "Reset your ClockFlow password",
    text: `Hello ${name},\n\nSomeone (hopefully you) asked to reset the password of your ` +
      `ClockFlow account. Choose a new password here (the link works once, for one hour):\n\n` +
      `${link}\n\nIf you did not ask for this, ignore this mail: your password stays as it is.\n`,
  };
}

/**
 * Sign up: a new organization with its first admin, and a verification link mailed in the same
 * commit. The attempt is first reserved per client address (429 `too_many_attempts`); an email
 * that already has an account is then refused (409 `email_taken`, nothing but the attempt
 * written, so probing emails through sign-up is rate-limited too), and only then is the password
 * hashed. An unverified email does not hold up the new organization: its admin
 * may use it at once.
 */
export async function signUpUseCase(
  deps: IdentityDeps,
  input: SignupInput,
): Promise<{ org: Organization; user: User }> {
  const email = normalizeEmail(input.user.email);
  const policy = fullPolicy(deps.throttle);
  // Reserved before the email is looked up, so probing which emails have accounts through
  // sign-up's 409 is limited like any other sign-up attempt.
  await reserveAttempt(
    deps.store,
    [{ subject: `signup_ip:${deps.clientIp}`, limit: policy.signupPerIp }],
    deps.now,
    policy.windowMs,
  );
  if (await findUserByEmail(deps.store, email)) throw emailTaken();
  const passwordHash = await hashPassword(input.user.password, deps.passwordIterations);
  const link = await newEmailToken("verify_email", email, deps.now);
  const created = await signUp(
    deps.store,
    {
      organization: input.organization,
      user: { name: input.user.name, email, passwordHash },
    },
    deps.now,
    (op, user) => {
      link.add(op, user.id);
      deps.jobs.add(op, verificationJob(deps, user, link.token));
    },
  );
  await deps.jobs.dispatch();
  return created;
}

function verificationJob(deps: IdentityDeps, user: User, token: string) {
  return sendMailJob(null, {
    to: user.email!,
    ...verificationMail(deps.publicUrl, user.name, token),
  }, deps.now);
}

/**
 * Sign in with email and password. The attempt is reserved against the limits per (account,
 * client address) and per client address before the password is hashed (429
 * `too_many_attempts`); a success gives the reservation back. Unknown emails cost the same work
 * and count the same, so answers reveal nothing (401 `invalid_credentials`). A person with no
 * active membership left gets 403 `account_inactive`.
 */
export async function signInUseCase(deps: IdentityDeps, input: SigninInput): Promise<User> {
  const email = normalizeEmail(input.email);
  const policy = fullPolicy(deps.throttle);
  const reservation = await reserveAttempt(
    deps.store,
    passwordCheckLimits(email, deps.clientIp, policy),
    deps.now,
    policy.windowMs,
    { hold: true },
  );
  let user: User | null;
  try {
    user = await findUserByEmail(deps.store, email);
    if (!user || !(await passwordMatches(user, input.password))) throw invalidCredentials();
  } catch (err) {
    // A wrong password keeps its slot; attempts waiting on this one look again now.
    settleAttempt(reservation);
    throw err;
  }
  // A right one gives its slot back first, then lets the waiting attempts look.
  await releaseAttempt(deps.store, reservation);
  if ((await organizationsOf(deps.store, user.id)).length === 0) {
    throw new DomainError("forbidden", "account_inactive", "This account has no active membership");
  }
  return user;
}

let dummyHash: Promise<string> | null = null;

/** True when `password` is the user's; users without a password cost the same work. */
async function passwordMatches(user: User | null, password: string): Promise<boolean> {
  if (user?.passwordHash) return await verifyPassword(password, user.passwordHash);
  dummyHash ??= hashPassword("not a password");
  await verifyPassword(password, await dummyHash);
  return false;
}

/**
 * Follow a verification link: the account's email is verified (`emailVerifiedAt`) and the link
 * is used up. 400 `invalid_token` for a used, expired or unknown link, and for a link mailed to
 * an address the account no longer has.
 */
export async function verifyEmail(deps: IdentityDeps, token: string): Promise<User> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await readEmailToken(deps.store, "verify_email", token, deps.now);
    if (!found) throw invalidToken();
    const userKey = globalKeys.user(found.record.userId);
    const entry = await deps.store.get<User>(userKey);
    const user = entry.value;
    if (!user || user.email !== found.record.email) throw invalidToken();
    const verified: User = { ...user, emailVerifiedAt: user.emailVerifiedAt ?? deps.now };
    const ok = await deps.store.atomic()
      .check(found.key, found.versionstamp)
      .check(userKey, entry.versionstamp)
      .delete(found.key)
      .set(userKey, verified)
      .commit();
    if (ok) return verified;
  }
  throw concurrentChange();
}

function concurrentChange(): DomainError {
  return new DomainError("conflict", "concurrent_change", "Something changed meanwhile; retry");
}

/**
 * Mail the signed-in person a new verification link (202). 409 `already_verified` when there is
 * nothing to verify; throttled per account.
 */
export async function resendVerification(
  deps: IdentityDeps,
  actor: SignedInActor,
): Promise<void> {
  const user = await getUser(deps.store, actor.userId);
  if (!user?.email) throw new DomainError("conflict", "no_email", "This account has no email");
  if (isEmailVerified(user)) {
    throw new DomainError("conflict", "already_verified", "Your email is verified already");
  }
  const policy = fullPolicy(deps.throttle);
  await reserveAttempt(
    deps.store,
    [{ subject: `verify:${user.id}`, limit: policy.verificationPerAccount }],
    deps.now,
    policy.windowMs,
  );
  const link = await newEmailToken("verify_email", user.email, deps.now);
  const op = deps.store.atomic();
  link.add(op, user.id);
  deps.jobs.add(op, verificationJob(deps, user, link.token));
  if (!(await op.commit())) throw concurrentChange();
  await deps.jobs.dispatch();
}

/**
 * Ask for a password reset link. Always the same answer whether or not the address has an
 * account, with similar work either way (a token is made and a commit made); only an existing
 * account gets the mail. Throttled per client address and per email address (429
 * `too_many_attempts`), counted whether or not the account exists.
 */
export async function requestPasswordReset(
  deps: IdentityDeps,
  input: PasswordResetRequestInput,
): Promise<void> {
  const email = normalizeEmail(input.email);
  const policy = fullPolicy(deps.throttle);
  await reserveAttempt(
    deps.store,
    [
      { subject: `reset_ip:${deps.clientIp}`, limit: policy.resetPerIp },
      { subject: `reset_email:${email}`, limit: policy.resetPerEmail },
    ],
    deps.now,
    policy.windowMs,
  );
  const user = await findUserByEmail(deps.store, email);
  const link = await newEmailToken("password_reset", email, deps.now);
  if (!user?.email) return;
  const op = deps.store.atomic();
  link.add(op, user.id);
  deps.jobs.add(
    op,
    sendMailJob(null, {
      to: user.email,
      ...resetMail(deps.publicUrl, user.name, link.token),
    }, deps.now),
  );
  if (await op.commit()) await deps.jobs.dispatch();
}

/**
 * The account a reset link is for, when the link still works (for the page showing the form).
 * Null for a used, expired or unknown link, and for a link older than the last password change.
 */
export async function passwordResetTarget(
  deps: Pick<IdentityDeps, "store" | "now">,
  token: string,
): Promise<{ email: string } | null> {
  const found = await readEmailToken(deps.store, "password_reset", token, deps.now);
  if (!found) return null;
  const user = await getUser(deps.store, found.record.userId);
  return user && resetLinkFits(user, found.record) ? { email: found.record.email } : null;
}

function resetLinkFits(user: User, record: { email: string; createdAt: number }): boolean {
  return user.email === record.email && (user.passwordChangedAt ?? -Infinity) <= record.createdAt;
}

/**
 * Set a new password from a reset link. Following the link proves control of the address, so
 * the email becomes verified; every session of the person is revoked (whoever knew the old
 * password is signed out). The link is used up. 400 `invalid_token` for a used, expired or
 * unknown link and for one made before the last password change.
 */
export async function resetPassword(
  deps: IdentityDeps,
  token: string,
  input: PasswordResetInput,
): Promise<void> {
  const first = await readEmailToken(deps.store, "password_reset", token, deps.now);
  if (!first) throw invalidToken();
  const passwordHash = await hashPassword(input.password, deps.passwordIterations);
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await readEmailToken(deps.store, "password_reset", token, deps.now);
    if (!found) throw invalidToken();
    const userKey = globalKeys.user(found.record.userId);
    const entry = await deps.store.get<User>(userKey);
    const user = entry.value;
    if (!user || !resetLinkFits(user, found.record)) throw invalidToken();
    const ok = await deps.store.atomic()
      .check(found.key, found.versionstamp)
      .check(userKey, entry.versionstamp)
      .delete(found.key)
      .set(
        userKey,
        {
          ...user,
          passwordHash,
          passwordChangedAt: deps.now,
          emailVerifiedAt: user.emailVerifiedAt ?? deps.now,
        } satisfies User,
      )
      .commit();
    if (ok) {
      await revokeAllSessions(deps.store, user.id);
      return;
    }
  }
  throw concurrentChange();
}

/**
 * Change one's password, proving the current one. The check is throttled like a sign-in (a
 * wrong current password is 403 `invalid_credentials` and counts); the other sessions of the
 * person are revoked, the request's own stays signed in.
 */
export async function changePassword(
  deps: IdentityDeps,
  actor: SignedInActor,
  input: PasswordChangeInput,
): Promise<void> {
  const current = await getUser(deps.store, actor.userId);
  if (!current) throw new DomainError("unauthenticated", "unauthenticated", "Sign in first");
  const policy = fullPolicy(deps.throttle);
  const reservation = await reserveAttempt(
    deps.store,
    passwordCheckLimits(current.email ?? `user:${current.id}`, deps.clientIp, policy),
    deps.now,
    policy.windowMs,
    { hold: true },
  );
  const matches = await passwordMatches(current, input.currentPassword).catch((err) => {
    settleAttempt(reservation);
    throw err;
  });
  if (!matches) {
    settleAttempt(reservation);
    throw new DomainError("forbidden", "invalid_credentials", "Your current password is wrong");
  }
  await releaseAttempt(deps.store, reservation);
  const passwordHash = await hashPassword(input.newPassword, deps.passwordIterations);
  const key = globalKeys.user(current.id);
  const entry = await deps.store.get<User>(key);
  if (!entry.value || entry.value.passwordHash !== current.passwordHash) throw concurrentChange();
  const ok = await deps.store.atomic().check(key, entry.versionstamp)
    .set(key, { ...entry.value, passwordHash, passwordChangedAt: deps.now } satisfies User)
    .commit();
  if (!ok) throw concurrentChange();
  const keep = actor.sessionToken ? await sessionTokenHash(actor.sessionToken) : null;
  await revokeOtherSessions(deps.store, current.id, keep);
}
