/**
 * Time entries over KV. Keys (all under the organization's scope):
 *
 * - `["entry", userId, startMs, id]` → the entry. Entries live in time order per member, so a
 *   member's week or year is one range scan (reports read thousands of members this way)
 * - `["entry_ref", id]` → `{userId, start}`: finds an entry by id
 * - `["entry_by_start", startMs, id]` → `{userId}`: the organization's entries in time order
 * - `["open_entry", userId]` → `{id, start}` of the running entry: its absence is checked when
 *   clocking in, so at most one entry per member is open, guaranteed by the store
 * - `["user_rev", userId]` → `{maxDurationMs, lockFrom?, lockTo?}`: checked and rewritten by every
 *   change to the member's entries, which serializes them (no overlap can slip in between a check
 *   and a write); approving a timesheet checks and rewrites it too, so its totals and its lock
 *   are exact (see `locks.ts`)
 * - `["period_lock", userId, startMs]` → a locked pay period (`locks.ts`); every change whose
 *   entry interval before or after touches one is refused with 409 `period_locked`
 * - `["usage", "YYYY-MM-DD", "entriesCreated"]`: summed (`lib/billing/usage.ts`) by every commit
 *   that creates an entry
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { type Atomic, isId, type Key, type MaybeEntry, newId, type OrgScope } from "../kv/mod.ts";
import { addAudit, entityHistory } from "../audit/audit.ts";
import { overlaps, type TimeEntry, validateTimes, viewEntry } from "./model.ts";
import { assertUnlocked, type LockHint } from "./locks.ts";
import { addUsage } from "../billing/usage.ts";
import { type Principal, userPrincipal } from "../principal.ts";
import { serializePerMember } from "./member_lock.ts";

/**
 * Who makes a change, as its audit record names it: a principal (use cases pass
 * `ctx.principal`), or a user id (scripts and fixtures acting as that person).
 */
export type Actor = Principal | string;

/** The principal of `actor`. */
export function principalOf(actor: Actor): Principal {
  return typeof actor === "string" ? userPrincipal(actor) : actor;
}

/** The member's revision record: the longest entry they ever had and the span of their locks. */
export interface UserRev extends LockHint {
  maxDurationMs: number;
  /**
   * An upper bound of every closed entry's end: no entry of the member ever ended later. A new
   * interval starting at or after it cannot overlap a closed entry, so clocking in needs no scan.
   * Absent on records written before it was kept (then the scan always runs).
   */
  lastEndMs?: number;
}

/** `rev` after writing `entries`: the longest duration and the latest end kept up to date. */
function revAfter(timeline: Timeline, entries: (TimeEntry | null)[]): UserRev {
  const closed = entries.filter((e): e is TimeEntry => e !== null && e.end !== null);
  const known = timeline.rev.lastEndMs;
  return {
    ...timeline.rev,
    maxDurationMs: Math.max(timeline.maxDurationMs, ...closed.map((e) => e.end! - e.start)),
    lastEndMs: known === undefined ? undefined : Math.max(known, ...closed.map((e) => e.end!)),
  };
}

/** Where an entry is found from its id, its running pointer or the org-wide index. */
interface EntryRef {
  userId: string;
  start: number;
}

function entityKey(scope: OrgScope, e: { userId: string; start: number; id: string }): Key {
  return scope.key("entry", e.userId, e.start, e.id);
}

/** What the store says about one member's entries right now. */
export interface Timeline {
  userId: string;
  revVersionstamp: string | null;
  maxDurationMs: number;
  /** The revision record as read (rewritten, with its lock span kept, by every change). */
  rev: UserRev;
  open: { entry: TimeEntry; versionstamp: string } | null;
}

/** The key of the member's revision record (checked by anything that must see their entries still). */
export function userRevKey(scope: OrgScope, userId: string): Key {
  return scope.key("user_rev", userId);
}

/** The two keys a timeline starts from, as read (see {@linkcode timelineParts}). */
export type TimelineKeys = MaybeEntry<unknown>[];

/**
 * The key parts (after the org prefix) of the member's revision and running-entry pointer, for
 * callers that read them together with other keys and pass them to {@linkcode readTimeline}.
 */
export function timelineParts(userId: string): Deno.KvKeyPart[][] {
  return [["user_rev", userId], ["open_entry", userId]];
}

/** Read the member's revision and running entry (from `prefetched` keys when given). */
export async function readTimeline(
  scope: OrgScope,
  userId: string,
  prefetched?: TimelineKeys,
): Promise<Timeline> {
  const [rev, ptr] = prefetched ??
    await scope.getMany<unknown>(timelineParts(userId).map((p) => scope.key(...p)));
  let open: Timeline["open"] = null;
  const running = ptr.value as { id: string; start: number } | null;
  if (running) {
    const e = await scope.getKey<TimeEntry>(entityKey(scope, { userId, ...running }));
    if (e.value) open = { entry: e.value, versionstamp: e.versionstamp };
  }
  // No record yet means no entries yet: nothing has ended.
  const value = (rev.value as UserRev | null) ?? { maxDurationMs: 0, lastEndMs: 0 };
  return {
    userId,
    revVersionstamp: rev.versionstamp,
    maxDurationMs: value.maxDurationMs ?? 0,
    rev: value,
    open,
  };
}

/** The entry with `id` and its versionstamp, or null. */
export async function readEntry(
  scope: OrgScope,
  id: string,
): Promise<{ entry: TimeEntry; versionstamp: string } | null> {
  if (!isId(id)) return null;
  const ref = (await scope.get<EntryRef>("entry_ref", id)).value;
  if (!ref) return null;
  const e = await scope.getKey<TimeEntry>(entityKey(scope, { ...ref, id }));
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
  const lastEnd = timeline.rev.lastEndMs;
  if (lastEnd !== undefined && lastEnd <= start) return;
  const from = Math.max(0, start - timeline.maxDurationMs);
  for (const other of await entriesBetween(scope, timeline.userId, from, stop)) {
    if (other.id === excludeId) continue;
    if (overlaps(start, stop, other.start, other.end ?? Number.MAX_SAFE_INTEGER)) {
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
  /** Who makes the change (named by its audit record). */
  by: Actor;
  reason: string | null;
  /** Further keys that must be unchanged (e.g. the member's membership). */
  checks?: { key: Key; versionstamp: string | null }[];
}

function placeEntry(op: Atomic, scope: OrgScope, e: TimeEntry): void {
  op.set(entityKey(scope, e), e)
    .set(scope.key("entry_ref", e.id), { userId: e.userId, start: e.start } satisfies EntryRef)
    .set(scope.key("entry_by_start", e.start, e.id), { userId: e.userId });
}

function unplaceEntry(op: Atomic, scope: OrgScope, e: TimeEntry, keepRef: boolean): void {
  op.delete(entityKey(scope, e)).delete(scope.key("entry_by_start", e.start, e.id));
  if (!keepRef) op.delete(scope.key("entry_ref", e.id));
}

/**
 * What else a change carries into its commit beyond the entry, its indexes and its audit record:
 * the use case's events (`lib/entries/events.ts`). Called once per attempt, on the operation
 * about to be committed, so what it adds exists exactly when the change does.
 */
export type EntryEffects = (op: Atomic, change: EntryChange, now: number) => void;

/** Build the atomic operation that applies `change` on top of `timeline`. */
function buildCommit(
  scope: OrgScope,
  timeline: Timeline,
  change: EntryChange,
  now: number,
): Atomic {
  const { before, after } = change;
  const op = scope.atomic();
  op.check(scope.key("user_rev", timeline.userId), timeline.revVersionstamp).set(
    scope.key("user_rev", timeline.userId),
    revAfter(timeline, [after]),
  );
  for (const c of change.checks ?? []) op.check(c.key, c.versionstamp);
  if (before) {
    op.check(entityKey(scope, before.entry), before.versionstamp);
    if (!after || after.start !== before.entry.start) {
      unplaceEntry(op, scope, before.entry, !!after);
    }
  }
  if (after) {
    if (!before || after.start !== before.entry.start) placeEntry(op, scope, after);
    else op.set(entityKey(scope, after), after);
  }
  // A new entry is counted in the very commit that creates it (usage, `lib/billing/usage.ts`).
  if (!before && after) addUsage(op, scope, "entriesCreated", 1, now);
  const wasOpen = before !== null && before.entry.end === null;
  const isOpen = after !== null && after.end === null;
  const openKey = scope.key("open_entry", timeline.userId);
  if (wasOpen && !isOpen) op.delete(openKey);
  if (!wasOpen && isOpen) {
    op.check(openKey, null).set(openKey, { id: after!.id, start: after!.start });
  }
  if (wasOpen && isOpen && after!.start !== before!.entry.start) {
    op.set(openKey, { id: after!.id, start: after!.start });
  }
  const entityId = (after ?? before!.entry).id;
  addAudit(op, scope, {
    principal: principalOf(change.by),
    action: change.action,
    entity: { kind: "entry", id: entityId },
    reason: change.reason,
    before: before ? viewEntry(before.entry, now) : null,
    after: after ? viewEntry(after, now) : null,
  }, now);
  return op;
}

/** The intervals a change touches: the entry before and after (a running one up to `now`). */
function touchedIntervals(change: EntryChange, now: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const e of [change.before?.entry ?? null, change.after]) {
    if (e) out.push({ from: e.start, to: e.end ?? Math.max(now, e.start) });
  }
  return out;
}

/**
 * Apply a change to one member's entries atomically. `plan` reads the current state and returns
 * the change (or throws a domain error); when another change lands first, the state is read again
 * and `plan` runs again, so its checks always hold at commit time. Likewise a refusal is only
 * reported when the member's entries did not change while `plan` looked at them: a refusal made
 * on a stale timeline (say `entry_overlap` with an entry clocked in meanwhile) is planned again
 * (and becomes `already_clocked_in`).
 *
 * A change whose entry, before or after, touches a locked pay period (an approved timesheet) is
 * refused with 409 `period_locked`; approvals rewrite the revision key, so a lock written after
 * the timeline was read makes the commit fail and the change is planned again.
 *
 * Changes of one member queue in this process (`member_lock.ts`), so changes that do not
 * conflict (16 parallel corrections on different days) never use up each other's attempts;
 * the checks above still decide races with other processes.
 */
export function commitEntryChange(
  scope: OrgScope,
  userId: string,
  plan: (timeline: Timeline) => Promise<EntryChange>,
  now: number,
  prefetched?: TimelineKeys,
  effects?: EntryEffects,
): Promise<TimeEntry | null> {
  // One change per member at a time in this process: changes that do not conflict then never
  // fail each other's revision check (16 parallel corrections all succeed). Keys the request
  // read before it had to wait are stale, so a waiting change reads afresh.
  return serializePerMember(
    scope,
    userId,
    (waited) => planAndCommit(scope, userId, plan, now, waited ? undefined : prefetched, effects),
  );
}

/** Attempts of {@linkcode planAndCommit} before it answers `concurrent_change`. */
const ATTEMPTS = 8;

async function planAndCommit(
  scope: OrgScope,
  userId: string,
  plan: (timeline: Timeline) => Promise<EntryChange>,
  now: number,
  prefetched?: TimelineKeys,
  effects?: EntryEffects,
): Promise<TimeEntry | null> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    // The first attempt may start from keys the request already read; a stale read only fails
    // the commit's checks and the next attempt reads afresh.
    const timeline = await readTimeline(scope, userId, attempt === 1 ? prefetched : undefined);
    let change: EntryChange;
    try {
      change = await plan(timeline);
      await assertUnlocked(scope, userId, timeline.rev, touchedIntervals(change, now));
    } catch (err) {
      if (err instanceof DomainError && attempt < ATTEMPTS) {
        const rev = await scope.get("user_rev", userId);
        if (rev.versionstamp !== timeline.revVersionstamp) continue;
      }
      throw err;
    }
    const op = buildCommit(scope, timeline, change, now);
    effects?.(op, change, now);
    if (await op.commit()) return change.after;
    // Lost to a writer outside this process's queue (another process, an approval): back off a
    // little, randomly, so racing processes do not collide again in lockstep.
    if (attempt > 1) await new Promise((r) => setTimeout(r, Math.random() * 2 ** attempt));
  }
  throw new DomainError("conflict", "concurrent_change", "The entries changed meanwhile; retry");
}

/** Entries per atomic commit of {@linkcode importEntries} (5 mutations each, under the 1000 limit). */
const IMPORT_CHUNK = 150;

/**
 * Import closed entries of one member in bulk (data migrations, imports from other systems, the
 * benchmark's fixtures): exactly the keys and audit records `commitEntryChange` writes
 * (`entry.create` with `reason`), up to 150 entries per atomic commit, each commit checking and
 * rewriting the member's revision key. `entries` must belong to `userId`, be closed, valid and
 * not overlap each other or the member's existing entries (`entry_overlap`), nor touch a locked
 * period (`period_locked`). Returns how many were written.
 *
 * @example
 * ```ts
 * await importEntries(scope, userId, shifts.map((s) => ({ ...s, id: newEntryId(now), … })), adminId, "import", now);
 * ```
 */
export function importEntries(
  scope: OrgScope,
  userId: string,
  entries: TimeEntry[],
  by: Actor,
  reason: string,
  now: number,
): Promise<number> {
  return serializePerMember(
    scope,
    userId,
    () => importSorted(scope, userId, entries, by, reason, now),
  );
}

async function importSorted(
  scope: OrgScope,
  userId: string,
  entries: TimeEntry[],
  by: Actor,
  reason: string,
  now: number,
): Promise<number> {
  const sorted = [...entries].sort((a, b) => a.start - b.start);
  for (const [i, e] of sorted.entries()) {
    if (e.userId !== userId || e.end === null) {
      throw new DomainError("invalid", "invalid_interval", "import closed entries of one member");
    }
    validateTimes(e, now, { manual: false });
    const prev = sorted[i - 1];
    if (prev && prev.end! > e.start) throw overlapError(prev);
  }
  let written = 0;
  for (let i = 0; i < sorted.length; i += IMPORT_CHUNK) {
    const chunk = sorted.slice(i, i + IMPORT_CHUNK);
    const from = chunk[0].start;
    const to = chunk[chunk.length - 1].end!;
    const timeline = await readTimeline(scope, userId);
    const open = timeline.open?.entry;
    const existing = await entriesBetween(
      scope,
      userId,
      Math.max(0, from - timeline.maxDurationMs),
      to,
    );
    if (open) existing.push(open);
    for (const e of chunk) {
      const hit = existing.find((o) =>
        overlaps(e.start, e.end!, o.start, o.end ?? Number.MAX_SAFE_INTEGER)
      );
      if (hit) throw overlapError(hit);
    }
    await assertUnlocked(scope, userId, timeline.rev, [{ from, to }]);
    const op = scope.atomic();
    op.check(userRevKey(scope, userId), timeline.revVersionstamp)
      .set(userRevKey(scope, userId), revAfter(timeline, chunk));
    for (const e of chunk) {
      placeEntry(op, scope, e);
      addAudit(op, scope, {
        principal: principalOf(by),
        action: "entry.create",
        entity: { kind: "entry", id: e.id },
        reason,
        before: null,
        after: viewEntry(e, now),
      }, now);
    }
    addUsage(op, scope, "entriesCreated", chunk.length, now);
    if (!(await op.commit())) {
      throw new DomainError(
        "conflict",
        "concurrent_change",
        "The entries changed meanwhile; retry",
      );
    }
    written += chunk.length;
  }
  return written;
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
export async function listEntries(
  scope: OrgScope,
  q: EntryQuery,
): Promise<{ data: TimeEntry[]; nextCursor: string | null }> {
  const bounds = (prefix: Deno.KvKeyPart[]) => ({
    start: q.from !== undefined ? scope.key(...prefix, q.from) : undefined,
    end: q.to !== undefined ? scope.key(...prefix, q.to) : undefined,
  });
  if (q.userId) {
    const page = await scope.page<TimeEntry>(scope.key("entry", q.userId), {
      limit: q.limit,
      cursor: q.cursor,
      ...bounds(["entry", q.userId]),
    });
    return { data: page.items.map((e) => e.value), nextCursor: page.nextCursor };
  }
  const page = await scope.page<{ userId: string }>(scope.key("entry_by_start"), {
    limit: q.limit,
    cursor: q.cursor,
    ...bounds(["entry_by_start"]),
  });
  const got = await scope.getMany<TimeEntry>(page.items.map((e) =>
    entityKey(scope, {
      userId: e.value.userId,
      start: e.key[3] as number,
      id: e.key[4] as string,
    })
  ));
  return { data: got.flatMap((e) => (e.value ? [e.value] : [])), nextCursor: page.nextCursor };
}

/** Every entry of the member starting in [from, to), oldest first: one range scan. */
export async function entriesBetween(
  scope: OrgScope,
  userId: string,
  from: number,
  to: number,
): Promise<TimeEntry[]> {
  const out: TimeEntry[] = [];
  for await (
    const e of scope.list<TimeEntry>(scope.key("entry", userId), {
      start: scope.key("entry", userId, from),
      end: scope.key("entry", userId, Math.min(to, Number.MAX_SAFE_INTEGER)),
    })
  ) out.push(e.value);
  return out;
}

/** What a report needs to know of a member before scanning their entries. */
export interface ScanHint {
  /** The member's longest closed entry ever (ms). */
  maxDurationMs: number;
  /** The running entry's pointer, if any. */
  open: { id: string; start: number } | null;
}

/**
 * Scan hints of every member of the organization that ever had an entry: two range scans (the
 * revision keys and the running-entry pointers), however many members there are. Members absent
 * from the map have no entries at all.
 */
export async function scanHints(scope: OrgScope): Promise<Map<string, ScanHint>> {
  const out = new Map<string, ScanHint>();
  for await (const e of scope.list<UserRev>(scope.key("user_rev"))) {
    out.set(e.key[3] as string, { maxDurationMs: e.value.maxDurationMs ?? 0, open: null });
  }
  for await (const e of scope.list<{ id: string; start: number }>(scope.key("open_entry"))) {
    const userId = e.key[3] as string;
    const hint = out.get(userId) ?? { maxDurationMs: 0, open: null };
    hint.open = { id: e.value.id, start: e.value.start };
    out.set(userId, hint);
  }
  return out;
}

/**
 * Every entry of the member that overlaps `[from, to)`, oldest first, given their scan hint:
 * one range scan (plus one read for a running entry that started before the scanned range).
 */
export async function entriesOverlappingWith(
  scope: OrgScope,
  userId: string,
  from: number,
  to: number,
  now: number,
  hint: ScanHint,
): Promise<TimeEntry[]> {
  const scanFrom = Math.max(0, from - hint.maxDurationMs);
  const found = await entriesBetween(scope, userId, scanFrom, to);
  const open = hint.open;
  if (open && open.start < to && !found.some((e) => e.id === open.id)) {
    const e = await scope.getKey<TimeEntry>(entityKey(scope, { userId, ...open }));
    if (e.value) {
      found.push(e.value);
      found.sort((a, b) => a.start - b.start);
    }
  }
  // The scan is in time order; only entries ending after `from` overlap.
  return found.filter((e) => (e.end ?? Math.max(now, e.start)) > from);
}

/**
 * Every entry of the member that overlaps `[from, to)`, oldest first; a running entry counts up
 * to `now`. Entries that started before `from` are found however long they are, because the
 * member's revision key remembers the longest entry they ever had.
 */
export async function entriesOverlapping(
  scope: OrgScope,
  userId: string,
  from: number,
  to: number,
  now: number,
): Promise<TimeEntry[]> {
  const timeline = await readTimeline(scope, userId);
  const found = await entriesBetween(scope, userId, Math.max(0, from - timeline.maxDurationMs), to);
  const open = timeline.open?.entry;
  if (open && open.start < to && !found.some((e) => e.id === open.id)) found.push(open);
  return found
    .filter((e) => (e.end ?? Math.max(now, e.start)) > from)
    .sort((a, b) => a.start - b.start);
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
