/**
 * The clock use cases: the acting member's own clock (status, clock in, breaks, clock out), what
 * the clock page shows, and the team board ("who is working"). Every front door calls these with
 * its {@linkcode RequestContext} and a typed input (`schemas.ts`), so the same punch gets the
 * same answer from the API, the clock form and the island.
 *
 * Rules that live here once:
 * - a punch is made by a member for themselves, or by an API key (scope `clock:write`) for the
 *   member its body names (`userId`: 400 when missing, 404 when not an active member); other
 *   principals: 403 `forbidden`; at the server's time, audited with the context's principal;
 * - a person may name only themselves as `userId` (403 `forbidden` otherwise);
 * - reading the clock status needs `entries:read` from a key (it names `userId` in the query);
 * - clock-in applies the location rule (`lib/locations/clock_in.ts`) with the settings in force:
 *   without the plan's `geofencing`, `requireLocation` is not applied;
 * - a break names one of the organization's break types or none (`unknown_break_type`);
 * - the team board is for managers and admins.
 *
 * @module
 */

import { actingMember, authorize, type RequestContext, requireScope } from "../context.ts";
import { entryEvents } from "../entries/events.ts";
import { DomainError, notFound } from "../errors.ts";
import type { Membership } from "../members/members.ts";
import { timelineParts } from "../entries/repository.ts";
import { effectiveSettings } from "../billing/gates.ts";
import { requireBreakType } from "../settings/repository.ts";
import { resolveClockInLocation } from "../locations/clock_in.ts";
import { allLocations, type Location } from "../locations/repository.ts";
import { activeMemberships, type Role } from "../members/members.ts";
import { memberUsers } from "../identity/users.ts";
import type { TimeEntry } from "../entries/model.ts";
import { readToday, type TodayTotals } from "../entries/week.ts";
import {
  clockIn,
  clockOut,
  type ClockState,
  clockStatus,
  endBreak,
  type Puncher,
  startBreak,
} from "./clock.ts";
import {
  type BreakStartBody,
  type ClockInBody,
  type ClockOutBody,
  type ClockStatusQuery,
  geoOf,
} from "./schemas.ts";

/**
 * The member a punch is for, as the puncher audited with the context's principal: an API key's
 * named member (`userId`, required; 404 unless an active member), else the acting member (who
 * may name only themselves).
 */
async function puncherFor(ctx: RequestContext, userId: string | undefined): Promise<Puncher> {
  if (ctx.principal.type === "api_key") {
    if (!userId) {
      throw new DomainError("invalid", "validation_failed", "Name the member (userId)", [
        { path: "userId", message: "an API key names the member it punches for" },
      ]);
    }
    const [member, ...timeline] = await ctx.scope.getMany<unknown>([
      ctx.scope.key("member", userId),
      ...timelineParts(userId).map((p) => ctx.scope.key(...p)),
    ]);
    const membership = member.value as Membership | null;
    if (!membership || !membership.active) throw notFound("member");
    return {
      userId,
      membershipVersionstamp: member.versionstamp!,
      timeline,
      by: ctx.principal,
      effects: entryEvents(ctx),
    };
  }
  const me = actingMember(ctx);
  if (userId !== undefined && userId !== me.membership.userId) {
    throw new DomainError("forbidden", "forbidden", "You can use only your own clock");
  }
  return {
    userId: me.membership.userId,
    membershipVersionstamp: me.membershipVersionstamp,
    timeline: me.timeline,
    by: ctx.principal,
    effects: entryEvents(ctx),
  };
}

/** Where the acting member (or the key's named member) stands now, with their running entry. */
export async function clockStatusUseCase(
  ctx: RequestContext,
  input: ClockStatusQuery = {},
): Promise<{ state: ClockState; entry: TimeEntry | null }> {
  requireScope(ctx, "entries:read");
  const who = await puncherFor(ctx, input.userId);
  return await clockStatus(ctx.scope, who.userId, who.timeline);
}

/**
 * Clock in now, at the location the rule picks (422 `location_required`, `no_locations`,
 * `unknown_location`, `outside_geofence`); 409 `already_clocked_in` when an entry is open.
 *
 * @example
 * ```ts
 * const entry = await clockInUseCase(ctx, validate(clockInBody, { note: "opening" }));
 * ```
 */
export async function clockInUseCase(ctx: RequestContext, input: ClockInBody): Promise<TimeEntry> {
  requireScope(ctx, "clock:write");
  const puncher = await puncherFor(ctx, input.userId);
  const rules = effectiveSettings(ctx.settings.settings, ctx.entitlements);
  const place = await resolveClockInLocation(ctx.scope, rules, input);
  return await dispatched(
    ctx,
    clockIn(ctx.scope, puncher, {
      note: input.note ?? null,
      locationId: place.locationId,
      geo: place.geo,
    }, ctx.now),
  );
}

/** `change`'s result, after the jobs its commit caused (its events) are handed off. */
async function dispatched<T>(ctx: RequestContext, change: Promise<T>): Promise<T> {
  const result = await change;
  await ctx.jobs.dispatch();
  return result;
}

/** Start a break of `typeId` (none: unpaid). 409 `not_clocked_in` / `already_on_break`. */
export async function breakStartUseCase(
  ctx: RequestContext,
  input: BreakStartBody,
): Promise<TimeEntry> {
  requireScope(ctx, "clock:write");
  const puncher = await puncherFor(ctx, input.userId);
  const typeId = input.typeId ?? null;
  requireBreakType(ctx.settings.settings, typeId);
  return await dispatched(ctx, startBreak(ctx.scope, puncher, ctx.now, typeId));
}

/** End the running break (it keeps its type). 409 `not_clocked_in` / `not_on_break`. */
export async function breakEndUseCase(
  ctx: RequestContext,
  input: ClockOutBody = {},
): Promise<TimeEntry> {
  requireScope(ctx, "clock:write");
  return await dispatched(ctx, endBreak(ctx.scope, await puncherFor(ctx, input.userId), ctx.now));
}

/** Clock out now, ending a running break too. 409 `not_clocked_in`. */
export async function clockOutUseCase(
  ctx: RequestContext,
  input: ClockOutBody,
): Promise<TimeEntry> {
  requireScope(ctx, "clock:write");
  const puncher = await puncherFor(ctx, input.userId);
  return await dispatched(ctx, clockOut(ctx.scope, puncher, geoOf(input), ctx.now));
}

/** What the clock page shows the acting member. */
export interface ClockPanel {
  state: ClockState;
  entry: TimeEntry | null;
  /** Today's bounds and the paid seconds of today's other entries. */
  today: TodayTotals;
  /** Whether clock-in needs a position (the setting, if the plan's geofencing is on). */
  requireLocation: boolean;
  /** The active job locations to pick from. */
  locations: Location[];
}

/** The acting member's clock, today's total and the locations to pick from. */
export async function clockPanelUseCase(ctx: RequestContext): Promise<ClockPanel> {
  requireScope(ctx, "entries:read");
  const me = actingMember(ctx);
  const { settings } = ctx.settings;
  const { state, entry } = await clockStatus(ctx.scope, me.membership.userId, me.timeline);
  const [today, locations] = await Promise.all([
    readToday(ctx.scope, me.membership.userId, settings, ctx.now, entry?.id ?? null),
    allLocations(ctx.scope, { activeOnly: true }),
  ]);
  const { requireLocation } = effectiveSettings(settings, ctx.entitlements);
  return { state, entry, today, requireLocation, locations };
}

/** A member's line on the team board. */
export interface TeamBoardRow {
  userId: string;
  name: string;
  role: Role;
  state: ClockState;
  /** When the current state began (epoch ms), if in or on a break. */
  since: number | null;
}

const ORDER: Record<ClockState, number> = { in: 0, break: 1, out: 2 };

/** Members whose clock states are read at once by {@linkcode teamBoardUseCase}. */
const BOARD_BATCH = 25;

/**
 * Who is working right now (managers and admins): every active member with their clock state,
 * working first, then on a break, then out, each by name. Names are read through the
 * organization's membership only.
 */
export async function teamBoardUseCase(ctx: RequestContext): Promise<TeamBoardRow[]> {
  requireScope(ctx, "entries:read");
  authorize(ctx, "admin", "manager");
  const members = await activeMemberships(ctx.scope);
  const users = new Map(
    (await memberUsers(ctx.scope, members.map((m) => m.userId))).map((u) => [u.id, u]),
  );
  const rows: TeamBoardRow[] = [];
  for (let i = 0; i < members.length; i += BOARD_BATCH) {
    const batch = members.slice(i, i + BOARD_BATCH);
    const statuses = await Promise.all(batch.map((m) => clockStatus(ctx.scope, m.userId)));
    batch.forEach((m, k) => {
      const { state, entry } = statuses[k];
      rows.push({
        userId: m.userId,
        name: users.get(m.userId)?.name ?? "Unknown",
        role: m.role,
        state,
        since: state === "in"
          ? entry!.start
          : state === "break"
          ? entry!.breaks.at(-1)!.start
          : null,
      });
    });
  }
  return rows.sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.name.localeCompare(b.name));
}
