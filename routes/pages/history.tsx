/**
 * `/o/:orgId/entries/:id/history`: an entry's audit records, through the same use case as the
 * API (`namedEntryHistoryUseCase`): managers see any entry's history, employees only their own
 * (others are "not found", like the API). Each record names who acted: a member's name, or
 * "API key", "Kiosk", "System" for principals that are not a person.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { requestContext } from "../request_context.ts";
import type { AuditRecord } from "../../lib/audit/audit.ts";
import type { EntryView } from "../../lib/entries/model.ts";
import { namedEntryHistoryUseCase } from "../../lib/entries/use_cases.ts";
import { UNKNOWN_PERSON } from "../../lib/entries/history.ts";
import { localDateOf } from "../../lib/time/week.ts";
import { clockTime, dateTime, hmm } from "../../components/format.ts";
import {
  type HistoryChange,
  type HistoryItem,
  HistoryPage,
} from "../../components/views/history.tsx";
import { chrome, renderPage } from "./render.tsx";

const ACTIONS: Record<string, string> = {
  "clock.in": "Clocked in",
  "clock.break_start": "Started a break",
  "clock.break_end": "Ended a break",
  "clock.out": "Clocked out",
  "entry.create": "Added by hand",
  "entry.update": "Edited",
  "entry.delete": "Deleted",
};

function fields(v: EntryView | null, tz: string): Record<string, string> {
  if (!v) return {};
  const when = (iso: string | null) => (iso === null ? "running" : dateTime(Date.parse(iso), tz));
  const breaks = v.breaks.map((b) =>
    `${clockTime(Date.parse(b.start), tz)}–${
      b.end === null ? "running" : clockTime(Date.parse(b.end), tz)
    }`
  ).join(", ");
  return {
    Start: when(v.start),
    End: when(v.end),
    Breaks: breaks || "none",
    Worked: hmm(v.durationSeconds),
    Note: v.note ?? "",
  };
}

/** The fields that differ between the record's before and after. */
function changes(r: AuditRecord, tz: string): HistoryChange[] {
  const before = fields(r.before as EntryView | null, tz);
  const after = fields(r.after as EntryView | null, tz);
  const names = ["Start", "End", "Breaks", "Worked", "Note"];
  return names.flatMap((field) => {
    const b = before[field] ?? "";
    const a = after[field] ?? "";
    return a === b ? [] : [{ field, before: b || "—", after: a || "—" }];
  });
}

/** The entry history page (mounted under `/o/:orgId`). */
export const historyPages = new Hono<AppEnv>()
  .get("/entries/:id/history", async (c) => {
    const ctx = requestContext(c);
    const { org } = ctx;
    const membership = ctx.member?.membership;
    const page = await namedEntryHistoryUseCase(ctx, {
      id: c.req.param("id"),
      limit: 50,
      cursor: c.req.query("cursor"),
    });
    const subject = page.subject;
    const tz = org.timeZone;
    const items: HistoryItem[] = page.data.map((r) => ({
      id: r.id,
      atIso: r.at,
      atLabel: dateTime(Date.parse(r.at), tz),
      actorName: page.actors.get(r.id) ?? UNKNOWN_PERSON,
      action: ACTIONS[r.action] ?? r.action,
      reason: r.reason,
      changes: changes(r, tz),
    }));
    const date = localDateOf(Date.parse(subject.start), tz).toString();
    const own = subject.userId === membership?.userId;
    const backHref = own
      ? `/o/${org.id}/week?date=${date}`
      : `/o/${org.id}/team/${subject.userId}?date=${date}`;
    const path = new URL(c.req.url).pathname;
    return renderPage(
      c,
      <HistoryPage
        {...chrome(c, own ? "week" : "team")}
        items={items}
        backHref={backHref}
        backLabel={own ? "My week" : "Member's week"}
        moreHref={page.nextCursor ? `${path}?cursor=${encodeURIComponent(page.nextCursor)}` : null}
        timeZone={tz}
      />,
    );
  });
