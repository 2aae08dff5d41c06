/**
 * Time-sortable identifiers (ULID: 48-bit millisecond time + 80 random bits, Crockford base32).
 *
 * @module
 */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

let lastTime = -1;
let lastRandom: number[] = [];

function freshRandom(): number[] {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b & 31);
}

/** `digits` (base 32, most significant first) plus one, or null when it overflows. */
function increment(digits: number[]): number[] | null {
  const out = digits.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] < 31) {
      out[i]++;
      return out;
    }
    out[i] = 0;
  }
  return null;
}

/**
 * Make a new ULID. Ids made later sort after ids made earlier: across milliseconds by their time
 * part, and within one millisecond (in this process) because the random part of the previous id
 * is incremented (ULID's monotonic mode). So KV keys that end in an id list in creation order,
 * which append-only logs such as the audit trail rely on.
 *
 * @example
 * ```ts
 * const id = newId(); // "01JD3X7M2Q8J5V0K6Y4T9N1C2B"
 * newId(t) < newId(t); // true
 * ```
 */
export function newId(nowMs: number = Date.now()): string {
  const random = (nowMs === lastTime ? increment(lastRandom) : null) ?? freshRandom();
  lastTime = nowMs;
  lastRandom = random;
  let time = "";
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + random.map((d) => ALPHABET[d]).join("");
}

/** True when `value` has the shape of an id made by {@linkcode newId}. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}
