/**
 * Kiosk conflicts: offline punches that could not apply when they arrived (an overlap, a
 * locked pay period, a state that moved on). They are never dropped: each becomes
 * `["org", orgId, "kiosk_conflict", id]` for managers to read and resolve (by correcting the
 * member's entries by hand, then marking it resolved). Open conflicts are kept until resolved;
 * a resolved one is kept {@linkcode RESOLVED_TTL_MS} more.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { type Atomic, isId, newId, type OrgScope } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import type { Principal } from "../principal.ts";

/** What a kiosk punch asks for. */
export type PunchAction = "in" | "out" | "break_start" | "break_end";

/** How long a resolved conflict is kept. */
export const RESOLVED_TTL_MS = 90 * 24 * 3_600_000;
/** Most conflicts listed at once (newest first). */
export const CONFLICT_LIST_LIMIT = 500;

/** A recorded conflict. */
export interface KioskConflict {
  id: string;
  kioskId: string;
  userId: string;
  /** The member's name when the punch arrived. */
  name: string;
  action: PunchAction;
  /** When the punch was made on the device (ISO 8601 UTC). */
  at: string;
  /** Why it could not apply: the clock's error code (`entry_overlap`, `period_locked`, …). */
  code: string;
  message: string;
  createdAt: string;
  resolvedAt: string | null;
}

/** The conflict's key. */
function conflictKey(scope: OrgScope, id: string) {
  return scope.key("kiosk_conflict", id);
}

/** Add a new conflict to `op`; returns it. */
export function addConflict(
  op: Atomic,
  scope: OrgScope,
  input: Omit<KioskConflict, "id" | "createdAt" | "resolvedAt">,
  now: number,
): KioskConflict {
  const conflict: KioskConflict = {
    id: newId(now),
    ...input,
    createdAt: new Date(now).toISOString(),
    resolvedAt: null,
  };
  op.set(conflictKey(scope, conflict.id), conflict);
  return conflict;
}

/** The organization's conflicts, newest first (at most {@linkcode CONFLICT_LIST_LIMIT}). */
export async function listConflicts(scope: OrgScope): Promise<KioskConflict[]> {
  const out: KioskConflict[] = [];
  for await (
    const e of scope.list<KioskConflict>(scope.key("kiosk_conflict"), {
      reverse: true,
      limit: CONFLICT_LIST_LIMIT,
    })
  ) out.push(e.value);
  return out;
}

/** Mark conflict `id` resolved by `by` (resolving twice changes nothing); `not_found`. */
export async function resolveConflict(
  scope: OrgScope,
  by: Principal,
  id: string,
  now: number,
): Promise<KioskConflict> {
  if (!isId(id)) throw notFound("kiosk conflict");
  for (let attempt = 0; attempt < 5; attempt++) {
    const key = conflictKey(scope, id);
    const e = await scope.getKey<KioskConflict>(key);
    if (e.value === null) throw notFound("kiosk conflict");
    if (e.value.resolvedAt !== null) return e.value;
    const after = { ...e.value, resolvedAt: new Date(now).toISOString() };
    const op = scope.atomic()
      .check(key, e.versionstamp)
      .set(key, after, { expireIn: RESOLVED_TTL_MS });
    addAudit(op, scope, {
      principal: by,
      action: "kiosk_conflict.resolve",
      entity: { kind: "kiosk_conflict", id },
      before: e.value,
      after,
    }, now);
    if (await op.commit()) return after;
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}
