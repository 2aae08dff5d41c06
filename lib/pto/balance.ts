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
import type { TimeEntry } from "../entries/model.ts";
import { paidSecondsByDay } from "../pay/worked.ts";
import { DayCalendar } from "../time/calendar.ts";
import { periodContaining, periodsBetween } from "../time/periods.ts";
import { localDateOf } from "../time/week.ts";
import { eligibleFrom, type LedgerCheckpoint, type LedgerLine, replay } from "./ledger.ts";
import {
  checkpointBasis,
  checkpointDate,
  entriesBoundary,
  entriesDigest,
  entriesRevision,
  type FreshCheckpoint,
  readCheckpoints,
  REPLAY_WINDOW_START,
  stateOf,
  type StoredCheckpoint,
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

/** Consecutive local days `[from, to]` (both inclusive) in the settings' time zone. */
function daysOf(settings: Settings, from: Temporal.PlainDate, to: Temporal.PlainDate) {
  const count = from.until(to, { largestUnit: "days" }).days + 1;
  return new DayCalendar(from, count, settings.timeZone);
}

/** Paid worked seconds per local date of `calendar` from `entries` (dates without work absent). */
function workedOn(
  entries: TimeEntry[],
  settings: Settings,
  calendar: DayCalendar,
  now: number,
): Map<string, number> {
  const out = new Map<string, number>();
  const perDay = paidSecondsByDay(entries, settings, calendar, now);
  perDay.forEach((s, i) => {
    if (s > 0) out.set(calendar.dates[i].toString(), s);
  });
  return out;
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
  if (Temporal.PlainDate.compare(from, to) > 0) return new Map();
  const calendar = daysOf(settings, from, to);
  const entries = await entriesOverlapping(scope, userId, calendar.start, calendar.end, now);
  return workedOn(entries, settings, calendar, now);
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
  const perHours = (t: PtoType) => t.accrual.method === "per_hours_worked";
  const hourTypes = types.filter(perHours);
  // The entries' revision is read before any entry it vouches for (see checkpoints.ts).
  const entriesRev = long && hourTypes.length ? await entriesRevision(scope, userId) : null;
  const [events, requests, stored] = await Promise.all([
    memberEvents(scope, userId),
    memberRequests(scope, userId),
    long ? readCheckpoints(scope, userId, types.map((t) => t.id)) : null,
  ]);
  // A full replay counts worked time from here (the first day any per-hours type counts).
  const fullFrom = hourTypes.length
    ? hourTypes.map((t) =>
      later(eligibleFrom(t, hireDate), periodContaining(start, settings.payPeriod).start)
    )
      .reduce((a, b) => (cmp(a, b) <= 0 ? a : b))
    : null;
  const boundary = entriesBoundary(cpDate, tz);
  const oldEntries = async () =>
    cmp(fullFrom!, asOf) > 0 ? [] : (await entriesOverlapping(
      scope,
      userId,
      daysOf(settings, fullFrom!, fullFrom!).start,
      boundary,
      now,
    ))
      .filter((e) => e.start < boundary);

  // Each type: the checkpoint it may start from (same date and basis), if any.
  const plans = await Promise.all(types.map(async (type) => {
    if (!long || type.accrual.method === "none") {
      return { type, basis: null as string | null, candidate: null as StoredCheckpoint | null };
    }
    const basis = await checkpointBasis({
      settings,
      hireDate,
      date: cpDate,
      typeId: type.id,
      events,
    });
    const s = stored?.get(type.id);
    const candidate = s && s.date === cpDate.toString() && s.basis === basis ? s : null;
    return { type, basis, candidate };
  }));
  // Per-hours candidates whose entries may have changed since: fingerprint the old entries.
  const unsure = plans.filter((p) => perHours(p.type) && p.candidate?.entriesRev !== entriesRev);
  const checkedDigest = unsure.some((p) => p.candidate)
    ? await entriesDigest(await oldEntries())
    : null;
  const checkpoints: FreshCheckpoint[] = [];
  const openings = plans.map((p) => {
    const c = p.candidate;
    if (!c) return null;
    if (!perHours(p.type) || c.entriesRev === entriesRev) return stateOf(c);
    if (c.entriesDigest !== checkedDigest) return null;
    // Entries changed, none before the checkpoint: remember the new revision.
    checkpoints.push({ typeId: p.type.id, ...c, entriesRev });
    return stateOf(c);
  });

  // Worked seconds: from the replay's first counted day; when a per-hours type replays in full,
  // one scan from `fullFrom` also gives the entries its new checkpoint is fingerprinted with.
  let worked = new Map<string, number>();
  let freshDigest: string | null = null;
  const fullHours = plans.some((p, i) => perHours(p.type) && openings[i] === null);
  if (fullHours) {
    // Nothing counts yet while every waiting period runs past today.
    let entries: TimeEntry[] = [];
    if (cmp(fullFrom!, asOf) <= 0) {
      const calendar = daysOf(settings, fullFrom!, asOf);
      entries = await entriesOverlapping(scope, userId, calendar.start, calendar.end, now);
      worked = workedOn(entries, settings, calendar, now);
    }
    if (long) freshDigest = await entriesDigest(entries.filter((e) => e.start < boundary));
  } else if (hourTypes.length) {
    const from = plans.filter((p) => perHours(p.type))
      .map((p) =>
        later(eligibleFrom(p.type, hireDate), periodContaining(cpDate, settings.payPeriod).start)
      )
      .reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
    worked = await workedSecondsByDate(scope, userId, settings, from, asOf, now);
  }
  const startOf = (i: number) => openings[i]?.date ?? windowOpening?.date ?? start;
  const replayFrom = plans.map((_, i) => startOf(i)).reduce(
    (a, b) => (cmp(a, b) <= 0 ? a : b),
    asOf,
  );
  const periods = periodsBetween(replayFrom, asOf, settings.payPeriod);
  const today = asOf.toString();
  const balances = types.map((type, i): TypeBalance => {
    const plan = plans[i];
    const own = events.filter((e) => e.typeId === type.id);
    const opening = openings[i];
    const result = replay({
      type,
      hireDate,
      asOf,
      periods,
      workedSecondsByDate: worked,
      events: own.map(({ date, kind, seconds, note }) => ({ date, kind, seconds, note })),
      opening: opening ?? windowOpening,
      checkpointAt: plan.basis !== null && !opening ? cpDate : null,
    });
    if (result.checkpoint && plan.basis !== null) {
      const { balance, workedSeconds, earnedSeconds } = result.checkpoint;
      checkpoints.push({
        typeId: type.id,
        date: cpDate.toString(),
        basis: plan.basis,
        entriesDigest: perHours(type) ? freshDigest : null,
        entriesRev: perHours(type) ? entriesRev : null,
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

const later = (a: Temporal.PlainDate, b: Temporal.PlainDate) => (cmp(a, b) >= 0 ? a : b);
const cmp = (a: Temporal.PlainDate, b: Temporal.PlainDate) => Temporal.PlainDate.compare(a, b);
