/**
 * API keys as use cases: what the JSON API and the admin page call. Only admins, signed in as
 * themselves, manage keys (a key never creates, lists or revokes keys: 403 `forbidden`), and
 * only on plans with the `api` feature (403 `feature_not_in_plan`). Creation and revocation are
 * audited with the acting principal.
 *
 * | use case | who | input (schema) |
 * | --- | --- | --- |
 * | {@linkcode createApiKeyUseCase} | admin | `apiKeyInput` |
 * | {@linkcode listApiKeysUseCase} | admin | `apiKeyListQuery` |
 * | {@linkcode revokeApiKeyUseCase} | admin | `{id}` |
 *
 * @module
 */

import { authorize, type RequestContext, requirePlanFeature } from "../context.ts";
import { DomainError } from "../errors.ts";
import { refuseApiKeys } from "./guards.ts";
import { decodeCursorParam } from "../kv/mod.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import { type ApiKeyView, createApiKey, listApiKeys, revokeApiKey, viewApiKey } from "./keys.ts";
import { apiKeyInput, apiKeyListQuery } from "./schemas.ts";

/** Admins in person only: keys do not manage keys. */
function requireAdminInPerson(ctx: RequestContext): void {
  refuseApiKeys(ctx, "API keys");
  authorize(ctx, "admin");
  requirePlanFeature(ctx, "api");
}

/** A created key: its view plus the full `key`, shown only in this answer. */
export type CreatedApiKey = ApiKeyView & { key: string };

/**
 * Create a key (admins, plan feature `api`); 400 `validation_failed` for a bad name, scope or
 * expiry (an expiry must lie in the future).
 *
 * @example
 * ```ts
 * const { key } = await createApiKeyUseCase(ctx, { name: "Payroll", scopes: ["entries:read"] });
 * ```
 */
export async function createApiKeyUseCase(
  ctx: RequestContext,
  input: Unparsed<typeof apiKeyInput>,
): Promise<CreatedApiKey> {
  requireAdminInPerson(ctx);
  const parsed = parseInput(apiKeyInput, input);
  const expiresAt = parsed.expiresAt ?? null;
  if (expiresAt !== null && expiresAt <= ctx.now) {
    throw new DomainError("invalid", "validation_failed", "Some fields are missing or invalid", [
      { path: "expiresAt", message: "choose a time in the future" },
    ]);
  }
  const { apiKey, key } = await createApiKey(ctx.scope, ctx.principal, {
    name: parsed.name,
    scopes: parsed.scopes,
    expiresAt,
  }, ctx.now);
  return { ...viewApiKey(apiKey), key };
}

/** A page of the organization's keys (admins): prefix, scopes, lastUsedAt, createdBy; no secret. */
export async function listApiKeysUseCase(
  ctx: RequestContext,
  input: Unparsed<typeof apiKeyListQuery>,
): Promise<{ data: ApiKeyView[]; nextCursor: string | null }> {
  requireAdminInPerson(ctx);
  const q = parseInput(apiKeyListQuery, input);
  const page = await listApiKeys(ctx.scope, {
    limit: q.limit,
    cursor: decodeCursorParam(q.cursor),
  });
  return { data: page.data.map(viewApiKey), nextCursor: page.nextCursor };
}

/** Revoke a key at once (admins); `not_found` for unknown ids. */
export async function revokeApiKeyUseCase(
  ctx: RequestContext,
  input: { id: string },
): Promise<void> {
  requireAdminInPerson(ctx);
  await revokeApiKey(ctx.scope, ctx.principal, input.id, ctx.now);
}
