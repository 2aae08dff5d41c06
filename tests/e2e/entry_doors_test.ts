/**
 * One core, two doors: the same corrections and punches sent through the JSON API and through
 * the form pages get the same decision — accepted, or refused with the same status and error.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import { post, withApp } from "./pages_support.ts";

interface Door {
  /** The HTTP status and, for refusals, the API's error code or the form's message. */
  decide(input: Case): Promise<{ status: number; text: string }>;
}

interface Case {
  name: string;
  /** Local times in the organization's zone (UTC here), as a `datetime-local` field has them. */
  start: string;
  end: string;
  reason: string;
  as?: "admin" | "employee";
}

const OK = "accepted";

const CASES: Case[] = [
  { name: "a valid shift", start: "2026-10-28T09:00", end: "2026-10-28T17:00", reason: "paper" },
  { name: "end before start", start: "2026-10-29T17:00", end: "2026-10-29T09:00", reason: "x" },
  { name: "ends in the future", start: "2026-11-02T07:00", end: "2026-11-03T09:00", reason: "x" },
  { name: "longer than 7 days", start: "2026-10-10T09:00", end: "2026-10-18T09:00", reason: "x" },
  { name: "before the year 2000", start: "1990-01-01T09:00", end: "1990-01-01T17:00", reason: "x" },
  { name: "no reason", start: "2026-10-21T09:00", end: "2026-10-21T17:00", reason: "   " },
  { name: "overlaps an entry", start: "2026-10-27T12:00", end: "2026-10-27T18:00", reason: "x" },
  {
    name: "an employee correcting their own time",
    start: "2026-10-22T09:00",
    end: "2026-10-22T17:00",
    reason: "forgot",
    as: "employee",
  },
];

async function tenant(app: TestApp) {
  const admin = await signUpOrg(app, "Doors", "UTC");
  const emp = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const seeded = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/time-entries`, {
    userId: emp.userId,
    start: "2026-10-27T09:00:00Z",
    end: "2026-10-27T17:00:00Z",
    reason: "seed",
  });
  assert.equal(seeded.status, 201);
  const clientOf = (c: Case): Client => (c.as === "employee" ? emp.client : admin.client);
  return { admin, emp, clientOf };
}

function apiDoor(t: Awaited<ReturnType<typeof tenant>>): Door {
  return {
    async decide(c) {
      const res = await t.clientOf(c).json("POST", `/api/v1/orgs/${t.admin.orgId}/time-entries`, {
        userId: t.emp.userId,
        start: `${c.start}:00Z`,
        end: `${c.end}:00Z`,
        reason: c.reason,
      });
      return { status: res.status, text: res.status < 300 ? OK : res.body.error.code };
    },
  };
}

function formDoor(t: Awaited<ReturnType<typeof tenant>>): Door {
  return {
    async decide(c) {
      const res = await post(t.clientOf(c), `/o/${t.admin.orgId}/team/${t.emp.userId}`, {
        intent: "add",
        start: c.start,
        end: c.end,
        reason: c.reason,
      });
      return { status: res.status, text: res.status < 400 ? OK : await res.text() };
    },
  };
}

/** The form shows the API's message for a refusal (validation failures: the field's message). */
const MESSAGES: Record<string, RegExp> = {
  invalid_interval: /end must be after start|end is in the future|at most 7 days/,
  entry_overlap: /overlaps another entry/,
  forbidden: /Not allowed|does not allow/,
  validation_failed: /Check the highlighted field|Enter a reason|2000-01-01/,
};

Deno.test("corrections: the API and the form pages decide every input the same way", async () => {
  const api = await withAppResult((app) => runAll(app, apiDoor));
  const form = await withAppResult((app) => runAll(app, formDoor));
  for (const [i, c] of CASES.entries()) {
    const a = api[i];
    const f = form[i];
    if (a.text === OK) {
      assert.equal(f.text, OK, `${c.name}: the API accepted it, the form refused it`);
      assert.equal(f.status, 303, c.name);
      continue;
    }
    assert.equal(f.status, a.status, `${c.name}: API ${a.status} ${a.text}, form ${f.status}`);
    assert.match(f.text, MESSAGES[a.text] ?? /$^/, `${c.name}: the form explains ${a.text}`);
  }
  assert.deepEqual(api.map((d) => d.text), [
    OK,
    "invalid_interval",
    "invalid_interval",
    "invalid_interval",
    "validation_failed",
    "validation_failed",
    "entry_overlap",
    "forbidden",
  ]);
});

async function runAll(
  app: TestApp,
  door: (t: Awaited<ReturnType<typeof tenant>>) => Door,
): Promise<{ status: number; text: string }[]> {
  const d = door(await tenant(app));
  const out = [];
  for (const c of CASES) out.push(await d.decide(c));
  return out;
}

async function withAppResult<T>(fn: (app: TestApp) => Promise<T>): Promise<T> {
  let result!: T;
  await withApp(async (app) => {
    result = await fn(app);
  });
  return result;
}

Deno.test("punches: the API and the clock form decide the same way", async () => {
  const punches: { action: string; api: string; body: Record<string, unknown> }[] = [
    { action: "out", api: "out", body: {} },
    { action: "break_start", api: "break/start", body: {} },
    { action: "in", api: "in", body: {} },
    { action: "in", api: "in", body: {} },
    { action: "break_start", api: "break/start", body: { typeId: "smoke" } },
    { action: "break_start", api: "break/start", body: { typeId: "rest" } },
    { action: "break_start", api: "break/start", body: {} },
    { action: "break_end", api: "break/end", body: {} },
    { action: "out", api: "out", body: {} },
  ];
  const viaApi = await withAppResult(async (app) => {
    const { client, orgId } = await signUpOrg(app, "Punch", "UTC");
    const out = [];
    for (const p of punches) {
      const res = await client.json("POST", `/api/v1/orgs/${orgId}/clock/${p.api}`, p.body);
      out.push({ status: res.status < 300 ? 200 : res.status, code: res.body?.error?.code ?? OK });
      app.clock.advance(60);
    }
    return out;
  });
  const viaForm = await withAppResult(async (app) => {
    const { client, orgId } = await signUpOrg(app, "Punch", "UTC");
    const out = [];
    for (const p of punches) {
      const fields = { action: p.action, ...p.body } as Record<string, string>;
      const res = await post(client, `/o/${orgId}/clock`, fields);
      out.push({ status: res.status === 303 ? 200 : res.status, html: await res.text() });
      app.clock.advance(60);
    }
    return out;
  });
  assert.deepEqual(viaApi.map((r) => r.code), [
    "not_clocked_in",
    "not_clocked_in",
    OK,
    "already_clocked_in",
    "unknown_break_type",
    OK,
    "already_on_break",
    OK,
    OK,
  ]);
  viaApi.forEach((a, i) => {
    assert.equal(viaForm[i].status, a.status, `punch ${i} (${punches[i].action}): ${a.code}`);
  });
  assert.match(viaForm[4].html, /No such break type/);
});
