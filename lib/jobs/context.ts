/**
 * The request context of background work: a job acts as the server (`systemPrincipal(kind)`)
 * in the organization it names, with the organization's profile, settings, billing record and
 * webhook subscriptions read in one `getMany` — the same reads a request makes — so use cases
 * and sources called from a job decide exactly as they would in a request.
 *
 * A job done on someone's behalf (an employee's export) passes that person's id: their
 * membership is read in the same round trip and the context acts with their role, so an
 * employee's limits still hold; a member who left meanwhile gets no context (403).
 *
 * @module
 */

import type { RequestContext } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { Outbound } from "../net/ssrf.ts";
import type { Store } from "../kv/mod.ts";
import type { Organization } from "../orgs/orgs.ts";
import type { Membership, Role } from "../members/members.ts";
import { systemPrincipal } from "../principal.ts";
import { SETTINGS_PARTS, settingsFrom } from "../settings/repository.ts";
import { BILLING_PARTS, billingFrom, entitlementsOf } from "../billing/entitlements.ts";
import type { BillingMode } from "../billing/lifecycle.ts";
import { eventPort, SUBSCRIPTIONS_PARTS, subscriptionsFrom } from "../events/events.ts";
import { storeAccess } from "../members/access.ts";
import { LruCache, ReadThrough } from "../cache/mod.ts";
import type { JobPort, Outbox } from "./outbox.ts";

/** What a job context is built from (a subset of `JobDeps`). */
export interface JobContextDeps {
  store: Store;
  now?: () => number;
  /** Where jobs the work causes go (a completion mail, a webhook). */
  outbox?: Outbox;
  /** `PUBLIC_URL`, when configured. */
  publicUrl?: string | null;
  /** How billing is set up (absent: on when `billing` is, plan `enterprise` otherwise). */
  billingMode?: BillingMode;
  billing?: unknown;
  /** A read-through cache to share (absent: a fresh in-process one per context). */
  cache?: ReadThrough;
  /** How tenant URLs are checked and called (absent: `fetch`, private addresses refused). */
  outbound?: Outbound;
}

/** Who the job acts for. */
export interface JobActor {
  /** The job kind (the system principal's name). */
  job: string;
  /** The member it acts for; their active membership and role are required. */
  userId?: string | null;
  /** The role when acting for no member (default `admin`: the organization itself). */
  role?: Role;
  /** Link origin when `PUBLIC_URL` is unset (e.g. the origin of the request that caused it). */
  origin?: string;
}

/** A job port that refuses to add jobs (a context built without an outbox). */
const NO_JOBS: JobPort = {
  add() {
    throw new Error("this job context has no outbox");
  },
  dispatch: () => Promise.resolve(),
};

/**
 * The context of a job in organization `orgId`, or null when the organization does not exist.
 * Throws 403 `forbidden` when `actor.userId` is no longer an active member.
 *
 * @example
 * ```ts
 * const ctx = await jobRequestContext(deps, job.orgId, { job: "run_export", userId });
 * if (!ctx) return; // the organization is gone
 * ```
 */
export async function jobRequestContext(
  deps: JobContextDeps,
  orgId: string,
  actor: JobActor,
): Promise<RequestContext | null> {
  const scope = await deps.store.scopeForJob(orgId);
  if (!scope) return null;
  const userId = actor.userId ?? null;
  const [profile, settings, billing, subscriptions, member] = await scope.getMany<unknown>([
    scope.key("profile"),
    scope.key(...SETTINGS_PARTS),
    scope.key(...BILLING_PARTS),
    scope.key(...SUBSCRIPTIONS_PARTS),
    scope.key("member", userId ?? "-"),
  ]);
  const org = profile.value as Organization | null;
  if (!org) return null;
  let role: Role = actor.role ?? "admin";
  let acting: RequestContext["member"] = null;
  if (userId !== null) {
    const m = member.value as Membership | null;
    if (!m || !m.active) {
      throw new DomainError("forbidden", "forbidden", "The requester is no longer a member");
    }
    role = m.role;
    // The job acts for this member: what they may see is what it may see.
    acting = { membership: m, membershipVersionstamp: member.versionstamp!, timeline: [] };
  }
  const now = (deps.now ?? Date.now)();
  const versioned = settingsFrom(org, settings.value);
  const bill = billingFrom(billing as { value: unknown; versionstamp: string | null }, org);
  const mode: BillingMode = deps.billingMode ??
    { enabled: deps.billing != null, defaultPlan: "enterprise" };
  const jobs = deps.outbox?.port() ?? NO_JOBS;
  const origin = deps.publicUrl
    ? new URL(deps.publicUrl).origin
    : (actor.origin ?? "http://localhost");
  return {
    scope,
    org,
    principal: systemPrincipal(actor.job),
    member: acting,
    role,
    settings: versioned,
    billing: bill,
    entitlements: entitlementsOf(bill.record, versioned.settings.disabledFeatures, now, mode),
    now,
    jobs,
    events: eventPort(scope, subscriptionsFrom(subscriptions.value), jobs, now),
    services: {
      passwordIterations: 0,
      billingEnabled: mode.enabled,
      publicUrl: origin,
      access: storeAccess(deps.store),
      cache: deps.cache ?? new ReadThrough(new LruCache()),
      outbound: deps.outbound ?? { policy: { allowPrivate: false }, fetch: globalThis.fetch },
    },
  };
}
