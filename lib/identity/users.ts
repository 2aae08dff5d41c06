/**
 * People's login identities (global: one person may belong to several organizations).
 *
 * @module
 */

import { type Atomic, globalKeys, newId, type OrgScope, type Store } from "../kv/mod.ts";

/** A person. `email` and `passwordHash` are null for members who never sign in. */
export interface User {
  id: string;
  name: string;
  email: string | null;
  passwordHash: string | null;
  /**
   * When the person proved control of `email` (a verification link, an invitation link, a
   * password reset link); null or absent while unverified. An unverified email never links an
   * account into another organization and never makes an operator (`OPERATOR_EMAILS`).
   */
  emailVerifiedAt?: number | null;
  /**
   * When the password was last set by a reset or a change; reset links made before it no longer
   * work. Absent on records written before it existed.
   */
  passwordChangedAt?: number | null;
  createdAt: number;
}

/** Public view of a user. */
export interface UserView {
  id: string;
  name: string;
  email: string | null;
}

/** Lower-case, trimmed email; the form used for uniqueness and look-up. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The public fields of `user`. */
export function viewUser(user: User): UserView {
  return { id: user.id, name: user.name, email: user.email };
}

/** A new user record (not yet stored). */
export function newUser(
  name: string,
  email: string | null,
  passwordHash: string | null,
  now: number,
): User {
  return {
    id: newId(now),
    name: name.trim(),
    email: email === null ? null : normalizeEmail(email),
    passwordHash,
    createdAt: now,
  };
}

/**
 * Add the writes that create `user` to `op`, with the check that its email is still free.
 * The caller commits and treats a failed check as `email_taken`.
 */
export function addUserCreation(op: Atomic, user: User): Atomic {
  op.set(globalKeys.user(user.id), user);
  if (user.email !== null) {
    op.check(globalKeys.userByEmail(user.email), null).set(
      globalKeys.userByEmail(user.email),
      user.id,
    );
  }
  return op;
}

/** The user with `id`, or null. */
export async function getUser(store: Store, id: string): Promise<User | null> {
  return (await store.get<User>(globalKeys.user(id))).value;
}

/** Users by ids (missing ones omitted), in the order asked. */
export async function getUsers(store: Store, ids: string[]): Promise<User[]> {
  const got = await store.getMany<User>(ids.map((id) => globalKeys.user(id)));
  return got.flatMap((e) => (e.value === null ? [] : [e.value]));
}

/** How long {@linkcode cachedUser} may answer from memory. */
export const USER_CACHE_MS = 30_000;
const USER_CACHE_SIZE = 10_000;
const userCaches = new WeakMap<Store, Map<string, { user: User; until: number }>>();

/**
 * The user with `id`, from a small in-process cache (at most {@linkcode USER_CACHE_MS} old).
 * For signed-in requests, whose session and membership are still read fresh every time: the
 * cached record only supplies who the person is (id, name, email), never a decision about
 * access, so a stale copy can show an old name for a few seconds and nothing more.
 */
export async function cachedUser(store: Store, id: string, now: number): Promise<User | null> {
  let cache = userCaches.get(store);
  if (!cache) userCaches.set(store, cache = new Map());
  const hit = cache.get(id);
  if (hit && hit.until > now) return hit.user;
  const user = await getUser(store, id);
  if (user) {
    cache.delete(id);
    if (cache.size >= USER_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(id, { user, until: now + USER_CACHE_MS });
  }
  return user;
}

/** The user with `email` (any case), or null. */
export async function findUserByEmail(store: Store, email: string): Promise<User | null> {
  const ptr = await store.get<string>(globalKeys.userByEmail(normalizeEmail(email)));
  return ptr.value === null ? null : await getUser(store, ptr.value);
}

/** The users of `ids` who are members (active or not) of the scope's organization, in order. */
export function memberUsers(scope: OrgScope, ids: string[]): Promise<User[]> {
  return scope.people<User>(ids);
}

/** The user `id` when they are a member (active or not) of the scope's organization, or null. */
export async function memberUser(scope: OrgScope, id: string): Promise<User | null> {
  return (await scope.people<User>([id]))[0] ?? null;
}

/** True when the person proved control of their email address. */
export function isEmailVerified(user: Pick<User, "emailVerifiedAt">): boolean {
  return typeof user.emailVerifiedAt === "number";
}

/**
 * True when `user` is an operator: their email is listed in `operatorEmails` (lower-cased) AND
 * verified. An unverified address never makes an operator, so signing up with an operator's
 * address grants nothing.
 */
export function isOperator(user: User | null, operatorEmails: readonly string[]): boolean {
  if (!user?.email || !isEmailVerified(user)) return false;
  return operatorEmails.includes(user.email.toLowerCase());
}
