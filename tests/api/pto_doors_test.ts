/**
 * One table of time-off inputs through both front doors — the JSON API and the form pages — with
 * the same decision expected from each: accepted, or refused with the same status. The rules
 * live once, in the `lib/pto` use cases; this test fails if a door grows its own.
 *
 * @module
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import { withApp } from "./support.ts";
import { post } from "../e2e/pages_support.ts";

const H = 3600;
const TZ = "America/New_York";

interface World {
  orgId: string;
  admin: Client;
  adminId: string;
  manager: Client;
  managerId: string;
  employee: Client;
  employeeId: string;
  /** A pending request of the employee and one of the manager. */
  employeeRequest: string;
  managerRequest: string;
}

async function world(app: TestApp): Promise<World> {
  app.clock.ms = Date.UTC(2026, 10, 2, 15, 0, 0);
  const a = await signUpOrg(app, "Doors", TZ);
  const m = await addMemberWithLogin(app, a.client, a.orgId, "manager");
  const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
  const file = async (client: Client, startDate: string) => {
    const res = await client.json("POST", `/api/v1/orgs/${a.orgId}/pto/requests`, {
      typeId: "unpaid",
      startDate,
      endDate: startDate,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  return {
    orgId: a.orgId,
    admin: a.client,
    adminId: a.userId,
    manager: m.client,
    managerId: m.userId,
    employee: e.client,
    employeeId: e.userId,
    employeeRequest: await file(e.client, "2026-12-01"),
    managerRequest: await file(m.client, "2026-12-02"),
  };
}

type Who = "admin" | "manager" | "employee";

/** One input, said once per door. */
type Case =
  | { what: string; who: Who; request: Record<string, unknown> }
  | { what: string; who: Who; adjust: (w: World) => Record<string, unknown> }
  | {
    what: string;
    who: Who;
    decide: "approve" | "reject";
    of: "employee" | "manager";
    reason?: string;
  };

const CASES: Case[] = [
  {
    what: "a request",
    who: "employee",
    request: { typeId: "vacation", startDate: "2026-11-23", endDate: "2026-11-24" },
  },
  {
    what: "an impossible date",
    who: "employee",
    request: { typeId: "vacation", startDate: "2026-02-30", endDate: "2026-02-30" },
  },
  {
    what: "a date before the window",
    who: "employee",
    request: { typeId: "vacation", startDate: "1999-12-31", endDate: "1999-12-31" },
  },
  {
    what: "a date after the window",
    who: "employee",
    request: { typeId: "vacation", startDate: "2099-12-31", endDate: "2100-01-01" },
  },
  {
    what: "a reversed range",
    who: "employee",
    request: { typeId: "vacation", startDate: "2026-11-25", endDate: "2026-11-24" },
  },
  {
    what: "a request over 366 days",
    who: "employee",
    request: { typeId: "vacation", startDate: "2027-01-04", endDate: "2028-01-06" },
  },
  {
    what: "a partial day longer than a day",
    who: "employee",
    request: {
      typeId: "vacation",
      startDate: "2026-11-26",
      endDate: "2026-11-26",
      secondsPerDay: 9 * H,
    },
  },
  {
    what: "a partial day",
    who: "employee",
    request: {
      typeId: "unpaid",
      startDate: "2026-11-27",
      endDate: "2026-11-27",
      secondsPerDay: 2.5 * H,
    },
  },
  {
    what: "an unknown type",
    who: "employee",
    request: { typeId: "holiday", startDate: "2026-11-30", endDate: "2026-11-30" },
  },
  {
    what: "only a weekend",
    who: "employee",
    request: { typeId: "vacation", startDate: "2026-11-28", endDate: "2026-11-29" },
  },
  {
    what: "an overlap",
    who: "employee",
    request: { typeId: "unpaid", startDate: "2026-11-24", endDate: "2026-11-24" },
  },
  {
    what: "a long note",
    who: "employee",
    request: {
      typeId: "unpaid",
      startDate: "2026-12-07",
      endDate: "2026-12-07",
      note: "x".repeat(1001),
    },
  },
  {
    what: "a manager's own credit",
    who: "manager",
    adjust: (w) => ({ userId: w.managerId, typeId: "vacation", seconds: 8 * H, reason: "bonus" }),
  },
  {
    what: "an employee's credit",
    who: "employee",
    adjust: (w) => ({ userId: w.employeeId, typeId: "vacation", seconds: 8 * H, reason: "bonus" }),
  },
  {
    what: "a zero adjustment",
    who: "manager",
    adjust: (w) => ({ userId: w.employeeId, typeId: "vacation", seconds: 0, reason: "none" }),
  },
  {
    what: "an adjustment over 10,000 h",
    who: "manager",
    adjust: (w) => ({
      userId: w.employeeId,
      typeId: "vacation",
      seconds: 10_001 * H,
      reason: "big",
    }),
  },
  {
    what: "an adjustment of an untracked type",
    who: "manager",
    adjust: (w) => ({ userId: w.employeeId, typeId: "unpaid", seconds: H, reason: "x" }),
  },
  {
    what: "an adjustment without a reason",
    who: "manager",
    adjust: (w) => ({ userId: w.employeeId, typeId: "vacation", seconds: H, reason: "" }),
  },
  {
    what: "an adjustment with a 501-character reason",
    who: "manager",
    adjust: (w) => ({
      userId: w.employeeId,
      typeId: "vacation",
      seconds: H,
      reason: "r".repeat(501),
    }),
  },
  {
    what: "a manager's credit for an employee",
    who: "manager",
    adjust: (w) => ({ userId: w.employeeId, typeId: "vacation", seconds: 8 * H, reason: "bonus" }),
  },
  {
    what: "an admin's own credit",
    who: "admin",
    adjust: (w) => ({ userId: w.adminId, typeId: "vacation", seconds: 8 * H, reason: "bonus" }),
  },
  { what: "an employee approving", who: "employee", decide: "approve", of: "employee" },
  { what: "a manager approving their own", who: "manager", decide: "approve", of: "manager" },
  {
    what: "a rejection without a reason",
    who: "manager",
    decide: "reject",
    of: "employee",
    reason: "",
  },
  { what: "a rejection", who: "manager", decide: "reject", of: "employee", reason: "busy" },
  { what: "an admin approving a manager's", who: "admin", decide: "approve", of: "manager" },
];

/** The decision every door must give, case by case. */
const EXPECTED = [
  ...["ok", "400", "400", "400", "400", "400", "400", "ok", "400", "400", "409", "400"],
  ...["403", "403", "400", "400", "422", "400", "400", "ok", "ok"],
  ...["403", "403", "400", "ok", "ok"],
];

const clientOf = (w: World, who: Who) => w[who];

/** The API's decision: "ok" or the status and error code. */
async function viaApi(w: World, c: Case): Promise<string> {
  const base = `/api/v1/orgs/${w.orgId}/pto`;
  const client = clientOf(w, c.who);
  const res = "request" in c
    ? await client.json("POST", `${base}/requests`, c.request)
    : "adjust" in c
    ? await client.json("POST", `${base}/adjustments`, c.adjust(w))
    : await client.json(
      "POST",
      `${base}/requests/${c.of === "employee" ? w.employeeRequest : w.managerRequest}/${c.decide}`,
      c.decide === "reject" ? { reason: c.reason } : {},
    );
  return res.status < 300 ? "ok" : String(res.status);
}

/** The form's decision: "ok" (a redirect) or the status of the page shown again. */
async function viaPage(w: World, c: Case): Promise<string> {
  const client = clientOf(w, c.who);
  const path = `/o/${w.orgId}/pto`;
  let res: Response;
  if ("request" in c) {
    const r = c.request;
    res = await post(client, path, {
      intent: "request",
      typeId: String(r.typeId),
      startDate: String(r.startDate),
      endDate: String(r.endDate),
      hours: r.secondsPerDay === undefined ? "" : String(Number(r.secondsPerDay) / H),
      note: r.note === undefined ? "" : String(r.note),
    });
  } else if ("adjust" in c) {
    const a = c.adjust(w);
    res = await post(client, `${path}/balances`, {
      intent: "adjust",
      userId: String(a.userId),
      typeId: String(a.typeId),
      hours: String(Number(a.seconds) / H),
      reason: String(a.reason),
    });
  } else {
    res = await post(client, path, {
      intent: c.decide,
      requestId: c.of === "employee" ? w.employeeRequest : w.managerRequest,
      ...(c.decide === "reject" ? { reason: c.reason ?? "" } : {}),
    });
  }
  await res.body?.cancel();
  return res.status === 303 ? "ok" : String(res.status);
}

Deno.test("pto: the API and the form pages give the same decision for the same input", async () => {
  const api = await withApp(async (app) => {
    const w = await world(app);
    const out: string[] = [];
    for (const c of CASES) out.push(`${c.what}: ${await viaApi(w, c)}`);
    return out;
  });
  const pages = await withApp(async (app) => {
    const w = await world(app);
    const out: string[] = [];
    for (const c of CASES) out.push(`${c.what}: ${await viaPage(w, c)}`);
    return out;
  });
  assert.deepEqual(pages, api);
  // And the decision is the rule's, in the table's order.
  assert.deepEqual(api.map((d) => d.slice(d.lastIndexOf(": ") + 2)), EXPECTED);
});
