/**
 * The audit trail: an append-only record of every change (actor, time, action, before, after,
 * reason), written in the same atomic operation as the change it describes.
 *
 * @module
 */

import { type Atomic, newId, type OrgScope, pageViaIndex } from "../kv/mod.ts";
import { type Principal, type PrincipalRef, principalRef, userPrincipal } from "../principal.ts";

/** One audited change. */
export interface AuditRecord {
  id: string;
  at: string;
  /** Who acted: a person, an API key, a kiosk device or the system (a job). */
  principal: PrincipalRef;
  /** The principal's id (the person's user id for a user principal). */
  actorId: string;
  action: string;
  entity: { kind: string; id: string };
  reason: string | null;
  before: unknown;
  after: unknown;
}

/**
 * What the caller says about a change; the id and time are filled in. Name who acted with
 * `principal` (use cases pass `ctx.principal`); `actorId` alone means that user.
 */
export type AuditInput = AuditFacts & ({ principal: Principal } | { actorId: string });

interface AuditFacts {
  action: string;
  entity: { kind: string; id: string };
  reason?: string | null;
  before: unknown;
  after: unknown;
}

/** Add the writes of an audit record to `op` (the record and its per-entity index). */
export function addAudit(op: Atomic, scope: OrgScope, input: AuditInput, now: number): Atomic {
  const principal = principalRef(
    "principal" in input ? input.principal : userPrincipal(input.actorId),
  );
  const record: AuditRecord = {
    id: newId(now),
    at: new Date(now).toISOString(),
    principal,
    actorId: principal.id,
    action: input.action,
    entity: input.entity,
    reason: input.reason ?? null,
    before: input.before,
    after: input.after,
  };
  return op
    .set(scope.key("audit", record.id), record)
    .set(scope.key("audit_by_entity", input.entity.kind, input.entity.id, record.id), record.id);
}

/** The history of one entity, oldest first, one page at a time. */
export function entityHistory(
  scope: OrgScope,
  kind: string,
  id: string,
  options: { limit: number; cursor?: string | null },
): Promise<{ data: AuditRecord[]; nextCursor: string | null }> {
  return pageViaIndex<AuditRecord>(scope, ["audit_by_entity", kind, id], "audit", options);
}
