/**
 * Managers' pages under `/o/:orgId/team`: who is working now, and one member's week with
 * corrections (edit, delete, add — each with a reason). Entries in an approved timesheet's
 * period show as locked, their forms disabled.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { DomainError, notFound } from "../../lib/errors.ts";
import { clockStatus } from "../../lib/clock/clock.ts";
import { memberUser, memberUsers } from "../../lib/identity/users.ts";
import { activeMemberships, getMembership } from "../../lib/members/members.ts";
import { getEntry } from "../../lib/entries/repository.ts";
import {
  assertMayCorrect,
  createEntry,
  deleteEntry,
  type EntryPatch,
  updateEntry,
} from "../../lib/entries/manage.ts";
import { localDateOf } from "../../lib/time/week.ts";
import { fromDateTimeLocal, toDateTimeLocal } from "../../lib/time/local.ts";
import { clockTime } from "../../components/format.ts";
import type { FlashCode } from "../../components/flash.ts";
import { MemberWeekPage, TeamPage, type TeamRow } from "../../components/views/team.tsx";
import type { EntryFormState } from "../../components/views/entry_forms.tsx";
import { fieldError, formFailure, noteField, readForm, reasonField } from "./forms.ts";
import { withRole } from "./guards.ts";
import { chrome, renderPage } from "./render.tsx";
import { loadWeek } from "./week_data.ts";
import { dateParam } from "./dates.ts";

const ORDER = { in: 0, break: 1, out: 2 } as const;

async function teamRows(c: AppContext): Promise<TeamRow[]> {
  const { scope, org } = c.get("org");
  const members = await activeMemberships(scope);
  const users = new Map(
    (await memberUsers(scope, members.map((m) => m.userId))).map((u) => [u.id, u]),
  );
  const rows: TeamRow[] = [];
  for (let i = 0; i < members.length; i += 25) {
    const batch = members.slice(i, i + 25);
    const statuses = await Promise.all(batch.map((m) => clockStatus(scope, m.userId)));
    batch.forEach((m, k) => {
      const { state, entry } = statuses[k];
      const since = state === "in"
        ? entry!.start
        : state === "break"
        ? entry!.breaks.at(-1)!.start
        : null;
      rows.push({
        id: m.userId,
        name: users.get(m.userId)?.name ?? "Unknown",
        role: m.role,
        state,
        sinceLabel: since === null ? null : clockTime(since, org.timeZone),
        sinceIso: since === null ? null : new Date(since).toISOString(),
      });
    });
  }
  return rows.sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.name.localeCompare(b.name));
}

async function member(c: AppContext) {
  const { scope } = c.get("org");
  const userId = c.req.param("userId") ?? "";
  const m = await getMembership(scope, userId);
  const user = m ? await memberUser(scope, userId) : null;
  if (!m || !user) throw notFound("member");
  return { id: user.id, name: user.name };
}

async function memberWeek(
  c: AppContext,
  failed?: EntryFormState,
  status?: ContentfulStatusCode,
) {
  const { scope, org } = c.get("org");
  const who = await member(c);
  const date = dateParam(c, org.timeZone);
  const week = await loadWeek(
    scope,
    who.id,
    date,
    c.get("org").settings.settings,
    c.get("deps").now(),
  );
  return renderPage(
    c,
    <MemberWeekPage
      {...chrome(c, "team")}
      member={who}
      week={week}
      timeZone={org.timeZone}
      failed={failed}
    />,
    status,
  );
}

const entryForm = z.object({
  start: z.string().optional(),
  end: z.string().optional(),
  note: noteField,
  reason: reasonField,
});

function instantField(value: string | undefined, field: string, timeZone: string): number {
  const ms = fromDateTimeLocal(value ?? "", timeZone);
  if (ms === null) throw fieldError(field, "Enter a date and time");
  return ms;
}

/**
 * Apply one posted correction (`intent` add, edit or delete) to `userId`'s entries; returns the
 * flash code. The caller must be allowed to correct that member's entries
 * (`assertMayCorrect`); entries in approved periods answer `period_locked`.
 */
export async function applyCorrection(
  c: AppContext,
  userId: string,
  values: Record<string, string>,
): Promise<FlashCode> {
  const { scope, org, membership } = c.get("org");
  const actorId = c.get("user")!.id;
  const now = c.get("deps").now();
  const tz = org.timeZone;
  const { settings } = c.get("org").settings;
  assertMayCorrect({ userId: membership.userId, role: membership.role }, userId, settings);
  if (values.intent === "add") {
    const f = validate(entryForm, values);
    const start = instantField(f.start, "start", tz);
    const end = instantField(f.end, "end", tz);
    await createEntry(scope, actorId, { userId, start, end, note: f.note, reason: f.reason }, now);
    return "entry_added";
  }
  const entry = await getEntry(scope, values.entryId ?? "");
  if (entry.userId !== userId) throw notFound("time entry");
  if (values.intent === "delete") {
    const { reason } = validate(z.object({ reason: reasonField }), values);
    await deleteEntry(scope, actorId, entry.id, reason, now);
    return "entry_deleted";
  }
  if (values.intent !== "edit") {
    throw new DomainError("invalid", "invalid_intent", "Unknown form; reload the page");
  }
  const f = validate(entryForm, values);
  const patch: EntryPatch = { reason: f.reason };
  // Unchanged fields are left alone, so saving a note does not cut the seconds off the times.
  if (f.start !== toDateTimeLocal(entry.start, tz)) {
    patch.start = instantField(f.start, "start", tz);
  }
  const endText = f.end ?? "";
  if (entry.end === null ? endText !== "" : endText !== toDateTimeLocal(entry.end, tz)) {
    patch.end = instantField(endText, "end", tz);
  }
  if (f.note !== entry.note) patch.note = f.note;
  if (Object.keys(patch).length === 1) {
    throw new DomainError("invalid", "no_change", "Nothing changed: edit the times or the note");
  }
  await updateEntry(scope, actorId, entry.id, patch, now);
  return "entry_updated";
}

/** Routes under `/o/:orgId` for managers and admins. */
export const teamPages = new Hono<AppEnv>()
  .use("/team", withRole("admin", "manager"))
  .use("/team/*", withRole("admin", "manager"))
  .get("/team", async (c) => {
    const { org } = c.get("org");
    const date = localDateOf(c.get("deps").now(), org.timeZone).toString();
    return renderPage(c, <TeamPage {...chrome(c, "team")} rows={await teamRows(c)} date={date} />);
  })
  .get("/team/:userId", (c) => memberWeek(c))
  .post("/team/:userId", async (c) => {
    const who = await member(c);
    const date = dateParam(c, c.get("org").org.timeZone).toString();
    const values = await readForm(c);
    try {
      const ok = await applyCorrection(c, who.id, values);
      return c.redirect(`/o/${c.get("org").org.id}/team/${who.id}?date=${date}&ok=${ok}`, 303);
    } catch (err) {
      const f = formFailure(err, values);
      const intent = values.intent === "edit" || values.intent === "delete" ? values.intent : "add";
      const entryId = intent === "add" ? undefined : values.entryId;
      return memberWeek(c, { intent, entryId, values: f.values, error: f.error }, f.status);
    }
  });
