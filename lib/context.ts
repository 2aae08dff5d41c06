/**
 * The request context every use case takes: who acts (the principal), in which organization
 * (its scope, profile, settings, plan), when (`now`), and where the jobs it causes go. Built by
 * the front door (`routes/`: a session, later an API key, a kiosk device or a job) and nothing
 * else: a use case decides with what is here, so every door gets the same answer.
 *
 * | helper | does |
 * | --- | --- |
 * | {@linkcode authorize} | 403 `forbidden` unless the acting role is one of the given |
 * | {@linkcode requirePlanFeature} | 403 `feature_not_in_plan` / `feature_disabled` |
 * | {@linkcode planLimit} | the plan's check of a count limit (402 `plan_limit`), for a write |
 * | {@linkcode actorUserId} | the person acting, or null for keys, devices and jobs |
 *
 * @module
 */

import { DomainError } from "./errors.ts";
import type { OrgScope } from "./kv/mod.ts";
import type { Principal } from "./principal.ts";
import type { Organization } from "./orgs/orgs.ts";
import type { Membership, Role } from "./members/members.ts";
import type { VersionedSettings } from "./settings/repository.ts";
import type { BillingRecord } from "./billing/lifecycle.ts";
import type { Entitlements } from "./billing/entitlements.ts";
import { assertFeature } from "./billing/gates.ts";
import { type CountLimit, type LimitCheck, limitCheck } from "./billing/limits.ts";
import type { Feature } from "./billing/plans.ts";
import type { TimelineKeys } from "./entries/repository.ts";
import type { JobPort } from "./jobs/outbox.ts";
import type { EventPort } from "./events/events.ts";
import type { Scope } from "./apikeys/scopes.ts";
import type { AccessPort } from "./members/access.ts";
import type { ReadThrough } from "./cache/port.ts";
import type { Outbound } from "./net/ssrf.ts";
import type { TxtResolver } from "./branding/dns.ts";

/** The member a user principal acts as, as read with the organization (one round trip). */
export interface ActingMember {
  membership: Membership;
  membershipVersionstamp: string;
  /** The member's own timeline keys (the clock plans punches from them). */
  timeline: TimelineKeys;
}

/** Server-wide services a use case may need beside the organization. */
export interface Services {
  /** PBKDF2 iterations for new password hashes. */
  passwordIterations: number;
  /** True when billing runs through Stripe (seat sync jobs are then caused). */
  billingEnabled: boolean;
  /** The public origin for links in mail (e.g. `https://clock.example.com`). */
  publicUrl: string;
  /** Ends a deactivated person's sessions once no membership of theirs is active. */
  access: AccessPort;
  /** Read-through cache of expensive reads, keyed by their inputs' revisions (`lib/cache`). */
  cache: ReadThrough;
  /** How tenant-supplied URLs (webhook endpoints) are checked (SSRF policy) and called. */
  outbound: Outbound;
  /**
   * TXT lookups for custom domain verification (`DNS_NAMESERVER`, else the system's resolver).
   * Absent: the system's resolver.
   */
  resolveTxt?: TxtResolver;
}

/** What a use case knows about its request. */
export interface RequestContext {
  scope: OrgScope;
  org: Organization;
  principal: Principal;
  /** The member behind a user principal; null for keys, devices and jobs. */
  member: ActingMember | null;
  /**
   * The role the principal acts with (a user's membership role; `admin` for keys and the system).
   * A kiosk device's context carries `employee`, the weakest, but {@linkcode authorize} refuses
   * a device whatever the role.
   */
  role: Role;
  settings: VersionedSettings;
  billing: { record: BillingRecord; versionstamp: string | null };
  entitlements: Entitlements;
  /** The server clock when the request arrived, epoch ms. */
  now: number;
  jobs: JobPort;
  /** Emits organization events into a commit (webhooks, notifications; `lib/events`). */
  events: EventPort;
  services: Services;
}

/**
 * Throw 403 `forbidden` unless the context's role is one of `roles`. A kiosk device
 * (`kiosk_device` principal) holds none of the person roles and is refused whatever `roles`
 * says: a kiosk does only what the kiosk use cases (`lib/kiosks`) let it do.
 *
 * @example
 * ```ts
 * authorize(ctx, "admin", "manager");
 * ```
 */
export function authorize(ctx: Pick<RequestContext, "role" | "principal">, ...roles: Role[]): void {
  if (ctx.principal.type === "kiosk_device" || !roles.includes(ctx.role)) {
    throw new DomainError("forbidden", "forbidden", "Your role does not allow this");
  }
}

/** Throw 403 `feature_not_in_plan` or `feature_disabled` unless `feature` is on. */
export function requirePlanFeature(ctx: Pick<RequestContext, "entitlements">, f: Feature): void {
  assertFeature(ctx.entitlements, f);
}

/** The plan's check of `limit`, to hand to a repository's serialized write (never optional). */
export function planLimit(
  ctx: Pick<RequestContext, "entitlements">,
  limit: CountLimit,
): LimitCheck {
  return limitCheck(ctx.entitlements, limit);
}

/**
 * Throw 403 `insufficient_scope` (with `details.required`) when an API key acts without `scope`.
 * People (sessions), devices and jobs pass: roles and the use case's own rules limit them.
 *
 * @example
 * ```ts
 * requireScope(ctx, "entries:write");
 * authorize(ctx, "admin", "manager");
 * ```
 */
export function requireScope(ctx: Pick<RequestContext, "principal">, scope: Scope): void {
  const p = ctx.principal;
  if (p.type === "api_key" && !p.scopes.includes(scope)) {
    throw new DomainError(
      "forbidden",
      "insufficient_scope",
      `This API key lacks the ${scope} scope`,
      { required: scope },
    );
  }
}

/** The person acting, or null when the principal is not a person. */
export function actorUserId(ctx: Pick<RequestContext, "principal">): string | null {
  return ctx.principal.type === "user" ? ctx.principal.userId : null;
}

/** The acting member, or 403 `forbidden` for principals that are not a member (keys, jobs). */
export function actingMember(ctx: Pick<RequestContext, "member">): ActingMember {
  if (!ctx.member) {
    throw new DomainError("forbidden", "forbidden", "Only a member can do this for themselves");
  }
  return ctx.member;
}
