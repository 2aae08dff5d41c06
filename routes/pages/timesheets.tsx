/**
 * Timesheet pages under `/o/:orgId/timesheets`:
 *
 * | route | who |
 * | --- | --- |
 * | `GET/POST /timesheets?date=&userId=` | everyone for their own; managers and admins for anyone |
 * | `GET/POST /timesheets/review?date=` | managers and admins: the whole team's period |
 *
 * The posts carry an `intent`: `submit`, `approve`, `reject` (with `reason`), `reopen`, or — on
 * the member page — an entry correction (`add`, `edit`, `delete`, see `team.tsx`) when the viewer
 * may correct that member's entries. The review page's bulk approval posts `ids` (one per checked
 * row) or `all=submitted`.
 *
 * The workflow (its buttons, its posts and the review page) needs the plan's `timesheetApproval`;
 * the timesheets themselves stay readable. Without `overtimeRules`, totals have no overtime.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { statusOf } from "../middleware/errors.ts";
import { validate } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import { localDateOf } from "../../lib/time/week.ts";
import type { Period } from "../../lib/time/periods.ts";
import {
  bulkApprovalInput,
  timesheetActionInput,
  timesheetPageInput,
  timesheetReviewInput,
} from "../../lib/timesheets/schemas.ts";
import {
  bulkApproveTimesheetsUseCase,
  reviewTimesheetsUseCase,
  timesheetActionUseCase,
  timesheetPageUseCase,
  timesheetSubject,
} from "../../lib/timesheets/use_cases.ts";
import { dateTime } from "../../components/format.ts";
import type { FormError } from "../../components/forms.tsx";
import type { EntryFormState } from "../../components/views/entry_forms.tsx";
import type { WeekEntryRow } from "../../components/views/week.tsx";
import {
  type BulkResult,
  type ReviewRow,
  TeamReviewPage,
  timesheetFlash,
  TimesheetPage,
  type WorkflowFailure,
} from "../../components/views/timesheets.tsx";
import { formErrorOf, formFailure, readForm } from "./forms.ts";
import { chrome, renderPage } from "./render.tsx";
import { entryRow } from "./week_data.ts";
import { applyCorrection } from "./team.tsx";

const WORKFLOW = ["submit", "approve", "reject", "reopen"] as const;

type WorkflowIntent = (typeof WORKFLOW)[number];

function isWorkflow(intent: string | undefined): intent is WorkflowIntent {
  return (WORKFLOW as readonly string[]).includes(intent ?? "");
}

/** A form or query string as the schemas take it: empty (or blank) means absent. */
function present(v: string | undefined | null): string | undefined {
  return v && v.trim() ? v : undefined;
}

/** The page's `?date=&userId=`, adapted to the domain schema (400 `validation_failed`). */
function pageQuery(c: AppContext) {
  return validate(timesheetPageInput, {
    date: present(c.req.query("date")),
    userId: present(c.req.query("userId")),
  });
}

/** The review page's `?date=`, adapted to the domain schema. */
function reviewQuery(c: AppContext) {
  return validate(timesheetReviewInput, { date: present(c.req.query("date")) });
}

/** "Oct 26 – Nov 8, 2026". */
export function periodLabel(p: Period): string {
  const sameYear = p.start.year === p.end.year;
  const first = p.start.toLocaleString("en-US", {
    month: "short",
    day: "numeric",
    year: sameYear ? undefined : "numeric",
  });
  return `${first} – ${
    p.end.toLocaleString("en-US", { month: "short", day: "numeric", year: "numeric" })
  }`;
}

/** The layout props with this page family's flash messages. */
function pageChrome(c: AppContext) {
  const base = chrome(c, "timesheets");
  return { ...base, flash: timesheetFlash(c.req.query("ok")) ?? base.flash };
}

function sheetHref(orgId: string, date: string, userId: string, own: boolean) {
  return `/o/${orgId}/timesheets?date=${date}${own ? "" : `&userId=${userId}`}`;
}

async function sheetPage(
  c: AppContext,
  failures: { entry?: EntryFormState; workflow?: WorkflowFailure } = {},
  status?: ContentfulStatusCode,
) {
  const { org } = c.get("org");
  const data = await timesheetPageUseCase(requestContext(c), pageQuery(c));
  const { period, userId, sheet, settings, names, now, today } = data;
  const own = data.isOwn;
  const byDay = new Map<string, { date: string; label: string; entries: WeekEntryRow[] }>();
  for (const e of data.entries) {
    const d = localDateOf(e.start, settings.timeZone);
    const key = d.toString();
    let day = byDay.get(key);
    if (!day) {
      day = {
        date: key,
        label: d.toLocaleString("en-US", { weekday: "long", month: "short", day: "numeric" }),
        entries: [],
      };
      byDay.set(key, day);
    }
    day.entries.push(entryRow(e, settings, now, data.locks));
  }
  const who = (id: string | null) => (id ? names.get(id) ?? "someone" : "someone");
  const inPeriod = Temporal.PlainDate.compare(period.start, today) <= 0 &&
    Temporal.PlainDate.compare(today, period.end) <= 0;
  return renderPage(
    c,
    <TimesheetPage
      {...pageChrome(c)}
      sheet={{
        id: sheet.id,
        userId,
        memberName: names.get(userId) ?? "Unknown",
        periodLabel: periodLabel(period),
        status: sheet.status,
        totals: sheet.totals,
        hourlyRateCents: data.hourlyRateCents,
        submittedLabel: sheet.submittedAt
          ? `Submitted ${dateTime(Date.parse(sheet.submittedAt), settings.timeZone)} by ${
            who(sheet.submittedBy)
          }`
          : null,
        decidedLabel: sheet.decidedAt && sheet.status !== "submitted"
          ? `${
            sheet.status === "approved"
              ? "Approved"
              : sheet.status === "rejected"
              ? "Rejected"
              : "Reopened"
          } ${dateTime(Date.parse(sheet.decidedAt), settings.timeZone)} by ${who(sheet.decidedBy)}`
          : null,
        rejectionReason: sheet.rejectionReason,
        locked: sheet.locked,
      }}
      isOwn={own}
      days={sheet.days}
      entryDays={[...byDay.values()]}
      rules={data.rules}
      actions={data.actions}
      canEditEntries={data.canEditEntries}
      action={sheetHref(org.id, period.start.toString(), userId, own)}
      prevHref={sheetHref(org.id, period.start.subtract({ days: 1 }).toString(), userId, own)}
      nextHref={sheetHref(org.id, period.end.add({ days: 1 }).toString(), userId, own)}
      currentHref={inPeriod ? null : sheetHref(org.id, today.toString(), userId, own)}
      reviewHref={data.canReview ? `/o/${org.id}/timesheets/review?date=${period.start}` : null}
      timeZone={settings.timeZone}
      failedEntry={failures.entry}
      failedWorkflow={failures.workflow}
    />,
    status,
  );
}

async function reviewPage(
  c: AppContext,
  extra: {
    result?: BulkResult;
    error?: FormError;
    failedReject?: { id: string; values: Record<string, string>; error: FormError };
  } = {},
  status?: ContentfulStatusCode,
) {
  const { org } = c.get("org");
  const { period, rows: sheets, today } = await reviewTimesheetsUseCase(
    requestContext(c),
    reviewQuery(c),
  );
  const self = c.get("org").membership!.userId;
  const rows: ReviewRow[] = sheets.map((s) => ({
    id: s.id,
    userId: s.userId,
    name: s.name,
    status: s.status,
    totals: s.totals,
    href: sheetHref(org.id, s.periodStart, s.userId, s.userId === self),
    canApprove: s.canApprove,
    canReject: s.canReject,
    canReopen: s.canReopen,
  }));
  const inPeriod = Temporal.PlainDate.compare(period.start, today) <= 0 &&
    Temporal.PlainDate.compare(today, period.end) <= 0;
  const href = (d: Temporal.PlainDate) => `/o/${org.id}/timesheets/review?date=${d}`;
  return renderPage(
    c,
    <TeamReviewPage
      {...pageChrome(c)}
      periodLabel={periodLabel(period)}
      rows={rows}
      action={href(period.start)}
      prevHref={href(period.start.subtract({ days: 1 }))}
      nextHref={href(period.end.add({ days: 1 }))}
      currentHref={inPeriod ? null : href(today)}
      result={extra.result}
      error={extra.error}
      failedReject={extra.failedReject}
    />,
    status,
  );
}

/** The posted fields, keeping every value of repeated names (`ids`). */
async function readFormAll(c: AppContext): Promise<Record<string, string | string[]>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    throw new DomainError("invalid", "unsupported_media_type", "Send the form as a web form");
  }
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === "string") out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === "string");
  }
  return out;
}

function one(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v[0] ?? "" : v ?? "";
}

function all(v: string | string[] | undefined): string[] {
  return (Array.isArray(v) ? v : v ? [v] : []).filter((x) => x !== "");
}

/** A workflow form adapted to the domain schema (empty reason: none). */
function actionOf(values: Record<string, string>, intent: WorkflowIntent) {
  return validate(timesheetActionInput, {
    timesheetId: values.timesheetId ?? "",
    action: intent,
    reason: present(values.reason),
  });
}

const PAST: Record<WorkflowIntent, string> = {
  submit: "submitted",
  approve: "approved",
  reject: "rejected",
  reopen: "reopened",
};

/** Routes under `/o/:orgId` (after the org guards). */
export const timesheetPages = new Hono<AppEnv>()
  .get("/timesheets/review", (c) => reviewPage(c))
  .post("/timesheets/review", async (c) => {
    const ctx = requestContext(c);
    const { org } = c.get("org");
    const query = reviewQuery(c);
    const values = await readFormAll(c);
    const intent = one(values.intent);
    const back = `/o/${org.id}/timesheets/review?date=${
      query.date ?? localDateOf(ctx.now, ctx.settings.settings.timeZone)
    }`;
    if (intent === "reject" || intent === "reopen") {
      const id = one(values.timesheetId);
      const fields = { timesheetId: id, reason: one(values.reason) };
      try {
        await timesheetActionUseCase(ctx, actionOf(fields, intent));
      } catch (err) {
        const f = formFailure(err, { reason: fields.reason });
        if (intent === "reject" && f.status !== 404) {
          return reviewPage(
            c,
            { failedReject: { id, values: f.values, error: f.error } },
            f.status,
          );
        }
        return reviewPage(c, { error: f.error }, f.status);
      }
      return c.redirect(`${back}&ok=timesheet_${PAST[intent]}`, 303);
    }
    if (intent !== "approve") {
      throw new DomainError("invalid", "invalid_intent", "Unknown form; reload the page");
    }
    let result;
    try {
      result = await bulkApproveTimesheetsUseCase(
        ctx,
        validate(bulkApprovalInput, {
          date: query.date,
          ids: all(values.ids),
          all: present(one(values.all)),
        }),
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return reviewPage(c, { error: { message: err.message, fields: {} } }, statusOf(err));
    }
    if (result.failures.length === 0) {
      return c.redirect(`${back}&ok=timesheets_approved`, 303);
    }
    return reviewPage(
      c,
      { result: { approved: result.approved, failures: result.failures } },
      result.approved ? 200 : 409,
    );
  })
  .get("/timesheets", (c) => sheetPage(c))
  .post("/timesheets", async (c) => {
    const ctx = requestContext(c);
    const values = await readForm(c);
    const { org } = c.get("org");
    const query = pageQuery(c);
    const userId = timesheetSubject(ctx, query.userId);
    const own = userId === ctx.member?.membership.userId;
    const intent = values.intent;
    if (isWorkflow(intent)) {
      try {
        const sheet = await timesheetActionUseCase(ctx, actionOf(values, intent));
        return c.redirect(
          `${
            sheetHref(
              org.id,
              sheet.periodStart,
              sheet.userId,
              sheet.userId === c.get("org").membership!.userId,
            )
          }&ok=timesheet_${PAST[intent]}`,
          303,
        );
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return sheetPage(
          c,
          { workflow: { intent, values, error: formErrorOf(err) } },
          statusOf(err),
        );
      }
    }
    const date = query.date ?? localDateOf(ctx.now, ctx.settings.settings.timeZone).toString();
    try {
      const ok = await applyCorrection(c, userId, values);
      return c.redirect(`${sheetHref(org.id, date, userId, own)}&ok=${ok}`, 303);
    } catch (err) {
      const f = formFailure(err, values);
      const kind = values.intent === "edit" || values.intent === "delete" ? values.intent : "add";
      const entryId = kind === "add" ? undefined : values.entryId;
      return sheetPage(
        c,
        { entry: { intent: kind, entryId, values: f.values, error: f.error } },
        f.status,
      );
    }
  });
