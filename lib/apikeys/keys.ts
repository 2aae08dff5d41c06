/**
 * API keys: an organization's credentials for scripts, acting within their scopes.
 *
 * A key reads `cf_<prefix>_<secret>`: `prefix` is 12 public hex characters (48 bits, what the
 * list shows and what the lookup goes by), `secret` 32 random bytes in base64url (256 bits).
 * The secret is shown once, when the key is created; only its SHA-256 is stored (keys are
 * high-entropy, so a slow hash adds nothing), compared in constant time.
 *
 * | key | value |
 * | --- | --- |
 * | `["org", orgId, "api_key", id]` | {@linkcode ApiKey} |
 * | `["api_key_prefix", prefix]` (global) | `{orgId, keyId}`: a request names no organization before its key is read |
 *
 * Creation and revocation write both keys and an audit record in one commit; revoking deletes
 * them, so the next request with the key answers 401 `invalid_api_key`.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { globalKeys, isId, type MaybeEntry, newId, type OrgScope, type Store } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import { type Principal, type PrincipalRef, principalRef } from "../principal.ts";
import { base64url, sha256Hex, timingSafeEqual } from "../identity/crypto.ts";
import type { Scope } from "./scopes.ts";

/** How often at most `lastUsedAt` is written per key (ms). */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** A stored key (never shown as it is: see {@linkcode viewApiKey}). */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  /** Epoch ms, or null: never expires. */
  expiresAt: number | null;
  createdAt: number;
  createdBy: PrincipalRef;
  lastUsedAt: number | null;
  /** Hex SHA-256 of the secret part. */
  secretHash: string;
}

/** A key as the API shows it (never the secret or its hash). */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  expiresAt: string | null;
  createdAt: string;
  createdBy: PrincipalRef;
  lastUsedAt: string | null;
}

/** The public view of `k`. */
export function viewApiKey(k: ApiKey): ApiKeyView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    expiresAt: iso(k.expiresAt),
    createdAt: new Date(k.createdAt).toISOString(),
    createdBy: k.createdBy,
    lastUsedAt: iso(k.lastUsedAt),
  };
}

const KEY_SHAPE = /^cf_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** The prefix and secret of a presented key, or null when it is not shaped like one. */
export function parseApiKey(text: string): { prefix: string; secret: string } | null {
  const m = KEY_SHAPE.exec(text);
  return m ? { prefix: m[1], secret: m[2] } : null;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A new key's parts: its public prefix, secret, full text and the secret's hash. */
async function mintKey(): Promise<{ prefix: string; key: string; secretHash: string }> {
  const prefix = hex(crypto.getRandomValues(new Uint8Array(6)));
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { prefix, key: `cf_${prefix}_${secret}`, secretHash: await sha256Hex(secret) };
}

/** What creating a key needs (validated). */
export interface NewApiKey {
  name: string;
  scopes: Scope[];
  expiresAt: number | null;
}

/**
 * Create a key for `scope`'s organization, audited as `by`. Returns the stored key and the
 * full key text (to be shown once).
 */
export async function createApiKey(
  scope: OrgScope,
  by: Principal,
  input: NewApiKey,
  now: number,
): Promise<{ apiKey: ApiKey; key: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { prefix, key, secretHash } = await mintKey();
    const apiKey: ApiKey = {
      id: newId(now),
      name: input.name,
      prefix,
      scopes: [...input.scopes],
      expiresAt: input.expiresAt,
      createdAt: now,
      createdBy: principalRef(by),
      lastUsedAt: null,
      secretHash,
    };
    const pointer = globalKeys.apiKeyPrefix(prefix);
    const op = scope.atomic()
      .check(pointer, null)
      .set(scope.key("api_key", apiKey.id), apiKey)
      .set(pointer, { orgId: scope.orgId, keyId: apiKey.id });
    addAudit(op, scope, {
      principal: by,
      action: "api_key.create",
      entity: { kind: "api_key", id: apiKey.id },
      before: null,
      after: viewApiKey(apiKey),
    }, now);
    if (await op.commit()) return { apiKey, key };
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/** A page of the organization's keys in creation order. */
export async function listApiKeys(
  scope: OrgScope,
  options: { limit: number; cursor?: string | null },
): Promise<{ data: ApiKey[]; nextCursor: string | null }> {
  const page = await scope.page<ApiKey>(scope.key("api_key"), options);
  return { data: page.items.map((e) => e.value), nextCursor: page.nextCursor };
}

/** Revoke key `id` at once (its record and pointer go in one audited commit); `not_found`. */
export async function revokeApiKey(
  scope: OrgScope,
  by: Principal,
  id: string,
  now: number,
): Promise<void> {
  if (!isId(id)) throw notFound("API key");
  for (let attempt = 0; attempt < 3; attempt++) {
    const key = scope.key("api_key", id);
    const e = await scope.getKey<ApiKey>(key);
    if (e.value === null) throw notFound("API key");
    const op = scope.atomic()
      .check(key, e.versionstamp)
      .delete(key)
      .delete(globalKeys.apiKeyPrefix(e.value.prefix));
    addAudit(op, scope, {
      principal: by,
      action: "api_key.revoke",
      entity: { kind: "api_key", id },
      before: viewApiKey(e.value),
      after: null,
    }, now);
    if (await op.commit()) return;
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/** A key that checked out: its organization's scope and the stored key. */
export interface VerifiedApiKey {
  scope: OrgScope;
  apiKey: ApiKey;
  versionstamp: string;
  /** The organization's keys asked for with `prefetch`, in order. */
  entries: MaybeEntry<unknown>[];
}

/**
 * The live key `text` names, or null when it is malformed, unknown, revoked or expired at
 * `now`. Two reads: the global prefix pointer, then the key itself with the organization's keys
 * `prefetch` (parts after `["org", orgId]`), so a request reads its organization with its key.
 */
export async function verifyApiKey(
  store: Store,
  text: string,
  now: number,
  prefetch: Deno.KvKeyPart[][] = [],
): Promise<VerifiedApiKey | null> {
  const parts = parseApiKey(text);
  if (!parts) return null;
  const found = await store.scopeForApiKey(parts.prefix);
  if (!found) return null;
  const { scope } = found;
  const [e, ...entries] = await scope.getMany<unknown>([
    scope.key("api_key", found.keyId),
    ...prefetch.map((p) => scope.key(...p)),
  ]);
  const k = e.value as ApiKey | null;
  if (!k || k.prefix !== parts.prefix) return null;
  const presented = new TextEncoder().encode(await sha256Hex(parts.secret));
  if (!timingSafeEqual(presented, new TextEncoder().encode(k.secretHash))) return null;
  if (k.expiresAt !== null && k.expiresAt <= now) return null;
  return { scope, apiKey: k, versionstamp: e.versionstamp!, entries };
}

/**
 * Record that `key` was used at `now`, when its `lastUsedAt` is older than
 * {@linkcode LAST_USED_RESOLUTION_MS}; a lost race or a revoked key writes nothing.
 */
export async function touchApiKey(
  verified: VerifiedApiKey,
  now: number,
): Promise<void> {
  const { scope, apiKey, versionstamp } = verified;
  if (apiKey.lastUsedAt !== null && now - apiKey.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
  await scope.atomic()
    .check(scope.key("api_key", apiKey.id), versionstamp)
    .set(scope.key("api_key", apiKey.id), { ...apiKey, lastUsedAt: now })
    .commit();
}

/**
 * How the billing page names each of the organization's keys: id → `cf_<prefix>` (the start of
 * the key, as its holder sees it; never the secret). Revoked keys are gone, so their usage keeps
 * its id. One scan of the organization's keys.
 */
export async function apiKeyLabels(scope: OrgScope): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  for await (const e of scope.list<ApiKey>(scope.key("api_key"))) {
    labels.set(e.value.id, `cf_${e.value.prefix}`);
  }
  return labels;
}
