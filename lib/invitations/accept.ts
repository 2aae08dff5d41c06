/**
 * The invitee's side of an invitation: reading it from the link, and joining. The invitee is
 * not a member yet (often not even a person with an account), so these use cases take an
 * {@linkcode InvitationDoor} instead of an organization's request context; the token is the
 * proof that makes the organization's scope (`Store.scopeForInvitation`).
 *
 * - Signed in: the account joins only when its email is the invited one (403
 *   `invitation_email_mismatch` otherwise).
 * - Signed out, with `{name, password}`: the invited address's account is created (409
 *   `email_taken` when it exists: sign in instead) and joins.
 *
 * Either way the membership (with the invited role, under the plan's limit on active members:
 * 402 `plan_limit`), the removal of the invitation and its token, the verified email, the audit
 * records and the seat sync job are one commit. Unknown, used and revoked links answer 404
 * `invitation_not_found`; expired ones 404 `invitation_expired`.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import { globalKeys, type OrgScope, type Store } from "../kv/mod.ts";
import { sha256Hex } from "../identity/crypto.ts";
import { hashPassword } from "../identity/password.ts";
import { newUser, type User } from "../identity/users.ts";
import { addAudit } from "../audit/audit.ts";
import { userPrincipal } from "../principal.ts";
import { planLimit, type Services } from "../context.ts";
import type { JobPort } from "../jobs/outbox.ts";
import type { BillingMode } from "../billing/lifecycle.ts";
import { entitlementsOf, getBillingRecord } from "../billing/entitlements.ts";
import { addSeatSync } from "../billing/seats.ts";
import { getOrg, type Organization } from "../orgs/orgs.ts";
import { getSettings } from "../settings/repository.ts";
import {
  alreadyMember,
  commitMembership,
  emailTaken,
  getMembership,
  type MemberView,
  type MemberWriteOptions,
  type Role,
} from "../members/members.ts";
import { MEMBER_WRITE_ATTEMPTS, serialPerOrg } from "../members/serial.ts";
import { memberEvents } from "../members/events.ts";
import { eventPort, SUBSCRIPTIONS_PARTS, subscriptionsFrom } from "../events/events.ts";
import type { AcceptInvitationBody } from "../members/schemas.ts";
import { addInvitationRemoval, type Invitation, viewInvitation } from "./invitations.ts";

/** What the invitee's use cases know about their request. */
export interface InvitationDoor {
  store: Store;
  /** The signed-in person's id, or null. */
  userId: string | null;
  now: number;
  jobs: JobPort;
  services: Pick<Services, "passwordIterations" | "billingEnabled">;
  billingMode: BillingMode;
}

/** What the link's page shows. */
export interface InvitationPreview {
  organization: { id: string; name: string };
  email: string;
  role: Role;
  /** The name the admin suggested, or null. */
  name: string | null;
  expiresAt: string;
  /**
   * Who is looking: `signed_in` (the invited account: it may accept), `other_account` (signed
   * in as someone else), `existing_account` (signed out; the address has an account: sign in),
   * `no_account` (signed out; create the account from the link).
   */
  viewer: "signed_in" | "other_account" | "existing_account" | "no_account";
  /** The signed-in person's email when `viewer` is `other_account`. */
  signedInAs: string | null;
}

/** What accepting did. */
export interface AcceptedInvitation {
  organization: { id: string; name: string; role: Role };
  member: MemberView;
  /** The person who joined; `created` when their account was made from the link. */
  user: User;
  created: boolean;
}

function notFound(): DomainError {
  return new DomainError(
    "not_found",
    "invitation_not_found",
    "This invitation link is not valid: it was used, revoked or replaced by a newer one",
  );
}

interface OpenInvitation {
  scope: OrgScope;
  org: Organization;
  inv: Invitation;
  versionstamp: string;
}

/** The pending invitation of `token`, or 404 `invitation_not_found` / `invitation_expired`. */
async function openInvitation(door: InvitationDoor, token: string): Promise<OpenInvitation> {
  if (typeof token !== "string" || !/^[A-Za-z0-9_-]{22,100}$/.test(token)) throw notFound();
  const hash = await sha256Hex(token);
  const found = await door.store.scopeForInvitation(hash);
  if (!found) throw notFound();
  const { scope } = found;
  const entry = await scope.get<Invitation>("invitation", found.invitationId);
  if (entry.value === null || entry.value.tokenHash !== hash) throw notFound();
  if (entry.value.expiresAt <= door.now) {
    throw new DomainError(
      "not_found",
      "invitation_expired",
      "This invitation has expired; ask the organization for a new one",
    );
  }
  return { scope, org: await getOrg(scope), inv: entry.value, versionstamp: entry.versionstamp };
}

async function readUser(
  store: Store,
  userId: string,
): Promise<{ value: User; versionstamp: string } | null> {
  const e = await store.get<User>(globalKeys.user(userId));
  return e.value === null ? null : { value: e.value, versionstamp: e.versionstamp };
}

/** The invitation of `token` as its page shows it. */
export async function previewInvitation(
  door: InvitationDoor,
  token: string,
): Promise<InvitationPreview> {
  const { org, inv, scope } = await openInvitation(door, token);
  const me = door.userId ? await readUser(door.store, door.userId) : null;
  let viewer: InvitationPreview["viewer"];
  if (me) viewer = me.value.email === inv.email ? "signed_in" : "other_account";
  else viewer = (await scope.accountIdByEmail(inv.email)) ? "existing_account" : "no_account";
  const view = viewInvitation(inv);
  return {
    organization: { id: org.id, name: org.name },
    email: inv.email,
    role: inv.role,
    name: inv.name,
    expiresAt: view.expiresAt,
    viewer,
    signedInAs: viewer === "other_account" ? me?.value.email ?? null : null,
  };
}

/**
 * Accept the invitation of `token`: the signed-in account joins (its email must be the invited
 * one), or, signed out with `{name, password}`, the invited address's account is created and
 * joins. The caller signs a created account in.
 */
export async function acceptInvitation(
  door: InvitationDoor,
  token: string,
  body: AcceptInvitationBody,
): Promise<AcceptedInvitation> {
  const first = await openInvitation(door, token);
  let passwordHash: string | null = null;
  if (door.userId === null) {
    if (body.name === undefined || body.password === undefined) {
      throw new DomainError(
        "unauthenticated",
        "unauthenticated",
        "Sign in with the invited email, or send name and password to create your account",
      );
    }
    if (await first.scope.accountIdByEmail(first.inv.email)) throw existingAccount();
    passwordHash = await hashPassword(body.password, door.services.passwordIterations);
  }
  const ent = entitlementsOf(
    (await getBillingRecord(first.scope)).record,
    (await getSettings(first.scope)).settings.disabledFeatures,
    door.now,
    door.billingMode,
  );
  const seatCtx = {
    scope: first.scope,
    jobs: door.jobs,
    services: door.services,
    now: door.now,
  };
  const subscriptions = subscriptionsFrom((await first.scope.get(...SUBSCRIPTIONS_PARTS)).value);
  const options: MemberWriteOptions = {
    activeLimit: planLimit({ entitlements: ent }, "activeMembers"),
    onActiveChange: (op) => addSeatSync(seatCtx, op),
    onChange: memberEvents(eventPort(first.scope, subscriptions, door.jobs, door.now)),
  };
  const result = await serialPerOrg(first.scope.orgId, async () => {
    for (let attempt = 0; attempt < MEMBER_WRITE_ATTEMPTS; attempt++) {
      const { scope, org, inv, versionstamp } = attempt === 0
        ? first
        : await openInvitation(door, token);
      let user: User;
      let userVersionstamp: string | null = null;
      if (door.userId !== null) {
        const me = await readUser(door.store, door.userId);
        if (!me) throw new DomainError("unauthenticated", "unauthenticated", "Sign in first");
        if (me.value.email !== inv.email) {
          throw new DomainError(
            "forbidden",
            "invitation_email_mismatch",
            "This invitation is for another email address; sign in with the invited one",
          );
        }
        if (await getMembership(scope, me.value.id)) throw alreadyMember();
        user = me.value;
        userVersionstamp = me.versionstamp;
      } else {
        if (await scope.accountIdByEmail(inv.email)) throw existingAccount();
        user = {
          ...newUser(body.name!, inv.email, passwordHash, door.now),
          emailVerifiedAt: door.now,
        };
      }
      const created = door.userId === null;
      const indexKey = scope.key("invitation_by_email", inv.email);
      const index = await scope.getKey<string>(indexKey);
      const member = await commitMembership(
        scope,
        userPrincipal(user.id),
        {
          user,
          createUser: created,
          role: inv.role,
          extra: (op) => {
            op.check(indexKey, index.versionstamp);
            addInvitationRemoval(op, scope, inv, versionstamp, index.value === inv.id);
            if (!created && !user.emailVerifiedAt) {
              op.check(globalKeys.user(user.id), userVersionstamp)
                .set(globalKeys.user(user.id), { ...user, emailVerifiedAt: door.now });
            }
            addAudit(op, scope, {
              principal: userPrincipal(user.id),
              action: "invitation.accept",
              entity: { kind: "invitation", id: inv.id },
              before: viewInvitation(inv),
              after: { userId: user.id, role: inv.role, accountCreated: created },
            }, door.now);
          },
        },
        door.now,
        options,
      );
      if (member) {
        return {
          organization: { id: org.id, name: org.name, role: inv.role },
          member,
          user: created || user.emailVerifiedAt ? user : { ...user, emailVerifiedAt: door.now },
          created,
        };
      }
    }
    throw new DomainError("conflict", "concurrent_change", "Members changed meanwhile; retry");
  });
  await door.jobs.dispatch();
  return result;
}

function existingAccount(): DomainError {
  const err = emailTaken();
  return new DomainError(
    err.kind,
    err.code,
    "This email already has a ClockFlow account; sign in with it to accept the invitation",
  );
}
