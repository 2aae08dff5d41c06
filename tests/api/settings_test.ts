/**
 * Organization settings over HTTP: defaults, every section changed on its own, refusals that
 * change nothing, versions and conflicts, the audit record, and who may do what.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg, type TestApp } from "../helpers.ts";
import { assertApiError, assertSameSnapshot, snapshot, withApp } from "./support.ts";
import { defaultSettings } from "../../lib/settings/schema.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function setup(app: TestApp, timeZone = "America/Chicago") {
  const admin = await signUpOrg(app, undefined, timeZone);
  const path = `/api/v1/orgs/${admin.orgId}/settings`;
  const get = async (client = admin.client) => {
    const res = await client.json("GET", path);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Json;
  };
  const patch = (body: unknown, client = admin.client) => client.json("PATCH", path, body);
  return { admin, path, get, patch };
}

/** The settings audit records of `orgId`, oldest first. */
async function settingsAudit(app: TestApp, orgId: string): Promise<Json[]> {
  const out: Json[] = [];
  for await (const e of app.store.listAll()) {
    const v = e.value as Json;
    if (e.key[0] === "org" && e.key[1] === orgId && e.key[2] === "audit") {
      if (v.entity?.kind === "settings") out.push(v);
    }
  }
  return out;
}

const SECTIONS: Record<string, unknown>[] = [
  { timeZone: "Europe/Berlin" },
  { workweekStart: "sunday" },
  { payPeriod: { type: "semimonthly", anchorDate: "2026-01-01" } },
  { overtime: { preset: "none" } },
  { overtime: { preset: "california" } },
  {
    overtime: {
      preset: "custom",
      dailyOvertimeAfterSeconds: 10 * 3600,
      dailyDoubleTimeAfterSeconds: null,
      weeklyOvertimeAfterSeconds: 38 * 3600,
      seventhDay: false,
      overtimeMultiplier: 1.25,
      doubleTimeMultiplier: 2.5,
    },
  },
  { rounding: { mode: "nearest", incrementMinutes: 6 } },
  {
    breaks: {
      types: [
        { id: "lunch", name: "Lunch", paid: false },
        { id: "coffee", name: "Coffee", paid: true },
      ],
      autoDeduct: { enabled: true, afterWorkedSeconds: 5 * 3600, deductSeconds: 45 * 60 },
    },
  },
  { requireLocation: true },
  { employeesCanEditOwnEntries: true },
  {
    pto: {
      types: [
        {
          id: "pto",
          name: "Paid time off",
          paid: true,
          accrual: { method: "per_pay_period", earnSeconds: 4 * 3600 },
          waitingPeriodDays: 30,
          maxBalanceSeconds: null,
          carryoverCapSeconds: 0,
          hoursPerDaySeconds: 7.5 * 3600,
        },
      ],
    },
  },
  { pto: { types: [] } },
];

Deno.test("settings: a new organization reads the defaults at version 0; every member may", async () => {
  await withApp(async (app) => {
    const { admin, get } = await setup(app);
    const body = await get();
    assert.deepEqual(body, { version: 0, ...defaultSettings("America/Chicago") });
    for (const role of ["manager", "employee"] as const) {
      const m = await addMemberWithLogin(app, admin.client, admin.orgId, role);
      assert.deepEqual(await get(m.client), body);
    }
  });
});

Deno.test("settings: each section changes on its own, bumps the version and is audited", async () => {
  await withApp(async (app) => {
    const { admin, get, patch } = await setup(app);
    let expected: Json = await get();
    for (const [i, section] of SECTIONS.entries()) {
      app.clock.advance(60);
      const res = await patch(section);
      assert.equal(res.status, 200, `${JSON.stringify(section)}: ${JSON.stringify(res.body)}`);
      const before = expected;
      expected = { ...expected, ...section, version: i + 1 };
      assert.deepEqual(res.body, expected);
      assert.deepEqual(await get(), expected, "GET reads what PATCH wrote");
      const audit = (await settingsAudit(app, admin.orgId)).at(-1);
      assert.equal(audit.action, "settings.update");
      assert.equal(audit.actorId, admin.userId);
      assert.deepEqual(audit.entity, { kind: "settings", id: admin.orgId });
      assert.deepEqual(audit.before, before);
      assert.deepEqual(audit.after, expected);
      assert.equal(audit.at, new Date(app.clock.ms).toISOString());
    }
    assert.equal((await settingsAudit(app, admin.orgId)).length, SECTIONS.length);
  });
});

Deno.test("settings: several sections at once, with the expected version", async () => {
  await withApp(async (app) => {
    const { get, patch } = await setup(app);
    const res = await patch({
      version: 0,
      workweekStart: "saturday",
      rounding: { mode: "up", incrementMinutes: 15 },
      requireLocation: true,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.version, 1);
    const now = await get();
    assert.equal(now.workweekStart, "saturday");
    assert.deepEqual(now.rounding, { mode: "up", incrementMinutes: 15 });
    assert.equal(now.requireLocation, true);
    assert.equal(now.overtime.preset, "flsa", "other sections keep their values");
  });
});

Deno.test("settings: a stale version is refused with version_conflict and changes nothing", async () => {
  await withApp(async (app) => {
    const { get, patch } = await setup(app);
    assert.equal((await patch({ version: 0, workweekStart: "tuesday" })).status, 200);
    const before = await snapshot(app.store);
    const stale = await patch({ version: 0, workweekStart: "wednesday" });
    assertApiError(stale, 409, "version_conflict");
    assert.deepEqual(stale.body.error.details, { currentVersion: 1 });
    assertApiError(
      await patch({ version: 7, workweekStart: "wednesday" }),
      409,
      "version_conflict",
    );
    assertSameSnapshot(before, await snapshot(app.store));
    assert.equal((await get()).workweekStart, "tuesday");
    const fresh = await patch({ version: 1, workweekStart: "wednesday" });
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.version, 2);
  });
});

Deno.test("settings: invalid values are refused with validation_failed and change nothing", async () => {
  await withApp(async (app) => {
    const { get, patch } = await setup(app);
    const base = defaultSettings("UTC");
    const custom = {
      preset: "custom",
      dailyOvertimeAfterSeconds: 8 * 3600,
      dailyDoubleTimeAfterSeconds: 12 * 3600,
      weeklyOvertimeAfterSeconds: 40 * 3600,
      seventhDay: true,
      overtimeMultiplier: 1.5,
      doubleTimeMultiplier: 2,
    };
    const meal = base.breaks.types[0];
    const vacation = base.pto.types[0];
    const bad: [string, unknown][] = [
      ["empty patch", {}],
      ["only a version", { version: 0 }],
      ["unknown section", { holidays: [] }],
      ["unknown time zone", { timeZone: "Mars/Olympus" }],
      ["time zone not a string", { timeZone: 5 }],
      ["unknown weekday", { workweekStart: "funday" }],
      ["weekday number", { workweekStart: 1 }],
      ["unknown pay period", { payPeriod: { type: "daily", anchorDate: "2026-01-05" } }],
      ["impossible anchor date", { payPeriod: { type: "weekly", anchorDate: "2026-02-30" } }],
      ["anchor date format", { payPeriod: { type: "weekly", anchorDate: "01/05/2026" } }],
      ["pay period missing anchor", { payPeriod: { type: "weekly" } }],
      ["unknown overtime preset", { overtime: { preset: "generous" } }],
      ["preset with extra fields", { overtime: { preset: "flsa", overtimeMultiplier: 2 } }],
      ["custom missing fields", { overtime: { preset: "custom" } }],
      ["multiplier with 3 decimals", { overtime: { ...custom, overtimeMultiplier: 1.555 } }],
      ["multiplier below 1", { overtime: { ...custom, doubleTimeMultiplier: 0.5 } }],
      ["daily threshold beyond a day", {
        overtime: { ...custom, dailyOvertimeAfterSeconds: 25 * 3600 },
      }],
      ["negative weekly threshold", {
        overtime: { ...custom, weeklyOvertimeAfterSeconds: -1 },
      }],
      ["rounding increment 7", { rounding: { mode: "nearest", incrementMinutes: 7 } }],
      ["rounding mode", { rounding: { mode: "sideways", incrementMinutes: 5 } }],
      ["no break types", { breaks: { ...base.breaks, types: [] } }],
      ["duplicate break ids", { breaks: { ...base.breaks, types: [meal, { ...meal }] } }],
      ["bad break id", { breaks: { ...base.breaks, types: [{ ...meal, id: "Meal Break" }] } }],
      ["deduction under a minute", {
        breaks: { ...base.breaks, autoDeduct: { ...base.breaks.autoDeduct, deductSeconds: 30 } },
      }],
      ["requireLocation as a string", { requireLocation: "yes" }],
      ["employeesCanEditOwnEntries null", { employeesCanEditOwnEntries: null }],
      ["unknown accrual method", {
        pto: { types: [{ ...vacation, accrual: { method: "magic" } }] },
      }],
      ["duplicate PTO ids", { pto: { types: [vacation, { ...vacation, name: "Again" }] } }],
      ["grant date 13-01", {
        pto: {
          types: [{
            ...vacation,
            accrual: { method: "annual_grant", earnSeconds: 3600, grantOn: "13-01" },
          }],
        },
      }],
      ["a day under an hour", { pto: { types: [{ ...vacation, hoursPerDaySeconds: 60 }] } }],
      ["unknown nested field", { rounding: { mode: "none", incrementMinutes: 5, extra: 1 } }],
      ["version as a string", { version: "0", requireLocation: true }],
    ];
    const before = await snapshot(app.store);
    for (const [what, body] of bad) {
      const res = await patch(body);
      assertApiError(res, 400, "validation_failed");
      assert.ok(Array.isArray(res.body.error.details), what);
    }
    const notJson = await patch("{");
    assertApiError(notJson, 400, "invalid_json");
    assertSameSnapshot(before, await snapshot(app.store));
    assert.equal((await get()).version, 0);
  });
});

Deno.test("settings: a new time zone is the organization's time zone", async () => {
  await withApp(async (app) => {
    const { admin, patch } = await setup(app, "America/New_York");
    assert.equal((await patch({ timeZone: "Asia/Tokyo" })).status, 200);
    const org = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}`);
    assert.equal(org.body.timeZone, "Asia/Tokyo");
    const me = await admin.client.json("GET", "/api/v1/me");
    assert.equal(me.status, 200);
  });
});

Deno.test("settings: only admins change them", async () => {
  await withApp(async (app) => {
    const { admin, get, patch } = await setup(app);
    for (const role of ["manager", "employee"] as const) {
      const m = await addMemberWithLogin(app, admin.client, admin.orgId, role);
      const snap = await snapshot(app.store);
      assertApiError(await patch({ requireLocation: true }, m.client), 403, "forbidden");
      assertApiError(await patch({}, m.client), 403, "forbidden");
      assertSameSnapshot(snap, await snapshot(app.store));
    }
    assert.equal((await get()).requireLocation, false);
    // Another organization's admin does not even find them.
    const other = await signUpOrg(app);
    assertApiError(
      await other.client.json("PATCH", `/api/v1/orgs/${admin.orgId}/settings`, {
        requireLocation: true,
      }),
      404,
      "not_found",
    );
  });
});
