/**
 * Time off under `/api/v1/orgs/:orgId/pto`: types, balances and ledgers, adjustments, requests
 * with their decisions, and the team calendar. Employees act on themselves only: another
 * member's id in a filter answers 403, another member's request 404. Every route needs the
 * plan's `pto` feature (403 `feature_not_in_plan` / `feature_disabled`).
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { requireRole } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { requireFeature } from "../middleware/plan.ts";
import { id, localDate, note, paging, reason } from "./schemas.ts";
import { DomainError, notFound } from "../../lib/errors.ts";
import { decodeCursorParam } from "../../lib/kv/mod.ts";
import { getMembership, isManager, type Membership } from "../../lib/members/members.ts";
import { localDateOf } from "../../lib/time/week.ts";
import { memberBalances, type TypeBalance } from "../../lib/pto/balance.ts";
import { teamCalendar } from "../../lib/pto/calendar.ts";
import { PTO_STATUSES, requireType, viewRequest } from "../../lib/pto/model.ts";
import { listRequests, readRequest } from "../../lib/pto/repository.ts";
import {
  type Actor,
  addAdjustment,
  approveRequest,
  cancelRequest,
  createRequest,
  rejectRequest,
} from "../../lib/pto/requests.ts";

/** A PTO type id. */
const typeId = z.string().regex(/^[a-z0-9_-]{1,32}$/, "not a time-off type id");

/** A local date between 2000 and 2099. */
const ptoDate = localDate.refine(
  (d) => d >= "2000-01-01" && d <= "2099-12-31",
  "use a date between 2000 and 2099",
);

const MAX_ADJUST = 10_000 * 3600;

const requestBody = z.strictObject({
  userId: id.optional(),
  typeId,
  startDate: ptoDate,
  endDate: ptoDate,
  secondsPerDay: z.number().int().min(60).max(24 * 3600).nullable().optional(),
  includeWeekends: z.boolean().optional(),
  note: note.optional(),
});

const adjustmentBody = z.strictObject({
  userId: id,
  typeId,
  seconds: z.number().int().min(-MAX_ADJUST).max(MAX_ADJUST).refine((s) => s !== 0, "not zero"),
  reason,
});

const listQuery = z.strictObject({
  userId: id.optional(),
  status: z.enum(PTO_STATUSES).optional(),
  from: ptoDate.optional(),
  to: ptoDate.optional(),
  ...paging,
}).refine((q) => !q.from || !q.to || q.from <= q.to, {
  message: "from must not be after to",
  path: ["to"],
});

const calendarQuery = z.strictObject({ from: ptoDate.optional(), to: ptoDate.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: "from must not be after to",
    path: ["to"],
  });

function actorOf(c: AppContext): Actor {
  const { membership } = c.get("org");
  return { userId: membership.userId, role: membership.role };
}

/**
 * The member a read is about: the caller by default; employees may name only themselves
 * (403 otherwise), managers anyone in the organization (404 for unknown ids).
 */
async function subject(c: AppContext, userId: string | undefined): Promise<Membership> {
  const { scope, membership } = c.get("org");
  if (userId === undefined || userId === membership.userId) return membership;
  if (!isManager(membership.role)) {
    throw new DomainError("forbidden", "forbidden", "Employees see only their own time off");
  }
  const m = await getMembership(scope, userId);
  if (!m) throw notFound("member");
  return m.value;
}

/** The request, if the caller may see it (employees: their own); else 404. */
async function visibleRequest(c: AppContext, requestId: string) {
  const { scope, membership } = c.get("org");
  const found = await readRequest(scope, requestId);
  if (!found || (!isManager(membership.role) && found.request.userId !== membership.userId)) {
    throw notFound("time-off request");
  }
  return found.request;
}

function viewBalance(b: TypeBalance) {
  return {
    typeId: b.type.id,
    name: b.type.name,
    paid: b.type.paid,
    accrualMethod: b.type.accrual.method,
    tracked: b.tracked,
    balanceSeconds: b.balanceSeconds,
    scheduledSeconds: b.scheduledSeconds,
    availableSeconds: b.availableSeconds,
    pendingSeconds: b.pendingSeconds,
  };
}

/** Routes mounted at `/api/v1/orgs/:orgId/pto` (after `requireOrg`). */
export const ptoApi = new Hono<AppEnv>()
  .use("*", requireFeature("pto"))
  .get("/types", (c) => {
    const { settings } = c.get("org").settings;
    return c.json({ data: settings.pto.types });
  })
  .get("/balances", async (c) => {
    const q = readQuery(c, z.strictObject({ userId: id.optional() }));
    const m = await subject(c, q.userId);
    const { settings } = c.get("org").settings;
    const position = await memberBalances(c.get("org").scope, settings, m, c.get("deps").now());
    return c.json({
      userId: position.userId,
      hireDate: position.hireDate,
      asOf: position.asOf,
      data: position.balances.map(viewBalance),
    });
  })
  .get("/ledger", async (c) => {
    const q = readQuery(c, z.strictObject({ userId: id.optional(), typeId }));
    const m = await subject(c, q.userId);
    const { settings } = c.get("org").settings;
    const type = requireType(settings, q.typeId);
    const position = await memberBalances(
      c.get("org").scope,
      settings,
      m,
      c.get("deps").now(),
      [type.id],
    );
    const b = position.balances[0];
    return c.json({
      userId: position.userId,
      hireDate: position.hireDate,
      asOf: position.asOf,
      ...viewBalance(b),
      data: b.lines,
      upcoming: b.upcoming.map(({ date, kind, seconds, note }) => ({ date, kind, seconds, note })),
    });
  })
  .post("/adjustments", requireRole("admin", "manager"), idempotent(), async (c) => {
    const body = await readJson(c, adjustmentBody);
    const event = await addAdjustment(c.get("org").scope, actorOf(c), body, c.get("deps").now());
    return c.json({
      id: event.id,
      userId: event.userId,
      typeId: event.typeId,
      date: event.date,
      seconds: event.seconds,
      reason: event.note,
      actorId: event.actorId,
      createdAt: new Date(event.at).toISOString(),
    }, 201);
  })
  .get("/requests", async (c) => {
    const q = readQuery(c, listQuery);
    const { scope, membership } = c.get("org");
    let userId = q.userId;
    if (!isManager(membership.role)) userId = (await subject(c, userId)).userId;
    const page = await listRequests(scope, {
      userId,
      status: q.status,
      from: q.from,
      to: q.to,
      limit: q.limit,
      cursor: decodeCursorParam(q.cursor),
    });
    return c.json({ data: page.data.map(viewRequest), nextCursor: page.nextCursor });
  })
  .post("/requests", idempotent(), async (c) => {
    const { userId, ...input } = await readJson(c, requestBody);
    const actor = actorOf(c);
    const request = await createRequest(
      c.get("org").scope,
      actor,
      userId ?? actor.userId,
      input,
      c.get("deps").now(),
    );
    return c.json(viewRequest(request), 201);
  })
  .get("/requests/:requestId", async (c) => {
    return c.json(viewRequest(await visibleRequest(c, c.req.param("requestId"))));
  })
  .post("/requests/:requestId/approve", requireRole("admin", "manager"), async (c) => {
    const requestId = c.req.param("requestId");
    await visibleRequest(c, requestId);
    await readJson(c, z.strictObject({}));
    const after = await approveRequest(
      c.get("org").scope,
      actorOf(c),
      requestId,
      c.get("deps").now(),
    );
    return c.json(viewRequest(after));
  })
  .post("/requests/:requestId/reject", requireRole("admin", "manager"), async (c) => {
    const requestId = c.req.param("requestId");
    await visibleRequest(c, requestId);
    const body = await readJson(c, z.strictObject({ reason }));
    const after = await rejectRequest(
      c.get("org").scope,
      actorOf(c),
      requestId,
      body.reason,
      c.get("deps").now(),
    );
    return c.json(viewRequest(after));
  })
  .post("/requests/:requestId/cancel", async (c) => {
    const requestId = c.req.param("requestId");
    await visibleRequest(c, requestId);
    const body = await readJson(c, z.strictObject({ reason: reason.nullable().optional() }));
    const after = await cancelRequest(
      c.get("org").scope,
      actorOf(c),
      requestId,
      body.reason ?? null,
      c.get("deps").now(),
    );
    return c.json(viewRequest(after));
  })
  .get("/calendar", async (c) => {
    const q = readQuery(c, calendarQuery);
    const { scope, settings: { settings } } = c.get("org");
    const today = localDateOf(c.get("deps").now(), settings.timeZone);
    const from = q.from ? Temporal.PlainDate.from(q.from) : today.with({ day: 1 });
    const to = q.to
      ? Temporal.PlainDate.from(q.to)
      : q.from
      ? from.add({ months: 1 }).subtract({ days: 1 })
      : today.with({ day: today.daysInMonth });
    const days = await teamCalendar(scope, settings, actorOf(c), from, to);
    return c.json({ from: from.toString(), to: to.toString(), data: days });
  });
