/**
 * Password hashing with PBKDF2-HMAC-SHA256 (Web Crypto) at OWASP's 600,000 iterations.
 * Stored as `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>` so the cost can rise later
 * without breaking existing hashes.
 *
 * @module
 */

import { base64url, fromBase64url, timingSafeEqual } from "./crypto.ts";

/** OWASP Password Storage Cheat Sheet (2023+) figure for PBKDF2-HMAC-SHA256. */
export const DEFAULT_ITERATIONS = 600_000;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/**
 * Hash `password` with a fresh random salt.
 *
 * @example
 * ```ts
 * const stored = await hashPassword("correct horse battery staple");
 * await verifyPassword("correct horse battery staple", stored); // true
 * ```
 */
export async function hashPassword(
  password: string,
  iterations: number = DEFAULT_ITERATIONS,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${base64url(salt)}$${base64url(hash)}`;
}

/** Largest iteration count trusted from a stored hash (a damaged value must not stall us). */
const MAX_ITERATIONS = 10_000_000;

function decode(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    return fromBase64url(text);
  } catch {
    return null;
  }
}

/**
 * True when `password` matches `stored`; compares in constant time. A stored value that is not
 * in the format made by {@linkcode hashPassword} (damaged, tampered, another scheme) never
 * matches and never throws.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 4) return false;
  const [scheme, iter, saltText, hashText] = parts;
  const iterations = /^[1-9][0-9]{0,7}$/.test(iter) ? Number(iter) : 0;
  const salt = decode(saltText);
  const expected = decode(hashText);
  if (
    scheme !== "pbkdf2-sha256" || iterations < 1 || iterations > MAX_ITERATIONS || !salt ||
    expected?.length !== 32
  ) {
    return false;
  }
  const actual = await derive(password, salt, iterations);
  return timingSafeEqual(actual, expected);
}
