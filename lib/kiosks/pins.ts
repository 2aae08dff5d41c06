/**
 * Kiosk PINs: 4–8 digits, unique within an organization, never stored as they are.
 *
 * | key (under `["org", orgId]`) | value |
 * | --- | --- |
 * | `pin_key` | 32 random bytes: the organization's HMAC-SHA-256 key, created on first use |
 * | `pin_index, hash` | userId: finds the member a PIN belongs to (uniqueness by `check(null)`) |
 * | `member_pin, userId` | `{hash, updatedAt}`: the member's current PIN hash (so a change deletes the old index) |
 *
 * The hash is HMAC-SHA-256 of the PIN under the organization's key, hex: a PIN is found by its
 * hash in one read, equal PINs in two organizations hash differently, and the database alone
 * (without the key) does not list PINs. Setting a PIN is one commit: the index key checked
 * absent, the member's previous index key deleted, the member's pointer and an audit record
 * (without the PIN) written, the membership checked unchanged.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { type Key, type MaybeEntry, type OrgScope } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import type { Principal } from "../principal.ts";
import type { Membership } from "../members/members.ts";
import { timingSafeEqual } from "../identity/crypto.ts";

/** A member's PIN pointer. */
export interface MemberPin {
  hash: string;
  updatedAt: number;
}

/** The key parts (after the org prefix) of the organization's PIN key. */
export const PIN_KEY_PARTS = ["pin_key"] as const;

/** The index key of PIN hash `hash`. */
export function pinIndexKey(scope: OrgScope, hash: string): Key {
  return scope.key("pin_index", hash);
}

/** The member's PIN pointer key. */
export function memberPinKey(scope: OrgScope, userId: string): Key {
  return scope.key("member_pin", userId);
}

/** HMAC-SHA-256 of `pin` under `key`, hex. */
export async function pinHash(key: Uint8Array, pin: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(pin));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** True when two hex hashes are equal (constant time for equal lengths). */
export function sameHash(a: string, b: string): boolean {
  const enc = new TextEncoder();
  return timingSafeEqual(enc.encode(a), enc.encode(b));
}

/** The PIN key as read (null: no PIN was ever set in this organization). */
export function pinKeyFrom(e: MaybeEntry<unknown>): Uint8Array | null {
  return e.value instanceof Uint8Array && e.value.length === 32 ? e.value : null;
}

/** The organization's PIN key, created (once, by `check(null)`) when missing. */
export async function ensurePinKey(scope: OrgScope): Promise<Uint8Array> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const e = await scope.get<unknown>(...PIN_KEY_PARTS);
    const known = pinKeyFrom(e);
    if (known) return known;
    const fresh = crypto.getRandomValues(new Uint8Array(32));
    const key = scope.key(...PIN_KEY_PARTS);
    if (await scope.atomic().check(key, e.versionstamp).set(key, fresh).commit()) return fresh;
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

function pinTaken(): DomainError {
  return new DomainError(
    "conflict",
    "pin_taken",
    "Another member of this organization has this PIN; choose another",
  );
}

/**
 * Set `userId`'s PIN (validated digits) as `by`: 404 unless they are a member (active or not),
 * 409 `pin_taken` when another member has it. Setting the PIN a member already has changes
 * nothing.
 */
export async function setPin(
  scope: OrgScope,
  by: Principal,
  userId: string,
  pin: string,
  now: number,
): Promise<void> {
  const memberKey = scope.key("member", userId);
  // 404 before anything is written (the organization's PIN key is created on first use).
  if ((await scope.getKey(memberKey)).value === null) throw notFound("member");
  const key = await ensurePinKey(scope);
  const hash = await pinHash(key, pin);
  const currentKey = memberPinKey(scope, userId);
  const indexKey = pinIndexKey(scope, hash);
  for (let attempt = 0; attempt < 5; attempt++) {
    const [member, current, taken] = await scope.getMany<unknown>([
      memberKey,
      currentKey,
      indexKey,
    ]);
    if (!(member.value as Membership | null)) throw notFound("member");
    if (taken.value !== null) {
      if (taken.value === userId) return;
      throw pinTaken();
    }
    const old = current.value as MemberPin | null;
    const op = scope.atomic()
      .check(memberKey, member.versionstamp)
      .check(currentKey, current.versionstamp)
      .check(indexKey, null)
      .set(indexKey, userId)
      .set(currentKey, { hash, updatedAt: now } satisfies MemberPin);
    if (old) op.delete(pinIndexKey(scope, old.hash));
    addAudit(op, scope, {
      principal: by,
      action: old ? "pin.change" : "pin.set",
      entity: { kind: "member", id: userId },
      before: { hasPin: old !== null },
      after: { hasPin: true },
    }, now);
    if (await op.commit()) return;
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/** Remove `userId`'s PIN (nothing to remove is fine); 404 unless they are a member. */
export async function deletePin(
  scope: OrgScope,
  by: Principal,
  userId: string,
  now: number,
): Promise<void> {
  const currentKey = memberPinKey(scope, userId);
  for (let attempt = 0; attempt < 5; attempt++) {
    const [member, current] = await scope.getMany<unknown>([
      scope.key("member", userId),
      currentKey,
    ]);
    if (!(member.value as Membership | null)) throw notFound("member");
    const old = current.value as MemberPin | null;
    if (!old) return;
    const op = scope.atomic()
      .check(currentKey, current.versionstamp)
      .delete(currentKey)
      .delete(pinIndexKey(scope, old.hash));
    addAudit(op, scope, {
      principal: by,
      action: "pin.delete",
      entity: { kind: "member", id: userId },
      before: { hasPin: true },
      after: { hasPin: false },
    }, now);
    if (await op.commit()) return;
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/** Which of `userIds` have a PIN (for the members page). */
export async function membersWithPin(scope: OrgScope, userIds: string[]): Promise<Set<string>> {
  const got = await scope.getMany<MemberPin>(userIds.map((id) => memberPinKey(scope, id)));
  return new Set(userIds.filter((_id, i) => got[i].value !== null));
}
