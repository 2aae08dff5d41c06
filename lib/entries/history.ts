/**
 * Who acted in an entry's history, as people read it: a member's name (read through the
 * organization's membership only), or what a non-person principal is — "API key", "Kiosk",
 * "System".
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import type { AuditRecord } from "../audit/audit.ts";
import type { PrincipalRef } from "../principal.ts";
import { memberUsers } from "../identity/users.ts";

/** What a non-person principal is called in a history. */
export const PRINCIPAL_LABELS: Record<Exclude<PrincipalRef["type"], "user">, string> = {
  api_key: "API key",
  kiosk_device: "Kiosk",
  system: "System",
};

/** The name shown for a person who is no longer (or never was) a member. */
export const UNKNOWN_PERSON = "Someone";

/** The principal a record names (records written before principals existed name a user). */
export function recordPrincipal(r: Pick<AuditRecord, "actorId"> & { principal?: PrincipalRef }) {
  return r.principal ?? { type: "user" as const, id: r.actorId };
}

/**
 * The label of each record's actor, by record id: member names for people (one read through
 * the membership for all of them), else the principal's kind.
 *
 * @example
 * ```ts
 * const labels = await actorLabels(scope, page.data);
 * labels.get(record.id); // "Ada Admin" | "API key" | "Kiosk" | "System" | "Someone"
 * ```
 */
export async function actorLabels(
  scope: OrgScope,
  records: AuditRecord[],
): Promise<Map<string, string>> {
  const people = [
    ...new Set(records.map(recordPrincipal).filter((p) => p.type === "user").map((p) => p.id)),
  ];
  const names = new Map((await memberUsers(scope, people)).map((u) => [u.id, u.name]));
  return new Map(records.map((r) => {
    const p = recordPrincipal(r);
    const label = p.type === "user" ? names.get(p.id) ?? UNKNOWN_PERSON : PRINCIPAL_LABELS[p.type];
    return [r.id, label];
  }));
}
