/**
 * What the timesheet and payroll sources share: whose figures a context may export, the pay
 * periods a query covers, and members' names read through the organization's membership.
 *
 * @module
 */

import { actorUserId, type RequestContext } from "../../context.ts";
import { DomainError, notFound } from "../../errors.ts";
import { memberUsers, type User } from "../../identity/users.ts";
import { getMembership, isManager } from "../../members/members.ts";
import { assertReportRange } from "../../reports/hours.ts";
import { type Period, periodsBetween } from "../../time/periods.ts";
import { parseLocalDate } from "../../time/week.ts";
import type { ExportQuery } from "./source.ts";

/**
 * The member an export is limited to, or null for everyone: employees always get themselves
 * (`query.userId` is forced to the acting person, or to the member a job acts for; a principal
 * that is neither gets 403 `forbidden`); managers and admins get `query.userId` (404 `not_found`
 * when it names no member here) or everyone.
 */
export async function exportSubject(
  ctx: RequestContext,
  query: Pick<ExportQuery, "userId">,
): Promise<string | null> {
  if (!isManager(ctx.role)) {
    // A person's request, or a job acting for the member who asked for it.
    const self = actorUserId(ctx) ?? ctx.member?.membership.userId ?? null;
    if (!self) {
      throw new DomainError("forbidden", "forbidden", "Only a member can export their own hours");
    }
    return self;
  }
  if (!query.userId) return null;
  if (!(await getMembership(ctx.scope, query.userId))) throw notFound("member");
  return query.userId;
}

/**
 * Every pay period (the organization's schedule) overlapping the local dates `[from, to]`, whole:
 * payroll and timesheets are settled per period, so a period the range cuts is exported in full.
 * Throws 400 `invalid_range` for dates that do not parse, a reversed range or more than 366 days.
 */
export function exportPeriods(ctx: RequestContext, query: Pick<ExportQuery, "from" | "to">) {
  const from = parseLocalDate(query.from);
  const to = parseLocalDate(query.to);
  if (!from || !to) {
    throw new DomainError("invalid", "invalid_range", "from and to must be dates (YYYY-MM-DD)", {
      from: query.from,
      to: query.to,
    });
  }
  assertReportRange(from, to);
  return periodsBetween(from, to, ctx.settings.settings.payPeriod);
}

/** Members' people records, read once each through the membership (never another tenant's). */
export class MemberDirectory {
  #known = new Map<string, User | null>();
  constructor(private readonly ctx: RequestContext) {}

  /** Read the records of `ids` not read yet. */
  async load(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.#known.has(id));
    if (missing.length === 0) return;
    const users = await memberUsers(this.ctx.scope, missing);
    for (const id of missing) this.#known.set(id, null);
    for (const u of users) this.#known.set(u.id, u);
  }

  /** The member's name (`Unknown` when no record is readable). */
  name(id: string): string {
    return this.#known.get(id)?.name ?? "Unknown";
  }

  /** The member's email, or null. */
  email(id: string): string | null {
    return this.#known.get(id)?.email ?? null;
  }

  /** `ids` ordered by name, then id (a stable order for files people compare). */
  byName<T extends { userId: string }>(rows: T[]): T[] {
    return [...rows].sort((a, b) =>
      this.name(a.userId).localeCompare(this.name(b.userId)) || a.userId.localeCompare(b.userId)
    );
  }
}

/** The dates of `period` as strings. */
export function periodDates(period: Period): { start: string; end: string } {
  return { start: period.start.toString(), end: period.end.toString() };
}
