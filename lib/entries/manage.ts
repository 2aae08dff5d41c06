/**
 * Corrections: create, edit and delete entries for members, always with a reason, each appended
 * to the entry's audit history. Managers and admins correct anyone's entries; employees their own
 * when the organization's `employeesCanEditOwnEntries` setting is on. Entries inside an approved
 * timesheet's period are locked (409 `period_locked`, enforced by `commitEntryChange`).
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import type { OrgScope } from "../kv/mod.ts";
import { getMembership, isManager, type Role } from "../members/members.ts";
import { type Break, type TimeEntry, toSecond, validateTimes } from "./model.ts";
import {
  type Actor,
  assertNoOverlap,
  commitEntryChange,
  type EntryEffects,
  newEntryId,
  readEntry,
} from "./repository.ts";

/** A new entry typed in by a manager. Instants in epoch ms. */
export interface NewEntryInput {
  userId: string;
  start: number;
  end: number;
  breaks?: BreakInput[];
  note?: string | null;
  reason: string;
}

/** Changes to an entry; `end: null` is not allowed here (entries are closed by clocking out). */
export interface EntryPatch {
  start?: number;
  end?: number;
  breaks?: BreakInput[];
  note?: string | null;
  reason: string;
}

/** A break typed in by hand; `typeId` must be one of the organization's break types. */
export interface BreakInput {
  start: number;
  end: number;
  typeId?: string | null;
}

/**
 * True when `actor` may create, edit or delete entries of `ownerId`: managers and admins always,
 * employees only their own and only when `employeesCanEditOwnEntries` is on.
 *
 * @example
 * ```ts
 * mayCorrect({ userId: "a", role: "employee" }, "a", { employeesCanEditOwnEntries: true }); // true
 * mayCorrect({ userId: "a", role: "employee" }, "b", { employeesCanEditOwnEntries: true }); // false
 * ```
 */
export function mayCorrect(
  actor: { userId: string; role: Role },
  ownerId: string,
  settings: { employeesCanEditOwnEntries: boolean },
): boolean {
  if (isManager(actor.role)) return true;
  return settings.employeesCanEditOwnEntries && actor.userId === ownerId;
}

/** Throw 403 `forbidden` unless {@linkcode mayCorrect}. */
export function assertMayCorrect(
  actor: { userId: string; role: Role },
  ownerId: string,
  settings: { employeesCanEditOwnEntries: boolean },
): void {
  if (!mayCorrect(actor, ownerId, settings)) {
    throw new DomainError(
      "forbidden",
      "forbidden",
      isManager(actor.role) || actor.userId !== ownerId
        ? "You may change only your own entries"
        : "Your organization does not let employees change their own entries",
    );
  }
}

function secondBreaks(breaks: BreakInput[]): Break[] {
  return breaks.map((b) => ({
    start: toSecond(b.start),
    end: toSecond(b.end),
    typeId: b.typeId ?? null,
  }));
}

/** Create a closed entry for a member. */
export async function createEntry(
  scope: OrgScope,
  by: Actor,
  input: NewEntryInput,
  now: number,
  effects?: EntryEffects,
): Promise<TimeEntry> {
  if (!(await getMembership(scope, input.userId))) throw notFound("member");
  const draft: TimeEntry = {
    id: newEntryId(now),
    userId: input.userId,
    start: toSecond(input.start),
    end: toSecond(input.end),
    breaks: secondBreaks(input.breaks ?? []),
    note: input.note ?? null,
    locationId: null,
    clockInGeo: null,
    clockOutGeo: null,
    source: "manual",
    createdAt: now,
    updatedAt: now,
  };
  validateTimes(draft, now, { manual: true });
  const entry = await commitEntryChange(
    scope,
    input.userId,
    async (t) => {
      await assertNoOverlap(scope, t, draft.start, draft.end, null);
      return { before: null, after: draft, action: "entry.create", by, reason: input.reason };
    },
    now,
    undefined,
    effects,
  );
  return entry!;
}

/**
 * Edit an entry. Setting `end` on a running entry closes it (a forgotten clock-out); a running
 * break is then ended at the same instant unless `breaks` replaces them.
 */
export async function updateEntry(
  scope: OrgScope,
  by: Actor,
  id: string,
  patch: EntryPatch,
  now: number,
  effects?: EntryEffects,
): Promise<TimeEntry> {
  const found = await readEntry(scope, id);
  if (!found) throw notFound("time entry");
  const entry = await commitEntryChange(
    scope,
    found.entry.userId,
    async (t) => {
      const current = await readEntry(scope, id);
      if (!current) throw notFound("time entry");
      const e = current.entry;
      const end = patch.end !== undefined ? toSecond(patch.end) : e.end;
      let breaks = patch.breaks !== undefined ? secondBreaks(patch.breaks) : e.breaks;
      if (end !== null) breaks = breaks.map((b) => (b.end === null ? { ...b, end } : b));
      const after: TimeEntry = {
        ...e,
        start: patch.start !== undefined ? toSecond(patch.start) : e.start,
        end,
        breaks,
        note: patch.note !== undefined ? patch.note : e.note,
        updatedAt: now,
      };
      validateTimes(after, now, { manual: patch.start !== undefined || patch.end !== undefined });
      await assertNoOverlap(scope, t, after.start, after.end, e.id);
      return { before: current, after, action: "entry.update", by, reason: patch.reason };
    },
    now,
    undefined,
    effects,
  );
  return entry!;
}

/** Delete an entry; its audit history stays. */
export async function deleteEntry(
  scope: OrgScope,
  by: Actor,
  id: string,
  reason: string,
  now: number,
  effects?: EntryEffects,
): Promise<void> {
  const found = await readEntry(scope, id);
  if (!found) throw notFound("time entry");
  await commitEntryChange(
    scope,
    found.entry.userId,
    async () => {
      const current = await readEntry(scope, id);
      if (!current) throw notFound("time entry");
      return { before: current, after: null, action: "entry.delete", by, reason };
    },
    now,
    undefined,
    effects,
  );
}
