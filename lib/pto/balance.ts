/**
 * Balances: the store feeds the pure ledger replay (`ledger.ts`) with what it needs for one
 * member — hire date, pay periods, paid worked seconds per local date (one range scan of the
 * member's entries) and the recorded events — and adds what is waiting: approved usage dated
 * after today, and pending requests.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import type { Membership } from "../members/members.ts";
import type { PtoType, Settings } from "../settings/schema.ts";
import { entriesOverlapping } from "../entries/repository.ts";
import { paidSecondsByDay } from "../pay/worked.ts";
import { DayCalendar } from "../time/calendar.ts";
import { periodsBetween } from "../time/periods.ts";
import { localDateOf } from "../time/week.ts";
import { eligibleFrom, type LedgerLine, replayLedger } from "./ledger.ts";
import type { PtoRequest } from "./model.ts";
import { memberEvents, memberRequests, type PtoEvent } from "./repository.ts";

/** One type's balance of one member. */
export interface TypeBalance {
  type: PtoType;
  /** False for types without accrual (method `none`): usage is not limited by a balance. */
  tracked: boolean;
  /** The ledger through today. */
  lines: LedgerLine[];
  /** Balance at the end of today. */
  balanceSeconds: number;
  /** Approved usage dated after today (net of reversals), as a positive number. */
  scheduledSeconds: number;
  /** `balanceSeconds − scheduledSeconds`: what approvals may still use. */
  availableSeconds: number;
  /** Seconds of pending requests of this type. */
  pendingSeconds: number;
  /** Recorded events dated after today (approved future usage and reversals). */
  upcoming: PtoEvent[];
}

/** A member's PTO position. */
export interface MemberBalances {
  userId: string;
  /** The hire date used (the membership's, else the local date the member was added). */
  hireDate: string;
  /** Today, the organization's local date. */
  asOf: string;
  balances: TypeBalance[];
  /** Every request of the member (used for overlap checks by callers). */
  requests: PtoRequest[];
}

/** The hire date the ledger counts from. */
export function hireDateOf(m: Membership, timeZone: string): Temporal.PlainDate {
  return m.hireDate ? Temporal.PlainDate.from(m.hireDate) : localDateOf(m.createdAt, timeZone);
}

/**
 * Paid worked seconds per local date of the member from `from` through `to` (inclusive), from
 * one range scan of their entries. Dates without work are absent.
 */
export async function workedSecondsByDate(
  scope: OrgScope,
  userId: string,
  settings: Settings,
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
  now: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (Temporal.PlainDate.compare(from, to) > 0) return out;
  const count = from.until(to, { largestUnit: "days" }).days + 1;
  const calendar = new DayCalendar(from, count, settings.timeZone);
  const entries = await entriesOverlapping(scope, userId, calendar.start, calendar.end, now);
  const perDay = paidSecondsByDay(entries, settings, calendar, now);
  perDay.forEach((s, i) => {
    if (s > 0) out.set(calendar.dates[i].toString(), s);
  });
  return out;
}

/**
 * Every balance of the member (all types of the settings, or `typeIds`) as of today.
 *
 * @example
 * ```ts
 * const { balances } = await memberBalances(scope, settings, membership, Date.now());
 * balances.map((b) => [b.type.id, b.availableSeconds]);
 * ```
 */
export async function memberBalances(
  scope: OrgScope,
  settings: Settings,
  membership: Membership,
  now: number,
  typeIds?: string[],
): Promise<MemberBalances> {
  const tz = settings.timeZone;
  const asOf = localDateOf(now, tz);
  const hireDate = hireDateOf(membership, tz);
  const types = settings.pto.types.filter((t) => !typeIds || typeIds.includes(t.id));
  const [events, requests] = await Promise.all([
    memberEvents(scope, membership.userId),
    memberRequests(scope, membership.userId),
  ]);
  const byHours = types.filter((t) => t.accrual.method === "per_hours_worked");
  let worked = new Map<string, number>();
  if (byHours.length) {
    const from = byHours.map((t) => eligibleFrom(t, hireDate))
      .reduce((a, b) => (Temporal.PlainDate.compare(a, b) <= 0 ? a : b));
    worked = await workedSecondsByDate(scope, membership.userId, settings, from, asOf, now);
  }
  const periods = periodsBetween(hireDate, asOf, settings.payPeriod);
  const today = asOf.toString();
  const balances = types.map((type): TypeBalance => {
    const own = events.filter((e) => e.typeId === type.id);
    const lines = replayLedger({
      type,
      hireDate,
      asOf,
      periods,
      workedSecondsByDate: worked,
      events: own.map(({ date, kind, seconds, note }) => ({ date, kind, seconds, note })),
    });
    const upcoming = own.filter((e) => e.date > today);
    const scheduledSeconds = -upcoming.reduce((s, e) => s + e.seconds, 0);
    const balanceSeconds = lines.at(-1)?.balance ?? 0;
    const pendingSeconds = requests
      .filter((r) => r.typeId === type.id && r.status === "pending")
      .reduce((s, r) => s + r.totalSeconds, 0);
    return {
      type,
      tracked: type.accrual.method !== "none",
      lines,
      balanceSeconds,
      scheduledSeconds,
      availableSeconds: balanceSeconds - scheduledSeconds,
      pendingSeconds,
      upcoming,
    };
  });
  return {
    userId: membership.userId,
    hireDate: hireDate.toString(),
    asOf: today,
    balances,
    requests,
  };
}
