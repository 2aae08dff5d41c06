/**
 * The store: the only way into Deno KV. Tenant data is reached through an {@linkcode OrgScope};
 * global tables through {@linkcode globalKeys}.
 *
 * @example
 * ```ts
 * const store = await Store.open(":memory:");
 * const scope = await store.scopeForMember(userId, orgId);
 * const entry = await scope?.get(["entry", id]);
 * ```
 *
 * @module
 */

export {
  Atomic,
  type Entry,
  type MaybeEntry,
  OrgScope,
  type Page,
  Store,
  StoreIntegrityError,
} from "./store.ts";
export type { Key } from "./key.ts";
/** The raw `Deno.KvKey` of a key made by lib/kv (for the queue's `keysIfUndelivered`). */
export { assertKey as rawKey } from "./key.ts";
export { globalKeys } from "./global.ts";
export {
  DEFAULT_GROUP_COMMIT,
  type GroupCommitOptions,
  type GroupCommitStats,
} from "./group_commit.ts";
export { isId, newId } from "./ids.ts";
export { type Migration, runMigrations } from "./migrations.ts";
export { decodeCursorParam, pageViaIndex } from "./paging.ts";
