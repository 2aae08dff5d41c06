/**
 * Source of the `time_entries` export: one row per time entry whose start lies in the range
 * (local dates of the organization, inclusive), grouped by member (by name) and in time order
 * within each member. Rows are streamed member by member from each member's own range of entry
 * keys (one range scan each, a few members read ahead), so memory holds at most a few members'
 * entries of the range, never the organization's.
 *
 * | column | type | from |
 * | --- | --- | --- |
 * | Member | text | the member's name (read through the membership) |
 * | Date | date | local date of the start |
 * | Start, End | datetime | local wall time in the organization's zone (End empty while running) |
 * | Worked | hours | paid worked seconds (unpaid breaks and the meal deduction taken out) |
 * | Breaks | hours | seconds of every break |
 * | Location | text | the job location's name |
 * | Note, Source | text | the entry's note; `clock` or `manual` |
 *
 * @module
 */

import type { RequestContext } from "../../context.ts";
import type { TimeEntry } from "../../entries/model.ts";
import { breakSeconds, paidTime } from "../../entries/model.ts";
import { scanHints } from "../../entries/repository.ts";
import { memberUsers } from "../../identity/users.ts";
import { allLocations } from "../../locations/repository.ts";
import { OffsetCache } from "../../pay/payable.ts";
import { startOfLocalDay } from "../../time/week.ts";
import type { Cell, Column } from "../table.ts";
import type { ExportQuery } from "./source.ts";
import type { ProgressTable } from "./progress.ts";

/** The columns of the time entries export. */
export const TIME_ENTRY_COLUMNS: Column[] = [
  { key: "member", title: "Member", type: "text" },
  { key: "date", title: "Date", type: "date" },
  { key: "start", title: "Start", type: "datetime" },
  { key: "end", title: "End", type: "datetime" },
  { key: "worked", title: "Worked (hours)", type: "hours" },
  { key: "breaks", title: "Breaks (hours)", type: "hours" },
  { key: "location", title: "Location", type: "text" },
  { key: "note", title: "Note", type: "text" },
  { key: "source", title: "Source", type: "text" },
];

/** Members whose entries are read ahead of the one being written. */
const READ_AHEAD = 4;

/** Local wall time of instants in one zone, with offsets cached per hour and dates per day. */
class LocalTime {
  readonly #offsets: OffsetCache;
  readonly #dates = new Map<number, string>();
  constructor(timeZone: string) {
    this.#offsets = new OffsetCache(timeZone);
  }
  /** `YYYY-MM-DDTHH:mm:ss` of instant `ms` (whole seconds, as entries are stored). */
  dateTime(ms: number): string {
    const local = ms + this.#offsets.offsetAt(ms);
    const day = Math.floor(local / 86_400_000);
    let date = this.#dates.get(day);
    if (date === undefined) {
      date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      this.#dates.set(day, date);
    }
    const s = Math.floor((local - day * 86_400_000) / 1000);
    const hh = Math.floor(s / 3600);
    const mm = Math.floor((s % 3600) / 60);
    const ss = s % 60;
    return `${date}T${hh < 10 ? "0" : ""}${hh}:${mm < 10 ? "0" : ""}${mm}:${
      ss < 10 ? "0" : ""
    }${ss}`;
  }
}

/**
 * The time entries of `query` as a table streamed member by member. Employees' exports carry
 * their own `userId` (the use case forces it).
 */
export async function timeEntriesTable(
  ctx: RequestContext,
  query: ExportQuery,
): Promise<ProgressTable> {
  const settings = ctx.settings.settings;
  const tz = settings.timeZone;
  const fromMs = startOfLocalDay(Temporal.PlainDate.from(query.from), tz);
  const toMs = startOfLocalDay(Temporal.PlainDate.from(query.to).add({ days: 1 }), tz);
  const ids = query.userId ? [query.userId] : [...(await scanHints(ctx.scope)).keys()];
  const names = new Map((await memberUsers(ctx.scope, ids)).map((u) => [u.id, u.name]));
  const members = ids.filter((id) => names.has(id))
    .sort((a, b) => names.get(a)!.localeCompare(names.get(b)!) || (a < b ? -1 : 1));
  const places = new Map((await allLocations(ctx.scope)).map((l) => [l.id, l.name]));
  const local = new LocalTime(tz);
  const rules = { breaks: settings.breaks };
  const now = ctx.now;
  const scope = ctx.scope;
  let done = 0;
  let position = 0;

  function row(name: string, e: TimeEntry): Cell[] {
    const start = local.dateTime(e.start);
    return [
      name,
      start.slice(0, 10),
      start,
      e.end === null ? null : local.dateTime(e.end),
      paidTime(e, now, rules).workedSeconds,
      breakSeconds(e, e.end ?? Math.max(now, e.start)),
      e.locationId ? places.get(e.locationId) ?? null : null,
      e.note,
      e.source,
    ];
  }

  /** One member's entries starting in the range, oldest first: one range scan. */
  async function entriesOf(userId: string): Promise<TimeEntry[]> {
    const out: TimeEntry[] = [];
    for await (
      const e of scope.list<TimeEntry>(scope.key("entry", userId), {
        start: scope.key("entry", userId, fromMs),
        end: scope.key("entry", userId, toMs),
      })
    ) out.push(e.value);
    return out;
  }

  async function* rows(): AsyncIterable<Cell[]> {
    // Members are read a few ahead of the one being written, so the store's reads overlap the
    // writer's work; at most READ_AHEAD members' entries of the range are held at once.
    const pending: Promise<TimeEntry[]>[] = [];
    let next = 0;
    const fill = () => {
      while (pending.length < READ_AHEAD && next < members.length) {
        pending.push(entriesOf(members[next++]));
      }
    };
    fill();
    for (const userId of members) {
      const name = names.get(userId)!;
      const entries = await pending.shift()!;
      fill();
      position = 0;
      for (const e of entries) {
        position = (e.start - fromMs) / Math.max(1, toMs - fromMs);
        yield row(name, e);
      }
      done++;
    }
  }

  return {
    title: `Time entries ${query.from} – ${query.to}`,
    columns: TIME_ENTRY_COLUMNS,
    rows: rows(),
    progress: () => members.length ? Math.min(1, (done + position) / members.length) : 1,
  };
}
