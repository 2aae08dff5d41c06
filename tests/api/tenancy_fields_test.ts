/**
 * The tenancy sweep for ids that travel inside requests rather than in their paths: JSON bodies,
 * query strings and form fields. Organization A's admin and manager call every route of A — the
 * JSON API and the form pages, taken from the app's own route list — with organization B's ids
 * in every id-shaped field. Whatever each answer is, it must not be a 5xx, must not show any of
 * B's people, notes or places, and B's data must not change.
 *
 * (`tenancy_test.ts` sweeps ids in paths; this file sweeps the fields.)
 */

import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { Client, signUpOrg, type TestApp } from "../helpers.ts";
import {
  assertSameSnapshot,
  DAY,
  HOUR,
  iso,
  PASSWORD,
  snapshot,
  tenantPart,
  uniqueEmail,
  withApp,
} from "./support.ts";

/** One organization with people, an entry, a place, a time-off request and a timesheet. */
interface Tenant {
  orgId: string;
  admin: Client;
  manager: Client;
  memberId: string;
  entryId: string;
  locationId: string;
  ptoRequestId: string;
  timesheetId: string;
  /** Strings only this tenant knows: names, emails, notes, place names. */
  secrets: string[];
}

async function person(
  app: TestApp,
  admin: Client,
  orgId: string,
  name: string,
  role: "employee" | "manager",
): Promise<{ client: Client; id: string; email: string }> {
  const email = uniqueEmail(role);
  const res = await admin.json("POST", `/api/v1/orgs/${orgId}/members`, {
    name,
    email,
    password: PASSWORD,
    role,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const client = new Client(app);
  const signin = await client.json("POST", "/api/v1/session", { email, password: PASSWORD });
  assert.equal(signin.status, 200, JSON.stringify(signin.body));
  return { client, id: res.body.id, email };
}

async function tenant(app: TestApp, tag: string): Promise<Tenant> {
  const admin = await signUpOrg(app, `${tag} Company`);
  const base = `/api/v1/orgs/${admin.orgId}`;
  const worker = await person(
    app,
    admin.client,
    admin.orgId,
    `${tag}worker Quill`,
    "employee",
  );
  const manager = await person(app, admin.client, admin.orgId, `${tag}boss Raven`, "manager");
  const day = Math.floor(app.clock.ms / DAY) * DAY;
  const entry = await admin.client.json("POST", `${base}/time-entries`, {
    userId: worker.id,
    start: iso(day - 3 * DAY + 9 * HOUR),
    end: iso(day - 3 * DAY + 17 * HOUR),
    note: `${tag} hidden entry note`,
    reason: `${tag} hidden reason`,
  });
  assert.equal(entry.status, 201, JSON.stringify(entry.body));
  const location = await admin.client.json("POST", `${base}/locations`, {
    name: `${tag} Hidden Quarry`,
    latitude: 41,
    longitude: -74,
    radiusMeters: 100,
  });
  assert.equal(location.status, 201, JSON.stringify(location.body));
  const pto = await worker.client.json("POST", `${base}/pto/requests`, {
    typeId: "unpaid",
    startDate: "2026-11-20",
    endDate: "2026-11-20",
    note: `${tag} hidden pto note`,
  });
  assert.equal(pto.status, 201, JSON.stringify(pto.body));
  const sheets = await admin.client.json(
    "GET",
    `${base}/timesheets?date=2026-10-30&userId=${worker.id}`,
  );
  assert.equal(sheets.status, 200, JSON.stringify(sheets.body));
  const timesheetId = sheets.body.data[0].id as string;
  const submit = await worker.client.json("POST", `${base}/timesheets/${timesheetId}/submit`, {});
  assert.ok(submit.status < 300, JSON.stringify(submit.body));
  return {
    orgId: admin.orgId,
    admin: admin.client,
    manager: manager.client,
    memberId: worker.id,
    entryId: entry.body.id,
    locationId: location.body.id,
    ptoRequestId: pto.body.id,
    timesheetId,
    secrets: [
      `${tag}worker`,
      `${tag}boss`,
      worker.email,
      manager.email,
      admin.email,
      `${tag} Company`,
      `${tag} hidden`,
      `${tag} Hidden Quarry`,
    ],
  };
}

/** Every id-shaped field, filled with `t`'s ids. */
function idFields(t: Tenant): Record<string, string> {
  return {
    userId: t.memberId,
    memberId: t.memberId,
    id: t.entryId,
    entryId: t.entryId,
    locationId: t.locationId,
    requestId: t.ptoRequestId,
    timesheetId: t.timesheetId,
    ids: t.timesheetId,
  };
}

/** The intents the pages' forms use, and none (the default form of a page). */
const INTENTS = [
  "",
  "add",
  "edit",
  "delete",
  "submit",
  "approve",
  "reject",
  "reopen",
  "cancel",
  "role",
  "active",
  "adjust",
  "request",
  "in",
  "out",
  "break_start",
  "break_end",
  "update",
];

/** A JSON body for `route` with the other tenant's ids where ids go. */
function jsonBody(method: string, path: string, b: Tenant, now: number): unknown {
  if (method === "GET" || method === "HEAD") return undefined;
  const start = iso(now - 12 * DAY + 9 * HOUR);
  const end = iso(now - 12 * DAY + 10 * HOUR);
  if (path.endsWith("/time-entries")) {
    return { userId: b.memberId, start, end, reason: "sweep" };
  }
  if (path.endsWith("/clock/in")) return { locationId: b.locationId };
  if (path.endsWith("/pto/adjustments")) {
    return { userId: b.memberId, typeId: "vacation", seconds: 3600, reason: "sweep" };
  }
  if (path.endsWith("/pto/requests")) {
    return { userId: b.memberId, typeId: "unpaid", startDate: "2026-12-20", endDate: "2026-12-20" };
  }
  if (path.endsWith("/members")) return { name: "Sweep", email: uniqueEmail("sweep") };
  if (path.endsWith("/exports")) {
    return {
      kind: "time_entries",
      format: "csv",
      from: "2026-10-01",
      to: "2026-10-31",
      userId: b.memberId,
    };
  }
  return { ...idFields(b), reason: "sweep" };
}

/** A query string naming the other tenant's ids. */
function query(b: Tenant): string {
  const q = new URLSearchParams({
    userId: b.memberId,
    locationId: b.locationId,
    date: "2026-10-30",
    from: "2026-10-01",
    to: "2026-11-30",
  });
  return `?${q}`;
}

/** The org routes of the app (API and pages) with their path filled with A's own ids. */
function routesOf(app: TestApp, a: Tenant): { method: string; path: string; route: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string; route: string }[] = [];
  for (const r of createApp(app.deps).routes) {
    if (r.method === "ALL" || !/^\/(api\/v1\/orgs|o)\/:orgId/.test(r.path)) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = r.path.replace(/\/\*$/, "/anything").replace(
      /:([A-Za-z]+)/g,
      (_m, name: string) => {
        switch (name) {
          case "orgId":
            return a.orgId;
          case "userId":
            return a.memberId;
          case "requestId":
            return a.ptoRequestId;
          case "timesheetId":
            return a.timesheetId;
          default:
            return r.path.includes("/locations/") ? a.locationId : a.entryId;
        }
      },
    );
    out.push({ method: r.method, path, route: r.path });
  }
  return out;
}

function assertClean(status: number, text: string, b: Tenant, what: string): void {
  assert.ok(status < 500, `${what}: answered ${status}: ${text.slice(0, 500)}`);
  for (const s of b.secrets) {
    assert.ok(!text.includes(s), `${what} shows another tenant's "${s}": ${text.slice(0, 300)}`);
  }
}

Deno.test("tenancy sweep of fields: another tenant's ids in bodies, queries and forms reveal and change nothing", async () => {
  await withApp(async (app) => {
    const a = await tenant(app, "Alpha");
    const b = await tenant(app, "Bravo");
    const routes = routesOf(app, a);
    assert.ok(
      routes.some((r) => r.method === "POST" && r.route === "/o/:orgId/timesheets/review"),
      "the sweep reads the app's own routes, form pages included",
    );
    const bBefore = tenantPart(await snapshot(app.store), b.orgId);
    let calls = 0;
    for (const client of [a.admin, a.manager]) {
      for (const r of routes) {
        if (r.path.startsWith("/api/")) {
          const path = r.method === "GET" ? r.path + query(b) : r.path;
          const res = await client.request(
            r.method,
            path,
            jsonBody(r.method, r.path, b, app.clock.ms),
          );
          assertClean(res.status, await res.text(), b, `${r.method} ${path}`);
          calls++;
          continue;
        }
        if (r.method === "GET") {
          const res = await client.request("GET", r.path + query(b));
          assertClean(res.status, await res.text(), b, `GET ${r.path}`);
          calls++;
          continue;
        }
        for (const intent of INTENTS) {
          const fields = new URLSearchParams({
            ...idFields(b),
            reason: "sweep",
            note: "sweep",
            seconds: "3600",
            hours: "1",
            typeId: "unpaid",
            startDate: "2026-12-21",
            endDate: "2026-12-21",
          });
          if (intent) fields.set("intent", intent);
          fields.append("ids", `${b.timesheetId}`);
          const res = await client.request("POST", r.path, fields.toString(), {
            "content-type": "application/x-www-form-urlencoded",
          });
          assertClean(res.status, await res.text(), b, `POST ${r.path} intent=${intent}`);
          calls++;
        }
      }
    }
    assert.ok(calls > 100, `swept ${calls} requests`);
    assertSameSnapshot(bBefore, tenantPart(await snapshot(app.store), b.orgId), "B's data");
  });
});
