/**
 * Timesheets as use cases: every door (the JSON API, the timesheet and review pages, later API
 * keys) calls these with its {@linkcode RequestContext} and an input checked by
 * `lib/timesheets/schemas.ts`. Who may see and act (employees: their own; managers and admins:
 * anyone; managers never approve or reject their own), the plan gates (`timesheetApproval` for
 * the workflow, `overtimeRules` for the pay rules) and the audit principal are decided here once.
 *
 * | use case | who |
 * | --- | --- |
 * | {@linkcode listTimesheetsUseCase} | own; managers and admins: anyone or everyone |
 * | {@linkcode getTimesheetUseCase}, {@linkcode timesheetHistoryUseCase} | own; managers and admins |
 * | {@linkcode timesheetActionUseCase} (submit, approve, reject, reopen) | see `mayAct` |
 * | {@linkcode timesheetPageUseCase} | what the timesheet page shows |
 * | {@linkcode reviewTimesheetsUseCase}, {@linkcode bulkApproveTimesheetsUseCase} | managers and admins |
 *
 * Timesheets of people who are not members of this organization do not exist here: their ids
 * answer 404 `not_found` and their names are never read.
 *
 * @module
 */

import {
  actorUserId,
  authorize,
  type RequestContext,
  requirePlanFeature,
  requireScope,
} from "../context.ts";
import { enabled } from "../billing/entitlements.ts";
import { DomainError, notFound } from "../errors.ts";
import { memberUsers } from "../identity/users.ts";
import { getMembership, isManager } from "../members/members.ts";
import { principalRef } from "../principal.ts";
import type { EventType } from "../events/events.ts";
import type { AuditRecord } from "../audit/audit.ts";
import { type TimeEntry, toSecond } from "../entries/model.ts";
import { entriesOverlapping } from "../entries/repository.ts";
import { locksTouching, type PeriodLock } from "../entries/locks.ts";
import { mayCorrect } from "../entries/manage.ts";
import { decodeCursorParam } from "../kv/mod.ts";
import { type OvertimeRules, rulesFor } from "../overtime/engine.ts";
import type { Settings } from "../settings/schema.ts";
import type { Period } from "../time/periods.ts";
import { localDateOf, startOfLocalDay } from "../time/week.ts";
import type { HoursTotals } from "../reports/hours.ts";
import { overtimeOn, payingSettings } from "../reports/use_cases.ts";
import {
  type Actor,
  getTimesheet,
  listTimesheets,
  mayAct,
  nextStatus,
  periodOf,
  type TimesheetAction,
  type TimesheetDetail,
  type TimesheetEffects,
  timesheetHistory,
  timesheetId,
  timesheetOwner,
  type TimesheetRecord,
  type TimesheetStatus,
  type TimesheetSummary,
  transitionTimesheet,
} from "./timesheets.ts";
import type {
  BulkApprovalInput,
  TimesheetActionInput,
  TimesheetListInput,
  TimesheetPageInput,
  TimesheetReviewInput,
} from "./schemas.ts";

/** Who acts, as the timesheet workflow records it. */
function actorOf(ctx: RequestContext): Actor {
  return {
    userId: actorUserId(ctx) ?? principalRef(ctx.principal).id,
    role: ctx.role,
    principal: ctx.principal,
  };
}

function payOptions(ctx: RequestContext) {
  return { overtimeRules: overtimeOn(ctx) };
}

/** The local date asked for, or today in the organization's time zone. */
function dateOrToday(ctx: RequestContext, date: string | undefined): Temporal.PlainDate {
  return date
    ? Temporal.PlainDate.from(date)
    : localDateOf(ctx.now, ctx.settings.settings.timeZone);
}

/**
 * The owner of timesheet `id` when the context may see it (employees: their own); otherwise, as
 * for ids of other organizations, 404 `not_found`.
 */
async function visibleOwner(ctx: RequestContext, id: string): Promise<string> {
  const owner = await timesheetOwner(ctx.scope, id);
  if (!isManager(ctx.role) && owner !== actorUserId(ctx)) throw notFound("timesheet");
  return owner;
}

/**
 * The member a timesheet page or list is about: `userId` (managers and admins) or the acting
 * person. 403 `forbidden` when an employee asks for someone else.
 */
export function timesheetSubject(ctx: RequestContext, userId: string | undefined): string {
  const self = actorUserId(ctx);
  if (!userId || userId === self) {
    if (!self) throw new DomainError("forbidden", "forbidden", "Name the member (userId)");
    return self;
  }
  if (!isManager(ctx.role)) {
    throw new DomainError("forbidden", "forbidden", "Employees can see only their own timesheet");
  }
  return userId;
}

/**
 * The timesheets of the pay period containing `date`: the acting employee's own, one member's
 * (`userId`), or every active member's (managers and admins). Throws 403 `forbidden`, 404
 * `not_found` (a `userId` that is not a member here).
 */
export async function listTimesheetsUseCase(
  ctx: RequestContext,
  input: TimesheetListInput,
): Promise<{ period: Period; data: TimesheetSummary[] }> {
  requireScope(ctx, "timesheets:read");
  const userId = isManager(ctx.role) ? input.userId ?? null : timesheetSubject(ctx, input.userId);
  return await listTimesheets(ctx.scope, {
    date: Temporal.PlainDate.from(input.date),
    userId,
    now: ctx.now,
    ...payOptions(ctx),
  });
}

/** One timesheet with its days and entries (404 `not_found` when it may not be seen). */
export async function getTimesheetUseCase(
  ctx: RequestContext,
  input: { timesheetId: string },
): Promise<TimesheetDetail> {
  requireScope(ctx, "timesheets:read");
  await visibleOwner(ctx, input.timesheetId);
  return await getTimesheet(ctx.scope, input.timesheetId, ctx.now, payOptions(ctx));
}

/** The audit history of a timesheet, oldest first (404 `not_found` when it may not be seen). */
export async function timesheetHistoryUseCase(
  ctx: RequestContext,
  input: { timesheetId: string; limit: number; cursor?: string },
): Promise<{ data: AuditRecord[]; nextCursor: string | null }> {
  requireScope(ctx, "timesheets:read");
  await visibleOwner(ctx, input.timesheetId);
  return await timesheetHistory(ctx.scope, input.timesheetId, {
    limit: input.limit,
    cursor: decodeCursorParam(input.cursor),
  });
}

function reasonMissing(): DomainError {
  return new DomainError("invalid", "validation_failed", "Say why the timesheet is rejected", [
    { path: "reason", message: "say why the timesheet is rejected" },
  ]);
}

/**
 * Take a workflow action on one timesheet: `submit` (the member, or a manager or admin on their
 * behalf), `approve` (freezes its totals and locks its period), `reject` (with a `reason`),
 * `reopen` (admins; unlocks). Needs the plan's `timesheetApproval`. Decides in this order: plan
 * (403), visibility (404 `not_found`, also for other organizations' ids), a reject's reason (400
 * `validation_failed`), who may act (403 `forbidden`: managers never approve or reject their own
 * timesheet), the status (409 `invalid_transition`), a running entry (409 `entry_running`).
 * Audited under the context's principal. Returns the stored record.
 */
export async function timesheetActionUseCase(
  ctx: RequestContext,
  input: TimesheetActionInput,
): Promise<TimesheetRecord> {
  requireScope(ctx, "timesheets:write");
  requirePlanFeature(ctx, "timesheetApproval");
  await visibleOwner(ctx, input.timesheetId);
  const reason = input.reason ?? null;
  if (input.action === "reject" && !reason) throw reasonMissing();
  const record = await transitionTimesheet(
    ctx.scope,
    actorOf(ctx),
    input.timesheetId,
    input.action,
    reason,
    ctx.now,
    payOptions(ctx),
    timesheetEvents(ctx),
  );
  await ctx.jobs.dispatch();
  return record;
}

/** The event of each workflow action. */
const TIMESHEET_EVENTS: Record<TimesheetAction, EventType> = {
  submit: "timesheet.submitted",
  approve: "timesheet.approved",
  reject: "timesheet.rejected",
  reopen: "timesheet.reopened",
};

/** Emits a transition's event with the timesheet as stored (without its internal lock). */
function timesheetEvents(ctx: RequestContext): TimesheetEffects {
  return (op, after, action) => {
    const { lock: _lock, ...data } = after;
    ctx.events.emit(op, TIMESHEET_EVENTS[action], data);
  };
}

/**
 * Take a workflow action (see {@linkcode timesheetActionUseCase}) and answer the timesheet as it
 * now stands: what the JSON API returns, so a key needs only `timesheets:write` for it.
 */
export async function timesheetTransitionUseCase(
  ctx: RequestContext,
  input: TimesheetActionInput,
): Promise<TimesheetDetail> {
  requireScope(ctx, "timesheets:write");
  await timesheetActionUseCase(ctx, input);
  return await getTimesheet(ctx.scope, input.timesheetId, ctx.now, payOptions(ctx));
}

/** Submit a timesheet for approval (see {@linkcode timesheetActionUseCase}). */
export function submitTimesheetUseCase(ctx: RequestContext, input: { timesheetId: string }) {
  return timesheetActionUseCase(ctx, { ...input, action: "submit" });
}

/** Approve a submitted timesheet (see {@linkcode timesheetActionUseCase}). */
export function approveTimesheetUseCase(ctx: RequestContext, input: { timesheetId: string }) {
  return timesheetActionUseCase(ctx, { ...input, action: "approve" });
}

/** Reject a submitted timesheet with a reason (see {@linkcode timesheetActionUseCase}). */
export function rejectTimesheetUseCase(
  ctx: RequestContext,
  input: { timesheetId: string; reason?: string },
) {
  return timesheetActionUseCase(ctx, { ...input, action: "reject" });
}

/** Reopen an approved timesheet (admins; see {@linkcode timesheetActionUseCase}). */
export function reopenTimesheetUseCase(
  ctx: RequestContext,
  input: { timesheetId: string; reason?: string },
) {
  return timesheetActionUseCase(ctx, { ...input, action: "reopen" });
}

/** Which workflow buttons a timesheet offers the context. */
export type SheetActions = Record<TimesheetAction, boolean>;

/** Everything the timesheet page shows about one member's pay period. */
export interface TimesheetPageData {
  period: Period;
  userId: string;
  isOwn: boolean;
  sheet: TimesheetDetail;
  /** The member's entries overlapping the period (raw, for the page's rows). */
  entries: TimeEntry[];
  locks: PeriodLock[];
  /** Names of the member and of who submitted and decided, read through the membership. */
  names: Map<string, string>;
  hourlyRateCents: number | null;
  actions: SheetActions;
  canEditEntries: boolean;
  /** True when the plan has the workflow and the context may review the team. */
  canReview: boolean;
  /** The settings the figures were computed with. */
  settings: Settings;
  rules: OvertimeRules;
  today: Temporal.PlainDate;
  now: number;
}

/**
 * What the timesheet page shows: the pay period containing `date` (default today) of `userId`
 * (default oneself; others need a manager or admin: 403 `forbidden`; 404 `not_found` for anyone
 * who is not a member here).
 */
export async function timesheetPageUseCase(
  ctx: RequestContext,
  input: TimesheetPageInput,
): Promise<TimesheetPageData> {
  requireScope(ctx, "timesheets:read");
  const userId = timesheetSubject(ctx, input.userId);
  const now = toSecond(ctx.now);
  const settings = ctx.settings.settings;
  const date = dateOrToday(ctx, input.date);
  const period = periodOf(settings, date);
  const pay = payOptions(ctx);
  const approval = enabled(ctx.entitlements, "timesheetApproval");
  const sheet = await getTimesheet(
    ctx.scope,
    timesheetId(period.start.toString(), userId),
    now,
    pay,
  );
  const startMs = startOfLocalDay(period.start, settings.timeZone);
  const endMs = startOfLocalDay(period.end.add({ days: 1 }), settings.timeZone);
  const [entries, locks, member, people] = await Promise.all([
    entriesOverlapping(ctx.scope, userId, startMs, endMs, now),
    locksTouching(ctx.scope, userId, startMs, endMs),
    getMembership(ctx.scope, userId),
    memberUsers(
      ctx.scope,
      [userId, sheet.submittedBy, sheet.decidedBy].filter((x): x is string => !!x),
    ),
  ]);
  const actor = actorOf(ctx);
  const can = (a: TimesheetAction) =>
    approval && mayAct(actor, userId, a) && nextStatus(sheet.status, a) !== null;
  return {
    period,
    userId,
    isOwn: userId === actorUserId(ctx),
    sheet,
    entries,
    locks,
    names: new Map(people.map((u) => [u.id, u.name])),
    hourlyRateCents: member?.value.hourlyRateCents ?? null,
    actions: {
      submit: can("submit"),
      approve: can("approve"),
      reject: can("reject"),
      reopen: can("reopen"),
    },
    canEditEntries: mayCorrect(actor, userId, settings),
    canReview: approval && isManager(ctx.role),
    settings,
    rules: rulesFor(payingSettings(ctx).overtime),
    today: localDateOf(now, settings.timeZone),
    now,
  };
}

/** One row of the team review. */
export interface ReviewTimesheet {
  id: string;
  userId: string;
  name: string;
  periodStart: string;
  status: TimesheetStatus;
  totals: HoursTotals;
  canApprove: boolean;
  canReject: boolean;
  canReopen: boolean;
}

function assertReviewer(ctx: RequestContext): void {
  authorize(ctx, "admin", "manager");
  requirePlanFeature(ctx, "timesheetApproval");
}

/**
 * The team review of the pay period containing `date` (default today): every active member's
 * timesheet with what the context may do to it, by name (managers and admins; needs
 * `timesheetApproval`).
 */
export async function reviewTimesheetsUseCase(
  ctx: RequestContext,
  input: TimesheetReviewInput,
): Promise<{ period: Period; rows: ReviewTimesheet[]; today: Temporal.PlainDate }> {
  requireScope(ctx, "timesheets:read");
  assertReviewer(ctx);
  const now = toSecond(ctx.now);
  const { period, data } = await listTimesheets(ctx.scope, {
    date: dateOrToday(ctx, input.date),
    now,
    ...payOptions(ctx),
  });
  const names = new Map(
    (await memberUsers(ctx.scope, data.map((s) => s.userId))).map((u) => [u.id, u.name]),
  );
  const actor = actorOf(ctx);
  const rows = data.map((s) => ({
    id: s.id,
    userId: s.userId,
    name: names.get(s.userId) ?? "Unknown",
    periodStart: s.periodStart,
    status: s.status,
    totals: s.totals,
    canApprove: s.status === "submitted" && mayAct(actor, s.userId, "approve"),
    canReject: s.status === "submitted" && mayAct(actor, s.userId, "reject"),
    canReopen: s.status === "approved" && mayAct(actor, s.userId, "reopen"),
  })).sort((a, b) => a.name.localeCompare(b.name));
  return { period, rows, today: localDateOf(now, ctx.settings.settings.timeZone) };
}

/** What a bulk approval did. */
export interface BulkApprovalResult {
  approved: number;
  /** Timesheets that could not be approved, with their member's name and why. */
  failures: { timesheetId: string; name: string; message: string }[];
}

/**
 * Approve several timesheets (the review page's bulk form): the checked `ids`, or with
 * `all: "submitted"` every submitted timesheet of the period containing `date` that the context
 * may approve. Managers and admins; needs `timesheetApproval`. Every id must name a timesheet of
 * a member of this organization: otherwise nothing is approved and the answer is 404
 * `not_found`, naming no one. Timesheets that cannot be approved (not submitted, one's own as a
 * manager, a running entry) are reported per member; the others are approved. Nothing selected
 * is 400 `validation_failed`.
 */
export async function bulkApproveTimesheetsUseCase(
  ctx: RequestContext,
  input: BulkApprovalInput,
): Promise<BulkApprovalResult> {
  requireScope(ctx, "timesheets:write");
  assertReviewer(ctx);
  const actor = actorOf(ctx);
  let ids: string[];
  if (input.all === "submitted") {
    const { data } = await listTimesheets(ctx.scope, {
      date: dateOrToday(ctx, input.date),
      now: ctx.now,
      ...payOptions(ctx),
    });
    ids = data.filter((s) => s.status === "submitted" && mayAct(actor, s.userId, "approve"))
      .map((s) => s.id);
  } else {
    ids = [...new Set(input.ids)];
  }
  if (ids.length === 0) {
    throw new DomainError(
      "invalid",
      "validation_failed",
      "Select at least one submitted timesheet to approve.",
      [{ path: "ids", message: "select at least one submitted timesheet" }],
    );
  }
  const owners = new Map<string, string>();
  for (const id of ids) {
    try {
      owners.set(id, await timesheetOwner(ctx.scope, id));
    } catch (err) {
      if (err instanceof DomainError && err.code === "not_found") {
        throw new DomainError(
          "not_found",
          "not_found",
          "A selected timesheet was not found in this organization; nothing was approved. Reload the page.",
        );
      }
      throw err;
    }
  }
  const failed: { timesheetId: string; userId: string; message: string }[] = [];
  let approved = 0;
  for (const id of ids) {
    try {
      await transitionTimesheet(
        ctx.scope,
        actor,
        id,
        "approve",
        null,
        ctx.now,
        payOptions(ctx),
        timesheetEvents(ctx),
      );
      approved++;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      failed.push({ timesheetId: id, userId: owners.get(id)!, message: err.message });
    }
  }
  await ctx.jobs.dispatch();
  const names = new Map(
    (await memberUsers(ctx.scope, failed.map((f) => f.userId))).map((u) => [u.id, u.name]),
  );
  return {
    approved,
    failures: failed.map((f) => ({
      timesheetId: f.timesheetId,
      name: names.get(f.userId) ?? "Unknown",
      message: f.message,
    })),
  };
}
