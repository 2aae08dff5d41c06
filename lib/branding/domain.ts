/**
 * The organization's custom domain in KV.
 *
 * | key | value |
 * | --- | --- |
 * | `["org", o, "branding_domain"]` | {@linkcode CustomDomain}: the domain, its status and the TXT record that proves it |
 * | `["custom_domain", domain]` (global) | orgId, once verified |
 *
 * Verification writes the global pointer with `check(null)` in the same commit as the status, so
 * a domain belongs to one organization at most; replacing or removing a verified domain deletes
 * its pointer in the same commit.
 *
 * @module
 */

import { globalKeys, type MaybeEntry, type OrgScope } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import type { Principal } from "../principal.ts";
import { DomainError } from "../errors.ts";
import { randomToken } from "../identity/crypto.ts";

/** A custom domain and the DNS record that proves the organization controls it. */
export interface CustomDomain {
  domain: string;
  status: "pending" | "verified";
  /** The name of the TXT record to create (`_clockflow.<domain>`). */
  txtName: string;
  /** The value it must hold. */
  txtValue: string;
  createdAt: number;
  verifiedAt: number | null;
}

/** The key parts of the record. */
export const DOMAIN_PARTS = ["branding_domain"] as const;

/** The TXT record name that proves `domain`. */
export function txtNameOf(domain: string): string {
  return `_clockflow.${domain}`;
}

/** The organization's custom domain (value null: none). */
export function readCustomDomain(scope: OrgScope): Promise<MaybeEntry<CustomDomain>> {
  return scope.get<CustomDomain>(...DOMAIN_PARTS);
}

function changed(): DomainError {
  return new DomainError("conflict", "domain_changed", "The custom domain changed meanwhile");
}

/**
 * Set `domain` as the organization's custom domain, pending until verified, with a fresh TXT
 * value. The same domain again keeps its record (and token); another one replaces it and
 * releases a verified predecessor's global pointer in the same commit.
 */
export async function setCustomDomain(
  scope: OrgScope,
  principal: Principal,
  domain: string,
  now: number,
): Promise<{ record: CustomDomain; released: string | null }> {
  const current = await readCustomDomain(scope);
  if (current.value?.domain === domain) return { record: current.value, released: null };
  const record: CustomDomain = {
    domain,
    status: "pending",
    txtName: txtNameOf(domain),
    txtValue: `clockflow-verification=${randomToken(24)}`,
    createdAt: now,
    verifiedAt: null,
  };
  const op = scope.atomic().check(scope.key(...DOMAIN_PARTS), current.versionstamp)
    .set(scope.key(...DOMAIN_PARTS), record);
  const released = current.value?.status === "verified" ? current.value.domain : null;
  if (released) op.delete(globalKeys.customDomain(released));
  addAudit(op, scope, {
    principal,
    action: "branding.domain_set",
    entity: { kind: "branding", id: scope.orgId },
    before: current.value && { domain: current.value.domain, status: current.value.status },
    after: { domain, status: record.status },
  }, now);
  if (!(await op.commit())) throw changed();
  return { record, released };
}

/**
 * Mark the pending domain verified and claim its global pointer (`check(null)`): 409
 * `domain_taken` when another organization verified it first.
 */
export async function markDomainVerified(
  scope: OrgScope,
  principal: Principal,
  entry: { value: CustomDomain; versionstamp: string },
  now: number,
): Promise<CustomDomain> {
  const record: CustomDomain = { ...entry.value, status: "verified", verifiedAt: now };
  const pointer = globalKeys.customDomain(record.domain);
  const op = scope.atomic()
    .check(scope.key(...DOMAIN_PARTS), entry.versionstamp)
    .check(pointer, null)
    .set(pointer, scope.orgId)
    .set(scope.key(...DOMAIN_PARTS), record);
  addAudit(op, scope, {
    principal,
    action: "branding.domain_verified",
    entity: { kind: "branding", id: scope.orgId },
    before: { domain: record.domain, status: entry.value.status },
    after: { domain: record.domain, status: record.status },
  }, now);
  if (await op.commit()) return record;
  const again = await readCustomDomain(scope);
  if (again.versionstamp !== entry.versionstamp) throw changed();
  throw new DomainError(
    "conflict",
    "domain_taken",
    "Another organization already uses this domain",
    { domain: record.domain },
  );
}

/** Remove the custom domain (and its pointer when verified); the removed one, or null. */
export async function removeCustomDomain(
  scope: OrgScope,
  principal: Principal,
  now: number,
): Promise<CustomDomain | null> {
  const current = await readCustomDomain(scope);
  if (!current.value) return null;
  const op = scope.atomic().check(scope.key(...DOMAIN_PARTS), current.versionstamp)
    .delete(scope.key(...DOMAIN_PARTS));
  if (current.value.status === "verified") op.delete(globalKeys.customDomain(current.value.domain));
  addAudit(op, scope, {
    principal,
    action: "branding.domain_removed",
    entity: { kind: "branding", id: scope.orgId },
    before: { domain: current.value.domain, status: current.value.status },
    after: null,
  }, now);
  if (!(await op.commit())) throw changed();
  return current.value;
}
