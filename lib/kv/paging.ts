/**
 * Cursor paging over secondary indexes that hold pointers (ids) to entities.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { OrgScope } from "./store.ts";

/** Largest page a client may ask for. */
export const MAX_PAGE = 500;

/**
 * Validate a client-supplied cursor (an opaque base64url string made by the store).
 * Returns null for none; throws `invalid_cursor` for anything else.
 */
export function decodeCursorParam(cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined || cursor === "") return null;
  if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+=*$/.test(cursor)) {
    throw new DomainError("invalid", "invalid_cursor", "The cursor is not valid for this list");
  }
  return cursor;
}

/**
 * One page of entities found through an index under `indexParts` whose entries point (by id)
 * at entities stored at `[entityKind, id]`. Dangling pointers (should never exist, since indexes
 * are written atomically with entities) are skipped.
 *
 * @example
 * ```ts
 * const page = await pageViaIndex<TimeEntry>(scope, ["entry_by_user", userId], "entry", {
 *   limit: 50,
 *   startParts: [fromMs],
 *   endParts: [toMs],
 * });
 * ```
 */
export async function pageViaIndex<T>(
  scope: OrgScope,
  indexParts: Deno.KvKeyPart[],
  entityKind: string,
  options: {
    limit: number;
    cursor?: string | null;
    reverse?: boolean;
    startParts?: Deno.KvKeyPart[];
    endParts?: Deno.KvKeyPart[];
  },
): Promise<{ data: T[]; nextCursor: string | null }> {
  const page = await scope.page<string>(scope.key(...indexParts), {
    limit: options.limit,
    cursor: options.cursor,
    reverse: options.reverse,
    start: options.startParts ? scope.key(...indexParts, ...options.startParts) : undefined,
    end: options.endParts ? scope.key(...indexParts, ...options.endParts) : undefined,
  });
  const entities = await scope.getMany<T>(
    page.items.map((e) => scope.key(entityKind, e.value)),
  );
  return {
    data: entities.flatMap((e) => (e.value === null ? [] : [e.value])),
    nextCursor: page.nextCursor,
  };
}
