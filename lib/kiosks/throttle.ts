/**
 * How a kiosk keeps PIN guessing slow and a stuck button harmless (`docs/kiosk.md`):
 *
 * | limit | where | when reached |
 * | --- | --- | --- |
 * | {@linkcode DEVICE_STREAK} wrong PINs in a row on one device | `["org", o, "kiosk_pin_streak", kioskId]` = `{fails, blockedUntil}` | 429 `too_many_attempts` for {@linkcode DEVICE_BLOCK_MS}; a correct PIN resets the streak |
 * | {@linkcode ORG_LIMIT} wrong PINs per {@linkcode ORG_WINDOW_MS} across the organization's devices | `["org", o, "kiosk_pin_fail", window]` (`KvU64`) | 429 until the window ends |
 * | {@linkcode MEMBER_PUNCHES} live punches per minute per member | process memory (GCRA) | 429 |
 *
 * Both PIN counters are read with the kiosk in one `getMany` before the PIN is looked up, and a
 * wrong PIN raises them in one commit checked against the versionstamps it read (both keys
 * expire: a day, two windows). A device's PIN checks run one at a time in this process, so
 * parallel guesses from one device cannot overshoot its streak. The per-member limit guards
 * against a stuck button or a double tap; offline punches sent late are not counted (they
 * happened at their own times).
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { Key, MaybeEntry, OrgScope } from "../kv/mod.ts";
import { gcra } from "../ratelimit/memory.ts";

/** Wrong PINs in a row that block a device. */
export const DEVICE_STREAK = 5;
/** How long a device stays blocked. */
export const DEVICE_BLOCK_MS = 60_000;
/** Wrong PINs per window across an organization's devices. */
export const ORG_LIMIT = 30;
/** The organization's window. */
export const ORG_WINDOW_MS = 10 * 60_000;
/** Live punches per member per minute. */
export const MEMBER_PUNCHES = 6;

/** A device's run of wrong PINs. */
export interface PinStreak {
  fails: number;
  /** Epoch ms until which the device is refused (0: not blocked). */
  blockedUntil: number;
}

/** The device's streak key. */
export function streakKey(scope: OrgScope, kioskId: string): Key {
  return scope.key("kiosk_pin_streak", kioskId);
}

/** The organization's wrong-PIN counter of the window holding `now`. */
export function orgWindowKey(scope: OrgScope, now: number): Key {
  return scope.key("kiosk_pin_fail", Math.floor(now / ORG_WINDOW_MS));
}

function tooMany(retryAfterMs: number): DomainError {
  return new DomainError(
    "too_many",
    "too_many_attempts",
    "Too many wrong PINs; wait a moment and try again",
    { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
  );
}

/** Throw 429 `too_many_attempts` when the device or the organization is blocked at `now`. */
export function assertNotBlocked(
  streak: MaybeEntry<unknown>,
  orgWindow: MaybeEntry<unknown>,
  now: number,
): void {
  const s = streak.value as PinStreak | null;
  if (s && s.blockedUntil > now) throw tooMany(s.blockedUntil - now);
  const count = orgWindow.value instanceof Deno.KvU64 ? orgWindow.value.value : 0n;
  if (count >= BigInt(ORG_LIMIT)) {
    throw tooMany((Math.floor(now / ORG_WINDOW_MS) + 1) * ORG_WINDOW_MS - now);
  }
}

/** The streak after one more wrong PIN at `now`: the limit blocks the device and starts over. */
export function nextStreak(s: PinStreak | null, now: number): PinStreak {
  const fails = (s?.fails ?? 0) + 1;
  return fails >= DEVICE_STREAK
    ? { fails: 0, blockedUntil: now + DEVICE_BLOCK_MS }
    : { fails, blockedUntil: 0 };
}

/** Count a wrong PIN on device `kioskId` and in the organization's window. */
export async function recordWrongPin(scope: OrgScope, kioskId: string, now: number): Promise<void> {
  const key = streakKey(scope, kioskId);
  const windowKey = orgWindowKey(scope, now);
  for (let attempt = 0; attempt < 16; attempt++) {
    const [e, w] = await scope.getMany<unknown>([key, windowKey]);
    const count = w.value instanceof Deno.KvU64 ? w.value.value : 0n;
    const ok = await scope.atomic()
      .check(key, e.versionstamp)
      .check(windowKey, w.versionstamp)
      .set(key, nextStreak(e.value as PinStreak | null, now), { expireIn: 24 * 3_600_000 })
      .set(windowKey, new Deno.KvU64(count + 1n), { expireIn: 2 * ORG_WINDOW_MS })
      .commit();
    if (ok) return;
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/** A correct PIN: forget device `kioskId`'s streak as read (a lost race changes nothing). */
export async function resetStreak(
  scope: OrgScope,
  kioskId: string,
  streak: MaybeEntry<unknown>,
): Promise<void> {
  const s = streak.value as PinStreak | null;
  if (!s || s.fails === 0) return;
  const key = streakKey(scope, kioskId);
  await scope.atomic().check(key, streak.versionstamp).delete(key).commit();
}

/** Theoretical arrival times of members' live punches, per process. */
const memberTat = new Map<string, number>();

/** Throw 429 `too_many_attempts` when `userId` punched {@linkcode MEMBER_PUNCHES} times this minute. */
export function takeMemberPunch(orgId: string, userId: string, now: number): void {
  if (memberTat.size > 10_000) {
    for (const [k, tat] of memberTat) if (tat < now) memberTat.delete(k);
  }
  const key = `${orgId}:${userId}`;
  const step = gcra(memberTat.get(key) ?? now, now, {
    limit: MEMBER_PUNCHES,
    windowMs: 60_000,
  });
  if (!step.decision.allowed) {
    throw new DomainError(
      "too_many",
      "too_many_attempts",
      "Too many punches for this person; wait a moment",
      { retryAfterSeconds: Math.max(1, Math.ceil(step.decision.resetMs / 1000)) },
    );
  }
  memberTat.set(key, step.tat);
}
