/**
 * The team's time-off calendar: who is away on which local date, read from the `pto_day` index
 * in one range scan.
 *
 * Privacy: managers and admins see everyone's pending and approved time off with its type.
 * Employees see their own requests the same way, and of their colleagues only approved days —
 * without the type (sick leave is nobody else's business), the request id or any note. Notes are
 * never part of the calendar.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { OrgScope } from "../kv/mod.ts";
import { memberUsers } from "../identity/users.ts";
import { isManager, type Role } from "../members/members.ts";
import type { Settings } from "../settings/schema.ts";
import { MAX_CALENDAR_DAYS } from "./schemas.ts";

/** Who looks at the calendar: their own time off shows in full. */
export interface CalendarViewer {
  /** The viewing member, or null for principals that are not a member. */
  userId: string | null;
  role: Role;
}
import { ptoDayRows } from "./usage.ts";

export { MAX_CALENDAR_DAYS };

/** One person away on one date. */
export interface CalendarItem {
  userId: string;
  name: string;
  status: "pending" | "approved";
  /** Null when the viewer may not see the type. */
  typeId: string | null;
  /** The type's name, or "Time off" when hidden. */
  typeName: string;
  /** Null when the viewer may not open the request. */
  requestId: string | null;
  seconds: number;
}

/** One date of the calendar. */
export interface CalendarDay {
  date: string;
  items: CalendarItem[];
}

/**
 * Every date of `[from, to]` with the time off the viewer may see, people sorted by name.
 * Refuses ranges longer than {@linkcode MAX_CALENDAR_DAYS} (400 `validation_failed`).
 */
export async function teamCalendar(
  scope: OrgScope,
  settings: Settings,
  viewer: CalendarViewer,
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
): Promise<CalendarDay[]> {
  const span = from.until(to, { largestUnit: "days" }).days;
  if (span < 0 || span > MAX_CALENDAR_DAYS) {
    throw new DomainError("invalid", "validation_failed", "Some fields are missing or invalid", [
      { path: "to", message: `use a range of 1 to ${MAX_CALENDAR_DAYS + 1} days` },
    ]);
  }
  const seesAll = isManager(viewer.role);
  const typeNames = new Map(settings.pto.types.map((t) => [t.id, t.name]));
  const byDate = new Map<string, Omit<CalendarItem, "name">[]>();
  const people = new Set<string>();
  for await (const { date, userId, requestId, row } of ptoDayRows(scope, from, to)) {
    const full = seesAll || userId === viewer.userId;
    if (!full && row.status !== "approved") continue;
    people.add(userId);
    let list = byDate.get(date);
    if (!list) byDate.set(date, list = []);
    list.push({
      userId,
      status: row.status,
      typeId: full ? row.typeId : null,
      typeName: full ? typeNames.get(row.typeId) ?? row.typeId : "Time off",
      requestId: full ? requestId : null,
      seconds: row.seconds,
    });
  }
  const names = new Map(
    (await memberUsers(scope, [...people])).map((u) => [u.id, u.name]),
  );
  const out: CalendarDay[] = [];
  for (let d = from; Temporal.PlainDate.compare(d, to) <= 0; d = d.add({ days: 1 })) {
    const items = (byDate.get(d.toString()) ?? [])
      .map((i) => ({ ...i, name: names.get(i.userId) ?? "Unknown" }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
    out.push({ date: d.toString(), items });
  }
  return out;
}
