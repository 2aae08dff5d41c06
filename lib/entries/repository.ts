/**
 * Time entries over KV. Keys (all under the organization's scope):
 *
 * - `["entry", id]` → the entry
 * - `["entry_by_user", userId, startMs, id]` → id, `["entry_by_start", startMs, id]` → id
 * - `["open_entry", userId]` → id of the running entry: its absence is checked when clocking in,
 *   so at most one entry per member is open, guaranteed by the store
 * - `["user_rev", userId]` → `{maxDurationMs}`: checked and rewritten by every change to the
 *   member's entries, which serializes them (no overlap can slip in between a check and a write)
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { type Atomic, isId, type Key, newId, type OrgScope, pageViaIndex } from "../kv/mod.ts";
import { addAudit, entityHistory } from "../audit/audit.ts";
import { overlaps, type TimeEntry, viewEntry } from "./model.ts";

interface UserRev {
  maxDurationMs: number;
}

/** What the store says about one member's entries right now. */
export interface Timeline {
  userId: string;
  revVersionstamp: string | null;
  maxDurationMs: number;
  open: { entry: TimeEntry; versionstamp: string } | null;
}

/** Read the member's revision and running entry. */
export async function readTimeline(scope: OrgScope, userId: string): Promise<Timeline> {
  const [rev, ptr] = await scope.store.getMany<UserRev | string>([
    scope.key("user_rev", userId),
    scope.key("open_entry", userId),
  ]);
  let open: Timeline["open"] = null;
  if (typeof ptr.value === "string") {
    const e = await scope.get<TimeEntry>("entry", ptr.value);
    if (e.value) open = { entry: e.value, versionstamp: e.versionstamp };
  }
  return {
    userId,
    revVersionstamp: rev.versionstamp,
    maxDurationMs: (rev.value as UserRev | null)?.maxDurationMs ?? 0,
    open,
  };
}

/** The entry with `id` and its versionstamp, or null. */
export async function readEntry(
  scope: OrgScope,
  id: string,
): Promise<{ entry: TimeEntry; versionstamp: string } | null> {
  if (!isId(id)) return null;
  const e = await scope.get<TimeEntry>("entry", id);
  return e.value === null ? null : { entry: e.value, versionstamp: e.versionstamp };
}

/**
 * Throw `entry_overlap` when [start, end) overlaps another entry of the member (`end` null means
 * still running). `excludeId` is the entry being edited.
 */
export async function assertNoOverlap(
  scope: OrgScope,
  timeline: Timeline,
  start: number,
  end: number | null,
  excludeId: string | null,
): Promise<void> {
  const stop = end ?? Number.MAX_SAFE_INTEGER;
  const open = timeline.open?.entry;
  if (open && open.id !== excludeId && overlaps(start, stop, open.start, Number.MAX_SAFE_INTEGER)) {
    throw overlapError(open);
  }
  const from = Math.max(0, start - timeline.maxDurationMs);
  const idx = scope.key("entry_by_user", timeline.userId);
  const ids: string[] = [];
  for await (
    const e of scope.store.list<string>(idx, {
      start: scope.key("entry_by_user", timeline.userId, from),
      end: scope.key("entry_by_user", timeline.userId, Math.min(stop, Number.MAX_SAFE_INTEGER)),
    })
  ) {
    if (e.value !== excludeId) ids.push(e.value);
  }
  const entries = await scope.store.getMany<TimeEntry>(ids.map((id) => scope.key("entry", id)));
  for (const e of entries) {
    const other = e.value;
    if (other && overlaps(start, stop, other.start, other.end ?? Number.MAX_SAFE_INTEGER)) {
      throw overlapError(other);
    }
  }
}

function overlapError(other: TimeEntry): DomainError {
  return new DomainError("conflict", "entry_overlap", "This time overlaps another entry", {
    entryId: other.id,
    start: new Date(other.start).toISOString(),
    end: other.end === null ? null : new Date(other.end).toISOString(),
  });
}

/** One change to one entry, to be committed with its audit record. */
export interface EntryChange {
  before: { entry: TimeEntry; versionstamp: string } | null;
  after: TimeEntry | null;
  action: string;
  actorId: string;
  reason: string | null;
  /** Further keys that must be unchanged (e.g. the member's membership). */
  checks?: { key: Key; versionstamp: string | null }[];
}

function addIndexes(op: Atomic, scope: OrgScope, e: TimeEntry, remove: boolean): void {
  const keys = [
    scope.key("entry_by_user", e.userId, e.start, e.id),
    scope.key("entry_by_start", e.start, e.id),
  ];
  for (const k of keys) remove ? op.delete(k) : op.set(k, e.id);
}

/** Build the atomic operation that applies `change` on top of `timeline`. */
function buildCommit(
  scope: OrgScope,
  timeline: Timeline,
  change: EntryChange,
  now: number,
): Atomic {
  const { before, after } = change;
  const op = scope.store.atomic();
  const durationOf = (e: TimeEntry | null) => (e && e.end !== null ? e.end - e.start : 0);
  op.check(scope.key("user_rev", timeline.userId), timeline.revVersionstamp).set(
    scope.key("user_rev", timeline.userId),
    { maxDurationMs: Math.max(timeline.maxDurationMs, durationOf(after)) } satisfies UserRev,
  );
  for (const c of change.checks ?? []) op.check(c.key, c.versionstamp);
  if (before) {
    op.check(scope.key("entry", before.entry.id), before.versionstamp);
    if (!after || after.start !== before.entry.start) addIndexes(op, scope, before.entry, true);
  }
  if (after) {
    op.set(scope.key("entry", after.id), after);
    if (!before || after.start !== before.entry.start) addIndexes(op, scope, after, false);
  } else if (before) {
    op.delete(scope.key("entry", before.entry.id));
  }
  const wasOpen = before !== null && before.entry.end === null;
  const isOpen = after !== null && after.end === null;
  const openKey = scope.key("open_entry", timeline.userId);
  if (wasOpen && !isOpen) op.delete(openKey);
  if (!wasOpen && isOpen) op.check(openKey, null).set(openKey, after!.id);
  const entityId = (after ?? before!.entry).id;
  addAudit(op, scope, {
    actorId: change.actorId,
    action: change.action,
    entity: { kind: "entry", id: entityId },
    reason: change.reason,
    before: before ? viewEntry(before.entry, now) : null,
    after: after ? viewEntry(after, now) : null,
  }, now);
  return op;
}

/**
 * Apply a change to one member's entries atomically. `plan` reads the current state and returns
 * the change (or throws a domain error); when another change lands first, the state is read again
 * and `plan` runs again, so its checks always hold at commit time. Likewise a refusal is only
 * reported when the member's entries did not change while `plan` looked at them: a refusal made
 * on a stale timeline (say `entry_overlap` with an entry clocked in meanwhile) is planned again
 * (and becomes `already_clocked_in`).
 */
export async function commitEntryChange(
  scope: OrgScope,
  userId: string,
  plan: (timeline: Timeline) => Promise<EntryChange>,
  now: number,
): Promise<TimeEntry | null> {
  const attempts = 8;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const timeline = await readTimeline(scope, userId);
    let change: EntryChange;
    try {
      change = await plan(timeline);
    } catch (err) {
      if (err instanceof DomainError && attempt < attempts) {
        const rev = await scope.get("user_rev", userId);
        if (rev.versionstamp !== timeline.revVersionstamp) continue;
      }
      throw err;
    }
    if (await buildCommit(scope, timeline, change, now).commit()) return change.after;
  }
  throw new DomainError("conflict", "concurrent_change", "The entries changed meanwhile; retry");
}

/** A new entry id. */
export function newEntryId(now: number): string {
  return newId(now);
}

/** The entry with `id`, or `not_found`. */
export async function getEntry(scope: OrgScope, id: string): Promise<TimeEntry> {
  const found = await readEntry(scope, id);
  if (!found) throw notFound("time entry");
  return found.entry;
}

/** Filters of {@linkcode listEntries}: entries whose start lies in [from, to). */
export interface EntryQuery {
  userId?: string;
  from?: number;
  to?: number;
  limit: number;
  cursor?: string | null;
}

/** One page of entries, oldest start first. */
export function listEntries(
  scope: OrgScope,
  q: EntryQuery,
): Promise<{ data: TimeEntry[]; nextCursor: string | null }> {
  const index = q.userId ? ["entry_by_user", q.userId] : ["entry_by_start"];
  return pageViaIndex<TimeEntry>(scope, index, "entry", {
    limit: q.limit,
    cursor: q.cursor,
    startParts: q.from !== undefined ? [q.from] : undefined,
    endParts: q.to !== undefined ? [q.to] : undefined,
  });
}

/** Every entry of the member starting in [from, to) (for bounded views such as a week). */
export async function entriesBetween(
  scope: OrgScope,
  userId: string,
  from: number,
  to: number,
): Promise<TimeEntry[]> {
  const ids: string[] = [];
  for await (
    const e of scope.store.list<string>(scope.key("entry_by_user", userId), {
      start: scope.key("entry_by_user", userId, from),
      end: scope.key("entry_by_user", userId, to),
    })
  ) ids.push(e.value);
  const got = await scope.store.getMany<TimeEntry>(ids.map((id) => scope.key("entry", id)));
  return got.flatMap((e) => (e.value ? [e.value] : []));
}

/** The audit history of an entry (also after deletion); `not_found` when it never existed. */
export async function entryAuditHistory(
  scope: OrgScope,
  id: string,
  options: { limit: number; cursor?: string | null },
) {
  if (!isId(id)) throw notFound("time entry");
  const page = await entityHistory(scope, "entry", id, options);
  if (page.data.length === 0 && !options.cursor) throw notFound("time entry");
  return page;
}
