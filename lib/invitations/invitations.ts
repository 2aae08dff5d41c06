/**
 * Invitations: how a person joins an organization by email. An admin invites an address with a
 * role; the person gets a mail with a single-use link `{publicUrl}/invitations/{token}`, valid
 * for {@linkcode INVITATION_TTL_MS}, and joins by following it (`accept.ts`): with the account
 * registered to that address (signed in), or by creating that account from the link. Following
 * the link proves control of the address, so it also marks the email verified.
 *
 * Storage: the invitation at `["org", orgId, "invitation", id]`, the one pending invitation per
 * address at `["org", orgId, "invitation_by_email", email]` → id, and the global pointer
 * `["invitation_token", sha256(token)]` → `{orgId, invitationId}` (the token itself is never
 * stored). Expiry is decided from the value; KV's `expireIn` only cleans up later.
 *
 * Inviting an address that already has a pending invitation renews it: the earlier link stops
 * working, a new one (valid 7 days from now) is mailed, and the answer is a new invitation id.
 * Accepted and revoked invitations are deleted (the audit log keeps them), so the stored ones
 * are exactly the pending and expired ones.
 *
 * @module
 */

import { authorize, type RequestContext, requireScope } from "../context.ts";
import { DomainError } from "../errors.ts";
import {
  type Atomic,
  decodeCursorParam,
  globalKeys,
  isId,
  newId,
  type OrgScope,
} from "../kv/mod.ts";
import { randomToken, sha256Hex } from "../identity/crypto.ts";
import { addAudit } from "../audit/audit.ts";
import { sendMailJob } from "../jobs/jobs.ts";
import { type PrincipalRef, principalRef } from "../principal.ts";
import { getMembership, type Role } from "../members/members.ts";
import type { InviteInput, ListInput } from "../members/schemas.ts";

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
/** How long KV keeps an expired invitation before cleaning it up (expiry is read from values). */
const KEEP_MS = INVITATION_TTL_MS + 24 * 3600 * 1000;

/** A stored invitation (pending or expired). */
export interface Invitation {
  id: string;
  email: string;
  role: Role;
  /** The name the admin gave, suggested on the create-account form; null when none. */
  name: string | null;
  tokenHash: string;
  invitedBy: PrincipalRef;
  createdAt: number;
  expiresAt: number;
}

/** An invitation as the API shows it (never the token). */
export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  name: string | null;
  createdAt: string;
  expiresAt: string;
}

/** The API view of `inv`. */
export function viewInvitation(inv: Invitation): InvitationView {
  return {
    id: inv.id,
    email: inv.email,
    role: inv.role,
    name: inv.name,
    createdAt: new Date(inv.createdAt).toISOString(),
    expiresAt: new Date(inv.expiresAt).toISOString(),
  };
}

/** The link in the mail. */
export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/invitations/${token}`;
}

/**
 * Add the deletion of `inv` (record, per-address index when it still points to it, token
 * pointer) to `op`, checking that the record is still `versionstamp`.
 */
export function addInvitationRemoval(
  op: Atomic,
  scope: OrgScope,
  inv: Invitation,
  versionstamp: string,
  indexPointsHere: boolean,
): Atomic {
  op.check(scope.key("invitation", inv.id), versionstamp)
    .delete(scope.key("invitation", inv.id))
    .delete(globalKeys.invitationToken(inv.tokenHash));
  if (indexPointsHere) op.delete(scope.key("invitation_by_email", inv.email));
  return op;
}

const ROLE_WORDS: Record<Role, string> = {
  admin: "an admin",
  manager: "a manager",
  employee: "an employee",
};

function invitationMail(ctx: RequestContext, inv: Invitation, token: string) {
  const link = invitationLink(ctx.services.publicUrl, token);
  const until = new Date(inv.expiresAt).toISOString().slice(0, 10);
  const greeting = inv.name ? `Hello ${inv.name},` : "Hello,";
  const text = [
    greeting,
    "",
    `you are invited to join ${ctx.org.name} on ClockFlow as ${ROLE_WORDS[inv.role]}.`,
    "",
    `Accept the invitation (the link works once, until ${until}):`,
    link,
    "",
    "If you did not expect this invitation, ignore this mail.",
  ].join("\n");
  return { to: inv.email, subject: `You are invited to join ${ctx.org.name} on ClockFlow`, text };
}

/**
 * Invite `input.email` with `input.role` (admins). Mails a single-use link (a `send_mail` job
 * in the same commit). 409 `already_member` when the address's account is a member already.
 * Renews a pending invitation of the same address (see the module notes).
 */
export async function createInvitationUseCase(
  ctx: RequestContext,
  input: InviteInput,
): Promise<InvitationView> {
  requireScope(ctx, "members:write");
  authorize(ctx, "admin");
  const { scope } = ctx;
  const accountId = await scope.accountIdByEmail(input.email);
  if (accountId && (await getMembership(scope, accountId))) {
    throw new DomainError("conflict", "already_member", "This person is already a member");
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const token = randomToken(32);
    const inv: Invitation = {
      id: newId(ctx.now),
      email: input.email,
      role: input.role,
      name: input.name ?? null,
      tokenHash: await sha256Hex(token),
      invitedBy: principalRef(ctx.principal),
      createdAt: ctx.now,
      expiresAt: ctx.now + INVITATION_TTL_MS,
    };
    const indexKey = scope.key("invitation_by_email", inv.email);
    const index = await scope.getKey<string>(indexKey);
    const op = scope.atomic().check(indexKey, index.versionstamp);
    let before: InvitationView | null = null;
    if (index.value !== null) {
      const old = await scope.get<Invitation>("invitation", index.value);
      if (old.value !== null) {
        addInvitationRemoval(op, scope, old.value, old.versionstamp, false);
        before = viewInvitation(old.value);
      }
    }
    op.set(scope.key("invitation", inv.id), inv, { expireIn: KEEP_MS })
      .set(indexKey, inv.id, { expireIn: KEEP_MS })
      .check(globalKeys.invitationToken(inv.tokenHash), null)
      .set(
        globalKeys.invitationToken(inv.tokenHash),
        { orgId: scope.orgId, invitationId: inv.id },
        { expireIn: KEEP_MS },
      );
    const view = viewInvitation(inv);
    addAudit(op, scope, {
      principal: ctx.principal,
      action: before ? "invitation.renew" : "invitation.create",
      entity: { kind: "invitation", id: inv.id },
      before,
      after: view,
    }, ctx.now);
    ctx.jobs.add(op, sendMailJob(scope.orgId, invitationMail(ctx, inv, token), ctx.now));
    if (await op.commit()) {
      await ctx.jobs.dispatch();
      return view;
    }
  }
  throw new DomainError("conflict", "concurrent_change", "Invitations changed meanwhile; retry");
}

function invitationNotFound(): DomainError {
  return new DomainError("not_found", "not_found", "invitation not found");
}

/** A page of pending invitations (admins), oldest first; expired ones are left out. */
export async function listInvitationsUseCase(
  ctx: RequestContext,
  input: ListInput,
): Promise<{ data: InvitationView[]; nextCursor: string | null }> {
  requireScope(ctx, "members:read");
  authorize(ctx, "admin");
  const page = await ctx.scope.page<Invitation>(ctx.scope.key("invitation"), {
    limit: input.limit,
    cursor: decodeCursorParam(input.cursor),
  });
  return {
    data: page.items.filter((e) => e.value.expiresAt > ctx.now).map((e) => viewInvitation(e.value)),
    nextCursor: page.nextCursor,
  };
}

/** Revoke invitation `invitationId` (admins): its link stops working. 404 when unknown. */
export async function revokeInvitationUseCase(
  ctx: RequestContext,
  input: { invitationId: string },
): Promise<void> {
  requireScope(ctx, "members:write");
  authorize(ctx, "admin");
  const { scope } = ctx;
  if (!isId(input.invitationId)) throw invitationNotFound();
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await scope.get<Invitation>("invitation", input.invitationId);
    if (found.value === null) throw invitationNotFound();
    const inv = found.value;
    const indexKey = scope.key("invitation_by_email", inv.email);
    const index = await scope.getKey<string>(indexKey);
    const op = scope.atomic().check(indexKey, index.versionstamp);
    addInvitationRemoval(op, scope, inv, found.versionstamp, index.value === inv.id);
    addAudit(op, scope, {
      principal: ctx.principal,
      action: "invitation.revoke",
      entity: { kind: "invitation", id: inv.id },
      before: viewInvitation(inv),
      after: null,
    }, ctx.now);
    if (await op.commit()) return;
  }
  throw new DomainError("conflict", "concurrent_change", "Invitations changed meanwhile; retry");
}
