/**
 * Bad input on every write endpoint (and the paged lists): each request is answered with a 4xx
 * in the API's error shape, never a 500, and leaves every KV entry exactly as it was.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, Client, signUpOrg, type TestApp } from "../helpers.ts";
import {
  assertClientError,
  assertSameSnapshot,
  DAY,
  HOUR,
  iso,
  PASSWORD,
  snapshot,
  uniqueEmail,
  withApp,
} from "./support.ts";

type Who = "anon" | "admin" | "employee";

interface BadCase {
  name: string;
  who: Who;
  method: string;
  path: string;
  /** Objects are sent as JSON; strings are sent as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  status?: number;
  code?: string;
}

interface World {
  app: TestApp;
  clients: Record<Who, Client>;
  orgId: string;
  adminId: string;
  employeeId: string;
  entryId: string;
  /** An entry's start and end (for overlap cases). */
  entrySpan: [number, number];
}

async function buildWorld(app: TestApp): Promise<World> {
  const admin = await signUpOrg(app, "Bad Input Ltd");
  const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const day = Math.floor(app.clock.ms / DAY) * DAY;
  const entrySpan: [number, number] = [day - 2 * DAY + 9 * HOUR, day - 2 * DAY + 17 * HOUR];
  const entry = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/time-entries`, {
    userId: employee.userId,
    start: iso(entrySpan[0]),
    end: iso(entrySpan[1]),
    reason: "setup",
  });
  assert.equal(entry.status, 201);
  return {
    app,
    clients: { anon: new Client(app), admin: admin.client, employee: employee.client },
    orgId: admin.orgId,
    adminId: admin.userId,
    employeeId: employee.userId,
    entryId: entry.body.id,
    entrySpan,
  };
}

/** A valid request body for each write endpoint, used as the base of mutations. */
interface Endpoint {
  name: string;
  who: Who;
  method: string;
  path: string;
  valid: Record<string, unknown>;
}

function endpoints(w: World): Endpoint[] {
  const org = `/api/v1/orgs/${w.orgId}`;
  const day = Math.floor(w.app.clock.ms / DAY) * DAY;
  return [
    {
      name: "sign-up",
      who: "anon",
      method: "POST",
      path: "/api/v1/signup",
      valid: {
        organization: { name: "New Org", timeZone: "UTC" },
        user: { name: "New Person", email: uniqueEmail("new"), password: PASSWORD },
      },
    },
    {
      name: "sign-in",
      who: "anon",
      method: "POST",
      path: "/api/v1/session",
      valid: { email: uniqueEmail("x"), password: PASSWORD },
    },
    {
      name: "create org",
      who: "admin",
      method: "POST",
      path: "/api/v1/orgs",
      valid: { name: "Another Org", timeZone: "Europe/Paris" },
    },
    {
      name: "add member",
      who: "admin",
      method: "POST",
      path: `${org}/members`,
      valid: { name: "Newbie", email: uniqueEmail("newbie"), password: PASSWORD, role: "employee" },
    },
    {
      name: "change member",
      who: "admin",
      method: "PATCH",
      path: `${org}/members/${w.employeeId}`,
      valid: { role: "manager" },
    },
    {
      name: "clock in",
      who: "admin",
      method: "POST",
      path: `${org}/clock/in`,
      valid: { note: "hello", latitude: 1, longitude: 2, accuracy: 3 },
    },
    {
      name: "break start",
      who: "admin",
      method: "POST",
      path: `${org}/clock/break/start`,
      valid: {},
    },
    { name: "break end", who: "admin", method: "POST", path: `${org}/clock/break/end`, valid: {} },
    {
      name: "clock out",
      who: "admin",
      method: "POST",
      path: `${org}/clock/out`,
      valid: { latitude: 1, longitude: 2 },
    },
    {
      name: "create entry",
      who: "admin",
      method: "POST",
      path: `${org}/time-entries`,
      valid: {
        userId: w.employeeId,
        start: iso(day - 5 * DAY + 9 * HOUR),
        end: iso(day - 5 * DAY + 17 * HOUR),
        reason: "paper",
      },
    },
    {
      name: "edit entry",
      who: "admin",
      method: "PATCH",
      path: `${org}/time-entries/${w.entryId}`,
      valid: { note: "edited", reason: "typo" },
    },
    {
      name: "delete entry",
      who: "admin",
      method: "DELETE",
      path: `${org}/time-entries/${w.entryId}`,
      valid: { reason: "duplicate" },
    },
  ];
}

/** The same malformed requests against every write endpoint. */
function genericCases(w: World): BadCase[] {
  const out: BadCase[] = [];
  for (const e of endpoints(w)) {
    const at = { who: e.who, method: e.method, path: e.path };
    const json = JSON.stringify(e.valid);
    const huge = JSON.stringify({ ...e.valid, padding: "x".repeat(70 * 1024) });
    out.push(
      {
        ...at,
        name: `${e.name}: malformed JSON`,
        body: '{"a":',
        code: "invalid_json",
        status: 400,
      },
      { ...at, name: `${e.name}: trailing garbage`, body: `${json} x`, code: "invalid_json" },
      { ...at, name: `${e.name}: single quotes`, body: "{'a': 1}", code: "invalid_json" },
      {
        ...at,
        name: `${e.name}: text/plain`,
        body: json,
        headers: { "content-type": "text/plain" },
        code: "unsupported_media_type",
      },
      {
        ...at,
        name: `${e.name}: form encoded`,
        body: "name=x&role=admin",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        code: "unsupported_media_type",
      },
      { ...at, name: `${e.name}: JSON array`, body: "[]", code: "validation_failed", status: 400 },
      { ...at, name: `${e.name}: JSON null`, body: "null", code: "validation_failed" },
      { ...at, name: `${e.name}: JSON string`, body: '"hello"', code: "validation_failed" },
      { ...at, name: `${e.name}: JSON number`, body: "42", code: "validation_failed" },
      {
        ...at,
        name: `${e.name}: unknown field`,
        body: { ...e.valid, isAdmin: true },
        code: "validation_failed",
        status: 400,
      },
      {
        ...at,
        name: `${e.name}: deeply nested`,
        body: "[".repeat(5000) + "]".repeat(5000),
        code: "validation_failed",
      },
      {
        ...at,
        name: `${e.name}: body over 64 KiB`,
        body: huge,
        code: "payload_too_large",
        status: 413,
      },
      {
        ...at,
        name: `${e.name}: body over 64 KiB with Content-Length`,
        body: huge,
        headers: { "content-length": String(new TextEncoder().encode(huge).length) },
        code: "payload_too_large",
        status: 413,
      },
    );
  }
  return out;
}

function specificCases(w: World): BadCase[] {
  const org = `/api/v1/orgs/${w.orgId}`;
  const day = Math.floor(w.app.clock.ms / DAY) * DAY;
  const d = (daysAgo: number, hours: number) => iso(day - daysAgo * DAY + hours * HOUR);
  const entry = (over: Record<string, unknown>) => ({
    userId: w.employeeId,
    start: d(5, 9),
    end: d(5, 17),
    reason: "paper",
    ...over,
  });
  const signup = (org: unknown, user: unknown) => ({ organization: org, user });
  const okOrg = { name: "Org", timeZone: "UTC" };
  const okUser = { name: "P", email: uniqueEmail("s"), password: PASSWORD };
  const post = (path: string, body: unknown, code: string, status = 400, who: Who = "admin") => ({
    who,
    method: "POST",
    path,
    body,
    code,
    status,
  });
  const patch = (path: string, body: unknown, code: string, status = 400) => ({
    who: "admin" as Who,
    method: "PATCH",
    path,
    body,
    code,
    status,
  });
  const get = (path: string, code: string, status = 400, who: Who = "admin") => ({
    who,
    method: "GET",
    path,
    code,
    status,
  });
  const V = "validation_failed";
  const entries = `${org}/time-entries`;
  const entryPath = `${entries}/${w.entryId}`;
  const cases: [string, BadCase | Omit<BadCase, "name">][] = [
    // sign-up
    ["sign-up: empty body", post("/api/v1/signup", undefined, V, 400, "anon")],
    ["sign-up: no organization", post("/api/v1/signup", { user: okUser }, V, 400, "anon")],
    ["sign-up: user null", post("/api/v1/signup", signup(okOrg, null), V, 400, "anon")],
    [
      "sign-up: unknown time zone",
      post("/api/v1/signup", signup({ name: "O", timeZone: "Mars/Base" }, okUser), V, 400, "anon"),
    ],
    [
      "sign-up: name is a number",
      post("/api/v1/signup", signup({ name: 7, timeZone: "UTC" }, okUser), V, 400, "anon"),
    ],
    [
      "sign-up: blank name",
      post("/api/v1/signup", signup({ name: "   ", timeZone: "UTC" }, okUser), V, 400, "anon"),
    ],
    [
      "sign-up: name too long",
      post(
        "/api/v1/signup",
        signup({ name: "n".repeat(101), timeZone: "UTC" }, okUser),
        V,
        400,
        "anon",
      ),
    ],
    [
      "sign-up: bad email",
      post("/api/v1/signup", signup(okOrg, { ...okUser, email: "not-an-email" }), V, 400, "anon"),
    ],
    [
      "sign-up: short password",
      post("/api/v1/signup", signup(okOrg, { ...okUser, password: "123456789" }), V, 400, "anon"),
    ],
    [
      "sign-up: long password",
      post(
        "/api/v1/signup",
        signup(okOrg, { ...okUser, password: "p".repeat(201) }),
        V,
        400,
        "anon",
      ),
    ],
    [
      "sign-up: unknown nested field",
      post("/api/v1/signup", signup(okOrg, { ...okUser, role: "admin" }), V, 400, "anon"),
    ],
    // sign-in
    ["sign-in: empty object", post("/api/v1/session", {}, V, 400, "anon")],
    [
      "sign-in: email is a number",
      post("/api/v1/session", { email: 5, password: PASSWORD }, V, 400, "anon"),
    ],
    [
      "sign-in: password missing",
      post("/api/v1/session", { email: uniqueEmail() }, V, 400, "anon"),
    ],
    [
      "sign-in: email too long",
      post("/api/v1/session", { email: "e".repeat(300), password: PASSWORD }, V, 400, "anon"),
    ],
    // organizations
    ["create org: empty name", post("/api/v1/orgs", { name: "", timeZone: "UTC" }, V)],
    ["create org: bad time zone", post("/api/v1/orgs", { name: "X", timeZone: "GMT+25" }, V)],
    ["create org: missing time zone", post("/api/v1/orgs", { name: "X" }, V)],
    ["create org: signed out", post("/api/v1/orgs", okOrg, "unauthenticated", 401, "anon")],
    // members
    ["add member: unknown role", post(`${org}/members`, { name: "X", role: "owner" }, V)],
    [
      "add member: password without email",
      post(`${org}/members`, { name: "X", password: PASSWORD }, V),
    ],
    ["add member: bad email", post(`${org}/members`, { name: "X", email: "nope" }, V)],
    ["add member: email is a number", post(`${org}/members`, { name: "X", email: 5 }, V)],
    [
      "add member: short password",
      post(`${org}/members`, { name: "X", email: uniqueEmail(), password: "short" }, V),
    ],
    ["add member: no name", post(`${org}/members`, { role: "employee" }, V)],
    ["add member: active is not settable", post(`${org}/members`, { name: "X", active: false }, V)],
    [
      "add member: as an employee",
      post(`${org}/members`, { name: "X" }, "forbidden", 403, "employee"),
    ],
    ["change member: nothing to change", patch(`${org}/members/${w.employeeId}`, {}, V)],
    ["change member: unknown role", patch(`${org}/members/${w.employeeId}`, { role: "root" }, V)],
    ["change member: active as text", patch(`${org}/members/${w.employeeId}`, { active: "no" }, V)],
    ["change member: active null", patch(`${org}/members/${w.employeeId}`, { active: null }, V)],
    ["change member: rename", patch(`${org}/members/${w.employeeId}`, { name: "New" }, V)],
    [
      "change member: invalid id",
      patch(`${org}/members/not-an-id`, { role: "manager" }, "not_found", 404),
    ],
    [
      "change member: unknown id",
      patch(`${org}/members/01ARZ3NDEKTSV4RRFFQ69G5FAV`, { role: "manager" }, "not_found", 404),
    ],
    [
      "change member: the last admin",
      patch(`${org}/members/${w.adminId}`, { role: "employee" }, "last_admin", 409),
    ],
    // clock
    ["clock in: latitude 91", post(`${org}/clock/in`, { latitude: 91, longitude: 0 }, V)],
    ["clock in: longitude -181", post(`${org}/clock/in`, { latitude: 0, longitude: -181 }, V)],
    ["clock in: latitude alone", post(`${org}/clock/in`, { latitude: 10 }, V)],
    ["clock in: latitude as text", post(`${org}/clock/in`, { latitude: "10", longitude: 1 }, V)],
    [
      "clock in: negative accuracy",
      post(`${org}/clock/in`, { latitude: 1, longitude: 1, accuracy: -1 }, V),
    ],
    ["clock in: note too long", post(`${org}/clock/in`, { note: "n".repeat(1001) }, V)],
    ["clock in: note is a number", post(`${org}/clock/in`, { note: 12 }, V)],
    ["clock in: invalid location id", post(`${org}/clock/in`, { locationId: "dock-4" }, V)],
    ["break start: a field", post(`${org}/clock/break/start`, { at: iso(0) }, V)],
    ["break end: a field", post(`${org}/clock/break/end`, { force: true }, V)],
    ["clock out: longitude 200", post(`${org}/clock/out`, { latitude: 0, longitude: 200 }, V)],
    ["clock out: a note", post(`${org}/clock/out`, { note: "bye" }, V)],
    ["clock out: not clocked in", post(`${org}/clock/out`, {}, "not_clocked_in", 409)],
    ["break start: not clocked in", post(`${org}/clock/break/start`, {}, "not_clocked_in", 409)],
    ["break end: not clocked in", post(`${org}/clock/break/end`, undefined, "not_clocked_in", 409)],
    // entries: dates
    ["create entry: month 13", post(entries, entry({ start: "2026-13-40T00:00:00Z" }), V)],
    ["create entry: February 30", post(entries, entry({ start: "2026-02-30T09:00:00Z" }), V)],
    ["create entry: no offset", post(entries, entry({ start: "2026-10-01T09:00:00" }), V)],
    ["create entry: date only", post(entries, entry({ end: "2026-10-01" }), V)],
    ["create entry: year 1900", post(entries, entry({ start: "1900-01-01T09:00:00Z" }), V)],
    ["create entry: year 2200", post(entries, entry({ end: "2200-01-01T09:00:00Z" }), V)],
    ["create entry: epoch number", post(entries, entry({ start: 1_790_000_000_000 }), V)],
    ["create entry: empty start", post(entries, entry({ start: "" }), V)],
    ["create entry: end before start", post(entries, entry({ end: d(5, 8) }), "invalid_interval")],
    ["create entry: zero length", post(entries, entry({ end: d(5, 9) }), "invalid_interval")],
    [
      "create entry: ends in the future",
      post(entries, entry({ start: d(0, 0), end: iso(w.app.clock.ms + HOUR) }), "invalid_interval"),
    ],
    [
      "create entry: longer than 7 days",
      post(entries, entry({ start: d(12, 9), end: d(4, 9) }), "invalid_interval"),
    ],
    [
      "create entry: break before the entry",
      post(entries, entry({ breaks: [{ start: d(5, 8), end: d(5, 10) }] }), "invalid_interval"),
    ],
    [
      "create entry: break after the entry",
      post(entries, entry({ breaks: [{ start: d(5, 16), end: d(5, 18) }] }), "invalid_interval"),
    ],
    [
      "create entry: overlapping breaks",
      post(
        entries,
        entry({
          breaks: [{ start: d(5, 11), end: d(5, 13) }, { start: d(5, 12), end: d(5, 14) }],
        }),
        "invalid_interval",
      ),
    ],
    [
      "create entry: break without end",
      post(entries, entry({ breaks: [{ start: d(5, 11) }] }), V),
    ],
    [
      "create entry: open break",
      post(entries, entry({ breaks: [{ start: d(5, 11), end: null }] }), V),
    ],
    ["create entry: breaks not a list", post(entries, entry({ breaks: "lunch" }), V)],
    [
      "create entry: 21 breaks",
      post(
        entries,
        entry({
          breaks: Array.from({ length: 21 }, (_, i) => ({
            start: d(5, 9 + i * 0.25),
            end: d(5, 9.1 + i * 0.25),
          })),
        }),
        V,
      ),
    ],
    ["create entry: invalid user id", post(entries, entry({ userId: "alice" }), V)],
    [
      "create entry: unknown user id",
      post(entries, entry({ userId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }), "not_found", 404),
    ],
    ["create entry: no reason", post(entries, entry({ reason: undefined }), V)],
    ["create entry: reason too long", post(entries, entry({ reason: "r".repeat(501) }), V)],
    [
      "create entry: overlaps an entry",
      post(
        entries,
        entry({ start: iso(w.entrySpan[0] + HOUR), end: iso(w.entrySpan[1] + HOUR) }),
        "entry_overlap",
        409,
      ),
    ],
    ["create entry: as an employee", post(entries, entry({}), "forbidden", 403, "employee")],
    ["edit entry: no reason", patch(entryPath, { note: "x" }, V)],
    ["edit entry: bad start", patch(entryPath, { start: "2026-13-40T00:00:00Z", reason: "r" }, V)],
    ["edit entry: end null", patch(entryPath, { end: null, reason: "r" }, V)],
    [
      "edit entry: end before start",
      patch(entryPath, { end: iso(w.entrySpan[0] - HOUR), reason: "r" }, "invalid_interval"),
    ],
    [
      "edit entry: break outside",
      patch(
        entryPath,
        { breaks: [{ start: iso(w.entrySpan[1]), end: iso(w.entrySpan[1] + HOUR) }], reason: "r" },
        "invalid_interval",
      ),
    ],
    ["edit entry: userId cannot change", patch(entryPath, { userId: w.adminId, reason: "r" }, V)],
    [
      "edit entry: invalid id",
      patch(`${entries}/nope`, { note: "x", reason: "r" }, "not_found", 404),
    ],
    [
      "edit entry: unknown id",
      patch(`${entries}/01ARZ3NDEKTSV4RRFFQ69G5FAV`, { note: "x", reason: "r" }, "not_found", 404),
    ],
    [
      "delete entry: no body",
      { who: "admin", method: "DELETE", path: entryPath, code: V, status: 400 },
    ],
    [
      "delete entry: empty reason",
      { who: "admin", method: "DELETE", path: entryPath, body: { reason: "" }, code: V },
    ],
    [
      "delete entry: unknown id",
      {
        who: "admin",
        method: "DELETE",
        path: `${entries}/01ARZ3NDEKTSV4RRFFQ69G5FAV`,
        body: { reason: "r" },
        code: "not_found",
        status: 404,
      },
    ],
    // idempotency keys
    [
      "Idempotency-Key with a space",
      {
        ...post(entries, entry({}), "invalid_idempotency_key"),
        headers: { "idempotency-key": "has space" },
      },
    ],
    [
      "Idempotency-Key too long",
      {
        ...post(entries, entry({}), "invalid_idempotency_key"),
        headers: { "idempotency-key": "k".repeat(256) },
      },
    ],
    [
      "Idempotency-Key with an invalid body",
      { ...post(entries, entry({ start: "x" }), V), headers: { "idempotency-key": "k-1" } },
    ],
    [
      "Idempotency-Key on an overlap",
      {
        ...post(
          entries,
          entry({ start: iso(w.entrySpan[0]), end: iso(w.entrySpan[1]) }),
          "entry_overlap",
          409,
        ),
        headers: { "idempotency-key": "k-2" },
      },
    ],
    // lists: limits, cursors and filters
    ["list: limit=0", get(`${entries}?limit=0`, V)],
    ["list: limit=100000", get(`${entries}?limit=100000`, V)],
    ["list: limit=-1", get(`${entries}?limit=-1`, V)],
    ["list: limit=abc", get(`${entries}?limit=abc`, V)],
    ["list: limit=1.5", get(`${entries}?limit=1.5`, V)],
    ["list: cursor=!!!", get(`${entries}?cursor=!!!`, "invalid_cursor")],
    ["list: cursor with a space", get(`${entries}?cursor=a%20b`, "invalid_cursor")],
    ["list: cursor=AA", get(`${entries}?cursor=AA`, "invalid_cursor")],
    ["list: cursor of 2000 characters", get(`${entries}?cursor=${"A".repeat(2000)}`, V)],
    ["list: bad from", get(`${entries}?from=2026-13-40T00:00:00Z`, V)],
    ["list: from without offset", get(`${entries}?from=2026-10-01T09:00:00`, V)],
    ["list: from in 1900", get(`${entries}?from=1900-01-01T00:00:00Z`, V)],
    ["list: from after to", get(`${entries}?from=${d(1, 0)}&to=${d(2, 0)}`, V)],
    ["list: invalid userId", get(`${entries}?userId=bob`, V)],
    ["list: unknown parameter", get(`${entries}?sort=desc`, V)],
    [
      "list: employee asks for another",
      get(`${entries}?userId=${w.adminId}`, "forbidden", 403, "employee"),
    ],
    ["members: limit=0", get(`${org}/members?limit=0`, V)],
    ["members: limit=501", get(`${org}/members?limit=501`, V)],
    ["members: cursor=!!!", get(`${org}/members?cursor=!!!`, "invalid_cursor")],
    ["history: limit=100000", get(`${entryPath}/history?limit=100000`, V)],
    ["history: cursor=%%", get(`${entryPath}/history?cursor=%25%25`, "invalid_cursor")],
    ["history: unknown id", get(`${entries}/01ARZ3NDEKTSV4RRFFQ69G5FAV/history`, "not_found", 404)],
    ["entry: invalid id", get(`${entries}/..%2F..%2Fmembers`, "not_found", 404)],
    ["org: unknown id", get(`/api/v1/orgs/01ARZ3NDEKTSV4RRFFQ69G5FAV/clock`, "not_found", 404)],
    ["org: absurd id", get(`/api/v1/orgs/${"x".repeat(500)}/clock`, "not_found", 404)],
    [
      "unsupported method",
      {
        who: "admin",
        method: "PUT",
        path: `${org}/members`,
        body: {},
        code: "not_found",
        status: 404,
      },
    ],
  ];
  return cases.map(([name, c]) => ({ ...c, name }));
}

async function runCases(w: World, cases: BadCase[]): Promise<void> {
  const failures: string[] = [];
  for (const c of cases) {
    const before = await snapshot(w.app.store);
    const res = await w.clients[c.who].json(c.method, c.path, c.body, c.headers);
    try {
      assertClientError(res, c.code);
      if (c.status !== undefined) assert.equal(res.status, c.status);
      assertSameSnapshot(before, await snapshot(w.app.store));
    } catch (err) {
      failures.push(`${c.name}: ${(err as Error).message.split("\n").slice(0, 6).join(" ")}`);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases failed`);
}

Deno.test("malformed bodies on every write endpoint: 4xx, error shape, nothing written", async () => {
  await withApp(async (app) => {
    const w = await buildWorld(app);
    const cases = genericCases(w);
    assert.ok(cases.length >= 12 * 13);
    await runCases(w, cases);
  });
});

Deno.test("invalid fields, dates, intervals, ids and lists: 4xx, error shape, nothing written", async () => {
  await withApp(async (app) => {
    const w = await buildWorld(app);
    await runCases(w, specificCases(w));
  });
});

Deno.test("the valid bases of the bad-input table are accepted (the table tests what it says)", async () => {
  await withApp(async (app) => {
    const w = await buildWorld(app);
    await w.clients.anon.json("POST", "/api/v1/signup", {
      organization: { name: "Signin Target", timeZone: "UTC" },
      user: { name: "T", email: "target@example.com", password: PASSWORD },
    });
    for (const e of endpoints(w)) {
      const body = e.name === "sign-in"
        ? { email: "target@example.com", password: PASSWORD }
        : e.valid;
      const res = await w.clients[e.who].json(e.method, e.path, body);
      assert.ok(
        res.status >= 200 && res.status < 300,
        `${e.name}: ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
  });
});
