/**
 * Kiosks: shared tablets an organization pairs once and on which members punch by PIN.
 *
 * | key | value |
 * | --- | --- |
 * | `["org", orgId, "kiosk", id]` | {@linkcode Kiosk} |
 * | `["kiosk_pairing", sha256(code)]` (global) | `{orgId, kioskId, expiresAt}`, expires with the code |
 * | `["kiosk_device", sha256(token)]` (global) | `{orgId, kioskId}` of the paired device |
 *
 * - A pairing code is 8 characters of {@linkcode CODE_ALPHABET} (40 bits), valid
 *   {@linkcode PAIRING_TTL_MS}, usable once. Only its SHA-256 is stored (on the kiosk and as the
 *   global pointer); a new code replaces the previous one.
 * - Pairing is one commit: the code's pointer checked and deleted, the device pointer written
 *   (and the previous device's deleted: re-pairing revokes the old credential), the kiosk
 *   updated. The device credential is 32 random bytes; only its SHA-256 is stored, compared in
 *   constant time.
 * - Revocation deletes the kiosk, its device pointer and any pending code in one commit, so the
 *   device's very next call is 401 `kiosk_unpaired`.
 * - `lastSeenAt` is written at most once a minute ({@linkcode touchKiosk}), never per punch.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { globalKeys, isId, type MaybeEntry, newId, type OrgScope, type Store } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import { type Principal, type PrincipalRef, principalRef } from "../principal.ts";
import { randomToken, sha256Hex, timingSafeEqual } from "../identity/crypto.ts";

/** Characters of pairing codes: no 0, O, 1 or I, so a code read aloud or typed is unambiguous. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/** Length of a pairing code. */
export const CODE_LENGTH = 8;
/** How long a pairing code is valid. */
export const PAIRING_TTL_MS = 10 * 60_000;
/** How often at most `lastSeenAt` is written per kiosk. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** A stored kiosk (never shown as it is: see {@linkcode viewKiosk}). */
export interface Kiosk {
  id: string;
  name: string;
  /** The job location the kiosk stands at (its punches name it), or null. */
  locationId: string | null;
  /** SHA-256 of the pending pairing code, or null. */
  pairingCodeHash: string | null;
  pairingExpiresAt: number | null;
  /** SHA-256 of the paired device's credential, or null while unpaired. */
  deviceTokenHash: string | null;
  pairedAt: number | null;
  lastSeenAt: number | null;
  createdAt: number;
  createdBy: PrincipalRef;
}

/** A kiosk as the admin API lists it (no codes, no credentials). */
export interface KioskView {
  id: string;
  name: string;
  locationId: string | null;
  paired: boolean;
  lastSeenAt: string | null;
  createdAt: string;
  pairingExpiresAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The public view of `k` at `now` (an expired code shows no expiry). */
export function viewKiosk(k: Kiosk, now: number): KioskView {
  const pending = k.pairingCodeHash !== null && (k.pairingExpiresAt ?? 0) > now;
  return {
    id: k.id,
    name: k.name,
    locationId: k.locationId,
    paired: k.deviceTokenHash !== null,
    lastSeenAt: iso(k.lastSeenAt),
    createdAt: new Date(k.createdAt).toISOString(),
    pairingExpiresAt: pending ? iso(k.pairingExpiresAt) : null,
  };
}

/** What the audit trail keeps of a kiosk (no hashes). */
function auditView(k: Kiosk) {
  return { id: k.id, name: k.name, locationId: k.locationId, paired: k.deviceTokenHash !== null };
}

/**
 * A new pairing code: {@linkcode CODE_LENGTH} characters of {@linkcode CODE_ALPHABET}, drawn
 * without modulo bias (32 divides 256).
 */
export function newPairingCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
}

/**
 * The code as typed, normalized (upper case, spaces and dashes dropped), or null when it cannot
 * be a pairing code.
 *
 * @example
 * ```ts
 * normalizePairingCode("abcd-efgh"); // "ABCDEFGH"
 * normalizePairingCode("ABCD0000"); // null (0 is not in the alphabet)
 * ```
 */
export function normalizePairingCode(text: string): string | null {
  const code = text.replace(/[\s-]+/g, "").toUpperCase();
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** SHA-256 of a normalized code or a device token (both high enough entropy for a fast hash). */
export function secretHash(text: string): Promise<string> {
  return sha256Hex(text);
}

function sameHash(a: string | null, b: string): boolean {
  if (a === null) return false;
  const enc = new TextEncoder();
  return timingSafeEqual(enc.encode(a), enc.encode(b));
}

/** The kiosk's key. */
export function kioskKey(scope: OrgScope, id: string) {
  return scope.key("kiosk", id);
}

/** Kiosk `id` of the organization with its versionstamp, or null. */
export async function readKiosk(
  scope: OrgScope,
  id: string,
): Promise<{ kiosk: Kiosk; versionstamp: string } | null> {
  if (!isId(id)) return null;
  const e = await scope.getKey<Kiosk>(kioskKey(scope, id));
  return e.value === null ? null : { kiosk: e.value, versionstamp: e.versionstamp };
}

/** Every kiosk of the organization, oldest first. */
export async function listKiosks(scope: OrgScope): Promise<Kiosk[]> {
  const out: Kiosk[] = [];
  for await (const e of scope.list<Kiosk>(scope.key("kiosk"))) out.push(e.value);
  return out;
}

/** A code just issued: shown once, to be typed on the tablet. */
export interface IssuedCode {
  pairingCode: string;
  pairingExpiresAt: string;
}

async function mintCode(now: number) {
  const code = newPairingCode();
  return { code, hash: await secretHash(code), expiresAt: now + PAIRING_TTL_MS };
}

/** Create a kiosk with a fresh pairing code, audited as `by`. */
export async function createKiosk(
  scope: OrgScope,
  by: Principal,
  input: { name: string; locationId: string | null },
  now: number,
): Promise<{ kiosk: Kiosk; code: IssuedCode }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { code, hash, expiresAt } = await mintCode(now);
    const kiosk: Kiosk = {
      id: newId(now),
      name: input.name,
      locationId: input.locationId,
      pairingCodeHash: hash,
      pairingExpiresAt: expiresAt,
      deviceTokenHash: null,
      pairedAt: null,
      lastSeenAt: null,
      createdAt: now,
      createdBy: principalRef(by),
    };
    const pointer = globalKeys.kioskPairing(hash);
    const op = scope.atomic()
      .check(pointer, null)
      .check(kioskKey(scope, kiosk.id), null)
      .set(kioskKey(scope, kiosk.id), kiosk)
      .set(pointer, { orgId: scope.orgId, kioskId: kiosk.id, expiresAt }, {
        expireIn: PAIRING_TTL_MS,
      });
    addAudit(op, scope, {
      principal: by,
      action: "kiosk.create",
      entity: { kind: "kiosk", id: kiosk.id },
      before: null,
      after: auditView(kiosk),
    }, now);
    if (await op.commit()) {
      return {
        kiosk,
        code: { pairingCode: code, pairingExpiresAt: new Date(expiresAt).toISOString() },
      };
    }
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/**
 * Issue a new pairing code for kiosk `id` (the previous code stops working). The paired device,
 * if any, keeps working until a device pairs with the new code.
 */
export async function issuePairingCode(
  scope: OrgScope,
  by: Principal,
  id: string,
  now: number,
): Promise<IssuedCode> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await readKiosk(scope, id);
    if (!found) throw notFound("kiosk");
    const { kiosk, versionstamp } = found;
    const { code, hash, expiresAt } = await mintCode(now);
    const pointer = globalKeys.kioskPairing(hash);
    const op = scope.atomic()
      .check(kioskKey(scope, id), versionstamp)
      .check(pointer, null)
      .set(kioskKey(scope, id), { ...kiosk, pairingCodeHash: hash, pairingExpiresAt: expiresAt })
      .set(pointer, { orgId: scope.orgId, kioskId: id, expiresAt }, { expireIn: PAIRING_TTL_MS });
    if (kiosk.pairingCodeHash) op.delete(globalKeys.kioskPairing(kiosk.pairingCodeHash));
    addAudit(op, scope, {
      principal: by,
      action: "kiosk.pairing_code",
      entity: { kind: "kiosk", id },
      before: auditView(kiosk),
      after: auditView(kiosk),
    }, now);
    if (await op.commit()) {
      return { pairingCode: code, pairingExpiresAt: new Date(expiresAt).toISOString() };
    }
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/** Revoke kiosk `id` at once: the kiosk, its device pointer and its pending code go together. */
export async function revokeKiosk(
  scope: OrgScope,
  by: Principal,
  id: string,
  now: number,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await readKiosk(scope, id);
    if (!found) throw notFound("kiosk");
    const { kiosk, versionstamp } = found;
    const op = scope.atomic().check(kioskKey(scope, id), versionstamp).delete(kioskKey(scope, id));
    if (kiosk.deviceTokenHash) op.delete(globalKeys.kioskDevice(kiosk.deviceTokenHash));
    if (kiosk.pairingCodeHash) op.delete(globalKeys.kioskPairing(kiosk.pairingCodeHash));
    addAudit(op, scope, {
      principal: by,
      action: "kiosk.revoke",
      entity: { kind: "kiosk", id },
      before: auditView(kiosk),
      after: null,
    }, now);
    if (await op.commit()) return;
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/** 404 `pairing_code_invalid`: unknown, used or expired (the same answer for each). */
export function pairingCodeInvalid(): DomainError {
  return new DomainError(
    "not_found",
    "pairing_code_invalid",
    "This pairing code is unknown, used or expired; ask an admin for a new one",
  );
}

/** A kiosk found by its pairing code, with the organization's keys asked for. */
export interface CodeMatch {
  scope: OrgScope;
  kiosk: Kiosk;
  kioskVersionstamp: string;
  pointerVersionstamp: string;
  codeHash: string;
  /** The organization's keys asked for with `prefetch`, in order. */
  entries: MaybeEntry<unknown>[];
}

/**
 * The kiosk whose live pairing code is `code` (as typed), with the organization's keys
 * `prefetch` read in the same `getMany`; 404 `pairing_code_invalid` for a malformed, unknown,
 * used or expired code.
 */
export async function findByPairingCode(
  store: Store,
  code: string,
  now: number,
  prefetch: Deno.KvKeyPart[][],
): Promise<CodeMatch> {
  const normalized = normalizePairingCode(code);
  if (!normalized) throw pairingCodeInvalid();
  const codeHash = await secretHash(normalized);
  const found = await store.scopeForPairingCode(codeHash);
  if (!found || found.expiresAt <= now) throw pairingCodeInvalid();
  const { scope } = found;
  const [e, ...entries] = await scope.getMany<unknown>([
    kioskKey(scope, found.kioskId),
    ...prefetch.map((p) => scope.key(...p)),
  ]);
  const kiosk = e.value as Kiosk | null;
  if (
    !kiosk || !sameHash(kiosk.pairingCodeHash, codeHash) || (kiosk.pairingExpiresAt ?? 0) <= now
  ) {
    throw pairingCodeInvalid();
  }
  return {
    scope,
    kiosk,
    kioskVersionstamp: e.versionstamp!,
    pointerVersionstamp: found.versionstamp,
    codeHash,
    entries,
  };
}

/**
 * Pair a device with the kiosk `match` found: one commit deletes the code's pointer (checked),
 * writes the new device pointer, deletes the previous device's (re-pairing revokes it) and
 * updates the kiosk. Returns the device credential (the cookie's value), or null when the code
 * or the kiosk changed meanwhile (the caller looks the code up again).
 */
export async function pairDevice(match: CodeMatch, now: number): Promise<string | null> {
  const { scope, kiosk } = match;
  const token = randomToken(32);
  const tokenHash = await secretHash(token);
  const device = globalKeys.kioskDevice(tokenHash);
  const op = scope.atomic()
    .check(globalKeys.kioskPairing(match.codeHash), match.pointerVersionstamp)
    .check(kioskKey(scope, kiosk.id), match.kioskVersionstamp)
    .check(device, null)
    .delete(globalKeys.kioskPairing(match.codeHash))
    .set(device, { orgId: scope.orgId, kioskId: kiosk.id })
    .set(
      kioskKey(scope, kiosk.id),
      {
        ...kiosk,
        pairingCodeHash: null,
        pairingExpiresAt: null,
        deviceTokenHash: tokenHash,
        pairedAt: now,
        lastSeenAt: now,
      } satisfies Kiosk,
    );
  if (kiosk.deviceTokenHash) op.delete(globalKeys.kioskDevice(kiosk.deviceTokenHash));
  addAudit(op, scope, {
    principal: { type: "kiosk_device", deviceId: kiosk.id },
    action: "kiosk.pair",
    entity: { kind: "kiosk", id: kiosk.id },
    before: auditView(kiosk),
    after: { ...auditView(kiosk), paired: true },
  }, now);
  return await op.commit() ? token : null;
}

/** A device credential that checked out: its organization's scope and the kiosk. */
export interface VerifiedKiosk {
  scope: OrgScope;
  kiosk: Kiosk;
  versionstamp: string;
  /** The organization's keys asked for with `prefetch`, in order. */
  entries: MaybeEntry<unknown>[];
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The paired kiosk whose device credential is `token`, or null when it is malformed, unknown or
 * revoked. Two reads: the global device pointer, then the kiosk with the organization's keys
 * `prefetch` (parts after `["org", orgId]`).
 */
export async function verifyKioskDevice(
  store: Store,
  token: string,
  prefetch: Deno.KvKeyPart[][] = [],
): Promise<VerifiedKiosk | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const tokenHash = await secretHash(token);
  const found = await store.scopeForKioskDevice(tokenHash);
  if (!found) return null;
  const { scope } = found;
  const [e, ...entries] = await scope.getMany<unknown>([
    kioskKey(scope, found.kioskId),
    ...prefetch.map((p) => scope.key(...p)),
  ]);
  const kiosk = e.value as Kiosk | null;
  if (!kiosk || !sameHash(kiosk.deviceTokenHash, tokenHash)) return null;
  return { scope, kiosk, versionstamp: e.versionstamp!, entries };
}

/**
 * Record that the kiosk was seen at `now`, when its `lastSeenAt` is older than
 * {@linkcode LAST_SEEN_RESOLUTION_MS}; a lost race or a revoked kiosk writes nothing.
 */
export async function touchKiosk(verified: VerifiedKiosk, now: number): Promise<void> {
  const { scope, kiosk, versionstamp } = verified;
  if (kiosk.lastSeenAt !== null && now - kiosk.lastSeenAt < LAST_SEEN_RESOLUTION_MS) return;
  await scope.atomic()
    .check(kioskKey(scope, kiosk.id), versionstamp)
    .set(kioskKey(scope, kiosk.id), { ...kiosk, lastSeenAt: now })
    .commit();
}
