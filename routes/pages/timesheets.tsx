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
import { memberUser, memberUsers } from "../../lib/identity/users.ts";
import { getMembership, isManager } from "../../lib/members/members.ts";
import { mayCorrect } from "../../lib/entries/manage.ts";
import { entriesOverlapping } from "../../lib/entries/repository.ts";
import { locksTouching } from "../../lib/entries/locks.ts";
import { toSecond } from "../../lib/entries/model.ts";
import { rulesFor } from "../../lib/overtime/engine.ts";
import { payRules } from "../../lib/reports/hours.ts";
import { enabled } from "../../lib/billing/entitlements.ts";
import { assertFeature } from "../../lib/billing/gates.ts";
import { entitlements, requireFeature } from "../middleware/plan.ts";
import { localDateOf, startOfLocalDay } from "../../lib/time/week.ts";
import type { Period } from "../../lib/time/periods.ts";
import {
  type Actor,
  getTimesheet,
  listTimesheets,
  mayAct,
  nextStatus,
  periodOf,
  type TimesheetAction,
  timesheetId,
  transitionTimesheet,
} from "../../lib/timesheets/timesheets.ts";
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
import { withRole } from "./guards.ts";
import { chrome, renderPage } from "./render.tsx";
import { dateParam } from "./dates.ts";
import { entryRow } from "./week_data.ts";
import { applyCorrection } from "./team.tsx";

const WORKFLOW = ["submit", "approve", "reject", "reopen"] as const;

function isWorkflow(intent: string | undefined): intent is TimesheetAction {
  return (WORKFLOW as readonly string[]).includes(intent ?? "");
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

function actorOf(c: AppContext): Actor {
  const { membership } = c.get("org");
  return { userId: membership.userId, role: membership.role };
}

/** The pay options of the organization's plan (overtime only with `overtimeRules`). */
function payOptions(c: AppContext) {
  return { overtimeRules: enabled(entitlements(c), "overtimeRules") };
}

/** The layout props with this page family's flash messages. */
function pageChrome(c: AppContext) {
  const base = chrome(c, "timesheets");
  return { ...base, flash: timesheetFlash(c.req.query("ok")) ?? base.flash };
}

/** The member a timesheet page is about: `?userId=` (managers) or the viewer. */
function targetUser(c: AppContext): string {
  const { membership } = c.get("org");
  const asked = c.req.query("userId");
  if (!asked || asked === membership.userId) return membership.userId;
  if (!isManager(membership.role)) {
    throw new DomainError("forbidden", "forbidden", "You can see only your own timesheet");
  }
  return asked;
}

function sheetHref(orgId: string, date: string, userId: string, own: boolean) {
  return `/o/${orgId}/timesheets?date=${date}${own ? "" : `&userId=${userId}`}`;
}

async function sheetPage(
  c: AppContext,
  failures: { entry?: EntryFormState; workflow?: WorkflowFailure } = {},
  status?: ContentfulStatusCode,
) {
  const { scope, org, membership } = c.get("org");
  const now = toSecond(c.get("deps").now());
  const { settings } = c.get("org").settings;
  const date = dateParam(c, org.timeZone);
  const userId = targetUser(c);
  const own = userId === membership.userId;
  const period = periodOf(settings, date);
  const id = timesheetId(period.start.toString(), userId);
  const pay = payOptions(c);
  const approval = enabled(entitlements(c), "timesheetApproval");
  const sheet = await getTimesheet(scope, id, now, pay);
  const startMs = startOfLocalDay(period.start, settings.timeZone);
  const endMs = startOfLocalDay(period.end.add({ days: 1 }), settings.timeZone);
  const [entries, locks, member] = await Promise.all([
    entriesOverlapping(scope, userId, startMs, endMs, now),
    locksTouching(scope, userId, startMs, endMs),
    getMembership(scope, userId),
  ]);
  const people = new Map(
    (await memberUsers(
      scope,
      [userId, sheet.submittedBy, sheet.decidedBy].filter((x): x is string => !!x),
    )).map((u) => [u.id, u.name]),
  );
  const byDay = new Map<string, { date: string; label: string; entries: WeekEntryRow[] }>();
  for (const e of entries) {
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
    day.entries.push(entryRow(e, settings, now, locks));
  }
  const actor = actorOf(c);
  const can = (a: TimesheetAction) =>
    approval && mayAct(actor, userId, a) && nextStatus(sheet.status, a) !== null;
  const who = (id: string | null) => (id ? people.get(id) ?? "someone" : "someone");
  const today = localDateOf(now, settings.timeZone);
  const inPeriod = Temporal.PlainDate.compare(period.start, today) <= 0 &&
    Temporal.PlainDate.compare(today, period.end) <= 0;
  const rules = rulesFor(payRules(settings, pay.overtimeRules).overtime);
  return renderPage(
    c,
    <TimesheetPage
      {...pageChrome(c)}
      sheet={{
        id: sheet.id,
        userId,
        memberName: people.get(userId) ?? "Unknown",
        periodLabel: periodLabel(period),
        status: sheet.status,
        totals: sheet.totals,
        hourlyRateCents: member?.value.hourlyRateCents ?? null,
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
      rules={rules}
      actions={{
        submit: can("submit"),
        approve: can("approve"),
        reject: can("reject"),
        reopen: can("reopen"),
      }}
      canEditEntries={mayCorrect(actor, userId, settings)}
      action={sheetHref(org.id, period.start.toString(), userId, own)}
      prevHref={sheetHref(org.id, period.start.subtract({ days: 1 }).toString(), userId, own)}
      nextHref={sheetHref(org.id, period.end.add({ days: 1 }).toString(), userId, own)}
      currentHref={inPeriod ? null : sheetHref(org.id, today.toString(), userId, own)}
      reviewHref={approval && isManager(membership.role)
        ? `/o/${org.id}/timesheets/review?date=${period.start}`
        : null}
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
  const { scope, org } = c.get("org");
  const now = toSecond(c.get("deps").now());
  const date = dateParam(c, org.timeZone);
  const { period, data } = await listTimesheets(scope, { date, now, ...payOptions(c) });
  const names = new Map(
    (await memberUsers(scope, data.map((s) => s.userId))).map((u) => [u.id, u.name]),
  );
  const actor = actorOf(c);
  const rows: ReviewRow[] = data.map((s) => ({
    id: s.id,
    userId: s.userId,
    name: names.get(s.userId) ?? "Unknown",
    status: s.status,
    totals: s.totals,
    href: sheetHref(org.id, s.periodStart, s.userId, s.userId === actor.userId),
    canApprove: s.status === "submitted" && mayAct(actor, s.userId, "approve"),
    canReject: s.status === "submitted" && mayAct(actor, s.userId, "reject"),
    canReopen: s.status === "approved" && mayAct(actor, s.userId, "reopen"),
  })).sort((a, b) => a.name.localeCompare(b.name));
  const today = localDateOf(now, org.timeZone);
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

const MAX_BULK = 1000;

/** Routes under `/o/:orgId` (after the org guards). */
export const timesheetPages = new Hono<AppEnv>()
  .use("/timesheets/review", withRole("admin", "manager"), requireFeature("timesheetApproval"))
  .get("/timesheets/review", (c) => reviewPage(c))
  .post("/timesheets/review", async (c) => {
    const values = await readFormAll(c);
    const { scope, org } = c.get("org");
    const now = c.get("deps").now();
    const actor = actorOf(c);
    const date = dateParam(c, org.timeZone).toString();
    const intent = one(values.intent);
    const id = one(values.timesheetId);
    if (intent === "reject" || intent === "reopen") {
      const reason = one(values.reason).trim() || null;
      try {
        if ((intent === "reject" && !reason) || (reason && reason.length > 500)) {
          throw new DomainError("invalid", "validation_failed", "Check the highlighted field", [
            { path: "reason", message: reason ? "Use at most 500 characters" : "Enter a reason" },
          ]);
        }
        await transitionTimesheet(scope, actor, id, intent, reason, now, payOptions(c));
      } catch (err) {
        const f = formFailure(err, { reason: one(values.reason) });
        if (intent === "reject") {
          return reviewPage(
            c,
            { failedReject: { id, values: f.values, error: f.error } },
            f.status,
          );
        }
        return reviewPage(c, { error: f.error }, f.status);
      }
      return c.redirect(
        `/o/${org.id}/timesheets/review?date=${date}&ok=timesheet_${
          intent === "reject" ? "rejected" : "reopened"
        }`,
        303,
      );
    }
    if (intent !== "approve") {
      throw new DomainError("invalid", "invalid_intent", "Unknown form; reload the page");
    }
    let ids: string[];
    if (one(values.all) === "submitted") {
      const { data } = await listTimesheets(scope, {
        date: dateParam(c, org.timeZone),
        now,
        ...payOptions(c),
      });
      ids = data.filter((s) => s.status === "submitted" && mayAct(actor, s.userId, "approve"))
        .map((s) => s.id);
    } else {
      const raw = values.ids;
      ids = [...new Set(Array.isArray(raw) ? raw : raw ? [raw] : [])].slice(0, MAX_BULK);
    }
    if (ids.length === 0) {
      return reviewPage(c, {
        error: { message: "Select at least one submitted timesheet to approve.", fields: {} },
      }, 400);
    }
    const failures: BulkResult["failures"] = [];
    let approved = 0;
    for (const tid of ids) {
      try {
        await transitionTimesheet(scope, actor, tid, "approve", null, now, payOptions(c));
        approved++;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const userId = tid.split(".")[1] ?? "";
        const user = userId ? await memberUser(scope, userId) : null;
        failures.push({ name: user?.name ?? tid, message: err.message });
      }
    }
    if (failures.length === 0) {
      return c.redirect(`/o/${org.id}/timesheets/review?date=${date}&ok=timesheets_approved`, 303);
    }
    return reviewPage(c, { result: { approved, failures } }, approved ? 200 : 409);
  })
  .get("/timesheets", (c) => sheetPage(c))
  .post("/timesheets", async (c) => {
    const values = await readForm(c);
    const { org, membership } = c.get("org");
    const userId = targetUser(c);
    const own = userId === membership.userId;
    const intent = values.intent;
    if (isWorkflow(intent)) {
      assertFeature(entitlements(c), "timesheetApproval");
      const reason = (values.reason ?? "").trim() || null;
      try {
        if (reason && reason.length > 500) {
          throw new DomainError("invalid", "validation_failed", "Check the highlighted field", [
            { path: "reason", message: "Use at most 500 characters" },
          ]);
        }
        if (intent === "reject" && !reason) {
          throw new DomainError("invalid", "validation_failed", "Check the highlighted field", [
            { path: "reason", message: "Enter a reason" },
          ]);
        }
        const sheet = await transitionTimesheet(
          c.get("org").scope,
          actorOf(c),
          values.timesheetId ?? "",
          intent,
          reason,
          c.get("deps").now(),
          payOptions(c),
        );
        const past = {
          submit: "submitted",
          approve: "approved",
          reject: "rejected",
          reopen: "reopened",
        };
        return c.redirect(
          `${
            sheetHref(org.id, sheet.periodStart, sheet.userId, sheet.userId === membership.userId)
          }&ok=timesheet_${past[intent]}`,
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
    const date = dateParam(c, org.timeZone).toString();
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
