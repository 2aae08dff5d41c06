/**
 * The time-off write use cases: request, approve, reject, cancel, adjust. Each takes the request
 * context and a typed input (`schemas.ts`), checks the plan's `pto` feature, validates, decides
 * who may act, and makes one atomic commit with its audit record (naming `ctx.principal`), its
 * index rows (`pto_day`, `pto_pending`) and, for approvals, cancellations of approved requests and
 * adjustments, its recorded ledger event.
 *
 * Every write checks and rewrites the member's `pto_rev` key, so the checks it made (no
 * overlapping request, enough balance) still hold when it commits; a lost race reads again and
 * decides again.
 *
 * | use case | who |
 * | --- | --- |
 * | {@linkcode requestTimeOff} | members for themselves; managers and admins for anyone |
 * | {@linkcode approveTimeOff} / {@linkcode rejectTimeOff} | managers (not their own) and admins |
 * | {@linkcode cancelTimeOff} | the member (pending, or approved and not started); managers and admins |
 * | {@linkcode adjustBalance} | managers (not their own balance) and admins |
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { type Atomic, newId, type OrgScope } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import { type RequestContext, requirePlanFeature, requireScope } from "../context.ts";
import { principalRef } from "../principal.ts";
import { getMembership, isManager, type Role } from "../members/members.ts";
import { localDateOf } from "../time/week.ts";
import { memberBalances } from "./balance.ts";
import { type FreshCheckpoint, saveCheckpoints } from "./checkpoints.ts";
import {
  datesOverlap,
  isActive,
  planRequest,
  type PtoRequest,
  requireType,
  viewRequest,
} from "./model.ts";
import { memberRequests, type PtoEvent, ptoKeys, readRequest } from "./repository.ts";
import {
  type AdjustmentInput,
  adjustmentInput,
  approveInput,
  cancelInput,
  MAX_REQUEST_SPAN_DAYS,
  rejectInput,
  requestIdOf,
  requestInput,
  type RequestTimeOffInput,
} from "./schemas.ts";
import { parseInput } from "../validation.ts";
import type { PtoDayRow } from "./usage.ts";
import type { z } from "zod";

/** Who acts, as the PTO rules see it. */
export interface Actor {
  /** The acting member, or null for principals that are not a member (keys, jobs). */
  userId: string | null;
  role: Role;
  /** What stored records name as the actor (`createdBy`, `decidedBy`, `actorId`). */
  actorId: string;
}

/** The actor of `ctx`, after checking the plan's `pto` feature. */
export function ptoActor(ctx: RequestContext): Actor {
  requirePlanFeature(ctx, "pto");
  return {
    userId: ctx.member?.membership.userId ?? null,
    role: ctx.role,
    actorId: principalRef(ctx.principal).id,
  };
}

const ATTEMPTS = 6;

/**
 * Run `attempt` until it commits: it returns the result, or null when its commit lost a race
 * (it is then run again on fresh reads). Domain errors pass through.
 */
async function retrying<T>(attempt: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const out = await attempt();
    if (out !== null) return out;
  }
  throw new DomainError("conflict", "concurrent_change", "Time off changed meanwhile; retry");
}

function overlapError(other: PtoRequest): DomainError {
  return new DomainError(
    "conflict",
    "pto_overlap",
    "These dates overlap another time-off request of this member",
    {
      requestId: other.id,
      startDate: other.startDate,
      endDate: other.endDate,
      status: other.status,
    },
  );
}

function setDays(op: Atomic, scope: OrgScope, r: PtoRequest, status: PtoDayRow["status"]): void {
  for (const date of r.days) {
    op.set(
      ptoKeys.day(scope, date, r.userId, r.id),
      {
        seconds: r.daySeconds,
        typeId: r.typeId,
        paid: r.paid,
        status,
      } satisfies PtoDayRow,
    );
  }
}

function deleteDays(op: Atomic, scope: OrgScope, r: PtoRequest): void {
  for (const date of r.days) op.delete(ptoKeys.day(scope, date, r.userId, r.id));
}

/** Start an atomic that serializes on the member's PTO revision. */
async function memberOp(scope: OrgScope, userId: string, now: number): Promise<Atomic> {
  const rev = await scope.getKey(ptoKeys.rev(scope, userId));
  return scope.atomic().check(ptoKeys.rev(scope, userId), rev.versionstamp)
    .set(ptoKeys.rev(scope, userId), now);
}

/**
 * Request time off for the acting member, or (managers and admins) for `input.userId`. It starts
 * pending. Refuses 403 `forbidden` when an employee names someone else, 404 for unknown members,
 * 400 for invalid input, unknown types or uncountable dates (see `planRequest`), and 409
 * `pto_overlap` when the dates overlap a pending or approved request of the member.
 *
 * @example
 * ```ts
 * const r = await requestTimeOff(ctx, { typeId: "vacation", startDate: "2026-11-05", endDate: "2026-11-06" });
 * ```
 */
export async function requestTimeOff(
  ctx: RequestContext,
  raw: z.input<typeof requestInput>,
): Promise<PtoRequest> {
  requireScope(ctx, "pto:write");
  const actor = ptoActor(ctx);
  const { userId: named, ...input }: RequestTimeOffInput = parseInput(requestInput, raw);
  const userId = named ?? actor.userId;
  if (userId === null) {
    throw new DomainError("invalid", "validation_failed", "Some fields are missing or invalid", [
      { path: "userId", message: "name the member" },
    ]);
  }
  if (userId !== actor.userId && !isManager(actor.role)) {
    throw new DomainError("forbidden", "forbidden", "Only managers file time off for others");
  }
  const { scope, now } = ctx;
  if (!(await getMembership(scope, userId))) throw notFound("member");
  const plan = planRequest(ctx.settings.settings, input);
  const id = newId(now);
  return await retrying(async () => {
    const op = await memberOp(scope, userId, now);
    const from = Temporal.PlainDate.from(input.startDate)
      .subtract({ days: MAX_REQUEST_SPAN_DAYS }).toString();
    const existing = await memberRequests(scope, userId, { fromDate: from, toDate: input.endDate });
    const clash = existing.find((r) => isActive(r) && datesOverlap(r, input));
    if (clash) throw overlapError(clash);
    const request: PtoRequest = {
      id,
      userId,
      typeId: plan.type.id,
      startDate: input.startDate,
      endDate: input.endDate,
      includeWeekends: input.includeWeekends ?? false,
      secondsPerDay: input.secondsPerDay ?? null,
      days: plan.days,
      daySeconds: plan.daySeconds,
      totalSeconds: plan.totalSeconds,
      paid: plan.type.paid,
      note: input.note ?? null,
      status: "pending",
      createdBy: actor.actorId,
      createdAt: now,
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      cancelledBy: null,
      cancelledAt: null,
      cancelReason: null,
    };
    op.check(ptoKeys.request(scope, id), null)
      .set(ptoKeys.request(scope, id), request)
      .set(ptoKeys.byUser(scope, request), id)
      .set(ptoKeys.byStart(scope, request), { userId })
      .set(ptoKeys.pending(scope, request), { userId });
    setDays(op, scope, request, "pending");
    addAudit(op, scope, {
      principal: ctx.principal,
      action: "pto.request",
      entity: { kind: "pto_request", id },
      before: null,
      after: viewRequest(request),
    }, now);
    ctx.events.emit(op, "pto_request.created", viewRequest(request));
    return (await op.commit()) ? request : null;
  }).finally(() => ctx.jobs.dispatch());
}

/**
 * The request a decision is about: managers and admins only (403 `forbidden`), known requests
 * only (404). Looked up before the rest of the input is validated, so another tenant's id is
 * simply not found, whatever the body.
 */
async function decisionTarget(scope: OrgScope, actor: Actor, id: string) {
  if (!isManager(actor.role)) {
    throw new DomainError("forbidden", "forbidden", "Only managers decide on time off");
  }
  const found = await readRequest(scope, id);
  if (!found) throw notFound("time-off request");
  return found;
}

/**
 * The rule of deciding on a request: pending only (409 `request_not_pending`), and a manager
 * never on their own request (403 `own_request`; admins may).
 */
function assertDecidable(actor: Actor, r: PtoRequest): void {
  if (r.status !== "pending") {
    throw new DomainError("conflict", "request_not_pending", `This request is ${r.status}`, {
      status: r.status,
    });
  }
  if (r.userId === actor.userId && actor.role !== "admin") {
    throw new DomainError(
      "forbidden",
      "own_request",
      "Managers cannot decide on their own time off; ask an admin",
    );
  }
}

/**
 * Approve a pending request (managers and admins; managers not their own). For types that
 * accrue, the balance at the end of today minus approved usage dated later must cover the
 * request (409 `insufficient_balance` with `balanceSeconds` and `requestedSeconds`); types
 * without accrual need no balance. Records the usage (negative, dated at the first day) and
 * marks the request's days approved, so they count as PTO in reports.
 */
export async function approveTimeOff(
  ctx: RequestContext,
  raw: z.input<typeof approveInput>,
): Promise<PtoRequest> {
  requireScope(ctx, "pto:write");
  const actor = ptoActor(ctx);
  const { requestId: id } = parseInput(requestIdOf, raw);
  const { scope, now } = ctx;
  const settings = ctx.settings.settings;
  // The checkpoints the balance check computed, stored once the approval committed.
  let computed: { userId: string; checkpoints: FreshCheckpoint[] } | null = null;
  const approved = await retrying(async () => {
    const { request: r, versionstamp } = await decisionTarget(scope, actor, id);
    parseInput(approveInput, raw);
    assertDecidable(actor, r);
    const type = requireType(settings, r.typeId);
    const m = await getMembership(scope, r.userId);
    if (!m) throw notFound("member");
    const op = await memberOp(scope, r.userId, now);
    const position = await memberBalances(scope, settings, m.value, now, [type.id]);
    computed = { userId: r.userId, checkpoints: position.checkpoints };
    const clash = position.requests.find((o) =>
      o.id !== r.id && o.status === "approved" && datesOverlap(o, r)
    );
    if (clash) throw overlapError(clash);
    const b = position.balances[0];
    if (b.tracked && b.availableSeconds < r.totalSeconds) {
      throw new DomainError(
        "conflict",
        "insufficient_balance",
        `Not enough ${type.name} balance for this request`,
        {
          typeId: type.id,
          balanceSeconds: b.availableSeconds,
          requestedSeconds: r.totalSeconds,
        },
      );
    }
    const after: PtoRequest = {
      ...r,
      status: "approved",
      paid: type.paid,
      decidedBy: actor.actorId,
      decidedAt: now,
    };
    const event: PtoEvent = {
      id: newId(now),
      userId: r.userId,
      typeId: r.typeId,
      date: r.startDate,
      kind: "usage",
      seconds: -r.totalSeconds,
      note: `${r.startDate}–${r.endDate} (request ${r.id})`,
      requestId: r.id,
      actorId: actor.actorId,
      at: now,
    };
    op.check(ptoKeys.request(scope, id), versionstamp)
      .set(ptoKeys.request(scope, id), after)
      .delete(ptoKeys.pending(scope, r))
      .set(ptoKeys.event(scope, r.userId, event.id), event);
    setDays(op, scope, after, "approved");
    addAudit(op, scope, {
      principal: ctx.principal,
      action: "pto.approve",
      entity: { kind: "pto_request", id },
      before: viewRequest(r),
      after: viewRequest(after),
    }, now);
    ctx.events.emit(op, "pto_request.approved", viewRequest(after));
    return (await op.commit()) ? after : null;
  });
  await ctx.jobs.dispatch();
  const done = computed as { userId: string; checkpoints: FreshCheckpoint[] } | null;
  if (done) await saveCheckpoints(scope, done.userId, done.checkpoints);
  return approved;
}

/** Reject a pending request with a reason (managers and admins; managers not their own). */
export async function rejectTimeOff(
  ctx: RequestContext,
  raw: z.input<typeof rejectInput>,
): Promise<PtoRequest> {
  requireScope(ctx, "pto:write");
  const actor = ptoActor(ctx);
  const { requestId: id } = parseInput(requestIdOf, raw);
  const { scope, now } = ctx;
  return await retrying(async () => {
    const { request: r, versionstamp } = await decisionTarget(scope, actor, id);
    const { reason } = parseInput(rejectInput, raw);
    assertDecidable(actor, r);
    const op = await memberOp(scope, r.userId, now);
    const after: PtoRequest = {
      ...r,
      status: "rejected",
      decidedBy: actor.actorId,
      decidedAt: now,
      decisionReason: reason,
    };
    op.check(ptoKeys.request(scope, id), versionstamp)
      .set(ptoKeys.request(scope, id), after)
      .delete(ptoKeys.pending(scope, r));
    deleteDays(op, scope, r);
    addAudit(op, scope, {
      principal: ctx.principal,
      action: "pto.reject",
      entity: { kind: "pto_request", id },
      reason,
      before: viewRequest(r),
      after: viewRequest(after),
    }, now);
    ctx.events.emit(op, "pto_request.rejected", viewRequest(after));
    return (await op.commit()) ? after : null;
  }).finally(() => ctx.jobs.dispatch());
}

/**
 * Cancel a request. Its member may cancel it while it is pending, or approved and not yet
 * started (first day after today; else 403 `cancel_not_allowed`); managers and admins may cancel
 * any pending or approved request. Cancelling an approved request records a `usage_reversal`
 * (dated like the usage, so the two cancel out in the ledger) and removes its days from PTO.
 */
export async function cancelTimeOff(
  ctx: RequestContext,
  raw: z.input<typeof cancelInput>,
): Promise<PtoRequest> {
  requireScope(ctx, "pto:write");
  const actor = ptoActor(ctx);
  const { requestId: id } = parseInput(requestIdOf, raw);
  const { scope, now } = ctx;
  return await retrying(async () => {
    const found = await readRequest(scope, id);
    if (!found) throw notFound("time-off request");
    const { request: r, versionstamp } = found;
    const manager = isManager(actor.role);
    if (!manager && r.userId !== actor.userId) throw notFound("time-off request");
    const reason = parseInput(cancelInput, raw).reason ?? null;
    if (!isActive(r)) {
      throw new DomainError("conflict", "request_closed", `This request is already ${r.status}`, {
        status: r.status,
      });
    }
    if (!manager && r.status === "approved") {
      const today = localDateOf(now, ctx.settings.settings.timeZone).toString();
      if (r.startDate <= today) {
        throw new DomainError(
          "forbidden",
          "cancel_not_allowed",
          "This time off has started; ask a manager to cancel it",
        );
      }
    }
    const op = await memberOp(scope, r.userId, now);
    const after: PtoRequest = {
      ...r,
      status: "cancelled",
      cancelledBy: actor.actorId,
      cancelledAt: now,
      cancelReason: reason,
    };
    op.check(ptoKeys.request(scope, id), versionstamp).set(ptoKeys.request(scope, id), after);
    if (r.status === "pending") op.delete(ptoKeys.pending(scope, r));
    deleteDays(op, scope, r);
    if (r.status === "approved") {
      const event: PtoEvent = {
        id: newId(now),
        userId: r.userId,
        typeId: r.typeId,
        date: r.startDate,
        kind: "usage_reversal",
        seconds: r.totalSeconds,
        note: `cancelled ${r.startDate}–${r.endDate} (request ${r.id})`,
        requestId: r.id,
        actorId: actor.actorId,
        at: now,
      };
      op.set(ptoKeys.event(scope, r.userId, event.id), event);
    }
    addAudit(op, scope, {
      principal: ctx.principal,
      action: "pto.cancel",
      entity: { kind: "pto_request", id },
      reason,
      before: viewRequest(r),
      after: viewRequest(after),
    }, now);
    ctx.events.emit(op, "pto_request.cancelled", viewRequest(after));
    return (await op.commit()) ? after : null;
  }).finally(() => ctx.jobs.dispatch());
}

/**
 * Record a manual adjustment of a member's balance, dated today. Managers and admins only (403
 * `forbidden`), and — as for deciding on time off — a manager never on their own balance (403
 * `forbidden`; admins may). Only types that accrue have a balance (422 `untracked_pto_type`).
 */
export async function adjustBalance(
  ctx: RequestContext,
  raw: z.input<typeof adjustmentInput>,
): Promise<PtoEvent> {
  requireScope(ctx, "pto:write");
  const actor = ptoActor(ctx);
  if (!isManager(actor.role)) {
    throw new DomainError("forbidden", "forbidden", "Only managers adjust time-off balances");
  }
  const input: AdjustmentInput = parseInput(adjustmentInput, raw);
  if (!mayAdjust(actor, input.userId)) {
    throw new DomainError(
      "forbidden",
      "forbidden",
      "Managers cannot adjust their own time-off balance; ask an admin",
    );
  }
  const { scope, now } = ctx;
  if (!(await getMembership(scope, input.userId))) throw notFound("member");
  const settings = ctx.settings.settings;
  const type = requireType(settings, input.typeId);
  if (type.accrual.method === "none") {
    throw new DomainError(
      "unprocessable",
      "untracked_pto_type",
      `${type.name} has no balance to adjust (it does not accrue)`,
      { typeId: type.id },
    );
  }
  const date = localDateOf(now, settings.timeZone).toString();
  return await retrying(async () => {
    const op = await memberOp(scope, input.userId, now);
    const event: PtoEvent = {
      id: newId(now),
      userId: input.userId,
      typeId: type.id,
      date,
      kind: "adjustment",
      seconds: input.seconds,
      note: input.reason,
      requestId: null,
      actorId: actor.actorId,
      at: now,
    };
    op.check(ptoKeys.event(scope, input.userId, event.id), null)
      .set(ptoKeys.event(scope, input.userId, event.id), event);
    addAudit(op, scope, {
      principal: ctx.principal,
      action: "pto.adjust",
      entity: { kind: "pto_adjustment", id: event.id },
      reason: input.reason,
      before: null,
      after: event,
    }, now);
    return (await op.commit()) ? event : null;
  });
}

/**
 * Whether `actor` may decide on `r` now: a pending request, decided by a manager not on their
 * own time off, or by an admin (the rule `approveTimeOff` and `rejectTimeOff` apply).
 */
export function mayDecide(actor: Actor, r: PtoRequest): boolean {
  return r.status === "pending" && isManager(actor.role) &&
    (r.userId !== actor.userId || actor.role === "admin");
}

/**
 * Whether `actor` may cancel `r` on local date `today` (the rule `cancelTimeOff` applies):
 * managers and admins any pending or approved request, a member their own while it is pending or
 * has not started.
 */
export function mayCancel(actor: Actor, r: PtoRequest, today: string): boolean {
  if (!isActive(r)) return false;
  if (isManager(actor.role)) return true;
  return r.userId === actor.userId && (r.status === "pending" || r.startDate > today);
}

/**
 * Whether `actor` may adjust the balances of member `userId` (the rule `adjustBalance` applies):
 * managers and admins, a manager never their own (as for deciding on their own time off).
 */
export function mayAdjust(actor: Actor, userId: string): boolean {
  return isManager(actor.role) && (userId !== actor.userId || actor.role === "admin");
}
