/**
 * The time clock: clock in, start and end a break, clock out — at the server's time, or at the
 * time a kiosk's offline punch was made (`lib/kiosks/punch.ts`, `Puncher.ordered`).
 * Each transition is one atomic commit guarded by the member's revision key and, for clocking
 * in, by the absence of an open entry, so concurrent punches cannot open two entries.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { OrgScope } from "../kv/mod.ts";
import { type GeoPoint, type TimeEntry, toSecond } from "../entries/model.ts";
import type { Principal } from "../principal.ts";
import {
  assertNoOverlap,
  commitEntryChange,
  type EntryEffects,
  newEntryId,
  readTimeline,
  type Timeline,
  type TimelineKeys,
} from "../entries/repository.ts";

/** Where a member stands now. */
export type ClockState = "out" | "in" | "break";

/** The member doing the punching, with the versionstamp of the membership that authorized it. */
export interface Puncher {
  userId: string;
  membershipVersionstamp: string;
  /** The member's timeline keys if the request already read them (saves a round trip). */
  timeline?: TimelineKeys;
  /**
   * Who punches, as the audit records name it (`ctx.principal`: the member, later a kiosk
   * device). Absent: the member themselves.
   */
  by?: Principal;
  /** What the punch also carries into its commit (its events). */
  effects?: EntryEffects;
  /**
   * Refuse with 409 `punch_out_of_order` a punch timed before the state it changes began (a
   * kiosk's offline punch sent late) instead of moving it to that start, as live punches are.
   */
  ordered?: boolean;
}

/** Optional details of a clock-in. */
export interface ClockInInput {
  note?: string | null;
  locationId?: string | null;
  geo?: GeoPoint | null;
  /** Where the punch came from (absent: `clock`). */
  source?: TimeEntry["source"];
}

/** The state shown by an entry (null: clocked out). */
export function stateOf(entry: TimeEntry | null): ClockState {
  if (!entry || entry.end !== null) return "out";
  const last = entry.breaks.at(-1);
  return last && last.end === null ? "break" : "in";
}

/** The member's clock state and running entry. */
export async function clockStatus(
  scope: OrgScope,
  userId: string,
  prefetched?: TimelineKeys,
): Promise<{ state: ClockState; entry: TimeEntry | null }> {
  const t = await readTimeline(scope, userId, prefetched);
  const entry = t.open?.entry ?? null;
  return { state: stateOf(entry), entry };
}

function requireOpen(t: Timeline): { entry: TimeEntry; versionstamp: string } {
  if (!t.open) throw new DomainError("conflict", "not_clocked_in", "You are not clocked in");
  return t.open;
}

/** 409 `punch_out_of_order` when an ordered punch at `now` comes before `since`. */
function assertInOrder(p: Puncher, now: number, since: number): void {
  if (p.ordered && now < since) {
    throw new DomainError(
      "conflict",
      "punch_out_of_order",
      "This punch is earlier than the state it would change",
      { since: new Date(since).toISOString() },
    );
  }
}

function membershipCheck(scope: OrgScope, p: Puncher) {
  return [{ key: scope.key("member", p.userId), versionstamp: p.membershipVersionstamp }];
}

/** Clock in now. 409 `already_clocked_in` when an entry is already open. */
export async function clockIn(
  scope: OrgScope,
  p: Puncher,
  input: ClockInInput,
  nowMs: number,
): Promise<TimeEntry> {
  const now = toSecond(nowMs);
  const entry = await commitEntryChange(
    scope,
    p.userId,
    async (t) => {
      if (t.open) {
        throw new DomainError("conflict", "already_clocked_in", "You are already clocked in", {
          entryId: t.open.entry.id,
        });
      }
      await assertNoOverlap(scope, t, now, null, null);
      const after: TimeEntry = {
        id: newEntryId(nowMs),
        userId: p.userId,
        start: now,
        end: null,
        breaks: [],
        note: input.note ?? null,
        locationId: input.locationId ?? null,
        clockInGeo: input.geo ?? null,
        clockOutGeo: null,
        source: input.source ?? "clock",
        createdAt: nowMs,
        updatedAt: nowMs,
      };
      return {
        before: null,
        after,
        action: "clock.in",
        by: p.by ?? p.userId,
        reason: null,
        checks: membershipCheck(scope, p),
      };
    },
    nowMs,
    p.timeline,
    p.effects,
  );
  return entry!;
}

/**
 * Start a break now, of break type `typeId` (null: unpaid). 409 `not_clocked_in` or
 * `already_on_break`.
 */
export async function startBreak(
  scope: OrgScope,
  p: Puncher,
  nowMs: number,
  typeId: string | null = null,
): Promise<TimeEntry> {
  const now = toSecond(nowMs);
  const entry = await commitEntryChange(
    scope,
    p.userId,
    (t) => {
      const open = requireOpen(t);
      if (stateOf(open.entry) === "break") {
        throw new DomainError("conflict", "already_on_break", "You are already on a break");
      }
      assertInOrder(p, now, open.entry.start);
      const after = {
        ...open.entry,
        breaks: [...open.entry.breaks, {
          start: Math.max(now, open.entry.start),
          end: null,
          typeId,
        }],
        updatedAt: nowMs,
      };
      return Promise.resolve({
        before: open,
        after,
        action: "clock.break_start",
        by: p.by ?? p.userId,
        reason: null,
        checks: membershipCheck(scope, p),
      });
    },
    nowMs,
    p.timeline,
    p.effects,
  );
  return entry!;
}

/** End the running break now. 409 `not_clocked_in` or `not_on_break`. */
export async function endBreak(scope: OrgScope, p: Puncher, nowMs: number): Promise<TimeEntry> {
  const now = toSecond(nowMs);
  const entry = await commitEntryChange(
    scope,
    p.userId,
    (t) => {
      const open = requireOpen(t);
      if (stateOf(open.entry) !== "break") {
        throw new DomainError("conflict", "not_on_break", "You are not on a break");
      }
      const breaks = open.entry.breaks.slice();
      const last = breaks.pop()!;
      assertInOrder(p, now, last.start);
      // Only the end changes: the break keeps its type (a paid rest break stays paid).
      breaks.push({ ...last, end: Math.max(now, last.start) });
      return Promise.resolve({
        before: open,
        after: { ...open.entry, breaks, updatedAt: nowMs },
        action: "clock.break_end",
        by: p.by ?? p.userId,
        reason: null,
        checks: membershipCheck(scope, p),
      });
    },
    nowMs,
    p.timeline,
    p.effects,
  );
  return entry!;
}

/** Clock out now, ending a running break too. 409 `not_clocked_in`. */
export async function clockOut(
  scope: OrgScope,
  p: Puncher,
  geo: GeoPoint | null,
  nowMs: number,
): Promise<TimeEntry> {
  const now = toSecond(nowMs);
  const entry = await commitEntryChange(
    scope,
    p.userId,
    (t) => {
      const open = requireOpen(t);
      const running = open.entry.breaks.at(-1);
      assertInOrder(p, now, running && running.end === null ? running.start : open.entry.start);
      const end = Math.max(now, open.entry.start);
      const breaks = open.entry.breaks.map((
        b,
      ) => (b.end === null ? { ...b, end: Math.max(end, b.start) } : b));
      return Promise.resolve({
        before: open,
        after: { ...open.entry, end, breaks, clockOutGeo: geo, updatedAt: nowMs },
        action: "clock.out",
        by: p.by ?? p.userId,
        reason: null,
        checks: membershipCheck(scope, p),
      });
    },
    nowMs,
    p.timeline,
    p.effects,
  );
  return entry!;
}
