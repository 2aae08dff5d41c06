/**
 * The clock use cases: the acting member's own clock (status, clock in, breaks, clock out), what
 * the clock page shows, and the team board ("who is working"). Every front door calls these with
 * its {@linkcode RequestContext} and a typed input (`schemas.ts`), so the same punch gets the
 * same answer from the API, the clock form and the island.
 *
 * Rules that live here once:
 * - a punch is made by a member for themselves (other principals: 403 `forbidden`), at the
 *   server's time, and is audited with the context's principal;
 * - clock-in applies the location rule (`lib/locations/clock_in.ts`) with the settings in force:
 *   without the plan's `geofencing`, `requireLocation` is not applied;
 * - a break names one of the organization's break types or none (`unknown_break_type`);
 * - the team board is for managers and admins.
 *
 * @module
 */

import { actingMember, authorize, type RequestContext } from "../context.ts";
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
import { type BreakStartBody, type ClockInBody, type ClockOutBody, geoOf } from "./schemas.ts";

/** The acting member as the puncher, audited as the context's principal. */
function self(ctx: RequestContext): Puncher {
  const me = actingMember(ctx);
  return {
    userId: me.membership.userId,
    membershipVersionstamp: me.membershipVersionstamp,
    timeline: me.timeline,
    by: ctx.principal,
  };
}

/** Where the acting member stands now, with their running entry. */
export async function clockStatusUseCase(
  ctx: RequestContext,
): Promise<{ state: ClockState; entry: TimeEntry | null }> {
  const me = actingMember(ctx);
  return await clockStatus(ctx.scope, me.membership.userId, me.timeline);
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
  const puncher = self(ctx);
  const rules = effectiveSettings(ctx.settings.settings, ctx.entitlements);
  const place = await resolveClockInLocation(ctx.scope, rules, input);
  return await clockIn(ctx.scope, puncher, {
    note: input.note ?? null,
    locationId: place.locationId,
    geo: place.geo,
  }, ctx.now);
}

/** Start a break of `typeId` (none: unpaid). 409 `not_clocked_in` / `already_on_break`. */
export async function breakStartUseCase(
  ctx: RequestContext,
  input: BreakStartBody,
): Promise<TimeEntry> {
  const puncher = self(ctx);
  const typeId = input.typeId ?? null;
  requireBreakType(ctx.settings.settings, typeId);
  return await startBreak(ctx.scope, puncher, ctx.now, typeId);
}

/** End the running break (it keeps its type). 409 `not_clocked_in` / `not_on_break`. */
export async function breakEndUseCase(
  ctx: RequestContext,
  _input: ClockOutBody = {},
): Promise<TimeEntry> {
  return await endBreak(ctx.scope, self(ctx), ctx.now);
}

/** Clock out now, ending a running break too. 409 `not_clocked_in`. */
export async function clockOutUseCase(
  ctx: RequestContext,
  input: ClockOutBody,
): Promise<TimeEntry> {
  return await clockOut(ctx.scope, self(ctx), geoOf(input), ctx.now);
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
