/**
 * The tenancy sweep. Every organization route is taken from the app itself (`app.routes`), so a
 * route added later is swept too. Each is called by organization A's admin with organization
 * B's ids and must answer 404 without changing anything; a control run proves that the same
 * requests with A's own ids reach the handlers.
 *
 * When this test fails with "no substitution for :param", a route with a new path parameter was
 * added: teach {@linkcode idsFor} which entity the parameter names.
 */

import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import { addMemberWithLogin, Client, signUpOrg, type TestApp } from "../helpers.ts";
import { latestInvitationToken } from "./invitation_support.ts";
import {
  addMember,
  answerText,
  assertApiError,
  assertSameSnapshot,
  DAY,
  HOUR,
  iso,
  type JsonAnswer,
  snapshot,
  tenantPart,
  uniqueEmail,
  withApp,
} from "./support.ts";

/** The ids of one organization that can stand in for path parameters. */
interface TenantIds {
  orgId: string;
  orgSlug: string;
  /** A member other than the admin (an employee with a login). */
  memberId: string;
  /** A closed entry of that member. */
  entryId: string;
  /** A second closed entry (deleted by the control run). */
  spareEntryId: string;
  /** An entry that was deleted (it still has a history). */
  deletedEntryId: string;
  /** A job location, and a second one (deleted by the control run). */
  locationId: string;
  spareLocationId: string;
  /** A pending time-off request of the member. */
  ptoRequestId: string;
  /** An API key of the organization (revoked by the control run). */
  apiKeyId: string;
  /** The member's timesheet of the current pay period. */
  timesheetId: string;
  /** A pending invitation. */
  invitationId: string;
  /** A webhook endpoint with one (failed) test delivery, and a second one (deleted by the control run). */
  webhookId: string;
  spareWebhookId: string;
  deliveryId: string;
  /** A finished export of the organization's time entries. */
  exportId: string;
  /** A paired kiosk, and a second one (revoked by the control run). */
  kioskId: string;
  spareKioskId: string;
  /** A kiosk conflict (an offline punch that overlapped). */
  conflictId: string;
}

/**
 * Webhook endpoints of the sweep point at a loopback port nothing listens on, so deliveries fail
 * at once (connection refused) instead of leaving the machine; loopback needs
 * `ALLOW_PRIVATE_WEBHOOKS=true`.
 */
const SWEEP_DEPS = {
  config: loadConfig({
    KV_PATH: ":memory:",
    ALLOW_PRIVATE_WEBHOOKS: "true",
    // Custom domain checks ask a loopback port nothing answers on: never the network.
    DNS_NAMESERVER: "127.0.0.1:9",
  }),
};

/** A loopback port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

interface Tenant {
  ids: TenantIds;
  admin: Client;
  adminId: string;
  employee: Client;
  /** Strings that must never appear in another tenant's answers. */
  secrets: string[];
}

async function buildTenant(app: TestApp, name: string): Promise<Tenant> {
  const admin = await signUpOrg(app, name);
  const base = `/api/v1/orgs/${admin.orgId}`;
  const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
  const quiet = await addMember(admin.client, admin.orgId, { name: `${name} kiosk-only` });
  const day = Math.floor(app.clock.ms / DAY) * DAY;
  const mk = async (userId: string, daysAgo: number, note: string) => {
    const res = await admin.client.json("POST", `${base}/time-entries`, {
      userId,
      start: iso(day - daysAgo * DAY + 9 * HOUR),
      end: iso(day - daysAgo * DAY + 17 * HOUR),
      note,
      reason: `${name} setup`,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const entryId = await mk(employee.userId, 3, `${name} secret note`);
  const spareEntryId = await mk(employee.userId, 2, `${name} spare note`);
  await mk(quiet.id, 3, `${name} kiosk note`);
  const deletedEntryId = await mk(employee.userId, 4, `${name} deleted note`);
  const del = await admin.client.request("DELETE", `${base}/time-entries/${deletedEntryId}`, {
    reason: "setup",
  });
  assert.equal(del.status, 204);
  const clockIn = await employee.client.json("POST", `${base}/clock/in`, { note: "running" });
  assert.equal(clockIn.status, 201);
  const site = (n: number) =>
    admin.client.json("POST", `${base}/locations`, {
      name: `${name} site ${n}`,
      latitude: 40 + n,
      longitude: -74,
      radiusMeters: 100,
    });
  const [location, spareLocation] = [await site(1), await site(2)];
  assert.equal(location.status, 201, JSON.stringify(location.body));
  const pto = await employee.client.json("POST", `${base}/pto/requests`, {
    typeId: "unpaid",
    startDate: "2026-11-20",
    endDate: "2026-11-20",
    note: `${name} pto note`,
  });
  assert.equal(pto.status, 201, JSON.stringify(pto.body));
  const sheets = await admin.client.json(
    "GET",
    `${base}/timesheets?date=2026-11-02&userId=${employee.userId}`,
  );
  assert.equal(sheets.status, 200, JSON.stringify(sheets.body));
  const invitation = await admin.client.json("POST", `${base}/invitations`, {
    email: `invitee-${admin.orgId.toLowerCase()}@example.com`,
  });
  assert.equal(invitation.status, 201, JSON.stringify(invitation.body));
  const apiKey = await admin.client.json("POST", `${base}/api-keys`, {
    name: `${name} key`,
    scopes: ["members:read"],
  });
  assert.equal(apiKey.status, 201, JSON.stringify(apiKey.body));
  const hookUrl = `http://127.0.0.1:${closedPort()}/${name}-hook`;
  const hook = (n: number) =>
    admin.client.json("POST", `${base}/webhooks`, {
      url: `${hookUrl}/${n}`,
      events: ["clock.in"],
      description: `${name} hook ${n}`,
    });
  const [webhook, spareWebhook] = [await hook(1), await hook(2)];
  assert.equal(webhook.status, 201, JSON.stringify(webhook.body));
  const delivery = await admin.client.json("POST", `${base}/webhooks/${webhook.body.id}/test`, {});
  assert.equal(delivery.status, 200, JSON.stringify(delivery.body));
  const exported = await admin.client.json("POST", `${base}/exports`, {
    kind: "time_entries",
    format: "csv",
    from: "2026-10-01",
    to: "2026-11-01",
  });
  assert.equal(exported.status, 202, JSON.stringify(exported.body));
  const kiosk = (n: number) =>
    admin.client.json("POST", `${base}/kiosks`, { name: `${name} tablet ${n}` });
  const [tablet, spareTablet] = [await kiosk(1), await kiosk(2)];
  assert.equal(tablet.status, 201, JSON.stringify(tablet.body));
  const device = new Client(app);
  const paired = await device.json("POST", "/api/v1/kiosk/pair", { code: tablet.body.pairingCode });
  assert.equal(paired.status, 200, JSON.stringify(paired.body));
  const pin = await admin.client.json("PUT", `${base}/members/${quiet.id}/pin`, { pin: "8642" });
  assert.equal(pin.status, 204, JSON.stringify(pin.body));
  const conflict = await device.json("POST", "/api/v1/kiosk/punch", {
    pin: "8642",
    action: "in",
    at: iso(day - 3 * DAY + 10 * HOUR),
  });
  assert.equal(conflict.body.status, "conflict", JSON.stringify(conflict.body));
  const me = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}`);
  return {
    ids: {
      orgId: admin.orgId,
      orgSlug: me.body.slug,
      memberId: employee.userId,
      entryId,
      spareEntryId,
      deletedEntryId,
      locationId: location.body.id,
      spareLocationId: spareLocation.body.id,
      ptoRequestId: pto.body.id,
      timesheetId: sheets.body.data[0].id,
      invitationId: invitation.body.id,
      apiKeyId: apiKey.body.id,
      webhookId: webhook.body.id,
      spareWebhookId: spareWebhook.body.id,
      deliveryId: delivery.body.id,
      exportId: exported.body.id,
      kioskId: tablet.body.id,
      spareKioskId: spareTablet.body.id,
      conflictId: conflict.body.conflict.id,
    },
    admin: admin.client,
    adminId: admin.userId,
    employee: employee.client,
    secrets: [
      admin.orgId,
      admin.email,
      employee.email,
      employee.userId,
      quiet.id,
      entryId,
      spareEntryId,
      deletedEntryId,
      clockIn.body.id,
      location.body.id,
      spareLocation.body.id,
      `${name} site`,
      pto.body.id,
      `${name} pto note`,
      `${name} secret note`,
      `${name} kiosk`,
      invitation.body.id,
      invitation.body.email,
      apiKey.body.id,
      apiKey.body.prefix,
      `${name} key`,
      webhook.body.id,
      webhook.body.secret,
      spareWebhook.body.id,
      delivery.body.id,
      delivery.body.messageId,
      `${name} hook`,
      tablet.body.id,
      spareTablet.body.id,
      `${name} tablet`,
      conflict.body.conflict.id,
    ],
  };
}

interface RouteDef {
  method: string;
  path: string;
}

/**
 * Routes that name an organization but are public by design, each with its reason; they are
 * tested on their own.
 * - the logo: mails and the kiosk show it to people who are not signed in; its URL names no
 *   secret and it serves nothing but the image (`tests/api/branding_test.ts`).
 */
const PUBLIC_ORG_ROUTES = new Set(["GET /branding/:orgId/logo/:version"]);

/** Every distinct route of the app whose path names an organization. */
function orgRoutes(app: TestApp): RouteDef[] {
  const seen = new Set<string>();
  const out: RouteDef[] = [];
  for (const r of createApp(app.deps).routes) {
    if (!/:org/i.test(r.path)) continue;
    if (PUBLIC_ORG_ROUTES.has(`${r.method} ${r.path}`)) continue;
    const id = `${r.method} ${r.path}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ method: r.method, path: r.path });
  }
  return out;
}

/** The value for path parameter `name` of `route`, or a failure naming the parameter. */
function idsFor(name: string, route: RouteDef, ids: TenantIds): string {
  switch (name) {
    case "orgId":
    case "org":
      return ids.orgId;
    case "orgSlug":
    case "slug":
      return ids.orgSlug;
    case "userId":
    case "memberId":
      return ids.memberId;
    case "id":
    case "entryId":
      if (route.path.includes("/api-keys/")) return ids.apiKeyId;
      if (route.path.includes("/locations/")) {
        return route.method === "DELETE" ? ids.spareLocationId : ids.locationId;
      }
      if (route.method === "DELETE") return ids.spareEntryId;
      return ids.entryId;
    case "requestId":
      return ids.ptoRequestId;
    case "timesheetId":
      return ids.timesheetId;
    case "invitationId":
      return ids.invitationId;
    case "webhookId":
      return route.method === "DELETE" && route.path.endsWith("/:webhookId")
        ? ids.spareWebhookId
        : ids.webhookId;
    case "deliveryId":
      return ids.deliveryId;
    case "exportId":
      return ids.exportId;
    case "kioskId":
      return route.method === "DELETE" ? ids.spareKioskId : ids.kioskId;
    case "conflictId":
      return ids.conflictId;
  }
  throw new Error(
    `tenancy sweep: no substitution for :${name} in ${route.method} ${route.path}; ` +
      "add the parameter to idsFor() in tests/api/tenancy_test.ts",
  );
}

/** The concrete path of `route` with its parameters taken from `org` and `entities`. */
function fill(route: RouteDef, org: TenantIds, entities: TenantIds): string {
  return route.path
    .replace(/\/\*$/, "/anything")
    .replace(/:([A-Za-z_][A-Za-z0-9_]*)(\{[^}]*\})?\??/g, (_m, name: string) => {
      const isOrg = /^org/i.test(name) || name === "slug";
      return encodeURIComponent(idsFor(name, route, isOrg ? org : entities));
    });
}

/** A body each known route accepts; other routes get `{}`. */
function bodyFor(route: RouteDef, entities: TenantIds): unknown {
  const now = Date.UTC(2026, 10, 2, 8, 0, 0);
  const bodies: Record<string, unknown> = {
    "POST /api/v1/orgs/:orgId/members": {
      name: "Sweep Person",
      email: uniqueEmail("sweep"),
      role: "employee",
    },
    "PATCH /api/v1/orgs/:orgId/members/:userId": { role: "manager" },
    "POST /api/v1/orgs/:orgId/clock/in": { note: "sweep" },
    "POST /api/v1/orgs/:orgId/time-entries": {
      userId: entities.memberId,
      start: iso(now - 10 * DAY + 9 * HOUR),
      end: iso(now - 10 * DAY + 10 * HOUR),
      reason: "sweep",
    },
    "PATCH /api/v1/orgs/:orgId/time-entries/:id": { note: "sweep", reason: "sweep" },
    "DELETE /api/v1/orgs/:orgId/time-entries/:id": { reason: "sweep" },
    "POST /api/v1/orgs/:orgId/locations": {
      name: "Sweep site",
      latitude: 1,
      longitude: 2,
      radiusMeters: 50,
    },
    "PATCH /api/v1/orgs/:orgId/locations/:id": { radiusMeters: 75 },
    "PATCH /api/v1/orgs/:orgId/webhooks/:webhookId": { description: "sweep" },
    "PUT /api/v1/orgs/:orgId/members/:userId/pin": { pin: "97531" },
    "PUT /api/v1/orgs/:orgId/branding/domain": { domain: "hours.sweep.example" },
  };
  const key = `${route.method} ${route.path}`;
  if (key in bodies) return bodies[key];
  return ["GET", "HEAD"].includes(route.method) ? undefined : {};
}

/** Routes known to reach a handler; the control run requires them to succeed with 2xx. */
const KNOWN = new Set([
  "GET /api/v1/orgs/:orgId",
  "GET /api/v1/orgs/:orgId/members",
  "POST /api/v1/orgs/:orgId/members",
  "GET /api/v1/orgs/:orgId/members/:userId",
  "PATCH /api/v1/orgs/:orgId/members/:userId",
  "GET /api/v1/orgs/:orgId/clock",
  "POST /api/v1/orgs/:orgId/clock/in",
  "POST /api/v1/orgs/:orgId/clock/break/start",
  "POST /api/v1/orgs/:orgId/clock/break/end",
  "POST /api/v1/orgs/:orgId/clock/out",
  "GET /api/v1/orgs/:orgId/time-entries",
  "POST /api/v1/orgs/:orgId/time-entries",
  "GET /api/v1/orgs/:orgId/time-entries/:id",
  "PATCH /api/v1/orgs/:orgId/time-entries/:id",
  "DELETE /api/v1/orgs/:orgId/time-entries/:id",
  "GET /api/v1/orgs/:orgId/time-entries/:id/history",
  "GET /api/v1/orgs/:orgId/locations",
  "POST /api/v1/orgs/:orgId/locations",
  "GET /api/v1/orgs/:orgId/locations/:id",
  "PATCH /api/v1/orgs/:orgId/locations/:id",
  "DELETE /api/v1/orgs/:orgId/locations/:id",
]);

/** The methods to try for a route (`ALL` routes and middleware: every method). */
function methodsOf(route: RouteDef): string[] {
  return route.method === "ALL" ? ["GET", "POST", "PATCH", "PUT", "DELETE"] : [route.method];
}

async function call(
  client: Client,
  route: RouteDef,
  method: string,
  path: string,
  entities: TenantIds,
): Promise<JsonAnswer & { text: string }> {
  const res = await client.request(method, path, bodyFor({ ...route, method }, entities));
  const text = await answerText(res);
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers, text };
}

function assertNoLeak(text: string, secrets: string[], what: string): void {
  for (const s of secrets) assert.ok(!text.includes(s), `${what} leaks ${s}: ${text}`);
}

/** A 404: the API's JSON error under `/api/`, any 404 (an HTML page) elsewhere. */
function assertNotFound(res: JsonAnswer & { text: string }, path: string, what: string): void {
  if (path.startsWith("/api/")) assertApiError(res, 404, "not_found");
  else assert.equal(res.status, 404, `${what}: 404 expected, got ${res.status} ${res.text}`);
}

/** Signed out: the API answers 401; pages answer 401 or send the browser to sign in. */
function assertSignedOut(res: JsonAnswer & { text: string }, path: string, what: string): void {
  if (path.startsWith("/api/")) {
    assertApiError(res, 401, "unauthenticated");
    return;
  }
  const redirect = res.status >= 300 && res.status < 400;
  assert.ok(res.status === 401 || res.status === 404 || redirect, `${what}: ${res.status}`);
  if (redirect) assert.doesNotMatch(res.headers.get("location") ?? "", /^https?:\/\/(?!localhost)/);
}

Deno.test("tenancy sweep: every org route with another tenant's ids answers 404 and changes nothing", async () => {
  await withApp(async (app) => {
    const a = await buildTenant(app, "Alpha");
    const b = await buildTenant(app, "Bravo");
    const routes = orgRoutes(app);
    for (const known of KNOWN) {
      assert.ok(
        routes.some((r) => `${r.method} ${r.path}` === known),
        `the app lists ${known} (the sweep reads the app's own routes)`,
      );
    }

    const before = await snapshot(app.store);
    const bBefore = tenantPart(before, b.ids.orgId);
    assert.ok(bBefore.size > 20, "B has data to protect");
    let calls = 0;

    // 1. B's organization and B's entities, as A's admin and as A's employee.
    for (const route of routes) {
      for (const method of methodsOf(route)) {
        const path = fill(route, b.ids, b.ids);
        for (
          const [who, client] of [["A's admin", a.admin], ["A's employee", a.employee]] as const
        ) {
          const res = await call(client, route, method, path, b.ids);
          const what = `${who}: ${method} ${path} (${route.path})`;
          assertNotFound(res, path, what);
          assertNoLeak(res.text, b.secrets.filter((s) => !path.includes(s)), what);
          calls++;
        }
      }
    }

    // 2. A's organization with B's entities (only routes that take an entity).
    for (const route of routes) {
      if (!/:(?!org)[A-Za-z]/.test(route.path.replace(/:org[A-Za-z]*/g, ""))) continue;
      for (const method of methodsOf(route)) {
        if (route.method === "ALL") continue;
        const path = fill(route, a.ids, b.ids);
        const res = await call(a.admin, route, method, path, b.ids);
        assertNotFound(res, path, `${method} ${path}`);
        assertNoLeak(res.text, b.secrets.filter((s) => !path.includes(s)), `${method} ${path}`);
        calls++;
      }
    }

    // 3. B's ids inside bodies and queries of A's organization.
    const aBase = `/api/v1/orgs/${a.ids.orgId}`;
    const foreignEntry = await a.admin.json("POST", `${aBase}/time-entries`, {
      userId: b.ids.memberId,
      start: iso(app.clock.ms - 20 * DAY),
      end: iso(app.clock.ms - 20 * DAY + HOUR),
      reason: "sweep",
    });
    assertApiError(foreignEntry, 404, "not_found");
    const foreignList = await a.admin.json("GET", `${aBase}/time-entries?userId=${b.ids.memberId}`);
    assert.equal(foreignList.status, 200);
    assert.deepEqual(foreignList.body, { data: [], nextCursor: null });

    // 4. Signed out, every org route answers 401 before anything else.
    const anonymous = new Client(app);
    for (const route of routes) {
      for (const method of methodsOf(route)) {
        const path = fill(route, b.ids, b.ids);
        const res = await call(anonymous, route, method, path, b.ids);
        assertSignedOut(res, path, `signed out: ${method} ${path}`);
        assertNoLeak(res.text, b.secrets.filter((s) => !path.includes(s)), `${method} ${path}`);
      }
    }

    assert.ok(calls >= 2 * KNOWN.size, `swept ${calls} requests`);
    const after = await snapshot(app.store);
    assertSameSnapshot(bBefore, tenantPart(after, b.ids.orgId), "B's data");
    assertSameSnapshot(before, after, "the whole store");

    // Control: the very same requests with A's own ids reach the handlers.
    for (const route of routes) {
      if (route.method === "ALL") continue;
      // The operator view answers 404 to everyone not in OPERATOR_EMAILS, A's admin included
      // (tests/api/plan_limits_test.ts shows operators reach it).
      if (route.path.startsWith("/ops/")) continue;
      const path = fill(route, a.ids, a.ids);
      const res = await call(a.admin, route, route.method, path, a.ids);
      const what = `control ${route.method} ${path}: ${res.status} ${res.text}`;
      if (KNOWN.has(`${route.method} ${route.path}`)) {
        assert.ok(res.status >= 200 && res.status < 300, what);
      } else {
        assert.notEqual(res.status, 404, `${what} (make the sweep's request plausible)`);
      }
    }
    assertSameSnapshot(
      bBefore,
      tenantPart(await snapshot(app.store), b.ids.orgId),
      "B after control",
    );
  }, SWEEP_DEPS);
});

Deno.test("tenancy: B's members and entries never show up in A's lists", async () => {
  await withApp(async (app) => {
    const a = await buildTenant(app, "Alpha");
    const b = await buildTenant(app, "Bravo");
    const base = `/api/v1/orgs/${a.ids.orgId}`;
    const lists = [
      await a.admin.json("GET", `${base}/members?limit=500`),
      await a.admin.json("GET", `${base}/time-entries?limit=500`),
      await a.admin.json("GET", `${base}/time-entries/${a.ids.entryId}/history`),
      await a.admin.json("GET", `${base}/clock`),
      await a.admin.json("GET", "/api/v1/me"),
      await a.employee.json("GET", `${base}/time-entries`),
    ];
    for (const res of lists) {
      assert.equal(res.status, 200);
      assertNoLeak(JSON.stringify(res.body), b.secrets, "a list");
    }
    assert.equal(lists[0].body.data.length, 4);
    assert.equal(lists[1].body.data.length, 4, "3 entries and the running one");
  }, SWEEP_DEPS);
});

Deno.test("tenancy: the same person in two organizations cannot carry ids across", async () => {
  await withApp(async (app) => {
    const a = await buildTenant(app, "Alpha");
    const b = await buildTenant(app, "Bravo");
    // Issue 7: A's admin joins B through an invitation (no silent linking).
    const email = (await a.admin.json("GET", "/api/v1/me")).body.user.email;
    const invite = await b.admin.json("POST", `/api/v1/orgs/${b.ids.orgId}/invitations`, {
      email,
      role: "admin",
    });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    const token = await latestInvitationToken(app, email);
    const joined = await a.admin.json("POST", `/api/v1/invitations/${token}/accept`);
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    assert.equal(joined.body.member.id, a.adminId);
    // A's admin is now also B's admin: B's data is visible in B, and still not through A.
    const inB = `/api/v1/orgs/${b.ids.orgId}/time-entries/${b.ids.entryId}`;
    assert.equal((await a.admin.json("GET", inB)).status, 200);
    const viaA = `/api/v1/orgs/${a.ids.orgId}/time-entries/${b.ids.entryId}`;
    assertApiError(await a.admin.json("GET", viaA), 404, "not_found");
    const memberViaA = `/api/v1/orgs/${a.ids.orgId}/members/${b.ids.memberId}`;
    assertApiError(await a.admin.json("GET", memberViaA), 404, "not_found");
    assertApiError(
      await a.admin.json("PATCH", memberViaA, { active: false }),
      404,
      "not_found",
    );
    const before = await snapshot(app.store);
    assertApiError(
      await a.admin.json("POST", `/api/v1/orgs/${a.ids.orgId}/time-entries`, {
        userId: b.ids.memberId,
        start: iso(app.clock.ms - 30 * DAY),
        end: iso(app.clock.ms - 30 * DAY + HOUR),
        reason: "cross-tenant",
      }),
      404,
      "not_found",
    );
    assertSameSnapshot(before, await snapshot(app.store));
  }, SWEEP_DEPS);
});
