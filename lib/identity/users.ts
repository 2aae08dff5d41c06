/**
 * People's login identities (global: one person may belong to several organizations).
 *
 * @module
 */

import { type Atomic, globalKeys, newId, type Store } from "../kv/mod.ts";

/** A person. `email` and `passwordHash` are null for members who never sign in. */
export interface User {
  id: string;
  name: string;
  email: string | null;
  passwordHash: string | null;
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

/** The user with `email` (any case), or null. */
export async function findUserByEmail(store: Store, email: string): Promise<User | null> {
  const ptr = await store.get<string>(globalKeys.userByEmail(normalizeEmail(email)));
  return ptr.value === null ? null : await getUser(store, ptr.value);
}
