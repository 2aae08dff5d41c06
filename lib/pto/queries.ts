/**
 * The time-off read use cases: types, balances, one type's ledger, the request list, one
 * request, and the team calendar. Each takes the request context and a typed input
 * (`schemas.ts`), checks the plan's `pto` feature and decides what the principal may see:
 * employees see their own balances and requests only (another member's id in a filter is 403,
 * another member's request 404), managers and admins everyone's.
 *
 * Balance reads store the yearly checkpoints they computed (`checkpoints.ts`), so the next read
 * of a member hired long ago replays a bounded number of years.
 *
 * @module
 */

import type { z } from "zod";
import { DomainError, notFound } from "../errors.ts";
import { type RequestContext, requireScope } from "../context.ts";
import { decodeCursorParam } from "../kv/mod.ts";
import { getMembership, isManager, type Membership } from "../members/members.ts";
import type { PtoType } from "../settings/schema.ts";
import { localDateOf } from "../time/week.ts";
import { CACHE_TTL_MS } from "../cache/mod.ts";
import { type MemberBalances, memberBalances } from "./balance.ts";
import { balancesCacheKey } from "./balance_cache.ts";
import { type CalendarDay, teamCalendar } from "./calendar.ts";
import { saveCheckpoints } from "./checkpoints.ts";
import { parseInput } from "../validation.ts";
import { type PtoRequest, requireType } from "./model.ts";
import { listRequests, readRequest } from "./repository.ts";
import { type Actor, ptoActor } from "./requests.ts";
import {
  balancesInput,
  calendarInput,
  ledgerInput,
  listRequestsInput,
  requestRef,
} from "./schemas.ts";

/** The organization's time-off types (every member). */
export function timeOffTypes(ctx: RequestContext): PtoType[] {
  requireScope(ctx, "pto:read");
  ptoActor(ctx);
  return ctx.settings.settings.pto.types;
}

/**
 * The member a read is about: the actor by default; employees may name only themselves (403
 * otherwise), managers and admins anyone in the organization (404 for unknown ids).
 */
async function subject(
  ctx: RequestContext,
  actor: Actor,
  userId: string | undefined,
): Promise<Membership> {
  const own = ctx.member?.membership ?? null;
  if (own && (userId === undefined || userId === own.userId)) return own;
  if (!isManager(actor.role)) {
    throw new DomainError("forbidden", "forbidden", "Employees see only their own time off");
  }
  if (userId === undefined) {
    throw new DomainError("invalid", "validation_failed", "Some fields are missing or invalid", [
      { path: "userId", message: "name the member" },
    ]);
  }
  const m = await getMembership(ctx.scope, userId);
  if (!m) throw notFound("member");
  return m.value;
}

/**
 * Balances of `membership` as of now, storing the checkpoints the read computed. Answers are
 * cached under the revisions of their inputs (`balance_cache.ts`), so a write is seen at once;
 * the answer's `checkpoints` are then already stored and left empty.
 */
export async function readBalances(
  ctx: RequestContext,
  membership: Membership,
  typeIds?: string[],
): Promise<MemberBalances> {
  const settings = ctx.settings.settings;
  const key = await balancesCacheKey(ctx.scope, settings, membership, ctx.now, typeIds);
  return await ctx.services.cache.getOrCompute(key, CACHE_TTL_MS, async () => {
    const position = await memberBalances(ctx.scope, settings, membership, ctx.now, typeIds);
    await saveCheckpoints(ctx.scope, membership.userId, position.checkpoints);
    return { ...position, checkpoints: [] };
  });
}

/**
 * Every balance of the acting member, or (managers and admins) of `userId`.
 *
 * @example
 * ```ts
 * const { balances } = await timeOffBalances(ctx, {});
 * ```
 */
export async function timeOffBalances(
  ctx: RequestContext,
  raw: z.input<typeof balancesInput>,
): Promise<MemberBalances> {
  requireScope(ctx, "pto:read");
  const actor = ptoActor(ctx);
  const input = parseInput(balancesInput, raw);
  return await readBalances(ctx, await subject(ctx, actor, input.userId));
}

/** One type's balance and ledger of the acting member, or (managers and admins) of `userId`. */
export async function timeOffLedger(
  ctx: RequestContext,
  raw: z.input<typeof ledgerInput>,
): Promise<MemberBalances> {
  requireScope(ctx, "pto:read");
  const actor = ptoActor(ctx);
  const input = parseInput(ledgerInput, raw);
  const m = await subject(ctx, actor, input.userId);
  const type = requireType(ctx.settings.settings, input.typeId);
  return await readBalances(ctx, m, [type.id]);
}

/**
 * One page of requests: employees their own (naming someone else is 403), managers and admins
 * anyone's, filtered by member, status and first-date range.
 */
export async function listTimeOffRequests(
  ctx: RequestContext,
  raw: z.input<typeof listRequestsInput>,
): Promise<{ data: PtoRequest[]; nextCursor: string | null }> {
  requireScope(ctx, "pto:read");
  const actor = ptoActor(ctx);
  const q = parseInput(listRequestsInput, raw);
  let userId = q.userId;
  if (!isManager(actor.role)) userId = (await subject(ctx, actor, userId)).userId;
  return await listRequests(ctx.scope, {
    userId,
    status: q.status,
    from: q.from,
    to: q.to,
    limit: q.limit,
    cursor: decodeCursorParam(q.cursor),
  });
}

/** One request, if the actor may see it (employees: their own); else 404. */
export async function getTimeOffRequest(
  ctx: RequestContext,
  raw: z.input<typeof requestRef>,
): Promise<PtoRequest> {
  requireScope(ctx, "pto:read");
  const actor = ptoActor(ctx);
  const { requestId } = parseInput(requestRef, raw);
  const found = await readRequest(ctx.scope, requestId);
  if (!found || (!isManager(actor.role) && found.request.userId !== actor.userId)) {
    throw notFound("time-off request");
  }
  return found.request;
}

/** The team calendar of `[from, to]` (default: the current month, or a month from `from`). */
export async function timeOffCalendar(
  ctx: RequestContext,
  raw: z.input<typeof calendarInput>,
): Promise<{ from: string; to: string; days: CalendarDay[] }> {
  requireScope(ctx, "pto:read");
  const actor = ptoActor(ctx);
  const q = parseInput(calendarInput, raw);
  const settings = ctx.settings.settings;
  const today = localDateOf(ctx.now, settings.timeZone);
  const from = q.from ? Temporal.PlainDate.from(q.from) : today.with({ day: 1 });
  const to = q.to
    ? Temporal.PlainDate.from(q.to)
    : q.from
    ? from.add({ months: 1 }).subtract({ days: 1 })
    : today.with({ day: today.daysInMonth });
  const days = await teamCalendar(ctx.scope, settings, actor, from, to);
  return { from: from.toString(), to: to.toString(), days };
}
