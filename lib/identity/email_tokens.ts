/**
 * Single-use tokens mailed in links (email verification, password reset). The link carries 32
 * random bytes; KV keeps only their SHA-256, so a leaked database holds no usable link. The
 * expiry is kept in the value and checked on every read (KV's `expireIn` is lazy and only
 * cleans up). A token is bound to the email address it was mailed to: it stops working when the
 * account's address is no longer that one.
 *
 * @module
 */

import { type Atomic, globalKeys, type Key, type Store } from "../kv/mod.ts";
import { randomToken, sha256Hex } from "./crypto.ts";

/** What a mailed link is for. */
export type EmailTokenPurpose = "verify_email" | "password_reset";

/** How long each kind of link works. */
export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify_email: 48 * 3600 * 1000,
  password_reset: 3600 * 1000,
};

/** A stored token. */
export interface EmailTokenRecord {
  purpose: EmailTokenPurpose;
  userId: string;
  /** The address the link was mailed to. */
  email: string;
  createdAt: number;
  expiresAt: number;
}

/** A token as found by {@linkcode readEmailToken}, with what a consuming commit checks. */
export interface FoundEmailToken {
  key: Key;
  versionstamp: string;
  record: EmailTokenRecord;
}

function tokenKey(purpose: EmailTokenPurpose, hash: string): Key {
  return purpose === "verify_email"
    ? globalKeys.emailVerification(hash)
    : globalKeys.passwordReset(hash);
}

/**
 * A fresh token for `purpose`, mailed to `email`: the secret for the link, and `add(op, userId)`
 * writing its record into the caller's commit (the user id may be made in that same commit).
 */
export async function newEmailToken(
  purpose: EmailTokenPurpose,
  email: string,
  now: number,
): Promise<{ token: string; add: (op: Atomic, userId: string) => EmailTokenRecord }> {
  const token = randomToken(32);
  const key = tokenKey(purpose, await sha256Hex(token));
  const ttl = EMAIL_TOKEN_TTL_MS[purpose];
  return {
    token,
    add: (op, userId) => {
      const record: EmailTokenRecord = {
        purpose,
        userId,
        email,
        createdAt: now,
        expiresAt: now + ttl,
      };
      op.set(key, record, { expireIn: ttl });
      return record;
    },
  };
}

/** The live token `token` of `purpose`, or null when malformed, unknown, used or expired. */
export async function readEmailToken(
  store: Store,
  purpose: EmailTokenPurpose,
  token: string,
  now: number,
): Promise<FoundEmailToken | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const key = tokenKey(purpose, await sha256Hex(token));
  const entry = await store.get<EmailTokenRecord>(key);
  const record = entry.value;
  if (!record || record.purpose !== purpose || record.expiresAt <= now) return null;
  return { key, versionstamp: entry.versionstamp!, record };
}
