/**
 * Cache keys: `<orgId>:<kind>:<sha256 of the inputs' revisions>`. The organization id leads every
 * key, so entries are per tenant and never shared; the digest covers every revision
 * (versionstamp) and parameter the cached value was computed from, so any write to an input
 * makes a new key.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * The cache key of a value of `kind` in organization `orgId` computed from `inputs` (any JSON:
 * versionstamps, settings, dates, filters).
 *
 * @example
 * ```ts
 * await cacheKey("org1", "pto_balances", [userId, ptoRev.versionstamp, settings]);
 * // "org1:pto_balances:9f86d0…"
 * ```
 */
export async function cacheKey(orgId: string, kind: string, inputs: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(JSON.stringify(inputs)));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${orgId}:${kind}:${hex}`;
}
