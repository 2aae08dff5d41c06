/**
 * The organization's logo in KV: one meta record and the image in chunks, so a logo up to
 * 256 KiB fits Deno KV's 64 KiB value limit.
 *
 * | key | value |
 * | --- | --- |
 * | `["org", o, "branding_logo"]` | {@linkcode LogoMeta}: content type, size, SHA-256, version, chunk count |
 * | `["org", o, "branding_logo_chunk", version, n]` | bytes `n·60000 …` of that version |
 *
 * A replacement is written as a new version (a fresh time-ordered id) in one commit that also
 * switches the meta (checked against the versionstamp it was planned from) and deletes the old
 * version's chunks, so readers see the old logo or the new one, never a mix; the URL names the
 * version, so it can be cached for a year.
 *
 * @module
 */

import { type MaybeEntry, newId, type OrgScope } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import type { Principal } from "../principal.ts";
import { DomainError } from "../errors.ts";
import type { LogoType } from "./image.ts";

/** Bytes per chunk: below Deno KV's 65,536-byte value limit. */
export const LOGO_CHUNK_BYTES = 60_000;

/** What the meta record says about the stored logo. */
export interface LogoMeta {
  contentType: LogoType;
  /** Size in bytes. */
  bytes: number;
  /** Hex SHA-256 of the image (the `ETag`). */
  sha256: string;
  /** The version the URL and chunk keys name. */
  version: string;
  chunks: number;
  updatedAt: number;
}

/** The key parts of the meta record (for callers that read it with other keys). */
export const LOGO_PARTS = ["branding_logo"] as const;

/** The meta record of the organization's logo (value null: no logo). */
export function readLogoMeta(scope: OrgScope): Promise<MaybeEntry<LogoMeta>> {
  return scope.get<LogoMeta>(...LOGO_PARTS);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const COMMIT_ATTEMPTS = 5;

/**
 * Store `bytes` (already checked, `lib/branding/image.ts`) as the logo, replacing any other, in
 * one commit with its audit record. Concurrent uploads: the last to commit wins.
 */
export async function storeLogo(
  scope: OrgScope,
  principal: Principal,
  image: { contentType: LogoType; bytes: Uint8Array },
  now: number,
): Promise<LogoMeta> {
  const sha256 = await sha256Hex(image.bytes);
  for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
    const current = await readLogoMeta(scope);
    const meta: LogoMeta = {
      contentType: image.contentType,
      bytes: image.bytes.length,
      sha256,
      version: newId(now).toLowerCase(),
      chunks: Math.ceil(image.bytes.length / LOGO_CHUNK_BYTES),
      updatedAt: now,
    };
    const op = scope.atomic().check(scope.key(...LOGO_PARTS), current.versionstamp);
    for (let n = 0; n < meta.chunks; n++) {
      const part = image.bytes.slice(n * LOGO_CHUNK_BYTES, (n + 1) * LOGO_CHUNK_BYTES);
      op.set(scope.key("branding_logo_chunk", meta.version, n), part);
    }
    op.set(scope.key(...LOGO_PARTS), meta);
    if (current.value) deleteChunks(op, scope, current.value);
    addAudit(op, scope, {
      principal,
      action: "branding.logo_set",
      entity: { kind: "branding", id: scope.orgId },
      before: current.value && summary(current.value),
      after: summary(meta),
    }, now);
    if (await op.commit()) return meta;
  }
  throw new DomainError("conflict", "logo_changed", "The logo changed meanwhile; try again");
}

/** Remove the logo (true) or find none (false), with its audit record. */
export async function deleteLogo(
  scope: OrgScope,
  principal: Principal,
  now: number,
): Promise<boolean> {
  for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
    const current = await readLogoMeta(scope);
    if (!current.value) return false;
    const op = scope.atomic().check(scope.key(...LOGO_PARTS), current.versionstamp)
      .delete(scope.key(...LOGO_PARTS));
    deleteChunks(op, scope, current.value);
    addAudit(op, scope, {
      principal,
      action: "branding.logo_removed",
      entity: { kind: "branding", id: scope.orgId },
      before: summary(current.value),
      after: null,
    }, now);
    if (await op.commit()) return true;
  }
  throw new DomainError("conflict", "logo_changed", "The logo changed meanwhile; try again");
}

/**
 * The logo of version `version` with its bytes, or null when the organization has no logo or a
 * newer one (an old URL is simply gone).
 */
export async function readLogo(
  scope: OrgScope,
  version: string,
): Promise<{ meta: LogoMeta; bytes: Uint8Array } | null> {
  const meta = (await readLogoMeta(scope)).value;
  if (!meta || meta.version !== version) return null;
  const chunks = await scope.getMany<Uint8Array>(
    Array.from({ length: meta.chunks }, (_, n) => scope.key("branding_logo_chunk", version, n)),
  );
  if (chunks.some((c) => !(c.value instanceof Uint8Array))) return null; // replaced meanwhile
  const bytes = new Uint8Array(meta.bytes);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c.value!, at);
    at += c.value!.length;
  }
  return at === meta.bytes ? { meta, bytes } : null;
}

function deleteChunks(
  op: ReturnType<OrgScope["atomic"]>,
  scope: OrgScope,
  meta: LogoMeta,
): void {
  for (let n = 0; n < meta.chunks; n++) {
    op.delete(scope.key("branding_logo_chunk", meta.version, n));
  }
}

/** What the audit trail keeps of a logo (never the image). */
function summary(meta: LogoMeta) {
  return {
    contentType: meta.contentType,
    bytes: meta.bytes,
    sha256: meta.sha256,
    version: meta.version,
  };
}
