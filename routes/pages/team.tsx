/**
 * Managers' pages under `/o/:orgId/team`: who is working now, and one member's week with
 * corrections (edit, delete, add — each with a reason). Entries in an approved timesheet's
 * period show as locked, their forms disabled. Who may see and change what is decided by the use
 * cases (`lib/clock/use_cases.ts` `teamBoardUseCase`, `lib/entries/use_cases.ts`); the
 * correction forms are adapted to the same schemas as the API's bodies.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { requestContext } from "../request_context.ts";
import { DomainError, notFound } from "../../lib/errors.ts";
import { teamBoardUseCase } from "../../lib/clock/use_cases.ts";
import {
  createEntryUseCase,
  deleteEntryUseCase,
  getEntryUseCase,
  memberWeekUseCase,
  teamMemberUseCase,
  updateEntryUseCase,
} from "../../lib/entries/use_cases.ts";
import { entryBody, entryDelete, entryPatch } from "../../lib/entries/schemas.ts";
import { localDateOf } from "../../lib/time/week.ts";
import { toDateTimeLocal } from "../../lib/time/local.ts";
import type { FlashCode } from "../../components/flash.ts";
import { MemberWeekPage, TeamPage } from "../../components/views/team.tsx";
import type { TeamBoardProps } from "../../islands/TeamBoard.tsx";
import { liveResumePointUseCase } from "../../lib/presence/use_cases.ts";
import type { EntryFormState } from "../../components/views/entry_forms.tsx";
import { formFailure, readForm } from "./forms.ts";
import { dateTimeField, textField, validateForm } from "./form_adapter.ts";
import { chrome, renderPage } from "./render.tsx";
import { weekData } from "./week_data.ts";
import { dateParam } from "./dates.ts";
import { openConflictRows } from "./kiosks.tsx";
import { KioskConflicts } from "../../components/views/kiosks.tsx";

/** What the correction forms say for a field left empty. */
const WHEN_EMPTY = { reason: "Enter a reason" };

/** The live board's props: the resume point first, then the rows (nothing missed between). */
async function teamBoard(c: AppContext): Promise<TeamBoardProps> {
  const ctx = requestContext(c);
  const lastEventId = await liveResumePointUseCase(ctx);
  const rows = await teamBoardUseCase(ctx);
  return {
    orgId: ctx.org.id,
    timeZone: ctx.org.timeZone,
    date: localDateOf(ctx.now, ctx.org.timeZone).toString(),
    serverNow: ctx.now,
    lastEventId,
    rows: rows.map((r) => ({
      id: r.userId,
      name: r.name,
      role: r.role,
      state: r.state,
      since: r.since,
    })),
  };
}

async function memberWeek(
  c: AppContext,
  failed?: EntryFormState,
  status?: ContentfulStatusCode,
) {
  const ctx = requestContext(c);
  const { org } = ctx;
  const date = dateParam(c, org.timeZone).toString();
  const { member, week } = await memberWeekUseCase(ctx, {
    userId: c.req.param("userId") ?? "",
    date,
  });
  return renderPage(
    c,
    <MemberWeekPage
      {...chrome(c, "team")}
      member={member}
      week={weekData(week, ctx.settings.settings)}
      timeZone={org.timeZone}
      failed={failed}
    />,
    status,
  );
}

/** A form's note: trimmed, empty means none. */
function noteOf(value: string | undefined): string | null {
  return textField(value)?.trim() ?? null;
}

/**
 * Apply one posted correction (`intent` add, edit or delete) to `userId`'s entries; returns the
 * flash code. The form is adapted to the API's schemas (`entryBody`, `entryPatch`,
 * `entryDelete`) and the same use cases decide: the caller must be allowed to correct that
 * member's entries, and entries in approved periods answer `period_locked`.
 */
export async function applyCorrection(
  c: AppContext,
  userId: string,
  values: Record<string, string>,
): Promise<FlashCode> {
  const ctx = requestContext(c);
  const tz = ctx.org.timeZone;
  if (values.intent === "add") {
    const input = validateForm(entryBody, {
      userId,
      start: dateTimeField(values.start, "start", tz),
      end: dateTimeField(values.end, "end", tz),
      note: noteOf(values.note),
      reason: values.reason,
    }, WHEN_EMPTY);
    await createEntryUseCase(ctx, input);
    return "entry_added";
  }
  const entry = await getEntryUseCase(ctx, { id: values.entryId ?? "" });
  if (entry.userId !== userId) throw notFound("time entry");
  if (values.intent === "delete") {
    const { reason } = validateForm(entryDelete, { reason: values.reason }, WHEN_EMPTY);
    await deleteEntryUseCase(ctx, { id: entry.id, reason });
    return "entry_deleted";
  }
  if (values.intent !== "edit") {
    throw new DomainError("invalid", "invalid_intent", "Unknown form; reload the page");
  }
  // Unchanged fields are left out, so saving a note does not cut the seconds off the times.
  const adapted: Record<string, unknown> = { reason: values.reason };
  if (values.start !== toDateTimeLocal(entry.start, tz)) {
    adapted.start = dateTimeField(values.start, "start", tz);
  }
  const endText = values.end ?? "";
  if (entry.end === null ? endText !== "" : endText !== toDateTimeLocal(entry.end, tz)) {
    adapted.end = dateTimeField(endText, "end", tz);
  }
  const note = noteOf(values.note);
  if (note !== entry.note) adapted.note = note;
  const patch = validateForm(entryPatch, adapted, WHEN_EMPTY);
  if (Object.keys(adapted).length === 1) {
    throw new DomainError("invalid", "no_change", "Nothing changed: edit the times or the note");
  }
  await updateEntryUseCase(ctx, { ...patch, id: entry.id });
  return "entry_updated";
}

/** Routes under `/o/:orgId` for managers and admins (the use cases refuse everyone else). */
export const teamPages = new Hono<AppEnv>()
  .get("/team", async (c) => {
    const { org } = requestContext(c);
    const board = await teamBoard(c);
    const conflicts = await openConflictRows(c);
    return renderPage(
      c,
      <TeamPage {...chrome(c, "team")} board={board}>
        <KioskConflicts orgId={org.id} rows={conflicts} />
      </TeamPage>,
    );
  })
  .get("/team/:userId", (c) => memberWeek(c))
  .post("/team/:userId", async (c) => {
    const ctx = requestContext(c);
    const who = await teamMemberUseCase(ctx, { userId: c.req.param("userId") });
    const date = dateParam(c, ctx.org.timeZone).toString();
    const values = await readForm(c);
    try {
      const ok = await applyCorrection(c, who.id, values);
      return c.redirect(`/o/${ctx.org.id}/team/${who.id}?date=${date}&ok=${ok}`, 303);
    } catch (err) {
      const f = formFailure(err, values);
      const intent = values.intent === "edit" || values.intent === "delete" ? values.intent : "add";
      const entryId = intent === "add" ? undefined : values.entryId;
      return memberWeek(c, { intent, entryId, values: f.values, error: f.error }, f.status);
    }
  });
