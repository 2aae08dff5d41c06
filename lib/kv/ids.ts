/**
 * Time-sortable identifiers (ULID: 48-bit millisecond time + 80 random bits, Crockford base32).
 *
 * @module
 */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * Make a new ULID. Ids made later sort after ids made earlier (to the millisecond), so KV keys
 * that end in an id list in creation order.
 *
 * @example
 * ```ts
 * const id = newId(); // "01JD3X7M2Q8J5V0K6Y4T9N1C2B"
 * ```
 */
export function newId(nowMs: number = Date.now()): string {
  let time = "";
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let random = "";
  for (let i = 0; i < 16; i++) random += ALPHABET[bytes[i] & 31];
  return time + random;
}

/** True when `value` has the shape of an id made by {@linkcode newId}. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}
