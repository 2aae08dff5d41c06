/**
 * The time-entry use cases: every front door (the JSON API, the team, week, timesheet and
 * history pages, later API keys) calls these with its {@linkcode RequestContext} and a typed
 * input (`schemas.ts`), so the same input gets the same decision everywhere.
 *
 * | use case | who may |
 * | --- | --- |
 * | {@linkcode listEntriesUseCase}, {@linkcode getEntryUseCase}, {@linkcode entryHistoryUseCase} | managers and admins any entry; employees their own (others' are `not_found`; listing another's is 403) |
 * | {@linkcode createEntryUseCase}, {@linkcode updateEntryUseCase}, {@linkcode deleteEntryUseCase} | managers and admins; employees their own when `employeesCanEditOwnEntries` is on |
 * | {@linkcode weekUseCase} | everyone their own week; managers and admins anyone's |
 * | {@linkcode teamMemberUseCase}, {@linkcode memberWeekUseCase} | managers and admins |
 *
 * Corrections always carry a reason, name only the organization's break types
 * (`unknown_break_type`), and are audited with the context's principal. Entries inside an
 * approved timesheet's period are locked (409 `period_locked`).
 *
 * @module
 */

import { authorize, type RequestContext, requireScope } from "../context.ts";
import { entryEvents } from "./events.ts";
import { DomainError, notFound } from "../errors.ts";
import { decodeCursorParam } from "../kv/mod.ts";
import type { AuditRecord } from "../audit/audit.ts";
import { getMembership, isManager, type Role } from "../members/members.ts";
import { memberUser } from "../identity/users.ts";
import { requireBreakType } from "../settings/repository.ts";
import { localDateOf } from "../time/week.ts";
import { type EntryView, type TimeEntry, viewEntry } from "./model.ts";
import { entryAuditHistory, getEntry, listEntries } from "./repository.ts";
import { assertMayCorrect, createEntry, deleteEntry, updateEntry } from "./manage.ts";
import { actorLabels } from "./history.ts";
import { readWeek, type WeekOfEntries } from "./week.ts";
import type { EntryBody, EntryPatchBody, EntryQueryInput, WeekQuery } from "./schemas.ts";

/** The person acting, when the principal is a member (null for keys, devices and jobs). */
function selfId(ctx: Pick<RequestContext, "member">): string | null {
  return ctx.member?.membership.userId ?? null;
}

/** The actor of a correction as `mayCorrect` sees it. */
function corrector(ctx: RequestContext): { userId: string; role: Role } {
  return { userId: selfId(ctx) ?? "", role: ctx.role };
}

function forbidden(message = "Your role does not allow this"): never {
  throw new DomainError("forbidden", "forbidden", message);
}

/**
 * Refuse with a plain 403 when the caller may correct nobody's entries (an employee while
 * `employeesCanEditOwnEntries` is off), before looking anything up.
 */
function assertMayCorrectSomeone(ctx: RequestContext): void {
  if (isManager(ctx.role)) return;
  if (!ctx.settings.settings.employeesCanEditOwnEntries || selfId(ctx) === null) forbidden();
}

/** `entry` as the API shows it, by the organization's break rules (paid breaks, deduction). */
export function entryView(ctx: Pick<RequestContext, "now" | "settings">, entry: TimeEntry) {
  return viewEntry(entry, ctx.now, ctx.settings.settings);
}

/** The entry with `id` if the caller may see it (employees: only their own); else `not_found`. */
async function visibleEntry(ctx: RequestContext, id: string): Promise<TimeEntry> {
  const entry = await getEntry(ctx.scope, id);
  if (!isManager(ctx.role) && entry.userId !== selfId(ctx)) throw notFound("time entry");
  return entry;
}

/**
 * One page of entries starting in [from, to), oldest first. Employees list only their own
 * (asking for another member's is 403 `forbidden`); managers and admins anyone's or everyone's.
 *
 * @example
 * ```ts
 * const page = await listEntriesUseCase(ctx, validate(entryQuery, { userId, limit: "50" }));
 * ```
 */
export async function listEntriesUseCase(
  ctx: RequestContext,
  input: EntryQueryInput,
): Promise<{ data: TimeEntry[]; nextCursor: string | null }> {
  requireScope(ctx, "entries:read");
  let userId = input.userId;
  if (!isManager(ctx.role)) {
    const self = selfId(ctx);
    if (self === null || (userId && userId !== self)) {
      forbidden("Employees can list only their own entries");
    }
    userId = self;
  }
  return await listEntries(ctx.scope, {
    userId,
    from: input.from,
    to: input.to,
    limit: input.limit,
    cursor: decodeCursorParam(input.cursor),
  });
}

/** The entry `id` (employees: only their own, else `not_found`). */
export function getEntryUseCase(ctx: RequestContext, input: { id: string }): Promise<TimeEntry> {
  requireScope(ctx, "entries:read");
  return visibleEntry(ctx, input.id);
}

/**
 * Create a closed entry for a member, with a reason (a correction: `source: "manual"`).
 * 403 unless the caller may correct that member's entries; 404 for non-members; 409
 * `entry_overlap` / `period_locked`; 400 `invalid_interval` / `unknown_break_type`.
 */
export async function createEntryUseCase(
  ctx: RequestContext,
  input: EntryBody,
): Promise<TimeEntry> {
  requireScope(ctx, "entries:write");
  assertMayCorrectSomeone(ctx);
  const { settings } = ctx.settings;
  assertMayCorrect(corrector(ctx), input.userId, settings);
  requireBreakType(settings, ...(input.breaks ?? []).map((b) => b.typeId));
  const entry = await createEntry(ctx.scope, ctx.principal, input, ctx.now, entryEvents(ctx));
  await ctx.jobs.dispatch();
  return entry;
}

/**
 * Edit entry `id` with a reason. Setting `end` on a running entry closes it (a forgotten
 * clock-out). Employees' others' entries are `not_found`, as when reading them.
 */
export async function updateEntryUseCase(
  ctx: RequestContext,
  input: EntryPatchBody & { id: string },
): Promise<TimeEntry> {
  requireScope(ctx, "entries:write");
  const { id, ...patch } = input;
  assertMayCorrectSomeone(ctx);
  const owner = (await visibleEntry(ctx, id)).userId;
  const { settings } = ctx.settings;
  assertMayCorrect(corrector(ctx), owner, settings);
  requireBreakType(settings, ...(patch.breaks ?? []).map((b) => b.typeId));
  const entry = await updateEntry(ctx.scope, ctx.principal, id, patch, ctx.now, entryEvents(ctx));
  await ctx.jobs.dispatch();
  return entry;
}

/** Delete entry `id` with a reason; its history stays readable. */
export async function deleteEntryUseCase(
  ctx: RequestContext,
  input: { id: string; reason: string },
): Promise<void> {
  requireScope(ctx, "entries:write");
  assertMayCorrectSomeone(ctx);
  const owner = (await visibleEntry(ctx, input.id)).userId;
  assertMayCorrect(corrector(ctx), owner, ctx.settings.settings);
  await deleteEntry(ctx.scope, ctx.principal, input.id, input.reason, ctx.now, entryEvents(ctx));
  await ctx.jobs.dispatch();
}

/** An entry's audit history, oldest first, and the entry it is about. */
export interface EntryHistory {
  data: AuditRecord[];
  nextCursor: string | null;
  /** The entry as its first record on this page with a before or after shows it. */
  subject: EntryView | null;
}

/**
 * The audit history of entry `id` (also after it was deleted). Employees read only their own
 * entries' history (others' are `not_found`).
 */
export async function entryHistoryUseCase(
  ctx: RequestContext,
  input: { id: string; limit: number; cursor?: string | null },
): Promise<EntryHistory> {
  requireScope(ctx, "entries:read");
  const page = await entryAuditHistory(ctx.scope, input.id, {
    limit: input.limit,
    cursor: decodeCursorParam(input.cursor ?? undefined),
  });
  const subject = page.data.map((r) => (r.after ?? r.before) as EntryView | null)
    .find((v) => v !== null) ?? null;
  if (!isManager(ctx.role) && subject?.userId !== selfId(ctx)) throw notFound("time entry");
  return { ...page, subject };
}

/** An entry's history ready for people: each record's actor named. */
export interface NamedEntryHistory extends EntryHistory {
  subject: EntryView;
  /** The actor of each record, by record id: a member's name, "API key", "Kiosk", "System". */
  actors: Map<string, string>;
}

/**
 * {@linkcode entryHistoryUseCase} with every actor named (people through the organization's
 * membership only; non-person principals by their kind). `not_found` when the page names no
 * entry.
 */
export async function namedEntryHistoryUseCase(
  ctx: RequestContext,
  input: { id: string; limit: number; cursor?: string | null },
): Promise<NamedEntryHistory> {
  requireScope(ctx, "entries:read");
  const history = await entryHistoryUseCase(ctx, input);
  const subject = history.subject;
  if (!subject) throw notFound("time entry");
  return { ...history, subject, actors: await actorLabels(ctx.scope, history.data) };
}

/**
 * A member's workweek around a local date (default: today in the organization's zone): the
 * entries, paid seconds per day and period locks. Everyone may read their own; managers and
 * admins anyone's (non-members are `not_found`).
 */
export async function weekUseCase(ctx: RequestContext, input: WeekQuery): Promise<WeekOfEntries> {
  requireScope(ctx, "entries:read");
  const self = selfId(ctx);
  const userId = input.userId ?? self;
  if (userId === null) forbidden("Say whose week to show");
  if (userId !== self) await teamMemberUseCase(ctx, { userId });
  return await readWeekOf(ctx, userId, input.date);
}

function readWeekOf(ctx: RequestContext, userId: string, date: string | undefined) {
  const { settings } = ctx.settings;
  const day = date ? Temporal.PlainDate.from(date) : localDateOf(ctx.now, settings.timeZone);
  return readWeek(ctx.scope, userId, day, settings, ctx.now);
}

/** A member as the team pages name them. */
export interface TeamMember {
  id: string;
  name: string;
}

/**
 * A member of the organization for the team pages (managers and admins: 403 otherwise);
 * `not_found` for anyone who is not a member.
 */
export async function teamMemberUseCase(
  ctx: RequestContext,
  input: { userId: string },
): Promise<TeamMember> {
  requireScope(ctx, "entries:read");
  authorize(ctx, "admin", "manager");
  const m = await getMembership(ctx.scope, input.userId);
  const user = m ? await memberUser(ctx.scope, input.userId) : null;
  if (!m || !user) throw notFound("member");
  return { id: user.id, name: user.name };
}

/** A member's week for the team page: who, and the week (managers and admins). */
export async function memberWeekUseCase(
  ctx: RequestContext,
  input: { userId: string; date?: string },
): Promise<{ member: TeamMember; week: WeekOfEntries }> {
  requireScope(ctx, "entries:read");
  const member = await teamMemberUseCase(ctx, input);
  return { member, week: await readWeekOf(ctx, member.id, input.date) };
}
