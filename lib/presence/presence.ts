/**
 * Presence: who is in, on a break or out right now, as a stream of changes the live team board
 * follows (`GET …/live`, issue #10). Every punch (and every correction that opens or closes a
 * running entry) writes, in its own commit:
 *
 * - `["org", orgId, "presence_event", eventId]` = {@linkcode PresenceEvent}, kept 24 hours, in
 *   id order (ids are time-ordered ULIDs);
 * - `sum(["org", orgId, "presence_seq"], 1)`: a counter that changes with every event, the one key
 *   a watcher (`kv.watch`) follows per organization. A `sum` commutes, so concurrent punches never
 *   conflict on it (and group commit may pack them, issue #11).
 *
 * A watcher woken by the counter lists the events after the last id it sent, starting a little
 * earlier ({@linkcode PRESENCE_OVERLAP_MS}) and skipping ids already sent, because ids made by
 * concurrent requests may commit out of order.
 *
 * @module
 */

import type { Atomic, OrgScope } from "../kv/mod.ts";
import { newId } from "../kv/mod.ts";
import type { TimeEntry } from "../entries/model.ts";

/** Where a member stands. */
export type PresenceState = "in" | "break" | "out";

/** One change of a member's presence. */
export interface PresenceEvent {
  /** Time-ordered id (the SSE event id; `Last-Event-ID` resumes after it). */
  id: string;
  userId: string;
  state: PresenceState;
  /** Since when (ISO 8601 UTC): the clock-in, the break's start, or the clock-out. */
  since: string;
  /** The entry the state belongs to (the closed one for `out`), or null. */
  entryId: string | null;
}

/** How long presence events are kept (a board reconnecting later gets a fresh snapshot). */
export const PRESENCE_TTL_MS = 24 * 3_600_000;
/** How far before the last sent id a watcher lists again (out-of-order commits). */
export const PRESENCE_OVERLAP_MS = 5_000;
/** The key parts (after the org prefix) of the counter watchers follow. */
export const PRESENCE_SEQ_PARTS = ["presence_seq"] as const;

/** The presence an entry gives its member (`null` entry: out since `now`). */
export function presenceOfEntry(
  entry: TimeEntry | null,
  now: number,
): { state: PresenceState; since: number; entryId: string | null } {
  if (!entry || entry.end !== null) {
    return { state: "out", since: entry?.end ?? now, entryId: entry?.id ?? null };
  }
  const last = entry.breaks.at(-1);
  if (last && last.end === null) return { state: "break", since: last.start, entryId: entry.id };
  return { state: "in", since: entry.start, entryId: entry.id };
}

/**
 * Add presence event for `userId` to `op` when an entry change moves the member's presence
 * (`before` → `after`: the member's running entry before and after, or null). Returns the
 * event, or null when nothing changed (an edit of a closed entry, a note).
 */
export function addPresenceChange(
  op: Atomic,
  scope: OrgScope,
  userId: string,
  before: TimeEntry | null,
  after: TimeEntry | null,
  now: number,
): PresenceEvent | null {
  const wasRunning = before && before.end === null ? before : null;
  const isRunning = after && after.end === null ? after : null;
  if (!wasRunning && !isRunning) return null;
  const was = presenceOfEntry(wasRunning, now);
  const is = isRunning ? presenceOfEntry(isRunning, now) : {
    state: "out" as const,
    since: after?.end ?? now,
    entryId: wasRunning!.id,
  };
  if (was.state === is.state && was.since === is.since && was.entryId === is.entryId) return null;
  const event: PresenceEvent = {
    id: newId(now),
    userId,
    state: is.state,
    since: new Date(is.since).toISOString(),
    entryId: is.entryId,
  };
  op.set(scope.key("presence_event", event.id), event, { expireIn: PRESENCE_TTL_MS });
  op.sum(scope.key(...PRESENCE_SEQ_PARTS), 1n);
  return event;
}

/**
 * Presence events of the organization after `afterId` (exclusive), oldest first, at most
 * `limit`; from `sinceMs` when no id is given.
 */
export async function presenceEventsAfter(
  scope: OrgScope,
  options: { afterId?: string | null; sinceMs?: number; limit?: number } = {},
): Promise<PresenceEvent[]> {
  const out: PresenceEvent[] = [];
  const start = options.afterId
    ? scope.key("presence_event", options.afterId + "\u0000")
    : options.sinceMs !== undefined
    ? scope.key("presence_event", newId(options.sinceMs).slice(0, 10))
    : undefined;
  const iter = scope.list<PresenceEvent>(scope.key("presence_event"), {
    start,
    limit: options.limit ?? 1000,
  });
  for await (const e of iter) out.push(e.value);
  return out;
}
