/**
 * Timesheets: one per member per pay period, with a small approval workflow.
 *
 * ```
 *            submit                approve
 *   open ───────────────▶ submitted ───────▶ approved ──┐
 *    ▲  rejected ─submit─▶    │                          │ reopen (admin)
 *    │     ▲                  │ reject (reason)          │
 *    │     └──────────────────┘                          │
 *    └───────────────────────────────────────────────────┘
 * ```
 *
 * - submit: the member themself, or a manager/admin on their behalf (open | rejected → submitted)
 * - approve: a manager or admin, not on their own timesheet — except admins, who may approve
 *   their own (someone has to approve the only admin's time) (submitted → approved)
 * - reject: same people as approve, with a reason (submitted → rejected)
 * - reopen: admins only (approved → open)
 *
 * A timesheet is virtual (`open`, nothing stored) until first acted on; its id is
 * `<periodStart>.<userId>`, e.g. `2026-10-26.01JD3X7M2Q8J5V0K6Y4T9N1C2B`, so it can be named
 * before it exists. Keys (under the organization's scope):
 *
 * - `["timesheet", periodStart, userId]` → {@linkcode TimesheetRecord} (a team's period is one
 *   range scan)
 * - `["period_lock", userId, startMs]` → the lock of an approved period (`lib/entries/locks.ts`)
 *
 * Approval computes the period's totals with the report engine, freezes them on the record and
 * locks the period in one commit that also checks and rewrites the member's revision key: an
 * entry change that lands between reading the entries and committing makes the approval run
 * again, and one that comes after sees the lock (409 `period_locked`). So an approved
 * timesheet's totals are always those of its entries. Every transition is audited.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { type Atomic, isId, type OrgScope } from "../kv/mod.ts";
import { addAudit, type AuditRecord, entityHistory } from "../audit/audit.ts";
import type { Principal } from "../principal.ts";
import { type EntryView, viewEntry } from "../entries/model.ts";
import { entriesOverlapping, readTimeline, userRevKey } from "../entries/repository.ts";
import { addLock, type PeriodLock, removeLock, widenHint } from "../entries/locks.ts";
import {
  activeMemberships,
  getMembership,
  isManager,
  type Membership,
  type Role,
} from "../members/members.ts";
import { getSettings } from "../settings/repository.ts";
import type { Settings } from "../settings/schema.ts";
import { type Period, periodContaining } from "../time/periods.ts";
import { parseLocalDate, startOfLocalDay } from "../time/week.ts";
import { type HoursDay, hoursReport, type HoursTotals, type PayOptions } from "../reports/hours.ts";

/** Where a timesheet stands. */
export type TimesheetStatus = "open" | "submitted" | "approved" | "rejected";

/** A transition. */
export type TimesheetAction = "submit" | "approve" | "reject" | "reopen";

/** What is stored once a timesheet has been acted on. */
export interface TimesheetRecord {
  id: string;
  userId: string;
  periodStart: string;
  periodEnd: string;
  status: TimesheetStatus;
  submittedAt: string | null;
  submittedBy: string | null;
  /** When and by whom it was last approved, rejected or reopened. */
  decidedAt: string | null;
  decidedBy: string | null;
  /** Why it was rejected (while `rejected`). */
  rejectionReason: string | null;
  /** Totals frozen at approval (while `approved`). */
  approvedTotals: HoursTotals | null;
  /** The period's instants as locked at approval (while `approved`). */
  lock: { startMs: number; endMs: number } | null;
  updatedAt: string | null;
}

/** A timesheet as the list shows it. */
export interface TimesheetSummary {
  id: string;
  userId: string;
  periodStart: string;
  periodEnd: string;
  status: TimesheetStatus;
  totals: HoursTotals;
}

/** A timesheet with its workflow fields, days and entries. */
export interface TimesheetDetail extends TimesheetSummary {
  submittedAt: string | null;
  submittedBy: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  rejectionReason: string | null;
  /** True while approved: entries in the period cannot change. */
  locked: boolean;
  /** Every local day of the period with its classification (live figures). */
  days: HoursDay[];
  /** Entries overlapping the period, oldest first. */
  entries: EntryView[];
}

/** Who acts: the id decisions are recorded under, the role, and the principal audited. */
export interface Actor {
  /** The person acting (for other principals, their id: it never names a member). */
  userId: string;
  role: Role;
  principal: Principal;
}

const ID_RE = /^(\d{4}-\d{2}-\d{2})\.([0-9A-Z]{26})$/;

/**
 * The id of `userId`'s timesheet for the period starting `periodStart`.
 *
 * @example
 * ```ts
 * timesheetId("2026-10-26", "01JD3X7M2Q8J5V0K6Y4T9N1C2B"); // "2026-10-26.01JD3X7M2Q8J5V0K6Y4T9N1C2B"
 * ```
 */
export function timesheetId(periodStart: string, userId: string): string {
  return `${periodStart}.${userId}`;
}

/** The parts of a timesheet id, or null when it is not one. */
export function parseTimesheetId(id: string): { periodStart: string; userId: string } | null {
  const m = ID_RE.exec(id);
  if (!m || !isId(m[2]) || !parseLocalDate(m[1])) return null;
  return { periodStart: m[1], userId: m[2] };
}

/** The pay period containing local `date` under the organization's schedule. */
export function periodOf(settings: Settings, date: Temporal.PlainDate): Period {
  return periodContaining(date, settings.payPeriod);
}

function virtualRecord(userId: string, period: Period): TimesheetRecord {
  const periodStart = period.start.toString();
  return {
    id: timesheetId(periodStart, userId),
    userId,
    periodStart,
    periodEnd: period.end.toString(),
    status: "open",
    submittedAt: null,
    submittedBy: null,
    decidedAt: null,
    decidedBy: null,
    rejectionReason: null,
    approvedTotals: null,
    lock: null,
    updatedAt: null,
  };
}

interface Loaded {
  record: TimesheetRecord;
  versionstamp: string | null;
  membership: Membership;
  settings: Settings;
}

/** The timesheet `id` (stored or virtual), or `not_found`. */
async function load(scope: OrgScope, id: string): Promise<Loaded> {
  const parts = parseTimesheetId(id);
  if (!parts) throw notFound("timesheet");
  const [m, stored, { settings }] = await Promise.all([
    getMembership(scope, parts.userId),
    scope.get<TimesheetRecord>("timesheet", parts.periodStart, parts.userId),
    getSettings(scope),
  ]);
  if (!m) throw notFound("timesheet");
  if (stored.value) {
    return {
      record: stored.value,
      versionstamp: stored.versionstamp,
      membership: m.value,
      settings,
    };
  }
  const start = Temporal.PlainDate.from(parts.periodStart);
  const period = periodOf(settings, start);
  if (!period.start.equals(start)) throw notFound("timesheet");
  return {
    record: virtualRecord(parts.userId, period),
    versionstamp: null,
    membership: m.value,
    settings,
  };
}

function periodInstants(record: TimesheetRecord, timeZone: string) {
  const start = Temporal.PlainDate.from(record.periodStart);
  const end = Temporal.PlainDate.from(record.periodEnd).add({ days: 1 });
  return { startMs: startOfLocalDay(start, timeZone), endMs: startOfLocalDay(end, timeZone) };
}

function summary(record: TimesheetRecord, live: HoursTotals): TimesheetSummary {
  return {
    id: record.id,
    userId: record.userId,
    periodStart: record.periodStart,
    periodEnd: record.periodEnd,
    status: record.status,
    totals: record.status === "approved" && record.approvedTotals ? record.approvedTotals : live,
  };
}

function totalsOfRow(r: HoursTotals): HoursTotals {
  return {
    workedSeconds: r.workedSeconds,
    regularSeconds: r.regularSeconds,
    overtimeSeconds: r.overtimeSeconds,
    doubleTimeSeconds: r.doubleTimeSeconds,
    ptoSeconds: r.ptoSeconds,
    grossPayCents: r.grossPayCents,
  };
}

/**
 * The timesheets of the pay period containing local `date`: of `userId` only, or of every active
 * member (managers' view). Approved timesheets show their frozen totals, others live ones.
 */
export async function listTimesheets(
  scope: OrgScope,
  q: { date: Temporal.PlainDate; userId?: string | null; now: number } & PayOptions,
): Promise<{ period: Period; data: TimesheetSummary[] }> {
  const { settings } = await getSettings(scope);
  const period = periodOf(settings, q.date);
  const periodStart = period.start.toString();
  let members: Membership[];
  if (q.userId) {
    const m = await getMembership(scope, q.userId);
    if (!m) throw notFound("member");
    members = [m.value];
  } else {
    members = await activeMemberships(scope);
  }
  const stored = new Map<string, TimesheetRecord>();
  if (members.length === 1) {
    const e = await scope.get<TimesheetRecord>("timesheet", periodStart, members[0].userId);
    if (e.value) stored.set(e.value.userId, e.value);
  } else {
    for await (
      const e of scope.list<TimesheetRecord>(scope.key("timesheet", periodStart))
    ) stored.set(e.value.userId, e.value);
  }
  const report = await hoursReport(scope, {
    from: period.start,
    to: period.end,
    members,
    settings,
    now: q.now,
    overtimeRules: q.overtimeRules,
  });
  const data = report.members.map((row) => {
    const record = stored.get(row.userId) ?? virtualRecord(row.userId, period);
    return summary(record, totalsOfRow(row));
  });
  return { period, data };
}

/**
 * One timesheet with its days and entries, or `not_found`. `options.overtimeRules` false
 * computes live totals without overtime (the plan's feature is off).
 */
export async function getTimesheet(
  scope: OrgScope,
  id: string,
  now: number,
  options: PayOptions = {},
): Promise<TimesheetDetail> {
  const { record, membership, settings } = await load(scope, id);
  const from = Temporal.PlainDate.from(record.periodStart);
  const to = Temporal.PlainDate.from(record.periodEnd);
  const report = await hoursReport(scope, {
    from,
    to,
    members: [membership],
    settings,
    withDays: true,
    now,
    overtimeRules: options.overtimeRules,
  });
  const row = report.members[0];
  const { startMs, endMs } = periodInstants(record, settings.timeZone);
  const entries = await entriesOverlapping(scope, record.userId, startMs, endMs, now);
  return {
    ...summary(record, totalsOfRow(row)),
    submittedAt: record.submittedAt,
    submittedBy: record.submittedBy,
    decidedAt: record.decidedAt,
    decidedBy: record.decidedBy,
    rejectionReason: record.rejectionReason,
    locked: record.status === "approved",
    days: row.days,
    entries: entries.map((e) => viewEntry(e, now, settings)),
  };
}

/** The member whose timesheet `id` is (`not_found` for ids that name no timesheet here). */
export async function timesheetOwner(scope: OrgScope, id: string): Promise<string> {
  return (await load(scope, id)).record.userId;
}

/** The audit history of a timesheet, oldest first. */
export async function timesheetHistory(
  scope: OrgScope,
  id: string,
  options: { limit: number; cursor?: string | null },
): Promise<{ data: AuditRecord[]; nextCursor: string | null }> {
  await load(scope, id);
  return await entityHistory(scope, "timesheet", id, options);
}

/** True when `actor` may take `action` on a timesheet of `ownerId` (status aside). */
export function mayAct(
  actor: Pick<Actor, "userId" | "role">,
  ownerId: string,
  action: TimesheetAction,
): boolean {
  switch (action) {
    case "submit":
      return actor.userId === ownerId || isManager(actor.role);
    case "approve":
    case "reject":
      return isManager(actor.role) && (actor.userId !== ownerId || actor.role === "admin");
    case "reopen":
      return actor.role === "admin";
  }
}

const FROM: Record<TimesheetAction, TimesheetStatus[]> = {
  submit: ["open", "rejected"],
  approve: ["submitted"],
  reject: ["submitted"],
  reopen: ["approved"],
};

const TO: Record<TimesheetAction, TimesheetStatus> = {
  submit: "submitted",
  approve: "approved",
  reject: "rejected",
  reopen: "open",
};

/** The status `action` leads to from `status`, or null when it is not allowed there. */
export function nextStatus(
  status: TimesheetStatus,
  action: TimesheetAction,
): TimesheetStatus | null {
  return FROM[action].includes(status) ? TO[action] : null;
}

const ATTEMPTS = 8;

/** What a transition also carries into its commit (its event). */
export type TimesheetEffects = (
  op: Atomic,
  after: TimesheetRecord,
  action: TimesheetAction,
) => void;

/**
 * Take `action` on timesheet `id` as `actor`; returns the stored record. `reason` is required to
 * reject (and kept in the audit record of any action). Throws `not_found`, `forbidden`, 409
 * `invalid_transition` (with the current status), 409 `entry_running` (approving a period with a
 * running entry) or 409 `concurrent_change`. Approval freezes totals computed with
 * `options.overtimeRules` (false: without overtime, the plan's feature is off).
 */
export async function transitionTimesheet(
  scope: OrgScope,
  actor: Actor,
  id: string,
  action: TimesheetAction,
  reason: string | null,
  now: number,
  options: PayOptions = {},
  effects?: TimesheetEffects,
): Promise<TimesheetRecord> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { record, versionstamp, membership, settings } = await load(scope, id);
    if (!mayAct(actor, record.userId, action)) {
      throw new DomainError(
        "forbidden",
        "forbidden",
        action === "reopen"
          ? "Only admins can reopen a timesheet"
          : action === "submit"
          ? "You can submit only your own timesheet"
          : actor.userId === record.userId && isManager(actor.role)
          ? "Managers cannot approve or reject their own timesheet; ask an admin"
          : "Only managers and admins can approve or reject timesheets",
      );
    }
    const status = nextStatus(record.status, action);
    if (!status) {
      throw new DomainError(
        "conflict",
        "invalid_transition",
        `A ${record.status} timesheet cannot be ${PAST[action]}`,
        { status: record.status, action },
      );
    }
    if (action === "reject" && !reason) {
      throw new DomainError("invalid", "validation_failed", "Say why the timesheet is rejected", [
        { path: "reason", message: "say why" },
      ]);
    }
    const at = new Date(now).toISOString();
    const next: TimesheetRecord = { ...record, status, updatedAt: at };
    if (action === "submit") {
      next.submittedAt = at;
      next.submittedBy = actor.userId;
      next.rejectionReason = null;
    } else {
      next.decidedAt = at;
      next.decidedBy = actor.userId;
    }
    if (action === "reject") next.rejectionReason = reason;
    const key = scope.key("timesheet", record.periodStart, record.userId);
    let lockWrite: ((op: Atomic) => void) | null = null;
    if (action === "approve") {
      const timeline = await readTimeline(scope, record.userId);
      const { startMs, endMs } = periodInstants(record, settings.timeZone);
      const running = timeline.open?.entry;
      if (running && running.start < endMs && Math.max(now, running.start) >= startMs) {
        throw new DomainError(
          "conflict",
          "entry_running",
          "The member is clocked in during this period; they must clock out before approval",
          { entryId: running.id },
        );
      }
      const report = await hoursReport(scope, {
        from: Temporal.PlainDate.from(record.periodStart),
        to: Temporal.PlainDate.from(record.periodEnd),
        members: [membership],
        settings,
        now,
        overtimeRules: options.overtimeRules,
      });
      next.approvedTotals = totalsOfRow(report.members[0]);
      next.lock = { startMs, endMs };
      const lock = lockOf(record, next.lock);
      const revKey = userRevKey(scope, record.userId);
      lockWrite = (op) => {
        op.check(revKey, timeline.revVersionstamp)
          .set(revKey, { ...timeline.rev, ...widenHint(timeline.rev, lock) });
        addLock(op, scope, lock);
      };
    }
    if (action === "reopen") {
      next.approvedTotals = null;
      next.lock = null;
      const held = record.lock;
      if (held) lockWrite = (op) => removeLock(op, scope, lockOf(record, held));
    }
    const op = scope.atomic().check(key, versionstamp).set(key, next);
    lockWrite?.(op);
    addAudit(op, scope, {
      principal: actor.principal,
      action: `timesheet.${action}`,
      entity: { kind: "timesheet", id: record.id },
      reason,
      before: auditView(record),
      after: auditView(next),
    }, now);
    effects?.(op, next, action);
    if (await op.commit()) return next;
  }
  throw new DomainError("conflict", "concurrent_change", "The timesheet changed meanwhile; retry");
}

const PAST: Record<TimesheetAction, string> = {
  submit: "submitted",
  approve: "approved",
  reject: "rejected",
  reopen: "reopened",
};

function lockOf(r: TimesheetRecord, span: { startMs: number; endMs: number }): PeriodLock {
  return {
    timesheetId: r.id,
    userId: r.userId,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    startMs: span.startMs,
    endMs: span.endMs,
  };
}

function auditView(r: TimesheetRecord) {
  return {
    id: r.id,
    userId: r.userId,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    status: r.status,
    rejectionReason: r.rejectionReason,
    approvedTotals: r.approvedTotals,
  };
}
