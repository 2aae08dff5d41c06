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
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { requestContext } from "../request_context.ts";
import { DomainError } from "../../lib/errors.ts";
import type { Settings } from "../../lib/settings/schema.ts";
import type { TypeBalance } from "../../lib/pto/balance.ts";
import type { PtoRequest } from "../../lib/pto/model.ts";
import { balancesOverview, timeOffOverview } from "../../lib/pto/overview.ts";
import {
  type Actor,
  adjustBalance,
  approveTimeOff,
  cancelTimeOff,
  mayCancel,
  mayDecide,
  rejectTimeOff,
  requestTimeOff,
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
import { fieldError, formFailure, readForm } from "./forms.ts";
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

/** A typed text, or undefined when empty (a form sends every field, filled or not). */
const given = (s: string | undefined): string | undefined => (s?.trim() ? s : undefined);

/**
 * Hours as typed (`4`, `2.5`, `-1.25`) → whole seconds; empty → undefined. Text that is not a
 * number of hours is refused here (the form's own syntax); every bound is the use case's.
 */
function hoursToSeconds(field: string, text: string | undefined): number | undefined {
  const s = given(text)?.trim();
  if (s === undefined) return undefined;
  if (!/^-?\d+([.,]\d{1,2})?$/.test(s)) throw fieldError(field, "Enter hours like 8 or 2.5");
  return Math.round(Number(s.replace(",", ".")) * 3600);
}

const fail = (err: Error): never => {
  throw err;
};

/** A missing required date, said as the form says it. */
function requiredDate(field: string, what: string, text: string | undefined): string {
  const s = given(text);
  if (s === undefined) throw fieldError(field, `Enter ${what}`);
  return s.trim();
}

/** Rename the use case's field names in an error to the form's (`secondsPerDay` → `hours`). */
function asFormFields(err: unknown, names: Record<string, string>): never {
  if (err instanceof DomainError && Array.isArray(err.details)) {
    for (const d of err.details as { path?: string }[]) {
      if (d.path && d.path in names) d.path = names[d.path];
    }
  }
  throw err;
}

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
  settings: Pick<Settings, "pto">,
  names: Map<string, string>,
  viewer: Actor,
  today: string,
): PtoRequestItem {
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
    canCancel: mayCancel(viewer, r, today),
  };
}

async function ptoPage(c: AppContext, failed?: PtoFormState, status?: ContentfulStatusCode) {
  const o = await timeOffOverview(requestContext(c), { month: c.req.query("month") });
  const { org } = c.get("org");
  const viewer = o.actor;
  const settings = { pto: { types: o.types } };
  const path = `/o/${org.id}/pto`;
  const first = o.month.toPlainDate({ day: 1 });
  const calendar: CalendarMonth = {
    month: o.month.toString(),
    label: new Date(`${first}T12:00:00Z`).toLocaleDateString("en-US", {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }),
    prevHref: `${path}?month=${o.month.subtract({ months: 1 })}`,
    nextHref: `${path}?month=${o.month.add({ months: 1 })}`,
    days: o.calendar.filter((d) => d.items.length > 0).map((d) => ({
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
      manager={o.pending !== null}
      balances={o.position.balances.map(balanceItem)}
      types={o.types.map((t) => ({
        id: t.id,
        name: t.name,
        paid: t.paid,
        hoursPerDaySeconds: t.hoursPerDaySeconds,
      }))}
      mine={o.mine.map((r) => requestItem(r, settings, o.names, viewer, o.today))}
      pending={o.pending?.map((r) => ({
        ...requestItem(r, settings, o.names, viewer, o.today),
        canCancel: false,
        canDecide: mayDecide(viewer, r),
      })) ?? null}
      calendar={calendar}
      failed={failed}
    />,
    status,
  );
}

/** Apply one posted form of the time-off page; returns the flash code. */
async function applyPtoForm(c: AppContext, values: Record<string, string>): Promise<PtoFlash> {
  const ctx = requestContext(c);
  switch (values.intent) {
    case "request": {
      const startDate = requiredDate("startDate", "the first day", values.startDate);
      try {
        await requestTimeOff(ctx, {
          typeId: given(values.typeId) ?? fail(fieldError("typeId", "Choose a type")),
          startDate,
          endDate: given(values.endDate)?.trim() ?? startDate,
          secondsPerDay: hoursToSeconds("hours", values.hours) ?? null,
          includeWeekends: values.includeWeekends === "on",
          note: given(values.note) ?? null,
        });
      } catch (err) {
        asFormFields(err, { secondsPerDay: "hours" });
      }
      return "pto_requested";
    }
    case "cancel":
      await cancelTimeOff(ctx, {
        requestId: values.requestId ?? "",
        reason: given(values.reason) ?? null,
      });
      return "pto_cancelled";
    case "approve":
      await approveTimeOff(ctx, { requestId: values.requestId ?? "" });
      return "pto_approved";
    case "reject":
      await rejectTimeOff(ctx, { requestId: values.requestId ?? "", reason: values.reason ?? "" });
      return "pto_rejected";
    default:
      throw new DomainError("invalid", "validation_failed", "Unknown form; reload the page", [
        { path: "intent", message: "Unknown form; reload the page" },
      ]);
  }
}

async function balancesPage(c: AppContext, failed?: PtoFormState, status?: ContentfulStatusCode) {
  const o = await balancesOverview(requestContext(c), { member: c.req.query("member") });
  const position = o.selected?.position;
  const selected = o.selected && position
    ? {
      id: o.selected.id,
      name: o.selected.name,
      hireDate: position.hireDate,
      balances: position.balances.map(balanceItem),
      ledgers: position.balances.filter((b) => b.tracked).map((b) => ({
        typeId: b.type.id,
        name: b.type.name,
        lines: b.lines.map((l) => ({ ...l, note: readableNote(l.note) })),
      })),
      canAdjust: o.selected.canAdjust,
    }
    : null;
  return renderPage(
    c,
    <PtoBalancesPage
      {...pageChrome(c)}
      members={o.members}
      selected={selected}
      types={o.trackedTypes.map((t) => ({ id: t.id, name: t.name }))}
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
  .get("/pto/balances", (c) => balancesPage(c))
  .post("/pto/balances", async (c) => {
    const values = await readForm(c);
    try {
      const ctx = requestContext(c);
      const userId = values.userId ?? "";
      try {
        await adjustBalance(ctx, {
          userId,
          typeId: values.typeId ?? "",
          seconds: hoursToSeconds("hours", values.hours) ??
            fail(fieldError("hours", "Enter the hours to add or remove")),
          reason: values.reason ?? "",
        });
      } catch (err) {
        asFormFields(err, { seconds: "hours" });
      }
      return c.redirect(
        `/o/${c.get("org").org.id}/pto/balances?member=${userId}&ok=pto_adjusted`,
        303,
      );
    } catch (err) {
      const { state, status } = failureState(err, { ...values, intent: "adjust" });
      return balancesPage(c, state, status);
    }
  });
