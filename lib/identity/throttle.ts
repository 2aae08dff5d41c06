/**
 * Sign-in throttling: failed attempts are counted per account and per client IP in fixed
 * windows; successful sign-ins never count. Counters are KV `sum`s, so concurrent failures are
 * all counted.
 *
 * @module
 */

import { globalKeys, type Store } from "../kv/mod.ts";

/** Limits on failed sign-ins in one window. */
export interface ThrottlePolicy {
  windowMs: number;
  perAccount: number;
  perIp: number;
}

/** Five failures per account and fifty per IP in fifteen minutes. */
export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60 * 1000,
  perAccount: 5,
  perIp: 50,
};

function subjects(email: string, ip: string): [string, string] {
  return [`acct:${email}`, `ip:${ip}`];
}

/**
 * Seconds until the caller may try again, or 0 when a sign-in attempt is allowed now.
 */
export async function signinRetryAfter(
  store: Store,
  email: string,
  ip: string,
  now: number,
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): Promise<number> {
  const window = Math.floor(now / policy.windowMs);
  const [acct, addr] = subjects(email, ip);
  const [a, b] = await store.getMany<Deno.KvU64>([
    globalKeys.signinFailures(acct, window),
    globalKeys.signinFailures(addr, window),
  ]);
  const failsAcct = Number(a.value?.value ?? 0n);
  const failsIp = Number(b.value?.value ?? 0n);
  if (failsAcct >= policy.perAccount || failsIp >= policy.perIp) {
    return Math.ceil(((window + 1) * policy.windowMs - now) / 1000);
  }
  return 0;
}

/** Count one failed sign-in for the account and the IP. */
export async function recordSigninFailure(
  store: Store,
  email: string,
  ip: string,
  now: number,
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): Promise<void> {
  const window = Math.floor(now / policy.windowMs);
  const [acct, addr] = subjects(email, ip);
  await store.atomic()
    .sum(globalKeys.signinFailures(acct, window), 1n)
    .sum(globalKeys.signinFailures(addr, window), 1n)
    .commit();
}
