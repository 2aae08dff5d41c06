/**
 * Time-off pages under `/o/:orgId/pto`:
 *
 * | route | who |
 * | --- | --- |
 * | `GET/POST /o/:orgId/pto` (`?month=YYYY-MM`) | members: balances, requests, calendar; managers also decide |
 * | `GET/POST /o/:orgId/pto/balances` (`?member=userId`) | managers, admins: balances, ledger, adjustments |
 *
 * Forms post back to the page with an `intent` (`request`, `cancel`, `approve`, `reject`,
 * `adjust`) and answer with Post/Redirect/Get; a refused form renders the page again with the
 * error next to the form that caused it.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { DomainError, notFound } from "../../lib/errors.ts";
import { memberUsers } from "../../lib/identity/users.ts";
import { activeMemberships, getMembership, isManager } from "../../lib/members/members.ts";
import type { Settings } from "../../lib/settings/schema.ts";
import { localDateOf, parseLocalDate } from "../../lib/time/week.ts";
import { memberBalances, type TypeBalance } from "../../lib/pto/balance.ts";
import { teamCalendar } from "../../lib/pto/calendar.ts";
import type { PtoRequest } from "../../lib/pto/model.ts";
import { listRequests } from "../../lib/pto/repository.ts";
import { requireFeature } from "../middleware/plan.ts";
import {
  type Actor,
  addAdjustment,
  approveRequest,
  cancelRequest,
  createRequest,
  rejectRequest,
} from "../../lib/pto/requests.ts";
import {
  type CalendarMonth,
  hours,
  type PtoBalanceItem,
  PtoBalancesPage,
  type PtoFormState,
  PtoPage,
  type PtoRequestItem,
} from "../../components/views/pto.tsx";
import { flashMessage } from "../../components/flash.ts";
import { formFailure, noteField, readForm, reasonField } from "./forms.ts";
import { withRole } from "./guards.ts";
import { chrome, renderPage } from "./render.tsx";

/** Flash codes of these pages (kept here so the shared flash list stays untouched). */
const FLASH = {
  pto_requested: "Time off requested.",
  pto_cancelled: "Request cancelled.",
  pto_approved: "Request approved.",
  pto_rejected: "Request rejected.",
  pto_adjusted: "Balance adjusted.",
} as const;
type PtoFlash = keyof typeof FLASH;

function pageChrome(c: AppContext) {
  const ok = c.req.query("ok");
  const own = ok && Object.hasOwn(FLASH, ok) ? FLASH[ok as PtoFlash] : null;
  return { ...chrome(c, "pto"), flash: own ?? flashMessage(ok) };
}

function actorOf(c: AppContext): Actor {
  const { membership } = c.get("org");
  return { userId: membership.userId, role: membership.role };
}

const dateField = (what: string) =>
  z.string({ error: `Enter ${what}` }).refine((s) => {
    const d = parseLocalDate(s);
    return d !== null && d.year >= 2000 && d.year <= 2099;
  }, `Enter ${what} as a date (YYYY-MM-DD)`);

/** Hours as typed (`4`, `2.5`, `-1.25`) → whole seconds; empty → undefined. */
const hoursField = (min: number, max: number, what: string) =>
  z.string().trim().optional().transform((s, ctx) => {
    if (!s) return undefined;
    const n = Number(s.replace(",", "."));
    if (!Number.isFinite(n) || !/^-?\d+([.,]\d{1,2})?$/.test(s) || n < min || n > max) {
      ctx.addIssue({ code: "custom", message: what });
      return z.NEVER;
    }
    return Math.round(n * 3600);
  });

const requestForm = z.object({
  typeId: z.string({ error: "Choose a type" }).min(1, "Choose a type").max(32),
  startDate: dateField("the first day"),
  endDate: z.string().optional().transform((s) => (s ? s : undefined))
    .pipe(dateField("the last day").optional()),
  hours: hoursField(0.25, 24, "Enter hours between 0.25 and 24, or leave empty for full days"),
  includeWeekends: z.string().optional().transform((v) => v === "on"),
  note: noteField,
});

const decisionForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), requestId: z.string().max(64) }),
  z.object({ intent: z.literal("reject"), requestId: z.string().max(64), reason: reasonField }),
  z.object({
    intent: z.literal("cancel"),
    requestId: z.string().max(64),
    reason: z.string().trim().max(500).optional().transform((s) => (s ? s : null)),
  }),
], { error: "Unknown form; reload the page" });

const adjustForm = z.object({
  userId: z.string().max(64),
  typeId: z.string({ error: "Choose a type" }).min(1, "Choose a type").max(32),
  hours: hoursField(-10_000, 10_000, "Enter hours like 8 or -4 (not 0)").pipe(
    z.number({ error: "Enter the hours to add or remove" }).refine((s) => s !== 0, {
      message: "Enter hours like 8 or -4 (not 0)",
    }),
  ),
  reason: reasonField,
});

function balanceItem(b: TypeBalance): PtoBalanceItem {
  return {
    typeId: b.type.id,
    name: b.type.name,
    paid: b.type.paid,
    tracked: b.tracked,
    balanceSeconds: b.balanceSeconds,
    scheduledSeconds: b.scheduledSeconds,
    availableSeconds: b.availableSeconds,
    pendingSeconds: b.pendingSeconds,
  };
}

function requestItem(
  r: PtoRequest,
  settings: Settings,
  names: Map<string, string>,
  viewer: Actor,
  today: string,
): PtoRequestItem {
  const manager = isManager(viewer.role);
  const active = r.status === "pending" || r.status === "approved";
  return {
    id: r.id,
    name: names.get(r.userId) ?? "Unknown",
    typeName: settings.pto.types.find((t) => t.id === r.typeId)?.name ?? r.typeId,
    startDate: r.startDate,
    endDate: r.endDate,
    dayCount: r.days.length,
    secondsPerDay: r.secondsPerDay,
    totalSeconds: r.totalSeconds,
    status: r.status,
    note: r.note,
    decisionReason: r.decisionReason ?? r.cancelReason,
    canCancel: active && (manager || r.status === "pending" || r.startDate > today),
  };
}

/** The month of `?month=YYYY-MM`, or the current one. */
function monthParam(c: AppContext, today: Temporal.PlainDate): Temporal.PlainYearMonth {
  const text = c.req.query("month");
  if (!text) return today.toPlainYearMonth();
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  const year = m ? Number(m[1]) : 0;
  const month = m ? Number(m[2]) : 0;
  if (!m || year < 2000 || year > 2099 || month < 1 || month > 12) {
    throw new DomainError("invalid", "invalid_month", "Give the month as YYYY-MM (2000–2099).");
  }
  return Temporal.PlainYearMonth.from({ year, month });
}

async function ptoPage(c: AppContext, failed?: PtoFormState, status?: ContentfulStatusCode) {
  const { scope, membership, org } = c.get("org");
  const now = c.get("deps").now();
  const { settings } = c.get("org").settings;
  const viewer = actorOf(c);
  const manager = isManager(viewer.role);
  const today = localDateOf(now, settings.timeZone);
  const month = monthParam(c, today);
  const first = month.toPlainDate({ day: 1 });
  const last = month.toPlainDate({ day: month.daysInMonth });
  const [position, mine, pending, days] = await Promise.all([
    memberBalances(scope, settings, membership, now),
    listRequests(scope, {
      userId: viewer.userId,
      from: today.subtract({ days: 90 }).toString(),
      limit: 100,
    }),
    manager ? listRequests(scope, { status: "pending", limit: 100 }) : null,
    teamCalendar(scope, settings, viewer, first, last),
  ]);
  const names = new Map(
    (await memberUsers(scope, [...new Set(pending?.data.map((r) => r.userId) ?? [])]))
      .map((u) => [u.id, u.name]),
  );
  names.set(viewer.userId, c.get("user")!.name);
  const todayText = today.toString();
  const path = `/o/${org.id}/pto`;
  const calendar: CalendarMonth = {
    month: month.toString(),
    label: new Date(`${first}T12:00:00Z`).toLocaleDateString("en-US", {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }),
    prevHref: `${path}?month=${month.subtract({ months: 1 })}`,
    nextHref: `${path}?month=${month.add({ months: 1 })}`,
    days: days.filter((d) => d.items.length > 0).map((d) => ({
      date: d.date,
      entries: d.items.map((i) => ({
        name: i.name,
        typeName: i.typeName,
        status: i.status,
        seconds: i.seconds,
        self: i.userId === viewer.userId,
      })),
    })),
  };
  return renderPage(
    c,
    <PtoPage
      {...pageChrome(c)}
      manager={manager}
      balances={position.balances.map(balanceItem)}
      types={settings.pto.types.map((t) => ({
        id: t.id,
        name: t.name,
        paid: t.paid,
        hoursPerDaySeconds: t.hoursPerDaySeconds,
      }))}
      mine={mine.data.map((r) => requestItem(r, settings, names, viewer, todayText))}
      pending={pending?.data.map((r) => ({
        ...requestItem(r, settings, names, viewer, todayText),
        canCancel: false,
        canDecide: r.userId !== viewer.userId || viewer.role === "admin",
      })) ?? null}
      calendar={calendar}
      failed={failed}
    />,
    status,
  );
}

/** Apply one posted form of the time-off page; returns the flash code. */
async function applyPtoForm(c: AppContext, values: Record<string, string>): Promise<PtoFlash> {
  const { scope } = c.get("org");
  const now = c.get("deps").now();
  const actor = actorOf(c);
  if (values.intent === "request") {
    const f = validate(requestForm, values);
    try {
      await createRequest(scope, actor, actor.userId, {
        typeId: f.typeId,
        startDate: f.startDate,
        endDate: f.endDate ?? f.startDate,
        secondsPerDay: f.hours ?? null,
        includeWeekends: f.includeWeekends,
        note: f.note,
      }, now);
    } catch (err) {
      // The domain names the API's field; the form calls it "hours".
      if (err instanceof DomainError && Array.isArray(err.details)) {
        for (const d of err.details as { path?: string }[]) {
          if (d.path === "secondsPerDay") d.path = "hours";
        }
      }
      throw err;
    }
    return "pto_requested";
  }
  const f = validate(decisionForm, values);
  if (f.intent === "cancel") {
    await cancelRequest(scope, actor, f.requestId, f.reason, now);
    return "pto_cancelled";
  }
  if (!isManager(actor.role)) {
    throw new DomainError("forbidden", "forbidden", "Only managers decide on time off");
  }
  if (f.intent === "approve") {
    await approveRequest(scope, actor, f.requestId, now);
    return "pto_approved";
  }
  await rejectRequest(scope, actor, f.requestId, f.reason, now);
  return "pto_rejected";
}

async function balancesPage(c: AppContext, failed?: PtoFormState, status?: ContentfulStatusCode) {
  const { scope } = c.get("org");
  const now = c.get("deps").now();
  const { settings } = c.get("org").settings;
  const memberships = await activeMemberships(scope);
  const users = await memberUsers(scope, memberships.map((m) => m.userId));
  const members = users.map((u) => ({ id: u.id, name: u.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const wanted = c.req.query("member");
  let selected = null;
  if (wanted) {
    const m = await getMembership(scope, wanted);
    const user = m ? users.find((u) => u.id === wanted) ?? null : null;
    if (!m) throw notFound("member");
    const position = await memberBalances(scope, settings, m.value, now);
    selected = {
      id: wanted,
      name: user?.name ?? "Former member",
      hireDate: position.hireDate,
      balances: position.balances.map(balanceItem),
      ledgers: position.balances.filter((b) => b.tracked).map((b) => ({
        typeId: b.type.id,
        name: b.type.name,
        lines: b.lines.map((l) => ({ ...l, note: readableNote(l.note) })),
      })),
    };
  }
  return renderPage(
    c,
    <PtoBalancesPage
      {...pageChrome(c)}
      members={members}
      selected={selected}
      types={settings.pto.types.filter((t) => t.accrual.method !== "none")
        .map((t) => ({ id: t.id, name: t.name }))}
      failed={failed}
    />,
    status,
  );
}

/** Ledger notes count worked time in seconds; people read hours. */
function readableNote(note: string): string {
  return note.replace(/^(\d+) s worked/, (_m, s: string) => `${hours(Number(s))} h worked`);
}

function failureState(err: unknown, values: Record<string, string>) {
  // An id from elsewhere (another tenant's, or a colleague's for an employee): nothing to show.
  if (err instanceof DomainError && err.kind === "not_found") throw err;
  const f = formFailure(err, values);
  const intents = ["request", "cancel", "approve", "reject", "adjust"] as const;
  const intent = intents.find((i) => i === values.intent) ?? "request";
  return {
    state: { intent, requestId: values.requestId, values: f.values, error: f.error },
    status: f.status,
  };
}

/** The time-off pages (mounted under `/o/:orgId`). */
export const ptoPages = new Hono<AppEnv>()
  .use("/pto", requireFeature("pto"))
  .use("/pto/*", requireFeature("pto"))
  .get("/pto", (c) => ptoPage(c))
  .post("/pto", async (c) => {
    const values = await readForm(c);
    const month = c.req.query("month");
    try {
      const ok = await applyPtoForm(c, values);
      const keep = month && /^\d{4}-\d{2}$/.test(month) ? `month=${month}&` : "";
      return c.redirect(`/o/${c.get("org").org.id}/pto?${keep}ok=${ok}`, 303);
    } catch (err) {
      const { state, status } = failureState(err, values);
      return ptoPage(c, state, status);
    }
  })
  .use("/pto/balances", withRole("admin", "manager"))
  .get("/pto/balances", (c) => balancesPage(c))
  .post("/pto/balances", async (c) => {
    const values = await readForm(c);
    try {
      const f = validate(adjustForm, values);
      await addAdjustment(c.get("org").scope, actorOf(c), {
        userId: f.userId,
        typeId: f.typeId,
        seconds: f.hours,
        reason: f.reason,
      }, c.get("deps").now());
      return c.redirect(
        `/o/${c.get("org").org.id}/pto/balances?member=${f.userId}&ok=pto_adjusted`,
        303,
      );
    } catch (err) {
      const { state, status } = failureState(err, { ...values, intent: "adjust" });
      return balancesPage(c, state, status);
    }
  });
