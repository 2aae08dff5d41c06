/**
 * Organizations: sign-up (organization + first admin, atomically), creating further
 * organizations for a signed-in person, and the list a person can switch between.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import { type Atomic, globalKeys, type OrgScope, type Store } from "../kv/mod.ts";
import { addUserCreation, newUser, type User } from "../identity/users.ts";
import { addMembershipCreation, type Membership, type Role } from "../members/members.ts";
import { addAudit } from "../audit/audit.ts";
import { userPrincipal } from "../principal.ts";
import { canonicalTimeZone, parseInput } from "../validation.ts";
import { organizationInput } from "./schemas.ts";

/** An organization's profile. */
export interface Organization {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  createdAt: number;
}

/** The public view of an organization. */
export function viewOrg(
  org: Organization,
): Pick<Organization, "id" | "slug" | "name" | "timeZone"> {
  return { id: org.id, slug: org.slug, name: org.name, timeZone: org.timeZone };
}

/**
 * True when `tz` is an IANA time zone this runtime knows, in any letter case; offsets such as
 * `+05:30` are not time zones of a place and are refused (see `canonicalTimeZone`).
 */
export function isTimeZone(tz: string): boolean {
  return canonicalTimeZone(tz) !== null;
}

/** URL slug from a name: lower-case ASCII letters, digits and single dashes, at most 40. */
export function slugify(name: string): string {
  const s = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
  return s || "org";
}

/** The profile of the scope's organization. */
export async function getOrg(scope: OrgScope): Promise<Organization> {
  const org = (await scope.get<Organization>("profile")).value;
  if (!org) throw new DomainError("not_found", "not_found", "organization not found");
  return org;
}

/** Writes that create the organization of `scope` with `owner` as its first admin. */
function addOrgCreation(
  op: Atomic,
  scope: OrgScope,
  org: Organization,
  owner: Pick<User, "id">,
  now: number,
): Atomic {
  const membership: Membership = {
    userId: owner.id,
    role: "admin",
    active: true,
    createdAt: now,
    updatedAt: now,
  };
  op.check(globalKeys.orgBySlug(org.slug), null)
    .set(scope.key("profile"), org)
    .set(globalKeys.orgBySlug(org.slug), org.id)
    .set(globalKeys.orgIndex(org.id), now);
  addMembershipCreation(op, scope, membership);
  return addAudit(op, scope, {
    principal: userPrincipal(owner.id),
    action: "organization.create",
    entity: { kind: "organization", id: org.id },
    before: null,
    after: viewOrg(org),
  }, now);
}

/**
 * Commit `build(slug)` with the slug of `baseName`, or, when that is taken, the slug with a random
 * suffix (still at most 40 characters with single dashes).
 */
async function commitWithFreeSlug(
  store: Store,
  baseName: string,
  build: (slug: string) => Atomic,
  isEmailTaken: () => Promise<boolean>,
): Promise<string> {
  const base = slugify(baseName);
  for (let attempt = 0; attempt < 8; attempt++) {
    const slug = attempt === 0 ? base : `${base.slice(0, 33).replace(/-+$/, "")}-${randomSuffix()}`;
    if ((await store.get(globalKeys.orgBySlug(slug))).versionstamp !== null) continue;
    if (await build(slug).commit()) return slug;
    if (await isEmailTaken()) {
      throw new DomainError("conflict", "email_taken", "An account with this email already exists");
    }
  }
  throw new DomainError("conflict", "slug_unavailable", "Could not find a free address; retry");
}

function randomSuffix(): string {
  return crypto.getRandomValues(new Uint32Array(1))[0].toString(36).slice(0, 6);
}

/**
 * `input` checked with `organizationInput` (`./schemas.ts`): the trimmed name and the canonical
 * time zone, or 400 `validation_failed` with paths under `prefix`.
 */
function validOrganization(
  input: { name: string; timeZone: string },
  prefix?: string,
): { name: string; timeZone: string } {
  try {
    return parseInput(organizationInput, { name: input.name, timeZone: input.timeZone });
  } catch (err) {
    if (!(err instanceof DomainError) || !prefix || !Array.isArray(err.details)) throw err;
    const details = (err.details as { path: string; message: string }[])
      .map((d) => ({ ...d, path: `${prefix}.${d.path}` }));
    throw new DomainError(err.kind, err.code, err.message, details);
  }
}

/** Input of {@linkcode signUp}. */
export interface SignUpInput {
  organization: { name: string; timeZone: string };
  user: { name: string; email: string; passwordHash: string };
}

/**
 * Create an organization and its first admin in one atomic commit. Fails with `email_taken`
 * when the email already has an account, and 400 `validation_failed` (path `organization.…`)
 * for a name with control or direction-override characters or a time zone that is not an IANA
 * name; the time zone is stored canonical (`america/new_york` → `America/New_York`).
 * `alsoCommit` adds writes that must exist exactly when the account does (the verification link
 * and its mail job) to that same commit.
 */
export async function signUp(
  store: Store,
  input: SignUpInput,
  now: number,
  alsoCommit: (op: Atomic, user: User) => void = () => {},
): Promise<{ org: Organization; user: User }> {
  const organization = validOrganization(input.organization, "organization");
  const user = newUser(input.user.name, input.user.email, input.user.passwordHash, now);
  const scope = store.scopeForNewOrg();
  const emailTaken = async () =>
    (await store.get(globalKeys.userByEmail(user.email!))).versionstamp !== null;
  if (await emailTaken()) {
    throw new DomainError("conflict", "email_taken", "An account with this email already exists");
  }
  let org!: Organization;
  await commitWithFreeSlug(store, organization.name, (slug) => {
    org = {
      id: scope.orgId,
      slug,
      name: organization.name,
      timeZone: organization.timeZone,
      createdAt: now,
    };
    const op = store.atomic();
    addUserCreation(op, user);
    alsoCommit(op, user);
    return addOrgCreation(op, scope, org, user, now);
  }, emailTaken);
  return { org, user };
}

/**
 * Create another organization with the signed-in `owner` as its admin. 400 `validation_failed`
 * for a bad name or time zone (as {@linkcode signUp}); the time zone is stored canonical.
 */
export async function createOrganization(
  store: Store,
  owner: Pick<User, "id">,
  input: { name: string; timeZone: string },
  now: number,
): Promise<Organization> {
  const valid = validOrganization(input);
  const scope = store.scopeForNewOrg();
  let org!: Organization;
  await commitWithFreeSlug(store, valid.name, (slug) => {
    org = {
      id: scope.orgId,
      slug,
      name: valid.name,
      timeZone: valid.timeZone,
      createdAt: now,
    };
    return addOrgCreation(store.atomic(), scope, org, owner, now);
  }, () => Promise.resolve(false));
  return org;
}

/** An organization a person belongs to, with their role there. */
export interface OrgMembershipView {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

/** The organizations where `userId` is an active member, oldest membership first. */
export async function organizationsOf(store: Store, userId: string): Promise<OrgMembershipView[]> {
  const out: OrgMembershipView[] = [];
  for await (const link of store.list<number>(globalKeys.userOrg(userId))) {
    const scope = await store.scopeForMember(userId, link.key[2] as string);
    if (!scope) continue;
    const [profile, member] = await store.getMany<Organization | Membership>([
      scope.key("profile"),
      scope.key("member", userId),
    ]);
    const org = profile.value as Organization | null;
    const m = member.value as Membership | null;
    if (org && m?.active) out.push({ id: org.id, slug: org.slug, name: org.name, role: m.role });
  }
  return out;
}
