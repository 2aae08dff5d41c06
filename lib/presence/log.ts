/**
 * Reading the presence log (`["org", o, "presence_event", id]`, written by `presence.ts`) by id:
 * where it ends, what came after an id, and the time-only ids ("cursors") that mark a point in
 * time without naming an event.
 *
 * @module
 */

import { isId, type OrgScope } from "../kv/mod.ts";
import { PRESENCE_TTL_MS, type PresenceEvent } from "./presence.ts";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** The random part of a cursor: all zeros, which no event id made by `newId` practically has. */
const CURSOR_TAIL = "0".repeat(16);

/**
 * The smallest id of millisecond `ms`: a cursor that sorts before every event id made in that
 * millisecond or later.
 *
 * @example
 * ```ts
 * idFloor(0); // "00000000000000000000000000"
 * ```
 */
export function idFloor(ms: number): string {
  let t = Math.max(0, Math.floor(ms));
  let time = "";
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + CURSOR_TAIL;
}

/** The epoch milliseconds an id (or cursor) was made at. */
export function idTime(id: string): number {
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + ALPHABET.indexOf(ch);
  return t;
}

/** True for a cursor made by {@linkcode idFloor} (no event has this id). */
export function isCursor(id: string): boolean {
  return id.endsWith(CURSOR_TAIL);
}

/** The newest event id of the organization's log, or null when the log is empty. */
export async function latestPresenceId(scope: OrgScope): Promise<string | null> {
  for await (
    const e of scope.list<PresenceEvent>(scope.key("presence_event"), { reverse: true, limit: 1 })
  ) {
    return e.value.id;
  }
  return null;
}

/**
 * Events whose id is `from` or later (every event when `from` is null), oldest first, at most
 * `limit`.
 */
export async function presenceEventsFrom(
  scope: OrgScope,
  from: string | null,
  limit?: number,
): Promise<PresenceEvent[]> {
  const out: PresenceEvent[] = [];
  const iter = scope.list<PresenceEvent>(scope.key("presence_event"), {
    start: from === null ? undefined : scope.key("presence_event", from),
    limit,
  });
  for await (const e of iter) out.push(e.value);
  return out;
}

/**
 * Whether the log can resume after `id` at `now`: a well-formed id of the last 24 hours that is
 * an event of this organization's log or a cursor (`idFloor`). Anything else — garbage, an id
 * older than the log keeps, an id of another log — cannot be resumed from: the client must load
 * a fresh snapshot.
 */
export async function canResumeAfter(scope: OrgScope, id: string, now: number): Promise<boolean> {
  if (!isId(id)) return false;
  const t = idTime(id);
  if (t < now - PRESENCE_TTL_MS || t > now + 60_000) return false;
  if (isCursor(id)) return true;
  return (await scope.get("presence_event", id)).versionstamp !== null;
}
