/**
 * The scope sweep (issue #8 §1): every `/api/v1/orgs/{orgId}/…` route of the app, read from
 * `createApp(deps).routes` like the tenancy sweep, called with an API key holding every scope
 * except the one the route needs (403 `insufficient_scope` with `details.required`, nothing
 * written) and with a key holding only that scope (never 401 or 403).
 *
 * When this test fails with "no scope for …", a route was added: document it with its scope in
 * `routes/openapi/registry.ts` (and docs/api.md), and make its use case call `requireScope`.
 */

import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { addMemberWithLogin, Client, signUpOrg, type TestApp } from "../helpers.ts";
import {
  answerText,
  assertApiError,
  DAY,
  HOUR,
  iso,
  snapshot,
  uniqueEmail,
  withApp,
} from "./support.ts";
import { type Scope, SCOPES } from "../../lib/apikeys/scopes.ts";
import { ROUTES } from "../../routes/openapi/registry.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * The scope each route needs, as the OpenAPI registry documents it (`routes/openapi/registry.ts`):
 * a scope; `null` when any key of the organization may call it (the organization's summary);
 * `"refused"` when no key may (billing, API keys). This sweep holds the app to its document.
 */
const ROUTE_SCOPES: Record<string, Scope | null | "refused"> = Object.fromEntries(
  ROUTES.filter((r) => r.auth === "org").map((r) => [
    `${r.method.toUpperCase()} /api/v1${r.path.replace(/\{([A-Za-z]+)\}/g, ":$1")}`,
    r.scope ?? (r.keys === "refused" ? "refused" : null),
  ]),
);

interface Ids {
  orgId: string;
  memberId: string;
  entryId: string;
  locationId: string;
  invitationId: string;
  timesheetId: string;
  requestId: string;
  apiKeyId: string;
  exportId: string;
}

/** Every distinct `/api/v1/orgs/:orgId…` route of the app. */
function orgApiRoutes(app: TestApp): string[] {
  const out = new Set<string>();
  for (const r of createApp(app.deps).routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api/v1/orgs/:orgId")) continue;
    out.add(`${r.method} ${r.path}`);
  }
  return [...out];
}

function fill(path: string, ids: Ids): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    switch (name) {
      case "orgId":
        return ids.orgId;
      case "userId":
        return ids.memberId;
      case "invitationId":
        return ids.invitationId;
      case "timesheetId":
        return ids.timesheetId;
      case "requestId":
        return ids.requestId;
      case "webhookId":
      case "deliveryId":
      case "kioskId":
      case "conflictId":
        // No endpoint exists: a key with the scope is answered 404, never 401 or 403.
        return ids.entryId;
      case "exportId":
        return ids.exportId;
      case "id":
        if (path.includes("/api-keys/")) return ids.apiKeyId;
        if (path.includes("/locations/")) return ids.locationId;
        return ids.entryId;
    }
    throw new Error(`scope sweep: no substitution for :${name} in ${path}`);
  });
}

/** A plausible body per route (valid where the door validates before the use case). */
function bodyFor(route: string, ids: Ids): unknown {
  const now = Date.UTC(2026, 10, 2, 8, 0, 0);
  const bodies: Record<string, unknown> = {
    "POST /api/v1/orgs/:orgId/members": {
      name: "Sweep",
      email: uniqueEmail("scope"),
      role: "employee",
    },
    "PATCH /api/v1/orgs/:orgId/members/:userId": { role: "manager" },
    "POST /api/v1/orgs/:orgId/invitations": { email: uniqueEmail("scope-invite") },
    "POST /api/v1/orgs/:orgId/clock/in": { userId: ids.memberId, note: "key" },
    "POST /api/v1/orgs/:orgId/clock/break/start": { userId: ids.memberId },
    "POST /api/v1/orgs/:orgId/clock/break/end": { userId: ids.memberId },
    "POST /api/v1/orgs/:orgId/clock/out": { userId: ids.memberId },
    "POST /api/v1/orgs/:orgId/time-entries": {
      userId: ids.memberId,
      start: iso(now - 10 * DAY + 9 * HOUR),
      end: iso(now - 10 * DAY + 10 * HOUR),
      reason: "sweep",
    },
    "PATCH /api/v1/orgs/:orgId/time-entries/:id": { note: "sweep", reason: "sweep" },
    "DELETE /api/v1/orgs/:orgId/time-entries/:id": { reason: "sweep" },
    "PATCH /api/v1/orgs/:orgId/settings": { weekStartsOn: 1 },
    "POST /api/v1/orgs/:orgId/timesheets/:timesheetId/reject": { reason: "sweep" },
    "POST /api/v1/orgs/:orgId/timesheets/:timesheetId/reopen": { reason: "sweep" },
    "POST /api/v1/orgs/:orgId/pto/adjustments": {
      userId: ids.memberId,
      typeId: "unpaid",
      seconds: 3600,
      reason: "sweep",
    },
    "POST /api/v1/orgs/:orgId/pto/requests": {
      userId: ids.memberId,
      typeId: "unpaid",
      startDate: "2026-11-24",
      endDate: "2026-11-24",
    },
    "POST /api/v1/orgs/:orgId/pto/requests/:requestId/reject": { reason: "sweep" },
    "POST /api/v1/orgs/:orgId/locations": {
      name: "Sweep",
      latitude: 1,
      longitude: 2,
      radiusMeters: 50,
    },
    "PATCH /api/v1/orgs/:orgId/locations/:id": { radiusMeters: 75 },
    "POST /api/v1/orgs/:orgId/api-keys": { name: "Sweep", scopes: ["members:read"] },
    "PUT /api/v1/orgs/:orgId/members/:userId/pin": { pin: "97531" },
    "POST /api/v1/orgs/:orgId/kiosks": { name: "Sweep" },
    "POST /api/v1/orgs/:orgId/exports": {
      kind: "time_entries",
      format: "csv",
      from: "2026-10-01",
      to: "2026-10-31",
    },
    "PUT /api/v1/orgs/:orgId/report-schedule": {
      enabled: false,
      kind: "hours_report",
      format: "csv",
      cadence: "weekly",
      recipients: "admins",
    },
  };
  if (route in bodies) return bodies[route];
  return route.startsWith("GET ") ? undefined : {};
}

function queryFor(route: string, ids: Ids): string {
  if (route === "GET /api/v1/orgs/:orgId/clock") return `?userId=${ids.memberId}`;
  if (route === "GET /api/v1/orgs/:orgId/timesheets") return "?date=2026-11-02";
  if (route === "GET /api/v1/orgs/:orgId/reports/hours") return "?from=2026-10-01&to=2026-10-31";
  if (route === "GET /api/v1/orgs/:orgId/pto/ledger") {
    return `?typeId=unpaid&userId=${ids.memberId}`;
  }
  if (route === "GET /api/v1/orgs/:orgId/pto/calendar") return "?from=2026-11-01&to=2026-11-30";
  return "";
}

/** The snapshot without the keys' own records (lastUsedAt is written beside the request). */
async function dataSnapshot(app: TestApp): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const [k, v] of await snapshot(app.store)) {
    if (!k.includes('"api_key"')) out.set(k, v);
  }
  return out;
}

Deno.test("scope sweep: every org route refuses a key without its scope and admits one with it", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const day = Math.floor(app.clock.ms / DAY) * DAY;
    const entry = await admin.client.json("POST", `${base}/time-entries`, {
      userId: employee.userId,
      start: iso(day - 3 * DAY + 9 * HOUR),
      end: iso(day - 3 * DAY + 17 * HOUR),
      reason: "setup",
    });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    const location = await admin.client.json("POST", `${base}/locations`, {
      name: "Site",
      latitude: 40,
      longitude: -74,
      radiusMeters: 100,
    });
    assert.equal(location.status, 201);
    const invitation = await admin.client.json("POST", `${base}/invitations`, {
      email: uniqueEmail("invitee"),
    });
    assert.equal(invitation.status, 201);
    const pto = await employee.client.json("POST", `${base}/pto/requests`, {
      typeId: "unpaid",
      startDate: "2026-11-20",
      endDate: "2026-11-20",
    });
    assert.equal(pto.status, 201, JSON.stringify(pto.body));
    const sheets = await admin.client.json(
      "GET",
      `${base}/timesheets?date=2026-11-02&userId=${employee.userId}`,
    );
    assert.equal(sheets.status, 200);
    const exported = await admin.client.json("POST", `${base}/exports`, {
      kind: "time_entries",
      format: "csv",
      from: "2026-10-01",
      to: "2026-10-31",
    });
    assert.equal(exported.status, 202, JSON.stringify(exported.body));
    const mint = async (scopes: readonly string[]) => {
      const res = await admin.client.json("POST", `${base}/api-keys`, { name: "Sweep", scopes });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: string; key: string };
    };
    const allScopes = await mint(SCOPES);
    const ids: Ids = {
      orgId: admin.orgId,
      memberId: employee.userId,
      entryId: entry.body.id,
      locationId: location.body.id,
      invitationId: invitation.body.id,
      timesheetId: sheets.body.data[0].id,
      requestId: pto.body.id,
      apiKeyId: allScopes.id,
      exportId: exported.body.id,
    };
    const without = new Map<Scope, string>();
    const only = new Map<Scope, string>();
    for (const s of SCOPES) {
      without.set(s, (await mint(SCOPES.filter((x) => x !== s))).key);
      only.set(s, (await mint([s])).key);
    }

    const routes = orgApiRoutes(app);
    for (const r of routes) {
      assert.ok(r in ROUTE_SCOPES, `no scope for ${r}: add it to ROUTE_SCOPES`);
    }
    for (const r of Object.keys(ROUTE_SCOPES)) assert.ok(routes.includes(r), `${r} is not a route`);

    // Answers are JSON except file downloads, which are kept as text.
    const call = async (key: string, route: string) => {
      const [method, path] = route.split(" ");
      const res = await new Client(app).request(
        method,
        fill(path, ids) + queryFor(route, ids),
        bodyFor(route, ids),
        { authorization: `Bearer ${key}` },
      );
      const text = await answerText(res);
      const json = /^application\/json/.test(res.headers.get("content-type") ?? "");
      // deno-lint-ignore no-explicit-any
      const body: any = json && text ? JSON.parse(text) : text;
      return { status: res.status, body, headers: res.headers };
    };

    // Refusals first: nothing may change.
    const before = await dataSnapshot(app);
    for (const route of routes) {
      const needs = ROUTE_SCOPES[route];
      if (needs === null) continue;
      if (needs === "refused") {
        assertApiError(await call(allScopes.key, route), 403, "forbidden");
        continue;
      }
      const res = await call(without.get(needs)!, route);
      assert.equal(res.status, 403, `${route}: ${res.status} ${JSON.stringify(res.body)}`);
      assertApiError(res, 403, "insufficient_scope");
      assert.deepEqual(res.body.error.details, { required: needs }, route);
    }
    assert.deepEqual(await dataSnapshot(app), before, "a refused key changed something");

    // With exactly the scope it needs, the route is reached (whatever the domain then says).
    for (const route of routes) {
      const needs = ROUTE_SCOPES[route];
      if (needs === "refused") continue;
      const key = needs === null ? only.get("members:read")! : only.get(needs)!;
      const res = await call(key, route);
      assert.ok(
        res.status !== 401 && res.status !== 403 && res.status < 500,
        `${route} with ${needs}: ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
  });
});
