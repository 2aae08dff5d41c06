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

/** Revoke every session of `userId` (password change, account lock). */
export async function revokeAllSessions(store: Store, userId: string): Promise<number> {
  let n = 0;
  for await (const e of store.list(globalKeys.userSession(userId))) {
    const hash = e.key[2] as string;
    await store.atomic().delete(globalKeys.session(hash)).delete(e.key).commit();
    n++;
  }
  return n;
}
