/**
 * Exports over KV (all under the organization's scope):
 *
 * - `["export", id]` → {@linkcode ExportRecord}; ids are time-sortable, so a reverse scan lists
 *   the newest first
 * - `["export_chunk", id, n]` → `Uint8Array` of at most {@linkcode CHUNK_BYTES}: the file, in
 *   order from `n = 0`
 * - `["report_schedule"]` → the report schedule (`schedule.ts`)
 * - `["report_schedule_run", periodStart]` → the export made for a finished period (the marker
 *   that makes the hourly cron create it once)
 *
 * Records and chunks carry `expireIn` up to the record's `expiresAt` (7 days after creation);
 * KV's expiry is lazy, so readers check `expiresAt` themselves.
 *
 * @module
 */

import type { Atomic, Key, OrgScope } from "../kv/mod.ts";
import { isId } from "../kv/mod.ts";
import type { ExportRecord } from "./model.ts";

/** The key of export `id`. */
export function exportKey(scope: OrgScope, id: string): Key {
  return scope.key("export", id);
}

/** The key of chunk `n` of export `id`. */
export function chunkKey(scope: OrgScope, id: string, n: number): Key {
  return scope.key("export_chunk", id, n);
}

/** The `expireIn` of a write at `now` for a record that expires at `expiresAt` (at least 1 s). */
export function expireInFor(expiresAt: number, now: number): number {
  return Math.max(1_000, expiresAt - now);
}

/** Write `record` into `op`, expiring with it. */
export function setExport(op: Atomic, scope: OrgScope, record: ExportRecord, now: number): Atomic {
  return op.set(exportKey(scope, record.id), record, {
    expireIn: expireInFor(record.expiresAt, now),
  });
}

/** Export `id` with its versionstamp, or null (unknown, malformed id, or swept). */
export async function readExport(
  scope: OrgScope,
  id: string,
): Promise<{ record: ExportRecord; versionstamp: string } | null> {
  if (!isId(id)) return null;
  const e = await scope.get<ExportRecord>("export", id);
  return e.value ? { record: e.value, versionstamp: e.versionstamp } : null;
}

/**
 * The newest exports first, at most `limit` of those `keep` accepts (scanning at most 500, so an
 * employee's list in a busy organization stays one bounded scan).
 */
export async function recentExports(
  scope: OrgScope,
  limit: number,
  keep: (e: ExportRecord) => boolean = () => true,
): Promise<ExportRecord[]> {
  const out: ExportRecord[] = [];
  for await (
    const e of scope.list<ExportRecord>(scope.key("export"), { reverse: true, limit: 500 })
  ) {
    if (!keep(e.value)) continue;
    out.push(e.value);
    if (out.length >= limit) break;
  }
  return out;
}

/** Delete every stored chunk of export `id` (a re-run starts from nothing). Returns how many. */
export async function deleteChunks(scope: OrgScope, id: string): Promise<number> {
  let deleted = 0;
  let op = scope.atomic();
  let inOp = 0;
  for await (const e of scope.list<Uint8Array>(scope.key("export_chunk", id))) {
    op.delete(e.key);
    deleted++;
    if (++inOp === 500) {
      await op.commit();
      op = scope.atomic();
      inOp = 0;
    }
  }
  if (inOp) await op.commit();
  return deleted;
}

/** The file of export `id`: its `count` chunks read one at a time, in order. */
export async function* readChunks(
  scope: OrgScope,
  id: string,
  count: number,
): AsyncIterable<Uint8Array> {
  for (let n = 0; n < count; n++) {
    const e = await scope.getKey<Uint8Array>(chunkKey(scope, id, n));
    if (!(e.value instanceof Uint8Array)) throw new Error(`export ${id}: chunk ${n} is missing`);
    yield e.value;
  }
}
