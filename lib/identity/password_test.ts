/**
 * Specification of password hashing: PBKDF2-SHA256 in a self-describing format, verified in
 * constant time, and never throwing on a damaged stored hash.
 */

import assert from "node:assert/strict";
import { DEFAULT_ITERATIONS, hashPassword, verifyPassword } from "./password.ts";
import { base64url, fromBase64url, timingSafeEqual } from "./crypto.ts";

const FAST = 1_000;
const PW = "correct horse battery staple";

Deno.test("the stored format is pbkdf2-sha256$iterations$salt$hash (16-byte salt, 32-byte hash)", async () => {
  const stored = await hashPassword(PW, FAST);
  assert.match(stored, /^pbkdf2-sha256\$1000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  const [, , salt, hash] = stored.split("$");
  assert.equal(fromBase64url(salt).length, 16);
  assert.equal(fromBase64url(hash).length, 32);
  assert.ok(!stored.includes(PW), "the password is not in the hash");
});

Deno.test("hash then verify: the right password matches, a wrong one does not", async () => {
  const stored = await hashPassword(PW, FAST);
  assert.equal(await verifyPassword(PW, stored), true);
  for (
    const wrong of ["", "correct horse battery stapl", "Correct horse battery staple", PW + " "]
  ) {
    assert.equal(await verifyPassword(wrong, stored), false, JSON.stringify(wrong));
  }
});

Deno.test("every hash has its own salt", async () => {
  const a = await hashPassword(PW, FAST);
  const b = await hashPassword(PW, FAST);
  assert.notEqual(a, b);
  assert.notEqual(a.split("$")[2], b.split("$")[2]);
  assert.equal(await verifyPassword(PW, a), true);
  assert.equal(await verifyPassword(PW, b), true);
});

Deno.test("unicode passwords are hashed as UTF-8", async () => {
  const pw = "pässwörd—🔑 ünïcödé";
  const stored = await hashPassword(pw, FAST);
  assert.equal(await verifyPassword(pw, stored), true);
  assert.equal(await verifyPassword(pw.normalize("NFD"), stored), false);
});

Deno.test("the iteration count is read from the stored hash", async () => {
  const stored = await hashPassword(PW, 2_000);
  assert.equal(stored.split("$")[1], "2000");
  assert.equal(await verifyPassword(PW, stored), true);
});

Deno.test("the default cost is OWASP's 600,000 iterations", async () => {
  assert.equal(DEFAULT_ITERATIONS, 600_000);
  const stored = await hashPassword(PW);
  assert.equal(stored.split("$")[1], "600000");
  assert.equal(await verifyPassword(PW, stored), true);
});

Deno.test("a tampered or damaged stored hash never verifies and never throws", async () => {
  const stored = await hashPassword(PW, FAST);
  const [scheme, iter, salt, hash] = stored.split("$");
  const flip = (s: string) => {
    const bytes = fromBase64url(s);
    bytes[0] ^= 1;
    return base64url(bytes);
  };
  const damaged: Record<string, string> = {
    "hash bit flipped": [scheme, iter, salt, flip(hash)].join("$"),
    "salt bit flipped": [scheme, iter, flip(salt), hash].join("$"),
    "iterations changed": [scheme, "1001", salt, hash].join("$"),
    "hash truncated": [scheme, iter, salt, hash.slice(0, 20)].join("$"),
    "hash of another password": [scheme, iter, salt, (await hashPassword("x", FAST)).split("$")[3]]
      .join("$"),
    "other scheme": ["bcrypt", iter, salt, hash].join("$"),
    "zero iterations": [scheme, "0", salt, hash].join("$"),
    "negative iterations": [scheme, "-5", salt, hash].join("$"),
    "fractional iterations": [scheme, "1000.5", salt, hash].join("$"),
    "non-numeric iterations": [scheme, "many", salt, hash].join("$"),
    "absurd iterations": [scheme, "99999999999", salt, hash].join("$"),
    "salt not base64url": [scheme, iter, "***", hash].join("$"),
    "hash not base64url": [scheme, iter, salt, "%%%%"].join("$"),
    "missing hash": [scheme, iter, salt].join("$"),
    "extra part": [scheme, iter, salt, hash, "x"].join("$"),
    "empty": "",
    "plain text": PW,
  };
  for (const [what, bad] of Object.entries(damaged)) {
    let result: boolean | undefined;
    try {
      result = await verifyPassword(PW, bad);
    } catch (err) {
      assert.fail(`${what}: verifyPassword threw ${err}`);
    }
    assert.equal(result, false, what);
  }
});

Deno.test("base64url round-trips and timingSafeEqual compares bytes", () => {
  for (const len of [0, 1, 2, 3, 16, 31, 32]) {
    const bytes = crypto.getRandomValues(new Uint8Array(len));
    const text = base64url(bytes);
    assert.match(text, /^[A-Za-z0-9_-]*$/);
    assert.deepEqual(fromBase64url(text), bytes);
  }
  assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
  assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
  assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])), false);
});
