/**
 * Balances: the store feeds the pure ledger replay (`ledger.ts`) with what it needs for one
 * member — hire date, pay periods, paid worked seconds per local date (one range scan of the
 * member's entries) and the recorded events — and adds what is waiting: approved usage dated
 * after today, and pending requests.
 *
 * Cost: a member hired long ago replays from a yearly checkpoint (`checkpoints.ts`), so the
 * calendar work of a read covers at most `CHECKPOINT_YEARS_BACK` years plus the current one; a
 * hire date before the date window (old data) counts from `REPLAY_WINDOW_START` (2000-01-01).
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import type { Membership } from "../members/members.ts";
import type { PtoType, Settings } from "../settings/schema.ts";
import { entriesOverlapping } from "../entries/repository.ts";
import { paidSecondsByDay } from "../pay/worked.ts";
import { DayCalendar } from "../time/calendar.ts";
import { periodContaining, periodsBetween } from "../time/periods.ts";
import { localDateOf } from "../time/week.ts";
import { eligibleFrom, type LedgerCheckpoint, type LedgerLine, replay } from "./ledger.ts";
import {
  checkpointBasis,
  checkpointDate,
  entriesBefore,
  type FreshCheckpoint,
  readCheckpoints,
  REPLAY_WINDOW_START,
  usableCheckpoint,
} from "./checkpoints.ts";
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
  /** Checkpoints this read computed (a balance read stores them with `saveCheckpoints`). */
  checkpoints: FreshCheckpoint[];
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
  const userId = membership.userId;
  // Old data may hold a hire date before the window: the replay starts at the window then.
  const clamped = cmp(hireDate, REPLAY_WINDOW_START) < 0;
  const start = clamped ? REPLAY_WINDOW_START : hireDate;
  const windowOpening: LedgerCheckpoint | null = clamped
    ? { date: REPLAY_WINDOW_START, balance: 0, workedSeconds: 0, earnedSeconds: 0 }
    : null;
  const cpDate = checkpointDate(asOf);
  const long = cmp(start, cpDate) < 0;
  const byHours = types.filter((t) => t.accrual.method === "per_hours_worked");
  const [events, requests, stored, oldEntries] = await Promise.all([
    memberEvents(scope, userId),
    memberRequests(scope, userId),
    long ? readCheckpoints(scope, userId, types.map((t) => t.id)) : null,
    long && byHours.length ? entriesBefore(scope, userId, cpDate, tz) : null,
  ]);
  const plans = await Promise.all(types.map(async (type) => {
    if (!long || type.accrual.method === "none") {
      return { type, basis: null, opening: windowOpening };
    }
    const basis = await checkpointBasis({
      settings,
      hireDate,
      date: cpDate,
      typeId: type.id,
      events,
      entries: type.accrual.method === "per_hours_worked" ? oldEntries : null,
    });
    const opening = usableCheckpoint(stored?.get(type.id), cpDate, basis) ?? windowOpening;
    return { type, basis, opening };
  }));
  const startOf = (opening: LedgerCheckpoint | null) => opening?.date ?? start;
  let worked = new Map<string, number>();
  const hourPlans = plans.filter((p) => p.type.accrual.method === "per_hours_worked");
  if (hourPlans.length) {
    const from = hourPlans
      .map((p) => {
        const eligible = eligibleFrom(p.type, hireDate);
        const first = periodContaining(startOf(p.opening), settings.payPeriod).start;
        return cmp(eligible, first) > 0 ? eligible : first;
      })
      .reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
    worked = await workedSecondsByDate(scope, userId, settings, from, asOf, now);
  }
  const replayFrom = plans.map((p) => startOf(p.opening))
    .reduce((a, b) => (cmp(a, b) <= 0 ? a : b), asOf);
  const periods = periodsBetween(replayFrom, asOf, settings.payPeriod);
  const today = asOf.toString();
  const checkpoints: FreshCheckpoint[] = [];
  const balances = types.map((type, i): TypeBalance => {
    const plan = plans[i];
    const own = events.filter((e) => e.typeId === type.id);
    const fromCheckpoint = plan.opening !== null && plan.opening !== windowOpening;
    const result = replay({
      type,
      hireDate,
      asOf,
      periods,
      workedSecondsByDate: worked,
      events: own.map(({ date, kind, seconds, note }) => ({ date, kind, seconds, note })),
      opening: plan.opening,
      checkpointAt: plan.basis !== null && !fromCheckpoint ? cpDate : null,
    });
    if (result.checkpoint && plan.basis !== null) {
      const { balance, workedSeconds, earnedSeconds } = result.checkpoint;
      checkpoints.push({
        typeId: type.id,
        date: cpDate.toString(),
        basis: plan.basis,
        balance,
        workedSeconds,
        earnedSeconds,
      });
    }
    const upcoming = own.filter((e) => e.date > today);
    const scheduledSeconds = -upcoming.reduce((s, e) => s + e.seconds, 0);
    const balanceSeconds = result.balance;
    const pendingSeconds = requests
      .filter((r) => r.typeId === type.id && r.status === "pending")
      .reduce((s, r) => s + r.totalSeconds, 0);
    return {
      type,
      tracked: type.accrual.method !== "none",
      lines: result.lines,
      balanceSeconds,
      scheduledSeconds,
      availableSeconds: balanceSeconds - scheduledSeconds,
      pendingSeconds,
      upcoming,
    };
  });
  return {
    userId,
    hireDate: hireDate.toString(),
    asOf: today,
    balances,
    requests,
    checkpoints,
  };
}

const cmp = (a: Temporal.PlainDate, b: Temporal.PlainDate) => Temporal.PlainDate.compare(a, b);
