/**
 * The live team board's use cases: the snapshot a board starts from, and the live feed of
 * presence events that follows it (all of the organization's for managers and admins, a
 * member's own for the clock page). The feed is transport-free: the API turns its items into
 * server-sent events (`routes/api/live.ts`).
 *
 * Rules that live here once:
 * - the organization's board and feed are for managers and admins; an API key needs
 *   `members:read`;
 * - the own feed is for any member acting for themselves (keys: 403 `forbidden`);
 * - a feed resumes after an id the log still holds (or a cursor of the last 24 hours); any other
 *   id gets a `reset` item: the client reloads its snapshot.
 *
 * @module
 */

import { actingMember, authorize, type RequestContext, requireScope } from "../context.ts";
import { activeMemberships, type Role } from "../members/members.ts";
import { memberUsers } from "../identity/users.ts";
import { clockStatus } from "../clock/clock.ts";
import {
  PRESENCE_OVERLAP_MS,
  type PresenceEvent,
  presenceEventsAfter,
  presenceOfEntry,
  type PresenceState,
} from "./presence.ts";
import { canResumeAfter, idFloor, idTime, latestPresenceId } from "./log.ts";
import type { PresenceHub } from "./hub.ts";
import type { LiveFeedInput } from "./schemas.ts";

/** A member's line of the live snapshot. */
export interface LiveRow {
  userId: string;
  name: string;
  role: Role;
  state: PresenceState;
  /** Since when (ISO 8601 UTC) when in or on a break; null when out. */
  since: string | null;
  /** The running entry, or null when out. */
  entryId: string | null;
}

/** The board as it stands, and the id a live stream continues from. */
export interface LiveSnapshot {
  data: LiveRow[];
  /** Resume the live stream after this id (`?lastEventId=`) to miss nothing since the read. */
  lastEventId: string;
}

/** What a live feed hands its sink. */
export type FeedItem =
  | { kind: "presence"; event: PresenceEvent }
  /** The feed cannot resume where the client asked: reload the snapshot; `lastEventId` is the log's end. */
  | { kind: "reset"; lastEventId: string };

/** Where a feed's items go (the API writes them as server-sent events). */
export interface FeedSink {
  push(item: FeedItem): void;
  /** The feed ended on the server's side (watch failed, server stopping). */
  end(): void;
}

/** An open feed. */
export interface LiveFeed {
  /** Stop following (idempotent); the hub's watcher stops with its last subscriber. */
  close(): void;
}

/** Members whose clock states are read at once by the snapshot. */
const SNAPSHOT_BATCH = 25;
/** More events than this to replay: a `reset` (a fresh snapshot is cheaper). */
export const REPLAY_MAX = 2_000;

/**
 * The id a stream should resume after, read before the board: the log's newest id, but never
 * later than {@linkcode PRESENCE_OVERLAP_MS} before now (a cursor then), so a punch whose commit
 * lands out of id order after the read is still replayed. Replaying an event the board already
 * shows is harmless: events carry absolute states.
 */
async function resumePoint(ctx: RequestContext): Promise<string> {
  const newest = await latestPresenceId(ctx.scope);
  const floor = idFloor(ctx.now - PRESENCE_OVERLAP_MS);
  return newest !== null && idTime(newest) < idTime(floor) ? newest : floor;
}

/**
 * Where a board rendered now continues its live stream (managers and admins): call it before
 * reading the board (the Team page), and open the stream with `?lastEventId=` set to it.
 */
export async function liveResumePointUseCase(ctx: RequestContext): Promise<string> {
  requireScope(ctx, "members:read");
  authorize(ctx, "admin", "manager");
  return await resumePoint(ctx);
}

/**
 * Where the acting member's own page (the clock) continues its `…/live/me` stream: any member
 * acting for themselves (keys: 403). Call it before reading the member's clock.
 */
export async function ownResumePointUseCase(ctx: RequestContext): Promise<string> {
  actingMember(ctx);
  return await resumePoint(ctx);
}

/**
 * Every active member's presence now (managers and admins; keys need `members:read`), working
 * first, then on a break, then out, each by name; with the id a live stream continues from.
 */
export async function liveSnapshotUseCase(ctx: RequestContext): Promise<LiveSnapshot> {
  requireScope(ctx, "members:read");
  authorize(ctx, "admin", "manager");
  const lastEventId = await resumePoint(ctx);
  const members = await activeMemberships(ctx.scope);
  const names = new Map(
    (await memberUsers(ctx.scope, members.map((m) => m.userId))).map((u) => [u.id, u.name]),
  );
  const rows: LiveRow[] = [];
  for (let i = 0; i < members.length; i += SNAPSHOT_BATCH) {
    const batch = members.slice(i, i + SNAPSHOT_BATCH);
    const statuses = await Promise.all(batch.map((m) => clockStatus(ctx.scope, m.userId)));
    batch.forEach((m, k) => {
      const entry = statuses[k].entry;
      const p = presenceOfEntry(entry, ctx.now);
      rows.push({
        userId: m.userId,
        name: names.get(m.userId) ?? "Unknown",
        role: m.role,
        state: p.state,
        since: entry ? new Date(p.since).toISOString() : null,
        entryId: entry ? p.entryId : null,
      });
    });
  }
  const order: Record<PresenceState, number> = { in: 0, break: 1, out: 2 };
  rows.sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name));
  return { data: rows, lastEventId };
}

/**
 * Follow the organization's presence (managers and admins; keys need `members:read`): events
 * after `lastEventId` first (or a `reset`), then every new one, into `sink` until closed.
 * Refusals throw before anything is pushed.
 */
export async function openTeamFeedUseCase(
  ctx: RequestContext,
  hub: PresenceHub,
  input: LiveFeedInput,
  sink: FeedSink,
): Promise<LiveFeed> {
  requireScope(ctx, "members:read");
  authorize(ctx, "admin", "manager");
  return await openFeed(ctx, hub, input, sink, null);
}

/**
 * Follow the acting member's own presence (any member, for themselves; API keys 403), e.g. a
 * punch made in another tab or on a kiosk, with the same resume rules as the team feed.
 */
export async function openOwnFeedUseCase(
  ctx: RequestContext,
  hub: PresenceHub,
  input: LiveFeedInput,
  sink: FeedSink,
): Promise<LiveFeed> {
  const me = actingMember(ctx);
  return await openFeed(ctx, hub, input, sink, me.membership.userId);
}

/**
 * Subscribe first (live events wait in a buffer), then replay from the log, then hand out the
 * buffer without what the replay already sent, then go live: no event committed after the
 * subscription is lost, none is sent twice.
 */
async function openFeed(
  ctx: RequestContext,
  hub: PresenceHub,
  input: LiveFeedInput,
  sink: FeedSink,
  onlyUserId: string | null,
): Promise<LiveFeed> {
  const mine = (e: PresenceEvent) => onlyUserId === null || e.userId === onlyUserId;
  let buffer: PresenceEvent[] | null = [];
  let open = true;
  const leave = await hub.subscribe(ctx.scope, {
    events(events) {
      if (!open) return;
      for (const event of events) {
        if (!mine(event)) continue;
        if (buffer) buffer.push(event);
        else sink.push({ kind: "presence", event });
      }
    },
    ended() {
      if (!open) return;
      open = false;
      sink.end();
    },
  });
  const close = () => {
    open = false;
    leave();
  };
  try {
    const sent = new Set<string>();
    const after = input.lastEventId;
    if (after !== undefined) {
      const replay = await canResumeAfter(ctx.scope, after, ctx.now)
        ? await presenceEventsAfter(ctx.scope, { afterId: after, limit: REPLAY_MAX + 1 })
        : null;
      if (replay === null || replay.length > REPLAY_MAX) {
        sink.push({ kind: "reset", lastEventId: await resumePoint(ctx) });
      } else {
        for (const event of replay) {
          sent.add(event.id);
          if (mine(event)) sink.push({ kind: "presence", event });
        }
      }
    }
    const waiting = buffer;
    buffer = null;
    for (const event of waiting) {
      if (!sent.has(event.id) && open) sink.push({ kind: "presence", event });
    }
  } catch (err) {
    close();
    throw err;
  }
  return { close };
}
