/**
 * The members use cases: what every front door (the JSON API, the members page, later API
 * keys) calls. Each takes the request context and a typed input (`schemas.ts`) and owns the
 * authorization, the plan's limit on active members, the last-admin rule (in `members.ts`),
 * the audit record (naming the principal) and the jobs the change causes: a `sync_seats` job in
 * the same commit whenever the number of active members changes while billing is on.
 *
 * | use case | who | does |
 * | --- | --- | --- |
 * | {@linkcode listMembersUseCase} | admins, managers | a page of members |
 * | {@linkcode getMemberUseCase} | admins, managers; employees for themselves | one member |
 * | {@linkcode addMemberUseCase} | admins | adds a person (409 `email_taken` for an existing account) |
 * | {@linkcode updateMemberUseCase} | admins | role, activation, pay rate, hire date |
 *
 * @module
 */

import { authorize, planLimit, type RequestContext, requireScope } from "../context.ts";
import { notFound } from "../errors.ts";
import { memberEvents } from "./events.ts";
import { decodeCursorParam } from "../kv/mod.ts";
import { hashPassword } from "../identity/password.ts";
import { addSeatSync } from "../billing/seats.ts";
import {
  addMember,
  getMember,
  listMembers,
  type MemberView,
  type MemberWriteOptions,
  updateMember,
} from "./members.ts";
import type { AddMemberInput, ListInput, UpdateMemberInput } from "./schemas.ts";

/** The write options every member use case passes: the plan's limit and the seat sync job. */
export function memberWriteOptions(ctx: RequestContext): MemberWriteOptions {
  return {
    activeLimit: planLimit(ctx, "activeMembers"),
    onActiveChange: (op) => addSeatSync(ctx, op),
    onChange: memberEvents(ctx.events),
  };
}

/** One member: admins and managers see everyone, employees only themselves (else 404). */
export function getMemberUseCase(
  ctx: RequestContext,
  input: { userId: string },
): Promise<MemberView> {
  requireScope(ctx, "members:read");
  if (ctx.role === "employee" && ctx.member?.membership.userId !== input.userId) {
    throw notFound("member");
  }
  return getMember(ctx.scope, input.userId);
}

/** A page of members (admins and managers). */
export function listMembersUseCase(
  ctx: RequestContext,
  input: ListInput,
): Promise<{ data: MemberView[]; nextCursor: string | null }> {
  requireScope(ctx, "members:read");
  authorize(ctx, "admin", "manager");
  return listMembers(ctx.scope, { limit: input.limit, cursor: decodeCursorParam(input.cursor) });
}

/**
 * Add a member (admins). A person with an email and password can sign in; without an email
 * they are kiosk-only. An email that already has an account answers 409 `email_taken` and
 * reveals nothing about it: that person is invited instead.
 */
export async function addMemberUseCase(
  ctx: RequestContext,
  input: AddMemberInput,
): Promise<MemberView> {
  requireScope(ctx, "members:write");
  authorize(ctx, "admin");
  const passwordHash = input.password
    ? await hashPassword(input.password, ctx.services.passwordIterations)
    : null;
  const member = await addMember(
    ctx.scope,
    ctx.principal,
    { name: input.name, email: input.email ?? null, passwordHash, role: input.role },
    ctx.now,
    memberWriteOptions(ctx),
  );
  await ctx.jobs.dispatch();
  return member;
}

/**
 * Change a member (admins): role, activation, pay rate, hire date. Deactivation ends the
 * person's access to this organization at once; when they are then active in no organization,
 * every session of theirs is revoked.
 */
export async function updateMemberUseCase(
  ctx: RequestContext,
  input: UpdateMemberInput,
): Promise<MemberView> {
  requireScope(ctx, "members:write");
  authorize(ctx, "admin");
  const change = await updateMember(
    ctx.scope,
    ctx.principal,
    input.userId,
    input.patch,
    ctx.now,
    memberWriteOptions(ctx),
  );
  await ctx.jobs.dispatch();
  if (change.activeChanged && !change.after.active) {
    await ctx.services.access.endSessionsIfInactiveEverywhere(input.userId);
  }
  return change.after;
}
