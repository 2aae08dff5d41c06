/**
 * What the time-off pages show, as use cases: the member's overview (balances, recent requests,
 * the requests waiting for a decision, the month's team calendar) and the balances page of
 * managers and admins (everyone's balances and ledgers). The pages only present these.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { actingMember, authorize, type RequestContext, requireScope } from "../context.ts";
import { memberUsers } from "../identity/users.ts";
import { activeMemberships, getMembership, isManager } from "../members/members.ts";
import type { PtoType } from "../settings/schema.ts";
import { localDateOf } from "../time/week.ts";
import type { MemberBalances } from "./balance.ts";
import { type CalendarDay, teamCalendar } from "./calendar.ts";
import type { PtoRequest } from "./model.ts";
import { listRequests } from "./repository.ts";
import { readBalances } from "./queries.ts";
import { type Actor, mayAdjust, ptoActor } from "./requests.ts";
import { monthInput } from "./schemas.ts";

/** How far back the overview lists the member's own requests (by first day). */
export const OVERVIEW_DAYS_BACK = 90;

/** The member's time-off overview. */
export interface TimeOffOverview {
  actor: Actor;
  /** The organization's local date today. */
  today: string;
  /** The calendar's month. */
  month: Temporal.PlainYearMonth;
  types: PtoType[];
  /** The acting member's balances. */
  position: MemberBalances;
  /** The member's requests starting at most {@linkcode OVERVIEW_DAYS_BACK} days ago. */
  mine: PtoRequest[];
  /** Requests waiting for a decision (managers and admins), else null. */
  pending: PtoRequest[] | null;
  /** Every date of the month with the time off the member may see. */
  calendar: CalendarDay[];
  /** Names of the people in `mine` and `pending`, by user id. */
  names: Map<string, string>;
}

/** The calendar's month: `YYYY-MM` in the date window, else the current one (400 `invalid_month`). */
function monthOf(month: string | undefined, today: Temporal.PlainDate): Temporal.PlainYearMonth {
  if (month === undefined || month === "") return today.toPlainYearMonth();
  if (!monthInput.safeParse(month).success) {
    throw new DomainError("invalid", "invalid_month", "Give the month as YYYY-MM (2000–2099).");
  }
  return Temporal.PlainYearMonth.from(month);
}

/**
 * The acting member's time-off overview for the calendar month `month` (`YYYY-MM`, default the
 * current one).
 */
export async function timeOffOverview(
  ctx: RequestContext,
  input: { month?: string },
): Promise<TimeOffOverview> {
  requireScope(ctx, "pto:read");
  const actor = ptoActor(ctx);
  const member = actingMember(ctx).membership;
  const settings = ctx.settings.settings;
  const today = localDateOf(ctx.now, settings.timeZone);
  const month = monthOf(input.month, today);
  const manager = isManager(actor.role);
  const [position, mine, pending, calendar] = await Promise.all([
    readBalances(ctx, member),
    listRequests(ctx.scope, {
      userId: member.userId,
      from: today.subtract({ days: OVERVIEW_DAYS_BACK }).toString(),
      limit: 100,
    }),
    manager ? listRequests(ctx.scope, { status: "pending", limit: 100 }) : null,
    teamCalendar(
      ctx.scope,
      settings,
      actor,
      month.toPlainDate({ day: 1 }),
      month.toPlainDate({ day: month.daysInMonth }),
    ),
  ]);
  const people = new Set([member.userId, ...(pending?.data.map((r) => r.userId) ?? [])]);
  const names = new Map(
    (await memberUsers(ctx.scope, [...people])).map((u) => [u.id, u.name]),
  );
  return {
    actor,
    today: today.toString(),
    month,
    types: settings.pto.types,
    position,
    mine: mine.data,
    pending: pending?.data ?? null,
    calendar,
    names,
  };
}

/** The balances page of managers and admins. */
export interface BalancesOverview {
  /** Active members, by name. */
  members: { id: string; name: string }[];
  /** The chosen member's balances and ledgers, when one is chosen. */
  selected: { id: string; name: string; position: MemberBalances; canAdjust: boolean } | null;
  /** Types that keep a balance (the ones an adjustment may name). */
  trackedTypes: PtoType[];
}

/**
 * Everyone's balances (managers and admins; 403 `forbidden` otherwise), with the balances and
 * ledgers of `member` when given (404 for unknown ids).
 */
export async function balancesOverview(
  ctx: RequestContext,
  input: { member?: string },
): Promise<BalancesOverview> {
  requireScope(ctx, "pto:read");
  const actor = ptoActor(ctx);
  authorize(ctx, "admin", "manager");
  const memberships = await activeMemberships(ctx.scope);
  const users = await memberUsers(ctx.scope, memberships.map((m) => m.userId));
  const members = users.map((u) => ({ id: u.id, name: u.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  let selected: BalancesOverview["selected"] = null;
  if (input.member) {
    const m = await getMembership(ctx.scope, input.member);
    if (!m) throw notFound("member");
    const user = users.find((u) => u.id === input.member);
    selected = {
      id: input.member,
      name: user?.name ?? "Former member",
      position: await readBalances(ctx, m.value),
      canAdjust: mayAdjust(actor, input.member),
    };
  }
  return {
    members,
    selected,
    trackedTypes: ctx.settings.settings.pto.types.filter((t) => t.accrual.method !== "none"),
  };
}
