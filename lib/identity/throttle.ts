/**
 * Attempt throttling in fixed windows. An attempt is **reserved** before the expensive or
 * sensitive work (hashing a password, sending a mail): {@linkcode reserveAttempt} reads the
 * counters of every subject it names, refuses with 429 `too_many_attempts` when one is at its
 * limit, and otherwise raises them all in one atomic commit checked against the versionstamps
 * it read. So 15 parallel wrong passwords reserve at most 5 attempts, however they interleave.
 * A sign-in that succeeds gives its reservation back ({@linkcode releaseAttempt}): successful
 * sign-ins never count.
 *
 * Sign-in limits are per (account, client address) and per client address, never per account
 * alone, so a stranger elsewhere cannot lock a person out by failing on purpose.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import { globalKeys, type Key, type Store } from "../kv/mod.ts";

/** Limits per window. Fields after `perIp` are optional; absent ones take the defaults. */
export interface ThrottlePolicy {
  windowMs: number;
  /** Password checks (sign-in, password change) per account and client address. */
  perAccount: number;
  /** Password checks per client address (any account). */
  perIp: number;
  /** Sign-ups per client address. */
  signupPerIp?: number;
  /** Password reset requests per client address. */
  resetPerIp?: number;
  /** Password reset requests per email address (from anywhere). */
  resetPerEmail?: number;
  /** Verification mails a signed-in person may ask for. */
  verificationPerAccount?: number;
}

/** Five failures per account and client, fifty per client, in fifteen minutes. */
export const DEFAULT_THROTTLE: Required<ThrottlePolicy> = {
  windowMs: 15 * 60 * 1000,
  perAccount: 5,
  perIp: 50,
  signupPerIp: 20,
  resetPerIp: 20,
  resetPerEmail: 5,
  verificationPerAccount: 5,
};

/** `policy` with every optional limit filled in from {@linkcode DEFAULT_THROTTLE}. */
export function fullPolicy(policy: ThrottlePolicy): Required<ThrottlePolicy> {
  return { ...DEFAULT_THROTTLE, ...stripUndefined(policy) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One counter to reserve: what it counts and how many it allows per window. */
export interface AttemptLimit {
  subject: string;
  limit: number;
}

/** What {@linkcode reserveAttempt} raised, to give back with {@linkcode releaseAttempt}. */
export interface Reservation {
  keys: Key[];
  windowMs: number;
}

/** Counter subjects of password checks: per (account, client address) and per address. */
export function passwordCheckLimits(
  email: string,
  ip: string,
  policy: ThrottlePolicy,
): AttemptLimit[] {
  return [
    { subject: `acct:${JSON.stringify([email, ip])}`, limit: policy.perAccount },
    { subject: `ip:${ip}`, limit: policy.perIp },
  ];
}

function tooMany(retryAfterSeconds: number): DomainError {
  return new DomainError("too_many", "too_many_attempts", "Too many attempts; try again later", {
    retryAfterSeconds,
  });
}

const MAX_ROUNDS = 64;

/**
 * Reserve one attempt on every counter of `limits` in the current window, atomically, or throw
 * 429 `too_many_attempts` (details `retryAfterSeconds`) when any is at its limit. Call it before
 * the work it guards.
 */
export async function reserveAttempt(
  store: Store,
  limits: AttemptLimit[],
  now: number,
  windowMs: number,
): Promise<Reservation> {
  const window = Math.floor(now / windowMs);
  const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
  const keys = limits.map((l) => globalKeys.signinFailures(l.subject, window));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const entries = await store.getMany<Deno.KvU64>(keys);
    const counts = entries.map((e) => e.value?.value ?? 0n);
    if (counts.some((n, i) => n >= BigInt(limits[i].limit))) throw tooMany(retryAfter);
    const op = store.atomic();
    entries.forEach((e, i) => {
      op.check(keys[i], e.versionstamp).set(keys[i], new Deno.KvU64(counts[i] + 1n), {
        expireIn: 2 * windowMs,
      });
    });
    if (await op.commit()) return { keys, windowMs };
    // Another attempt took a slot in between: read again after a short random pause that grows
    // with the rounds lost, so many contenders (one office behind one address) spread out.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** round, 50)));
  }
  throw tooMany(retryAfter);
}

/** Give back a reservation (a sign-in that succeeded does not count). */
export async function releaseAttempt(store: Store, reservation: Reservation): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const entries = await store.getMany<Deno.KvU64>(reservation.keys);
    const op = store.atomic();
    entries.forEach((e, i) => {
      if (!e.value || e.value.value === 0n) return;
      const key = reservation.keys[i];
      op.check(key, e.versionstamp).set(key, new Deno.KvU64(e.value.value - 1n), {
        expireIn: 2 * reservation.windowMs,
      });
    });
    if (op.size.mutations === 0 || await op.commit()) return;
  }
}
