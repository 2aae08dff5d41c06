import assert from "node:assert/strict";
import { CODE_ALPHABET, newPairingCode, normalizePairingCode } from "./kiosks.ts";
import { pinHash } from "./pins.ts";
import { DEVICE_BLOCK_MS, DEVICE_STREAK, nextStreak } from "./throttle.ts";

Deno.test("pairing codes are 8 unambiguous characters and every character is drawn", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = newPairingCode();
    assert.match(code, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
    for (const ch of code) seen.add(ch);
  }
  assert.equal(seen.size, CODE_ALPHABET.length);
  for (const ambiguous of "01IO") assert.ok(!CODE_ALPHABET.includes(ambiguous));
});

Deno.test("a typed pairing code is normalized; anything that cannot be one is refused", () => {
  assert.equal(normalizePairingCode(" abcd-efgh "), "ABCDEFGH");
  assert.equal(normalizePairingCode("ABCD EFGH"), "ABCDEFGH");
  for (const bad of ["", "ABCDEFG", "ABCDEFGHJ", "ABCD0FGH", "ABCDIFGH", "ABCDOFGH", "ÄBCDEFGH"]) {
    assert.equal(normalizePairingCode(bad), null, bad);
  }
});

Deno.test("PIN hashes depend on the organization's key and never contain the PIN", async () => {
  const k1 = crypto.getRandomValues(new Uint8Array(32));
  const k2 = crypto.getRandomValues(new Uint8Array(32));
  const a = await pinHash(k1, "482139");
  assert.equal(a, await pinHash(k1, "482139"));
  assert.notEqual(a, await pinHash(k2, "482139"));
  assert.notEqual(a, await pinHash(k1, "482138"));
  assert.match(a, /^[0-9a-f]{64}$/);
});

Deno.test("the device streak blocks at the fifth wrong PIN in a row and starts over after", () => {
  let s = null;
  const now = 1_000_000;
  for (let i = 1; i < DEVICE_STREAK; i++) {
    s = nextStreak(s, now);
    assert.deepEqual(s, { fails: i, blockedUntil: 0 });
  }
  s = nextStreak(s, now);
  assert.deepEqual(s, { fails: 0, blockedUntil: now + DEVICE_BLOCK_MS });
  assert.deepEqual(nextStreak(s, now + DEVICE_BLOCK_MS), { fails: 1, blockedUntil: 0 });
});
