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
  /** Set once the attempt's outcome is known here (released or kept as a failure). */
  settled?: boolean;
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
/** How long an attempt may wait for this process's own attempts in flight to settle. */
const MAX_WAIT_MS = 5_000;

/**
 * Attempts of this process that hold a slot and whose outcome is not known yet, by counter key.
 * A full counter may be full of attempts still hashing (parallel right passwords from one
 * office): an attempt then waits for those to settle instead of being refused for failures that
 * never happened. Attempts of other processes are only seen as the stored count.
 */
const inFlight = new Map<string, { count: number; wake: Array<() => void> }>();

function slot(key: Key): { count: number; wake: Array<() => void> } {
  const id = JSON.stringify(key);
  let s = inFlight.get(id);
  if (!s) inFlight.set(id, s = { count: 0, wake: [] });
  return s;
}

/**
 * Mark `reservation`'s outcome as known (a failure keeps its count; {@linkcode releaseAttempt}
 * gives it back): attempts waiting on this process's attempts in flight look again. Idempotent.
 */
export function settleAttempt(reservation: Reservation): void {
  if (reservation.settled) return;
  reservation.settled = true;
  for (const key of reservation.keys) {
    const id = JSON.stringify(key);
    const s = inFlight.get(id);
    if (!s) continue;
    s.count--;
    for (const wake of s.wake.splice(0)) wake();
    if (s.count <= 0 && s.wake.length === 0) inFlight.delete(id);
  }
}

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
  options: { hold?: boolean } = {},
): Promise<Reservation> {
  const window = Math.floor(now / windowMs);
  const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
  const keys = limits.map((l) => globalKeys.signinFailures(l.subject, window));
  const waitUntil = performance.now() + MAX_WAIT_MS;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const entries = await store.getMany<Deno.KvU64>(keys);
    const counts = entries.map((e) => e.value?.value ?? 0n);
    const full = keys.filter((_k, i) => counts[i] >= BigInt(limits[i].limit));
    if (full.length) {
      // Full of failures: refuse. Full of this process's attempts still in flight: wait for one
      // to settle and look again (bounded), since they may yet give their slots back.
      const pending = full.map(slot).find((s) => s.count > 0);
      if (!pending || performance.now() > waitUntil) throw tooMany(retryAfter);
      await new Promise<void>((wake) => {
        pending.wake.push(wake);
        setTimeout(wake, Math.max(0, waitUntil - performance.now()));
      });
      round--;
      continue;
    }
    const op = store.atomic();
    entries.forEach((e, i) => {
      op.check(keys[i], e.versionstamp).set(keys[i], new Deno.KvU64(counts[i] + 1n), {
        expireIn: 2 * windowMs,
      });
    });
    if (await op.commit()) {
      // Held attempts (a password being checked) may give their slot back: others may wait on
      // them. Other attempts are spent at once.
      if (options.hold) { for (const key of keys) slot(key).count++; }
      return { keys, windowMs, settled: !options.hold };
    }
    // Another attempt took a slot in between: read again after a short random pause that grows
    // with the rounds lost, so many contenders (one office behind one address) spread out.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** round, 50)));
  }
  throw tooMany(retryAfter);
}

/** Give back a reservation (a sign-in that succeeded does not count). */
export async function releaseAttempt(store: Store, reservation: Reservation): Promise<void> {
  try {
    await giveBack(store, reservation);
  } finally {
    settleAttempt(reservation);
  }
}

async function giveBack(store: Store, reservation: Reservation): Promise<void> {
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
