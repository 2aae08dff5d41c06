/**
 * Time off under `/api/v1/orgs/:orgId/pto`: types, balances and ledgers, adjustments, requests
 * with their decisions, and the team calendar. Each route parses, calls one use case of
 * `lib/pto` (which checks the plan's `pto` feature, the role and every bound) and presents.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { requestContext } from "../request_context.ts";
import type { TypeBalance } from "../../lib/pto/balance.ts";
import { viewRequest } from "../../lib/pto/model.ts";
import {
  getTimeOffRequest,
  listTimeOffRequests,
  timeOffBalances,
  timeOffCalendar,
  timeOffLedger,
  timeOffTypes,
} from "../../lib/pto/queries.ts";
import {
  adjustBalance,
  approveTimeOff,
  cancelTimeOff,
  rejectTimeOff,
  requestTimeOff,
} from "../../lib/pto/requests.ts";
import {
  adjustmentInput,
  balancesInput,
  calendarInput,
  jsonObject,
  ledgerInput,
  listRequestsInput,
  requestInput,
} from "../../lib/pto/schemas.ts";

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
  .get("/types", (c) => c.json({ data: timeOffTypes(requestContext(c)) }))
  .get("/balances", async (c) => {
    const position = await timeOffBalances(requestContext(c), readQuery(c, balancesInput));
    return c.json({
      userId: position.userId,
      hireDate: position.hireDate,
      asOf: position.asOf,
      data: position.balances.map(viewBalance),
    });
  })
  .get("/ledger", async (c) => {
    const position = await timeOffLedger(requestContext(c), readQuery(c, ledgerInput));
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
  .post("/adjustments", idempotent(), async (c) => {
    const ctx = requestContext(c);
    const event = await adjustBalance(ctx, await readJson(c, adjustmentInput));
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
    const page = await listTimeOffRequests(requestContext(c), readQuery(c, listRequestsInput));
    return c.json({ data: page.data.map(viewRequest), nextCursor: page.nextCursor });
  })
  .post("/requests", idempotent(), async (c) => {
    const ctx = requestContext(c);
    return c.json(viewRequest(await requestTimeOff(ctx, await readJson(c, requestInput))), 201);
  })
  .get("/requests/:requestId", async (c) => {
    const requestId = c.req.param("requestId");
    return c.json(viewRequest(await getTimeOffRequest(requestContext(c), { requestId })));
  })
  // Decisions: the use case finds the request before it validates the body (404 first).
  .post("/requests/:requestId/approve", async (c) => {
    const ctx = requestContext(c);
    const body = await readJson(c, jsonObject);
    const after = await approveTimeOff(ctx, { ...body, requestId: c.req.param("requestId") });
    return c.json(viewRequest(after));
  })
  .post("/requests/:requestId/reject", async (c) => {
    const ctx = requestContext(c);
    const body = await readJson(c, jsonObject);
    const after = await rejectTimeOff(
      ctx,
      {
        ...body,
        requestId: c.req.param("requestId"),
      } as Parameters<typeof rejectTimeOff>[1],
    );
    return c.json(viewRequest(after));
  })
  .post("/requests/:requestId/cancel", async (c) => {
    const ctx = requestContext(c);
    const body = await readJson(c, jsonObject);
    const after = await cancelTimeOff(ctx, { ...body, requestId: c.req.param("requestId") });
    return c.json(viewRequest(after));
  })
  .get("/calendar", async (c) => {
    const { from, to, days } = await timeOffCalendar(
      requestContext(c),
      readQuery(c, calendarInput),
    );
    return c.json({ from, to, data: days });
  });
