/**
 * Server-side sessions. The cookie carries a random token; KV keeps only its SHA-256, so a
 * leaked database does not leak live sessions. Expiry is stored in the value and checked on
 * every read (KV's `expireIn` is lazy and only used for clean-up).
 *
 * @module
 */

import { globalKeys, type Store } from "../kv/mod.ts";
import { randomToken, sha256Hex } from "./crypto.ts";

/** How long a session lives after sign-in. */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/** A stored session. */
export interface Session {
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** Create a session for `userId`; returns the token to put in the cookie. */
export async function createSession(store: Store, userId: string, now: number): Promise<string> {
  const token = randomToken();
  const hash = await sha256Hex(token);
  const session: Session = { userId, createdAt: now, expiresAt: now + SESSION_TTL_MS };
  await store.atomic()
    .set(globalKeys.session(hash), session, { expireIn: SESSION_TTL_MS })
    .set(globalKeys.userSession(userId, hash), now, { expireIn: SESSION_TTL_MS })
    .commit();
  return token;
}

/** The live session for `token`, or null when unknown, revoked or expired. */
export async function readSession(
  store: Store,
  token: string,
  now: number,
): Promise<Session | null> {
  if (token.length < 20 || token.length > 100) return null;
  const entry = await store.get<Session>(globalKeys.session(await sha256Hex(token)));
  if (entry.value === null || entry.value.expiresAt <= now) return null;
  return entry.value;
}

/** Revoke the session for `token` (no-op when unknown). */
export async function revokeSession(store: Store, token: string): Promise<void> {
  const hash = await sha256Hex(token);
  const entry = await store.get<Session>(globalKeys.session(hash));
  const op = store.atomic().delete(globalKeys.session(hash));
  if (entry.value) op.delete(globalKeys.userSession(entry.value.userId, hash));
  await op.commit();
}

/** Revoke every session of `userId` (password reset, account lock). */
export function revokeAllSessions(store: Store, userId: string): Promise<number> {
  return revokeOtherSessions(store, userId, null);
}

/** The key under which the session of `token` is stored (its SHA-256, hex). */
export function sessionTokenHash(token: string): Promise<string> {
  return sha256Hex(token);
}

/**
 * Revoke every session of `userId` except the one whose token hashes to `keepHash` (a password
 * change keeps the person signed in where they made it).
 */
export async function revokeOtherSessions(
  store: Store,
  userId: string,
  keepHash: string | null,
): Promise<number> {
  let n = 0;
  for await (const e of store.list(globalKeys.userSession(userId))) {
    const hash = e.key[2] as string;
    if (hash === keepHash) continue;
    await store.atomic().delete(globalKeys.session(hash))
      .delete(globalKeys.userSession(userId, hash)).commit();
    n++;
  }
  return n;
}
