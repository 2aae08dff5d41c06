/**
 * Members of an organization: roles, activation, and the rule that an organization always keeps
 * one active admin. Every membership change checks and bumps the organization's member revision
 * key, so concurrent changes are serialized by the store and the rule holds under concurrency.
 *
 * The plan's limit on active members (every active member counts, with or without a login) is
 * checked the same way: adding or reactivating a member counts the active members after reading
 * the revision key and commits only if it did not change, so two concurrent additions cannot
 * both pass the limit. The day's `activeMembers` usage gauge is written in the same commit.
 *
 * Changes of one organization run one at a time in the process (`serial.ts`), and a race lost
 * to another process is re-read and retried, so independent concurrent changes all succeed.
 * Requests reach these functions through the use cases (`use_cases.ts`, `../invitations/`),
 * which pass the plan's limit and add the jobs a change causes; scripts (seed, bench) call
 * them directly.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { type Atomic, globalKeys, isId, type OrgScope } from "../kv/mod.ts";
import {
  addUserCreation,
  memberUser,
  memberUsers,
  newUser,
  normalizeEmail,
  type User,
} from "../identity/users.ts";
import { addAudit } from "../audit/audit.ts";
import type { LimitCheck } from "../billing/limits.ts";
import { setGauge } from "../billing/usage.ts";
import { type Principal, userPrincipal } from "../principal.ts";
import { MEMBER_WRITE_ATTEMPTS, serialPerOrg } from "./serial.ts";

/** The three roles, from most to least powerful. */
export const ROLES = ["admin", "manager", "employee"] as const;
/** A member's role. */
export type Role = (typeof ROLES)[number];

/** A person's membership in one organization. */
export interface Membership {
  userId: string;
  role: Role;
  active: boolean;
  /** Pay rate in cents per hour; null when not set. */
  hourlyRateCents?: number | null;
  /** Local date the member was hired (`YYYY-MM-DD`); PTO waiting periods count from it. */
  hireDate?: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A member as the API shows it. */
export interface MemberView {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  active: boolean;
  hourlyRateCents: number | null;
  hireDate: string | null;
}

/** The fields of a membership an admin may change. */
export interface MemberPatch {
  role?: Role;
  active?: boolean;
  hourlyRateCents?: number | null;
  hireDate?: string | null;
}

/** True for roles that manage other people's time. */
export function isManager(role: Role): boolean {
  return role === "admin" || role === "manager";
}

/** Join a membership with its user into the API view. */
export function viewMember(m: Membership, user: User): MemberView {
  return {
    id: m.userId,
    name: user.name,
    email: user.email,
    role: m.role,
    active: m.active,
    hourlyRateCents: m.hourlyRateCents ?? null,
    hireDate: m.hireDate ?? null,
  };
}

/**
 * 409 `email_taken`: the email already has an account. Says nothing about that account (no
 * name, no id); the person is invited instead, and joins by following the mailed link.
 */
export function emailTaken(): DomainError {
  return new DomainError(
    "conflict",
    "email_taken",
    "This email already has a ClockFlow account; invite the person instead",
  );
}

/** Add the writes of a new membership (entity + the person's global link). */
export function addMembershipCreation(op: Atomic, scope: OrgScope, m: Membership): Atomic {
  return op
    .check(scope.key("member", m.userId), null)
    .set(scope.key("member", m.userId), m)
    .set(globalKeys.userOrg(m.userId, scope.orgId), m.createdAt);
}

/** The membership of `userId` with its versionstamp (null when not a member). */
export async function getMembership(
  scope: OrgScope,
  userId: string,
): Promise<{ value: Membership; versionstamp: string } | null> {
  if (!isId(userId)) return null;
  const e = await scope.get<Membership>("member", userId);
  return e.value === null ? null : { value: e.value, versionstamp: e.versionstamp };
}

/** One member's view, or `not_found`. */
export async function getMember(scope: OrgScope, userId: string): Promise<MemberView> {
  const m = await getMembership(scope, userId);
  const user = m ? await memberUser(scope, userId) : null;
  if (!m || !user) throw notFound("member");
  return viewMember(m.value, user);
}

/** A page of members in the order they joined. */
export async function listMembers(
  scope: OrgScope,
  options: { limit: number; cursor?: string | null },
): Promise<{ data: MemberView[]; nextCursor: string | null }> {
  const page = await scope.page<Membership>(scope.key("member"), options);
  const users = new Map(
    (await memberUsers(scope, page.items.map((e) => e.value.userId))).map((u) => [u.id, u]),
  );
  const data = page.items.flatMap((e) => {
    const u = users.get(e.value.userId);
    return u ? [viewMember(e.value, u)] : [];
  });
  data.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { data, nextCursor: page.nextCursor };
}

/** Every active membership of the organization (bounded by its size). */
export async function activeMemberships(scope: OrgScope): Promise<Membership[]> {
  const out: Membership[] = [];
  for await (const e of scope.list<Membership>(scope.key("member"))) {
    if (e.value.active) out.push(e.value);
  }
  return out;
}

/** What a membership write causes beside itself, added to its commit by the use case. */
export type ActiveCountHook = (op: Atomic, activeAfter: number) => void;

/** Options of {@linkcode addMember}, {@linkcode updateMember} and {@linkcode commitMembership}. */
export interface MemberWriteOptions {
  /**
   * Called with the number of active members an addition or reactivation would reach, counted
   * inside the serialized write; throws to refuse (the plan's limit, `lib/billing/limits.ts`).
   * Use cases always pass `planLimit(ctx, "activeMembers")`; only scripts leave it out.
   */
  activeLimit?: LimitCheck;
  /** Called in the commit when the number of active members changes (the seat sync job). */
  onActiveChange?: ActiveCountHook;
  /** Called in the commit of every change with the member before (null: added) and after. */
  onChange?: MemberChangeHook;
}

/** What a membership change causes beside itself (its events), added to its commit. */
export type MemberChangeHook = (op: Atomic, before: MemberView | null, after: MemberView) => void;

/** The number of active members (one scan of the memberships). */
export async function countActiveMembers(scope: OrgScope): Promise<number> {
  return (await activeMemberships(scope)).length;
}

/** Who made a change: a principal, or (scripts) a user id. */
export type Actor = Principal | string;

function principalOf(actor: Actor): Principal {
  return typeof actor === "string" ? userPrincipal(actor) : actor;
}

function concurrentChange(): DomainError {
  return new DomainError("conflict", "concurrent_change", "Members changed meanwhile; retry");
}

/** 409 `already_member`. */
export function alreadyMember(): DomainError {
  return new DomainError("conflict", "already_member", "This person is already a member");
}

/** A membership to create for `user`, as {@linkcode commitMembership} takes it. */
export interface MembershipAddition {
  /** The person; created in the same commit when `createUser`. */
  user: User;
  createUser: boolean;
  role: Role;
  /** More writes and checks of the same commit (an invitation's use, a verified email). */
  extra?: (op: Atomic) => void;
}

/**
 * One attempt to add a membership: checks the revision key, counts the active members (the
 * plan's limit), and commits the membership, the user (when new), the usage gauge, the audit
 * record, `extra` and the hook's jobs together. Returns null when the commit lost a race (call
 * again, inside {@linkcode serialPerOrg}); throws `already_member` and the limit's error.
 */
export async function commitMembership(
  scope: OrgScope,
  actor: Actor,
  add: MembershipAddition,
  now: number,
  options: MemberWriteOptions = {},
): Promise<MemberView | null> {
  const rev = await scope.get("members_rev");
  if (await getMembership(scope, add.user.id)) throw alreadyMember();
  const active = await countActiveMembers(scope);
  options.activeLimit?.(active + 1);
  const membership: Membership = {
    userId: add.user.id,
    role: add.role,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
  const op = scope.atomic().check(scope.key("members_rev"), rev.versionstamp)
    .set(scope.key("members_rev"), now);
  if (add.createUser) addUserCreation(op, add.user);
  addMembershipCreation(op, scope, membership);
  setGauge(op, scope, "activeMembers", active + 1, now);
  const view = viewMember(membership, add.user);
  addAudit(op, scope, {
    principal: principalOf(actor),
    action: "member.add",
    entity: { kind: "member", id: add.user.id },
    before: null,
    after: view,
  }, now);
  add.extra?.(op);
  options.onActiveChange?.(op, active + 1);
  options.onChange?.(op, null, view);
  return (await op.commit()) ? view : null;
}

/** Input of {@linkcode addMember}. */
export interface NewMemberInput {
  name: string;
  email?: string | null;
  passwordHash?: string | null;
  role: Role;
}

/**
 * Add a member. A new person gets a user record (with a login when email and password are
 * given). An email that already has an account answers 409 `email_taken` without saying
 * anything about it (`already_member` when that account is a member here); the person is
 * invited instead (`lib/invitations`).
 */
export function addMember(
  scope: OrgScope,
  actor: Actor,
  input: NewMemberInput,
  now: number,
  options: MemberWriteOptions = {},
): Promise<MemberView> {
  const email = input.email ? normalizeEmail(input.email) : null;
  return serialPerOrg(scope.orgId, async () => {
    for (let attempt = 0; attempt < MEMBER_WRITE_ATTEMPTS; attempt++) {
      const existingId = email ? await scope.accountIdByEmail(email) : null;
      if (existingId && (await getMembership(scope, existingId))) throw alreadyMember();
      if (existingId) throw emailTaken();
      const user = newUser(input.name, email, input.passwordHash ?? null, now);
      const view = await commitMembership(
        scope,
        actor,
        { user, createUser: true, role: input.role },
        now,
        options,
      );
      if (view) return view;
    }
    throw concurrentChange();
  });
}

/** What {@linkcode updateMember} did. */
export interface MemberUpdate {
  before: MemberView;
  after: MemberView;
  /** True when the member was activated or deactivated. */
  activeChanged: boolean;
}

/**
 * Change a member's role, activation, pay rate or hire date. Refuses (409 `last_admin`) to leave
 * the organization without an active admin.
 */
export function updateMember(
  scope: OrgScope,
  actor: Actor,
  userId: string,
  patch: MemberPatch,
  now: number,
  options: MemberWriteOptions = {},
): Promise<MemberUpdate> {
  return serialPerOrg(scope.orgId, async () => {
    for (let attempt = 0; attempt < MEMBER_WRITE_ATTEMPTS; attempt++) {
      const done = await tryUpdateMember(scope, actor, userId, patch, now, options);
      if (done) return done;
    }
    throw concurrentChange();
  });
}

async function tryUpdateMember(
  scope: OrgScope,
  actor: Actor,
  userId: string,
  patch: MemberPatch,
  now: number,
  options: MemberWriteOptions,
): Promise<MemberUpdate | null> {
  const rev = await scope.get("members_rev");
  const current = await getMembership(scope, userId);
  const user = current ? await memberUser(scope, userId) : null;
  if (!current || !user) throw notFound("member");
  const next: Membership = {
    ...current.value,
    role: patch.role ?? current.value.role,
    hourlyRateCents: patch.hourlyRateCents !== undefined
      ? patch.hourlyRateCents
      : current.value.hourlyRateCents ?? null,
    hireDate: patch.hireDate !== undefined ? patch.hireDate : current.value.hireDate ?? null,
    active: patch.active ?? current.value.active,
    updatedAt: now,
  };
  const before = viewMember(current.value, user);
  const unchanged = (Object.keys(patch) as (keyof MemberPatch)[])
    .every((k) => (next[k] ?? null) === (current.value[k] ?? null));
  if (unchanged) return { before, after: before, activeChanged: false };
  const wasAdmin = current.value.active && current.value.role === "admin";
  const staysAdmin = next.active && next.role === "admin";
  const activeChanged = next.active !== current.value.active;
  const actives = (wasAdmin && !staysAdmin) || activeChanged ? await activeMemberships(scope) : [];
  if (activeChanged && next.active) options.activeLimit?.(actives.length + 1);
  if (wasAdmin && !staysAdmin) {
    const admins = actives.filter((m) => m.role === "admin");
    if (admins.length <= 1) {
      throw new DomainError(
        "conflict",
        "last_admin",
        "The last active admin cannot be demoted or deactivated; make someone else admin first",
      );
    }
  }
  const after = viewMember(next, user);
  const op = scope.atomic()
    .check(scope.key("members_rev"), rev.versionstamp)
    .check(scope.key("member", userId), current.versionstamp)
    .set(scope.key("members_rev"), now)
    .set(scope.key("member", userId), next);
  if (activeChanged) {
    const activeAfter = actives.length + (next.active ? 1 : -1);
    setGauge(op, scope, "activeMembers", activeAfter, now);
    options.onActiveChange?.(op, activeAfter);
  }
  addAudit(op, scope, {
    principal: principalOf(actor),
    action: "member.update",
    entity: { kind: "member", id: userId },
    before,
    after,
  }, now);
  options.onChange?.(op, before, after);
  return (await op.commit()) ? { before, after, activeChanged } : null;
}
