/**
 * What an organization may do right now: the billing record, the plan in force, its limits, and
 * the features that are on (in the plan and not switched off by an admin). `enabled()` is the
 * single decision every gate, page and island uses.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import type { Organization } from "../orgs/orgs.ts";
import {
  type BillingMode,
  type BillingRecord,
  newBillingRecord,
  type Standing,
  standing,
} from "./lifecycle.ts";
import {
  type Feature,
  FEATURES,
  type Limits,
  type PlanId,
  PLANS,
  type Reporting,
} from "./plans.ts";

/** An organization's entitlements at one instant. */
export interface Entitlements {
  record: BillingRecord;
  standing: Standing;
  plan: PlanId;
  limits: Limits;
  /** Export formats and scheduled reports of the plan in force. */
  reporting: Reporting;
  /** Features in force: in the plan and not switched off by an admin. */
  features: Feature[];
}

/** The organization's billing record (a fresh trial record when none was stored yet). */
export async function getBillingRecord(scope: OrgScope): Promise<{
  record: BillingRecord;
  versionstamp: string | null;
}> {
  const [billing, profile] = await scope.getMany<BillingRecord | Organization>([
    scope.key("billing"),
    scope.key("profile"),
  ]);
  return billingFrom(billing, profile.value as Organization | null);
}

/** The key parts of the stored billing record (for callers that read it with other keys). */
export const BILLING_PARTS = ["billing"] as const;

/** The billing record from its stored entry (a fresh trial record when none was stored yet). */
export function billingFrom(
  billing: { value: unknown; versionstamp: string | null },
  org: Organization | null,
): { record: BillingRecord; versionstamp: string | null } {
  if (billing.value) {
    return { record: billing.value as BillingRecord, versionstamp: billing.versionstamp };
  }
  return { record: newBillingRecord(org?.createdAt ?? 0), versionstamp: null };
}

/** Entitlements from a record, the admin's switched-off features, the time and the mode. */
export function entitlementsOf(
  record: BillingRecord,
  disabled: readonly Feature[],
  now: number,
  mode: BillingMode,
): Entitlements {
  const s = standing(record, now, mode);
  const plan = PLANS[s.plan];
  return {
    record,
    standing: s,
    plan: s.plan,
    limits: plan.limits,
    reporting: plan.reporting,
    features: FEATURES.filter((f) => plan.features.includes(f) && !disabled.includes(f)),
  };
}

/**
 * Whether `feature` is on for the organization. The one decision used by API gates, pages and
 * (through page props) islands.
 */
export function enabled(e: Pick<Entitlements, "features">, feature: Feature): boolean {
  return e.features.includes(feature);
}
