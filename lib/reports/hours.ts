/**
 * The hours report: for local dates `[from, to]` in the organization's time zone, each member's
 * worked, regular, overtime, double-time and PTO seconds and gross pay, with the per-day
 * classification that explains every overtime second. Timesheets use the same computation for
 * their pay period, so the two never disagree.
 *
 * How a member's figures are made (all pure engines, fed by one range scan of the member's
 * entries):
 *
 * 1. The whole workweeks around the range form a {@linkcode workweekCalendar} — weekly overtime
 *    needs whole weeks even when the range cuts one.
 * 2. Entries overlapping those weeks become paid intervals ({@linkcode paidIntervals}: punches
 *    rounded per the rounding rule, unpaid breaks and the automatic meal deduction taken out).
 * 3. Paid seconds per local day ({@linkcode workedPerDay}) are classified
 *    ({@linkcode classifyDays}) with the organization's overtime rules.
 * 4. Only days inside `[from, to]` are kept and summed; PTO (approved, paid types) is added per
 *    day but never enters the overtime engine; gross pay is
 *    {@linkcode grossPayCents} of the member's hourly rate (0 when no rate is set).
 *
 * Cost: one scan of the memberships, two scans of the members' revision and running-entry keys,
 * one range scan of entries per member (bounded concurrency), one scan of the PTO day index —
 * all under the organization's prefix, so other tenants' data costs nothing. Time-zone work is
 * one calendar for the whole report and one shared offset cache.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import type { OrgScope } from "../kv/mod.ts";
import type { TimeEntry } from "../entries/model.ts";
import { entriesOverlapping, entriesOverlappingWith, scanHints } from "../entries/repository.ts";
import { getMembership, type Membership } from "../members/members.ts";
import { getSettings } from "../settings/repository.ts";
import { isoWeekday, type Settings } from "../settings/schema.ts";
import {
  classifyDays,
  type DayResult,
  grossPayCents,
  type OvertimeRules,
  rulesFor,
  totalsOf,
  workedPerDay,
  workweekCalendar,
} from "../overtime/engine.ts";
import { OffsetCache } from "../pay/payable.ts";
import { paidIntervals } from "../pay/worked.ts";
import type { DayCalendar } from "../time/calendar.ts";
import { ptoSecondsByDate } from "../pto/usage.ts";
import { DATE_WINDOW, DATE_WINDOW_MESSAGE } from "../validation.ts";

/** Longest report range, in days (inclusive count). */
export const MAX_REPORT_DAYS = 366;

/**
 * Members whose entries are read at once: enough to keep the store busy while entries are
 * decoded, few enough that long ranges do not hold many members' entries in memory at once
 * (measured: a month is fastest at about 8, a year at 2 — see bench/hours_report.ts).
 */
function concurrencyFor(days: number): number {
  return Math.max(2, Math.min(8, Math.round(280 / days)));
}

/** The figures of one member over a range (what the API returns per member). */
export interface HoursTotals {
  workedSeconds: number;
  regularSeconds: number;
  overtimeSeconds: number;
  doubleTimeSeconds: number;
  ptoSeconds: number;
  grossPayCents: number;
}

/** One local day of a member: the engine's classification plus PTO. */
export interface HoursDay extends DayResult {
  ptoSeconds: number;
}

/** One member's part of the report. */
export interface MemberHours extends HoursTotals {
  userId: string;
  /** Hourly rate used (null: none set, gross pay is 0). */
  hourlyRateCents: number | null;
  active: boolean;
  /** Days of `[from, to]`, in order (only when asked for with `withDays`). */
  days: HoursDay[];
}

/** A computed report. */
export interface HoursReport {
  from: string;
  to: string;
  timeZone: string;
  /** The overtime rules the figures were classified with. */
  rules: OvertimeRules;
  members: MemberHours[];
}

/** What to report on. */
export interface HoursQuery {
  from: Temporal.PlainDate;
  to: Temporal.PlainDate;
  /** Only these members (each must be a member, else `not_found`); all members when absent. */
  userIds?: string[] | null;
  /** Only these memberships, already read (timesheets pass the active members). */
  members?: Membership[] | null;
  /** Keep per-day figures (pages, timesheets); the API's totals do without. */
  withDays?: boolean;
  /** Settings to use (read from the store when absent). */
  settings?: Settings;
  /** The clock: running entries count up to it. */
  now: number;
  /**
   * False when the plan's `overtimeRules` feature is off: pay is computed with the overtime
   * preset `none` whatever the settings say (default true).
   */
  overtimeRules?: boolean;
}

/** Options of the pay engine that come from the organization's plan. */
export interface PayOptions {
  /** False when the plan's `overtimeRules` feature is off (default true). */
  overtimeRules?: boolean;
}

/**
 * The settings the pay engine applies: `settings`, with the overtime preset `none` when
 * `overtimeRules` is false.
 */
export function payRules(settings: Settings, overtimeRules = true): Settings {
  return overtimeRules || settings.overtime.preset === "none"
    ? settings
    : { ...settings, overtime: { preset: "none" } };
}

/** True when `d` lies within a year of the shared date window (a pay period may cross its ends). */
function nearDateWindow(d: Temporal.PlainDate): boolean {
  return d.year >= DATE_WINDOW.firstYear - 1 && d.year <= DATE_WINDOW.lastYear + 1;
}

/**
 * Throw `invalid_range` unless both ends lie within a year of the shared date window
 * (`DATE_WINDOW`, 2000–2099: the pay period of 2000-01-01 may start in 1999), `from ≤ to` and the
 * range lasts at most 366 days. Input schemas refuse dates outside the window itself first
 * (`lib/reports/schemas.ts`); this bounds every other caller of the engine.
 */
export function assertReportRange(from: Temporal.PlainDate, to: Temporal.PlainDate): void {
  if (!nearDateWindow(from) || !nearDateWindow(to)) {
    throw new DomainError("invalid", "invalid_range", DATE_WINDOW_MESSAGE, {
      from: from.toString(),
      to: to.toString(),
    });
  }
  if (Temporal.PlainDate.compare(from, to) > 0) {
    throw new DomainError("invalid", "invalid_range", "from must not be after to", {
      from: from.toString(),
      to: to.toString(),
    });
  }
  const days = from.until(to, { largestUnit: "days" }).days + 1;
  if (days > MAX_REPORT_DAYS) {
    throw new DomainError(
      "invalid",
      "invalid_range",
      `A report covers at most ${MAX_REPORT_DAYS} days`,
      { from: from.toString(), to: to.toString(), days },
    );
  }
}

/** The pure part, shared by every member of one report. */
export interface HoursContext {
  settings: Settings;
  rules: OvertimeRules;
  calendar: DayCalendar;
  /** Index of `from` and `to` in the calendar. */
  fromIndex: number;
  toIndex: number;
  offsets: OffsetCache;
}

/** The calendar, rules and caches for a report over `[from, to]`. */
export function hoursContext(
  settings: Settings,
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
): HoursContext {
  const calendar = workweekCalendar(
    from,
    to,
    settings.timeZone,
    isoWeekday(settings.workweekStart),
  );
  const fromIndex = calendar.dates[0].until(from, { largestUnit: "days" }).days;
  const toIndex = calendar.dates[0].until(to, { largestUnit: "days" }).days;
  return {
    settings,
    rules: rulesFor(settings.overtime),
    calendar,
    fromIndex,
    toIndex,
    offsets: new OffsetCache(settings.timeZone),
  };
}

/**
 * One member's figures from their entries (pure). `entries` must hold every entry overlapping
 * the context's calendar; `pto` maps local dates to PTO seconds.
 *
 * @example
 * ```ts
 * const ctx = hoursContext(settings, from, to);
 * const m = memberHours(ctx, { userId, hourlyRateCents: 2000, active: true }, entries, new Map(), now, true);
 * m.overtimeSeconds; // weekly and daily overtime inside [from, to]
 * ```
 */
export function memberHours(
  ctx: HoursContext,
  member: { userId: string; hourlyRateCents: number | null; active: boolean },
  entries: Iterable<TimeEntry>,
  pto: ReadonlyMap<string, number> | undefined,
  now: number,
  withDays: boolean,
): MemberHours {
  const intervals = paidIntervals(entries, ctx.settings, now, ctx.offsets);
  const worked = workedPerDay(ctx.calendar, intervals);
  const classified = classifyDays(ctx.calendar, worked, ctx.rules);
  const kept = classified.slice(ctx.fromIndex, ctx.toIndex + 1);
  const t = totalsOf(kept);
  let ptoSeconds = 0;
  if (pto) { for (const s of pto.values()) ptoSeconds += s; }
  const rate = member.hourlyRateCents ?? null;
  return {
    userId: member.userId,
    hourlyRateCents: rate,
    active: member.active,
    ...t,
    ptoSeconds,
    grossPayCents: rate === null ? 0 : grossPayCents(rate, t, ctx.rules),
    days: withDays ? kept.map((d) => ({ ...d, ptoSeconds: pto?.get(d.date) ?? 0 })) : [],
  };
}

/** Run `task` over `items` with at most `limit` at once, keeping order. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Every membership of the organization in key order (one range scan). */
async function allMemberships(scope: OrgScope): Promise<Membership[]> {
  const out: Membership[] = [];
  for await (const e of scope.list<Membership>(scope.key("member"))) out.push(e.value);
  return out;
}

/**
 * The hours report over local dates `[from, to]` (see the module doc). Without `userIds` every
 * active member is reported, plus deactivated members who have hours or PTO in the range.
 * Throws `invalid_range` for a reversed or too long range and `not_found` for an unknown
 * member.
 */
export async function hoursReport(scope: OrgScope, q: HoursQuery): Promise<HoursReport> {
  assertReportRange(q.from, q.to);
  const settings = payRules(q.settings ?? (await getSettings(scope)).settings, q.overtimeRules);
  const ctx = hoursContext(settings, q.from, q.to);
  let members: Membership[];
  if (q.members) {
    members = q.members;
  } else if (q.userIds) {
    members = [];
    for (const id of q.userIds) {
      const m = await getMembership(scope, id);
      if (!m) throw notFound("member");
      members.push(m.value);
    }
  } else {
    members = await allMemberships(scope);
  }
  const ids = members.map((m) => m.userId);
  const [pto, hints] = await Promise.all([
    ptoSecondsByDate(scope, ids, q.from, q.to, { paidOnly: true }),
    members.length > 4 ? scanHints(scope) : Promise.resolve(null),
  ]);
  const { start, end } = ctx.calendar;
  const rows = await pool(members, concurrencyFor(ctx.calendar.count), async (m) => {
    let entries: TimeEntry[];
    if (hints) {
      const hint = hints.get(m.userId);
      entries = hint ? await entriesOverlappingWith(scope, m.userId, start, end, q.now, hint) : [];
    } else {
      entries = await entriesOverlapping(scope, m.userId, start, end, q.now);
    }
    return memberHours(
      ctx,
      { userId: m.userId, hourlyRateCents: m.hourlyRateCents ?? null, active: m.active },
      entries,
      pto.get(m.userId),
      q.now,
      q.withDays ?? false,
    );
  });
  const kept = q.userIds || q.members
    ? rows
    : rows.filter((r) => r.active || r.workedSeconds > 0 || r.ptoSeconds > 0);
  return {
    from: q.from.toString(),
    to: q.to.toString(),
    timeZone: settings.timeZone,
    rules: ctx.rules,
    members: kept,
  };
}

/** The API row of a member: exactly the documented fields. */
export function hoursRow(m: MemberHours): HoursTotals & { userId: string } {
  return {
    userId: m.userId,
    workedSeconds: m.workedSeconds,
    regularSeconds: m.regularSeconds,
    overtimeSeconds: m.overtimeSeconds,
    doubleTimeSeconds: m.doubleTimeSeconds,
    ptoSeconds: m.ptoSeconds,
    grossPayCents: m.grossPayCents,
  };
}
