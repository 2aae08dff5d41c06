/**
 * Period locks: an approved timesheet freezes its member's entries inside its pay period. The
 * lock lives next to the entries because every change to them (clock punches, corrections,
 * imports) goes through `commitEntryChange`, which refuses with 409 `period_locked` when the
 * entry's interval before or after the change touches a locked period.
 *
 * Keys (under the organization's scope):
 *
 * - `["period_lock", userId, startMs]` → {@linkcode PeriodLock}. Pay periods last at most a
 *   month, so the locks touching an interval are found with one short range scan from
 *   `from − MAX_LOCK_MS`.
 *
 * The member's revision key (`user_rev`) also carries `lockFrom`/`lockTo`, the span every lock
 * ever written lies in. Punches outside that span (the usual case: clocking in after the last
 * approved period) need no scan at all.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { Atomic, OrgScope } from "../kv/mod.ts";

/** A locked pay period of one member. Instants in epoch ms; local dates `YYYY-MM-DD`. */
export interface PeriodLock {
  timesheetId: string;
  userId: string;
  /** First local date of the period. */
  periodStart: string;
  /** Last local date of the period (inclusive). */
  periodEnd: string;
  /** When the period starts (local midnight of `periodStart`). */
  startMs: number;
  /** When the period ends (local midnight after `periodEnd`, exclusive). */
  endMs: number;
}

/** Longest lockable period: a month of 31 days plus a DST hour, rounded up to 32 days. */
export const MAX_LOCK_MS = 32 * 24 * 3600 * 1000;

/** The span the member's locks lie in, as remembered by the revision key. */
export interface LockHint {
  lockFrom?: number;
  lockTo?: number;
}

/** True when the half-open interval touches `[lock.startMs, lock.endMs)`; empty ones as points. */
export function touches(from: number, to: number, lock: { startMs: number; endMs: number }) {
  return from < lock.endMs && Math.max(to, from + 1) > lock.startMs;
}

/** The member's locks whose period touches `[from, to)` (a point when `from === to`). */
export async function locksTouching(
  scope: OrgScope,
  userId: string,
  from: number,
  to: number,
): Promise<PeriodLock[]> {
  const out: PeriodLock[] = [];
  for await (
    const e of scope.list<PeriodLock>(scope.key("period_lock", userId), {
      start: scope.key("period_lock", userId, Math.max(0, from - MAX_LOCK_MS)),
      end: scope.key("period_lock", userId, Math.max(to, from + 1)),
    })
  ) {
    if (touches(from, to, e.value)) out.push(e.value);
  }
  return out;
}

/** The 409 `period_locked` error for `lock`. */
export function periodLockedError(lock: PeriodLock): DomainError {
  return new DomainError(
    "locked",
    "period_locked",
    `This time is in an approved timesheet (${lock.periodStart} to ${lock.periodEnd}); ` +
      "an admin must reopen it before entries there can change",
    { timesheetId: lock.timesheetId, periodStart: lock.periodStart, periodEnd: lock.periodEnd },
  );
}

/**
 * Throw `period_locked` when any of `intervals` touches one of the member's locks. `hint` (from
 * the revision key) skips the scan when every interval lies outside the locked span.
 */
export async function assertUnlocked(
  scope: OrgScope,
  userId: string,
  hint: LockHint,
  intervals: { from: number; to: number }[],
): Promise<void> {
  if (hint.lockFrom === undefined || hint.lockTo === undefined) return;
  const span = { startMs: hint.lockFrom, endMs: hint.lockTo };
  for (const iv of intervals) {
    if (!touches(iv.from, iv.to, span)) continue;
    const [lock] = await locksTouching(scope, userId, iv.from, iv.to);
    if (lock) throw periodLockedError(lock);
  }
}

/** Add the write of `lock` to `op`. The caller also widens the hint on `user_rev`. */
export function addLock(op: Atomic, scope: OrgScope, lock: PeriodLock): Atomic {
  return op.set(scope.key("period_lock", lock.userId, lock.startMs), lock);
}

/** Add the removal of `lock` to `op`. */
export function removeLock(op: Atomic, scope: OrgScope, lock: PeriodLock): Atomic {
  return op.delete(scope.key("period_lock", lock.userId, lock.startMs));
}

/** `hint` widened to cover `lock`. */
export function widenHint(hint: LockHint, lock: PeriodLock): Required<LockHint> {
  return {
    lockFrom: Math.min(hint.lockFrom ?? lock.startMs, lock.startMs),
    lockTo: Math.max(hint.lockTo ?? lock.endMs, lock.endMs),
  };
}
