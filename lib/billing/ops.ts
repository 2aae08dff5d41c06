/**
 * The operator view: figures across every organization, for the people listed in
 * `OPERATOR_EMAILS` (read-only). No tenant data leaves here beyond the organization's profile
 * (name, slug, time zone), its billing record and counts: never names of members, entries or
 * notes.
 *
 * Cost: {@linkcode operatorOverview} visits every organization through
 * `store.allOrgScopes()` — per organization one `getMany` (profile, billing record) and one range
 * scan of its last 30 days of usage keys (≤ 150 small values); only organizations that never
 * recorded an `activeMembers` gauge cost a scan of their memberships. A few thousand
 * organizations take well under a second on the local store; beyond that the overview should be
 * computed by a job and cached.
 *
 * @module
 */

import type { OrgScope, Store } from "../kv/mod.ts";
import type { Organization } from "../orgs/orgs.ts";
import { countActiveMembers } from "../members/members.ts";
import {
  type BillingMode,
  type BillingRecord,
  newBillingRecord,
  type Standing,
} from "./lifecycle.ts";
import { entitlementsOf } from "./entitlements.ts";
import { monthlyRecurringCents, PLAN_IDS, type PlanId } from "./plans.ts";
import { allLocations } from "../locations/repository.ts";
import { readUsage, USAGE_DAYS, type UsageDay } from "./usage.ts";

/** Days ahead in which an ending trial is listed. */
export const TRIALS_ENDING_DAYS = 7;
/** Organizations in each "largest" list. */
export const LARGEST = 10;

const DAY_MS = 24 * 3600 * 1000;

/** One organization as operators see it in lists. */
export interface OrgSummary {
  id: string;
  name: string;
  slug: string;
  createdAt: number;
  plan: PlanId;
  state: Standing["state"];
  /** The latest recorded number of active members. */
  activeMembers: number;
  /** Entries created in the last 30 days (usage counters). */
  entriesCreated30d: number;
  /** Monthly recurring revenue in cents (0 unless a paid subscription is in force). */
  mrrCents: number;
  trialEndsAt: number | null;
  /** End of the grace period of a past-due subscription. */
  graceEndsAt: number | null;
}

/** Figures across every organization. */
export interface OperatorOverview {
  generatedAt: number;
  billingEnabled: boolean;
  organizations: number;
  byPlan: Record<PlanId, number>;
  byState: Partial<Record<Standing["state"], number>>;
  /** Trials ending within {@linkcode TRIALS_ENDING_DAYS} days, soonest first. */
  trialsEnding: OrgSummary[];
  /** Past-due subscriptions still in their grace period, soonest end first. */
  pastDue: OrgSummary[];
  /** Sum of {@linkcode OrgSummary.mrrCents}. */
  mrrCents: number;
  largestByMembers: OrgSummary[];
  largestByEntries: OrgSummary[];
}

/**
 * The monthly recurring revenue of a record at `now`: a paid subscription in force (active,
 * canceling, or past due within its grace period) counts its price; trials, Stripe trials and
 * everything else count 0, as does every organization while billing is off.
 */
export function recordMrrCents(record: BillingRecord, standing: Standing): number {
  const paying = standing.state === "active" || standing.state === "canceling" ||
    standing.state === "grace";
  if (!paying || record.status === "trialing" || record.interval === null) return 0;
  return monthlyRecurringCents(record.plan, record.interval, record.quantity);
}

async function summarize(
  scope: OrgScope,
  now: number,
  mode: BillingMode,
): Promise<{ summary: OrgSummary; usage: UsageDay[]; record: BillingRecord } | null> {
  const [profile, billing] = await scope.getMany<Organization | BillingRecord>([
    scope.key("profile"),
    scope.key("billing"),
  ]);
  const org = profile.value as Organization | null;
  if (!org) return null;
  const record = (billing.value as BillingRecord | null) ?? newBillingRecord(org.createdAt);
  const ent = entitlementsOf(record, [], now, mode);
  const usage = await readUsage(scope, now, USAGE_DAYS);
  const members = usage.at(-1)?.activeMembers ?? await countActiveMembers(scope);
  const s = ent.standing;
  return {
    record,
    usage,
    summary: {
      id: org.id,
      name: org.name,
      slug: org.slug,
      createdAt: org.createdAt,
      plan: ent.plan,
      state: s.state,
      activeMembers: members,
      entriesCreated30d: usage.reduce((n, d) => n + d.entriesCreated, 0),
      mrrCents: recordMrrCents(record, s),
      trialEndsAt: s.state === "trial" ? record.trialEndsAt : null,
      graceEndsAt: s.banner?.kind === "past_due" ? s.banner.until : null,
    },
  };
}

/** Keep the `n` largest of `items` by `score` (ties: older organizations first). */
function topBy(items: OrgSummary[], score: (o: OrgSummary) => number, n: number): OrgSummary[] {
  return [...items].sort((a, b) => score(b) - score(a) || a.createdAt - b.createdAt)
    .filter((o) => score(o) > 0).slice(0, n);
}

/** Figures across every organization at `now` (see the module doc for the cost). */
export async function operatorOverview(
  store: Store,
  now: number,
  mode: BillingMode,
): Promise<OperatorOverview> {
  const byPlan = Object.fromEntries(PLAN_IDS.map((p) => [p, 0])) as Record<PlanId, number>;
  const byState: OperatorOverview["byState"] = {};
  const all: OrgSummary[] = [];
  for await (const scope of store.allOrgScopes()) {
    const found = await summarize(scope, now, mode);
    if (!found) continue;
    const o = found.summary;
    all.push(o);
    byPlan[o.plan]++;
    byState[o.state] = (byState[o.state] ?? 0) + 1;
  }
  return {
    generatedAt: now,
    billingEnabled: mode.enabled,
    organizations: all.length,
    byPlan,
    byState,
    trialsEnding: all
      .filter((o) => o.trialEndsAt !== null && o.trialEndsAt <= now + TRIALS_ENDING_DAYS * DAY_MS)
      .sort((a, b) => a.trialEndsAt! - b.trialEndsAt!),
    pastDue: all.filter((o) => o.graceEndsAt !== null)
      .sort((a, b) => a.graceEndsAt! - b.graceEndsAt!),
    mrrCents: all.reduce((n, o) => n + o.mrrCents, 0),
    largestByMembers: topBy(all, (o) => o.activeMembers, LARGEST),
    largestByEntries: topBy(all, (o) => o.entriesCreated30d, LARGEST),
  };
}

/** One organization in detail, for operators. */
export interface OperatorOrgDetail {
  summary: OrgSummary;
  timeZone: string;
  record: BillingRecord;
  standing: Standing;
  limits: ReturnType<typeof entitlementsOf>["limits"];
  /** Counted now (members, active locations); storage as last measured (null: never). */
  current: { activeMembers: number; locations: number; storageBytes: number | null };
  usage: UsageDay[];
}

/**
 * One organization's details by id, or null when there is none: profile, billing record,
 * standing, limits next to usage. Finds the organization through `allOrgScopes()` (operators
 * hold no membership proof), a scan of the organization index's keys. Writes nothing.
 */
export async function operatorOrgDetail(
  store: Store,
  orgId: string,
  now: number,
  mode: BillingMode,
): Promise<OperatorOrgDetail | null> {
  for await (const scope of store.allOrgScopes()) {
    if (scope.orgId !== orgId) continue;
    const found = await summarize(scope, now, mode);
    if (!found) return null;
    const org = (await scope.get<Organization>("profile")).value!;
    const ent = entitlementsOf(found.record, [], now, mode);
    return {
      summary: found.summary,
      timeZone: org.timeZone,
      record: found.record,
      standing: ent.standing,
      limits: ent.limits,
      current: {
        activeMembers: await countActiveMembers(scope),
        locations: (await allLocations(scope, { activeOnly: true })).length,
        storageBytes: found.usage.at(-1)?.storageBytes ?? null,
      },
      usage: found.usage,
    };
  }
  return null;
}
