/**
 * One core, two doors: the same location and organization inputs sent through the JSON API and
 * through the form pages get the same decision (accepted, or refused with the same status), and
 * what each door stores is the same. The audit records name the acting principal.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg, type TestApp } from "../helpers.ts";
import { assertSameSnapshot, snapshot, withApp } from "./support.ts";
import { post } from "../e2e/pages_support.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A location as the form posts it; the API gets the same values as JSON numbers. */
type Case = { what: string; form: Record<string, string>; status: 201 | 400 };

const OK = {
  name: "Depot",
  address: "1 Dock Rd.",
  latitude: "40.7128",
  longitude: "-74.006",
  radiusMeters: "100",
  timeZone: "",
};

const CASES: Case[] = [
  { what: "a valid site", form: OK, status: 201 },
  { what: "a lower-case time zone", form: { ...OK, timeZone: "america/chicago" }, status: 201 },
  { what: "an offset time zone", form: { ...OK, timeZone: "+05:30" }, status: 400 },
  { what: "an unknown time zone", form: { ...OK, timeZone: "Mars/Olympus" }, status: 400 },
  { what: "a radius below 25 m", form: { ...OK, radiusMeters: "24" }, status: 400 },
  { what: "a fractional radius", form: { ...OK, radiusMeters: "25.5" }, status: 400 },
  { what: "latitude 91", form: { ...OK, latitude: "91" }, status: 400 },
  { what: "longitude -181", form: { ...OK, longitude: "-181" }, status: 400 },
  { what: "a blank name", form: { ...OK, name: "  " }, status: 400 },
  { what: "a name with an override", form: { ...OK, name: "Dep\u202Eot" }, status: 400 },
  { what: "an address with a bell", form: { ...OK, address: "1 Dock\u0007" }, status: 400 },
  { what: "a name of 101 characters", form: { ...OK, name: "x".repeat(101) }, status: 400 },
];

/** The JSON body the API gets for a form's values. */
function jsonOf(form: Record<string, string>): Record<string, unknown> {
  return {
    name: form.name,
    address: form.address,
    latitude: Number(form.latitude),
    longitude: Number(form.longitude),
    radiusMeters: Number(form.radiusMeters),
    timeZone: form.timeZone === "" ? null : form.timeZone,
    active: false,
  };
}

/** The stored fields of a location, without ids and instants. */
function stored(loc: Json) {
  const { id: _id, createdAt: _c, updatedAt: _u, active: _a, ...rest } = loc;
  return rest;
}

/** The audit records of action `action` in `orgId`. */
async function auditOf(app: TestApp, orgId: string, action: string): Promise<Json[]> {
  const out: Json[] = [];
  for await (const e of app.store.listAll()) {
    const v = e.value as Json;
    if (e.key[0] === "org" && e.key[1] === orgId && e.key[2] === "audit" && v.action === action) {
      out.push(v);
    }
  }
  return out;
}

Deno.test("doors: the API and the locations page decide every location input alike", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const api = `/api/v1/orgs/${admin.orgId}/locations`;
    const page = `/o/${admin.orgId}/locations`;
    for (const c of CASES) {
      const before = await snapshot(app.store);
      const viaApi = await admin.client.json("POST", api, jsonOf(c.form));
      const viaPage = await post(admin.client, page, { intent: "add", ...c.form });
      await viaPage.body?.cancel();
      assert.equal(viaApi.status, c.status, `${c.what} (API): ${JSON.stringify(viaApi.body)}`);
      assert.equal(viaPage.status, c.status === 201 ? 303 : 400, `${c.what} (page)`);
      if (c.status === 400) {
        assert.equal(viaApi.body.error.code, "validation_failed", c.what);
        assertSameSnapshot(before, await snapshot(app.store), c.what);
        continue;
      }
      const all = (await admin.client.json("GET", `${api}?limit=500`)).body.data as Json[];
      const [fromPage, fromApi] = [all.at(-1), all.at(-2)];
      assert.equal(fromApi.id, viaApi.body.id);
      assert.deepEqual(stored(fromPage), stored(fromApi), c.what);
    }
    // Both doors audit as the same principal: the signed-in person.
    const created = await auditOf(app, admin.orgId, "location.create");
    assert.equal(created.length, 4);
    for (const r of created) {
      assert.deepEqual(r.principal, { type: "user", id: admin.userId });
      assert.equal(r.actorId, admin.userId);
    }
  });
});

Deno.test("doors: a member who is not an admin is refused by both doors, whatever they send", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const before = await snapshot(app.store);
    for (const form of [OK, { ...OK, radiusMeters: "1" }]) {
      const viaApi = await worker.client.json(
        "POST",
        `/api/v1/orgs/${admin.orgId}/locations`,
        jsonOf(form),
      );
      assert.equal(viaApi.status, 403);
      assert.equal(viaApi.body.error.code, "forbidden");
      const viaPage = await post(worker.client, `/o/${admin.orgId}/locations`, {
        intent: "add",
        ...form,
      });
      await viaPage.body?.cancel();
      assert.equal(viaPage.status, 403);
    }
    for (const body of [{}, { timeZone: "+05:30" }, { requireLocation: true }]) {
      const res = await worker.client.json("PATCH", `/api/v1/orgs/${admin.orgId}/settings`, body);
      assert.equal(res.status, 403, JSON.stringify(body));
    }
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("doors: a new organization is decided alike by POST /orgs and the organizations page", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const cases: [Record<string, string>, boolean][] = [
      [{ name: "Branch A", timeZone: "asia/tokyo" }, true],
      [{ name: "Branch B", timeZone: "+09:00" }, false],
      [{ name: "", timeZone: "Asia/Tokyo" }, false],
      [{ name: "Branch\u2067 C", timeZone: "Asia/Tokyo" }, false],
    ];
    for (const [input, ok] of cases) {
      const before = await snapshot(app.store);
      const viaApi = await admin.client.json("POST", "/api/v1/orgs", input);
      const viaPage = await post(admin.client, "/app/orgs", input);
      await viaPage.body?.cancel();
      assert.equal(viaApi.status, ok ? 201 : 400, JSON.stringify(input));
      assert.equal(viaPage.status, ok ? 303 : 400, JSON.stringify(input));
      if (!ok) assertSameSnapshot(before, await snapshot(app.store), JSON.stringify(input));
    }
    const me = await admin.client.json("GET", "/api/v1/me");
    const branches = me.body.organizations.filter((o: Json) => o.name === "Branch A");
    assert.equal(branches.length, 2);
    for (const b of branches) {
      const org = await admin.client.json("GET", `/api/v1/orgs/${b.id}`);
      assert.equal(org.body.timeZone, "Asia/Tokyo");
      assert.equal(org.body.role, "admin");
      const audit = await auditOf(app, b.id, "organization.create");
      assert.deepEqual(audit[0].principal, { type: "user", id: admin.userId });
    }
  });
});
