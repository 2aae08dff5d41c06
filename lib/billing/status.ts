/**
 * An organization's billing status for its admins: the plan in force and why, the limits next to
 * what is used, today's usage and the last 30 days. Shared by `GET …/billing` and the billing
 * page, so they cannot disagree.
 *
 * Reading it records today's `activeMembers` gauge and, at most once a day, measures
 * `storageBytes` (see `usage.ts`): cost is one scan of the memberships and of the locations, one
 * range scan of the usage keys, and once a day one scan of the organization's keys.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import { countActiveMembers } from "../members/members.ts";
import { allLocations } from "../locations/repository.ts";
import type { Entitlements } from "./entitlements.ts";
import type { BillingMode, Standing, SubscriptionStatus } from "./lifecycle.ts";
import { type Feature, type Limits, type PlanId, PLANS } from "./plans.ts";
import {
  type KeyUsage,
  measureStorage,
  readUsageDetail,
  recordActiveMembers,
  type UsageDay,
  usageDay,
} from "./usage.ts";

/** What is used now, next to each limit. */
export interface CurrentUsage {
  activeMembers: number;
  /** Active locations (inactive ones do not count). */
  locations: number;
  storageBytes: number;
}

/** The billing status of one organization. Instants are epoch ms. */
export interface BillingStatus {
  billingEnabled: boolean;
  plan: PlanId;
  /** The standing's state: `unmanaged`, `trial`, `active`, `grace`, `canceling`, … */
  status: Standing["state"];
  subscriptionStatus: SubscriptionStatus;
  /** The plan subscribed to (or last subscribed to), which may differ from `plan`. */
  subscribedPlan: PlanId;
  interval: "monthly" | "yearly" | null;
  cancelAtPeriodEnd: boolean;
  trialEndsAt: number | null;
  currentPeriodEnd: number | null;
  /** End of the grace period while past due. */
  graceEndsAt: number | null;
  banner: Standing["banner"];
  limits: Limits;
  /** Features in force (in the plan and not switched off). */
  features: Feature[];
  /** Features of the plan (on or switched off). */
  planFeatures: Feature[];
  /** Features an admin switched off. */
  disabledFeatures: Feature[];
  usage: {
    /** Today's UTC date. */
    date: string;
    current: CurrentUsage;
    today: Pick<UsageDay, "entriesCreated" | "apiRequests" | "webhookDeliveries">;
    /** The last 30 UTC days, oldest first, ending today. */
    series: UsageDay[];
    /**
     * API requests per key (today and over the 30 days; most used first), beside the
     * organization's total `apiRequests`. `label` is the key's public prefix when known, else
     * its id.
     */
    apiKeys: (KeyUsage & { label: string })[];
  };
}

/** What is used now: active members and locations counted, storage measured (once a day). */
export async function currentUsage(scope: OrgScope, now: number): Promise<CurrentUsage> {
  const [activeMembers, locations, storageBytes] = await Promise.all([
    countActiveMembers(scope),
    allLocations(scope, { activeOnly: true }).then((l) => l.length),
    measureStorage(scope, now),
  ]);
  await recordActiveMembers(scope, activeMembers, now);
  return { activeMembers, locations, storageBytes };
}

/**
 * The billing status of the organization of `scope` under `ent` at `now`. `keyLabels` names API
 * keys (id → public prefix) in the per-key usage.
 */
export async function billingStatus(
  scope: OrgScope,
  ent: Entitlements,
  disabledFeatures: readonly Feature[],
  now: number,
  mode: BillingMode,
  keyLabels: ReadonlyMap<string, string> = new Map(),
): Promise<BillingStatus> {
  const current = await currentUsage(scope, now);
  const { series, keys } = await readUsageDetail(scope, now);
  const today = series.at(-1)!;
  const r = ent.record;
  const s = ent.standing;
  return {
    billingEnabled: mode.enabled,
    plan: ent.plan,
    status: s.state,
    subscriptionStatus: r.status,
    subscribedPlan: r.plan,
    interval: r.interval,
    cancelAtPeriodEnd: r.cancelAtPeriodEnd,
    trialEndsAt: mode.enabled && s.state === "trial" ? r.trialEndsAt : null,
    currentPeriodEnd: mode.enabled ? r.currentPeriodEnd : null,
    graceEndsAt: s.banner?.kind === "past_due" ? s.banner.until : null,
    banner: s.banner,
    limits: ent.limits,
    features: ent.features,
    planFeatures: [...PLANS[ent.plan].features],
    disabledFeatures: [...disabledFeatures],
    usage: {
      date: usageDay(now),
      current,
      today: {
        entriesCreated: today.entriesCreated,
        apiRequests: today.apiRequests,
        webhookDeliveries: today.webhookDeliveries,
      },
      series,
      apiKeys: keys.map((k) => ({ ...k, label: keyLabels.get(k.keyId) ?? k.keyId })),
    },
  };
}
