/**
 * Job locations over HTTP: CRUD with roles and audit, refusals that change nothing, and the
 * geofence rule of clock-in with `requireLocation` on (fence boundary, capped accuracy, the
 * antimeridian, the nearest of several sites, inactive sites, what the entry stores).
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import {
  assertApiError,
  assertSameSnapshot,
  type JsonAnswer,
  snapshot,
  withApp,
} from "./support.ts";

const R = 6_371_008.8;
/** A point `m` meters north of `p` (negative: south). */
function north(p: { latitude: number; longitude: number }, m: number) {
  return { latitude: p.latitude + (m / R) * (180 / Math.PI), longitude: p.longitude };
}

const WAREHOUSE = {
  name: "Main St. Warehouse",
  address: "12 Main St., New York",
  latitude: 40.7128,
  longitude: -74.006,
  radiusMeters: 100,
};

// deno-lint-ignore no-explicit-any
type Json = any;

/** The audit records of entity `id` in organization `orgId`, oldest first. */
async function auditOf(app: TestApp, orgId: string, id: string): Promise<Json[]> {
  const out: Json[] = [];
  for await (const e of app.store.listAll()) {
    const [root, org, kind] = e.key;
    const v = e.value as Json;
    if (root === "org" && org === orgId && kind === "audit" && v.entity?.id === id) out.push(v);
  }
  return out;
}

async function setup(app: TestApp) {
  const admin = await signUpOrg(app);
  const base = `/api/v1/orgs/${admin.orgId}`;
  const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const create = async (body: Record<string, unknown>) => {
    const res = await admin.client.json("POST", `${base}/locations`, body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as Json;
  };
  const settings = (patch: Record<string, unknown>) =>
    admin.client.json("PATCH", `${base}/settings`, patch);
  return { admin, base, worker, create, settings };
}

Deno.test("locations: admins create, read, list (paged), change and delete; all audited", async () => {
  await withApp(async (app) => {
    const { admin, base, create } = await setup(app);
    const t0 = app.clock.ms;
    const wh = await create(WAREHOUSE);
    assert.match(wh.id, /^[0-9A-Z]{26}$/);
    assert.deepEqual(wh, {
      id: wh.id,
      ...WAREHOUSE,
      timeZone: null,
      active: true,
      createdAt: new Date(t0).toISOString(),
      updatedAt: new Date(t0).toISOString(),
    });
    app.clock.advance(60);
    const depot = await create({
      name: "  Depot  ",
      latitude: -33.8688,
      longitude: 151.2093,
      radiusMeters: 25,
      timeZone: "Australia/Sydney",
      active: false,
    });
    assert.equal(depot.name, "Depot", "names are trimmed");
    assert.equal(depot.address, "", "address defaults to empty");
    assert.equal(depot.timeZone, "Australia/Sydney");
    assert.equal(depot.active, false);

    assert.deepEqual((await admin.client.json("GET", `${base}/locations/${wh.id}`)).body, wh);
    const all = await admin.client.json("GET", `${base}/locations`);
    assert.deepEqual(all.body, { data: [wh, depot], nextCursor: null });
    const first = await admin.client.json("GET", `${base}/locations?limit=1`);
    assert.deepEqual(first.body.data, [wh]);
    assert.ok(first.body.nextCursor);
    const second = await admin.client.json(
      "GET",
      `${base}/locations?limit=1&cursor=${first.body.nextCursor}`,
    );
    assert.deepEqual(second.body.data, [depot]);
    if (second.body.nextCursor) {
      const third = await admin.client.json(
        "GET",
        `${base}/locations?limit=1&cursor=${second.body.nextCursor}`,
      );
      assert.deepEqual(third.body, { data: [], nextCursor: null });
    }

    app.clock.advance(60);
    const patched = await admin.client.json("PATCH", `${base}/locations/${wh.id}`, {
      radiusMeters: 250,
      timeZone: "America/New_York",
      name: "Warehouse",
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.radiusMeters, 250);
    assert.equal(patched.body.name, "Warehouse");
    assert.equal(patched.body.timeZone, "America/New_York");
    assert.equal(patched.body.latitude, WAREHOUSE.latitude, "untouched fields stay");
    assert.equal(patched.body.updatedAt, new Date(t0 + 120_000).toISOString());
    const cleared = await admin.client.json("PATCH", `${base}/locations/${wh.id}`, {
      timeZone: null,
    });
    assert.equal(cleared.body.timeZone, null);

    // A patch that changes nothing writes nothing.
    const before = await snapshot(app.store);
    const same = await admin.client.json("PATCH", `${base}/locations/${wh.id}`, { active: true });
    assert.equal(same.status, 200);
    assertSameSnapshot(before, await snapshot(app.store), "no-op patch");

    const del = await admin.client.request("DELETE", `${base}/locations/${depot.id}`);
    assert.equal(del.status, 204);
    assertApiError(
      await admin.client.json("GET", `${base}/locations/${depot.id}`),
      404,
      "not_found",
    );
    assertApiError(
      await admin.client.json("DELETE", `${base}/locations/${depot.id}`),
      404,
      "not_found",
    );
    assert.equal((await admin.client.json("GET", `${base}/locations`)).body.data.length, 1);

    const whAudit = await auditOf(app, admin.orgId, wh.id);
    assert.deepEqual(whAudit.map((a) => a.action), [
      "location.create",
      "location.update",
      "location.update",
    ]);
    assert.equal(whAudit[0].actorId, admin.userId);
    assert.equal(whAudit[0].before, null);
    assert.deepEqual(whAudit[0].after, wh);
    assert.equal(whAudit[1].before.radiusMeters, 100);
    assert.equal(whAudit[1].after.radiusMeters, 250);
    assert.deepEqual(whAudit[1].entity, { kind: "location", id: wh.id });
    const depotAudit = await auditOf(app, admin.orgId, depot.id);
    assert.deepEqual(depotAudit.map((a) => a.action), ["location.create", "location.delete"]);
    assert.equal(depotAudit[1].before.name, "Depot", "the deleted state stays in the audit trail");
    assert.equal(depotAudit[1].after, null);
  });
});

Deno.test("locations: every member reads them; only admins change them", async () => {
  await withApp(async (app) => {
    const { admin, base, worker, create } = await setup(app);
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const wh = await create(WAREHOUSE);
    for (const client of [worker.client, manager.client]) {
      assert.equal((await client.json("GET", `${base}/locations`)).body.data.length, 1);
      assert.equal((await client.json("GET", `${base}/locations/${wh.id}`)).body.id, wh.id);
      const before = await snapshot(app.store);
      assertApiError(await client.json("POST", `${base}/locations`, WAREHOUSE), 403, "forbidden");
      assertApiError(
        await client.json("PATCH", `${base}/locations/${wh.id}`, { active: false }),
        403,
        "forbidden",
      );
      assertApiError(await client.json("DELETE", `${base}/locations/${wh.id}`), 403, "forbidden");
      assertSameSnapshot(before, await snapshot(app.store));
    }
  });
});

Deno.test("locations: invalid bodies and unknown ids are refused and change nothing", async () => {
  await withApp(async (app) => {
    const { admin, base, create } = await setup(app);
    const wh = await create(WAREHOUSE);
    const other = await signUpOrg(app);
    const foreign = await other.client.json(
      "POST",
      `/api/v1/orgs/${other.orgId}/locations`,
      WAREHOUSE,
    );
    assert.equal(foreign.status, 201);
    const before = await snapshot(app.store);
    const badBodies: [string, unknown][] = [
      ["radius below 25", { ...WAREHOUSE, radiusMeters: 24 }],
      ["radius above 100 km", { ...WAREHOUSE, radiusMeters: 100_001 }],
      ["fractional radius", { ...WAREHOUSE, radiusMeters: 25.5 }],
      ["latitude above 90", { ...WAREHOUSE, latitude: 90.0001 }],
      ["latitude below -90", { ...WAREHOUSE, latitude: -91 }],
      ["longitude beyond 180", { ...WAREHOUSE, longitude: 180.5 }],
      ["longitude below -180", { ...WAREHOUSE, longitude: -181 }],
      ["latitude as a string", { ...WAREHOUSE, latitude: "40.7" }],
      ["missing name", { ...WAREHOUSE, name: undefined }],
      ["blank name", { ...WAREHOUSE, name: "   " }],
      ["missing coordinates", { name: "x", radiusMeters: 100 }],
      ["unknown time zone", { ...WAREHOUSE, timeZone: "Mars/Olympus" }],
      ["unknown field", { ...WAREHOUSE, color: "red" }],
      ["active as a string", { ...WAREHOUSE, active: "yes" }],
    ];
    for (const [what, body] of badBodies) {
      const res = await admin.client.json("POST", `${base}/locations`, body);
      assertApiError(res, 400, "validation_failed");
      assert.ok(Array.isArray(res.body.error.details), what);
    }
    for (const patch of [{}, { radiusMeters: 10 }, { latitude: null }, { id: "x" }]) {
      assertApiError(
        await admin.client.json("PATCH", `${base}/locations/${wh.id}`, patch),
        400,
        "validation_failed",
      );
    }
    for (const id of ["not-an-id", foreign.body.id, "01JD3X7M2Q8J5V0K6Y4T9N1C2B"]) {
      assertApiError(await admin.client.json("GET", `${base}/locations/${id}`), 404, "not_found");
      assertApiError(
        await admin.client.json("PATCH", `${base}/locations/${id}`, { active: false }),
        404,
        "not_found",
      );
      assertApiError(
        await admin.client.json("DELETE", `${base}/locations/${id}`),
        404,
        "not_found",
      );
    }
    assertApiError(
      await admin.client.json("GET", `${base}/locations?cursor=!!`),
      400,
      "invalid_cursor",
    );
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("locations: a deleted location stays named by the entries clocked there", async () => {
  await withApp(async (app) => {
    const { admin, base, worker, create } = await setup(app);
    const wh = await create(WAREHOUSE);
    const inRes = await worker.client.json("POST", `${base}/clock/in`, { locationId: wh.id });
    assert.equal(inRes.status, 201, JSON.stringify(inRes.body));
    assert.equal(inRes.body.locationId, wh.id);
    assert.equal(
      (await admin.client.request("DELETE", `${base}/locations/${wh.id}`)).status,
      204,
    );
    const entry = await admin.client.json("GET", `${base}/time-entries/${inRes.body.id}`);
    assert.equal(entry.body.locationId, wh.id);
  });
});

/** Clock in with `body`, then (when it worked) clock out a minute later. */
async function clockInOut(app: TestApp, client: Client, base: string, body: unknown) {
  const res = await client.json("POST", `${base}/clock/in`, body);
  if (res.status === 201) {
    app.clock.advance(60);
    const out = await client.json("POST", `${base}/clock/out`, {});
    assert.equal(out.status, 200);
    app.clock.advance(60);
  }
  return res;
}

function assertOutside(res: JsonAnswer, details: Record<string, unknown>) {
  assertApiError(res, 422, "outside_geofence");
  for (const [k, v] of Object.entries(details)) {
    assert.equal(res.body.error.details[k], v, `${k} in ${JSON.stringify(res.body.error)}`);
  }
}

Deno.test("geofence: with requireLocation on, clock-in needs coordinates and accuracy", async () => {
  await withApp(async (app) => {
    const { base, worker, create, settings } = await setup(app);
    assert.equal((await settings({ requireLocation: true })).status, 200);
    const before = await snapshot(app.store);
    const noSites = await worker.client.json("POST", `${base}/clock/in`, {
      ...WAREHOUSE_POINT,
      accuracy: 5,
    });
    assertApiError(noSites, 422, "no_locations");
    assertSameSnapshot(before, await snapshot(app.store));

    const wh = await create(WAREHOUSE);
    const snap = await snapshot(app.store);
    for (
      const body of [
        {},
        { note: "hi" },
        { locationId: wh.id },
        { latitude: WAREHOUSE.latitude, longitude: WAREHOUSE.longitude },
        { locationId: wh.id, latitude: WAREHOUSE.latitude, longitude: WAREHOUSE.longitude },
      ]
    ) {
      const res = await worker.client.json("POST", `${base}/clock/in`, body);
      assertApiError(res, 422, "location_required");
    }
    // Half a pair is a malformed body, not a missing position.
    assertApiError(
      await worker.client.json("POST", `${base}/clock/in`, { latitude: 1, accuracy: 5 }),
      400,
      "validation_failed",
    );
    assertSameSnapshot(snap, await snapshot(app.store), "refused clock-ins write nothing");
    assert.equal((await worker.client.json("GET", `${base}/clock`)).body.state, "out");
  });
});

const WAREHOUSE_POINT = { latitude: WAREHOUSE.latitude, longitude: WAREHOUSE.longitude };

Deno.test("geofence: exactly on the fence is inside; one meter beyond is outside", async () => {
  await withApp(async (app) => {
    const { base, worker, create, settings } = await setup(app);
    await settings({ requireLocation: true });
    const wh = await create(WAREHOUSE);
    const on = await clockInOut(app, worker.client, base, {
      ...north(WAREHOUSE, 100),
      accuracy: 0,
    });
    assert.equal(on.status, 201, JSON.stringify(on.body));
    assert.equal(on.body.locationId, wh.id);
    const south = await clockInOut(app, worker.client, base, {
      ...north(WAREHOUSE, -100),
      accuracy: 0,
    });
    assert.equal(south.status, 201, JSON.stringify(south.body));
    const before = await snapshot(app.store);
    const beyond = await worker.client.json("POST", `${base}/clock/in`, {
      ...north(WAREHOUSE, 101),
      accuracy: 0,
    });
    assertOutside(beyond, {
      locationId: wh.id,
      distanceMeters: 101,
      radiusMeters: 100,
      accuracyMeters: 0,
    });
    assert.equal(beyond.body.error.message, "You are 101 m from Main St. Warehouse (fence 100 m)");
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("geofence: accuracy widens the fence, but by at most its radius", async () => {
  await withApp(async (app) => {
    const { base, worker, create, settings } = await setup(app);
    await settings({ requireLocation: true });
    const wh = await create(WAREHOUSE);
    // 140 m away, ±50 m: the uncertainty circle reaches the 100 m fence.
    const fair = await clockInOut(app, worker.client, base, {
      ...north(WAREHOUSE, 140),
      accuracy: 50,
    });
    assert.equal(fair.status, 201, JSON.stringify(fair.body));
    assertOutside(
      await worker.client.json("POST", `${base}/clock/in`, {
        ...north(WAREHOUSE, 160),
        accuracy: 50,
      }),
      { distanceMeters: 160, accuracyMeters: 50 },
    );
    // ±5 km earns at most the fence's own radius (100 m): 199 m passes, 201 m and 3 km do not.
    const poor = await clockInOut(app, worker.client, base, {
      ...north(WAREHOUSE, 199),
      accuracy: 5000,
    });
    assert.equal(poor.status, 201, JSON.stringify(poor.body));
    assertOutside(
      await worker.client.json("POST", `${base}/clock/in`, {
        ...north(WAREHOUSE, 201),
        accuracy: 5000,
      }),
      { locationId: wh.id, distanceMeters: 201, radiusMeters: 100, accuracyMeters: 5000 },
    );
    assertOutside(
      await worker.client.json("POST", `${base}/clock/in`, {
        ...north(WAREHOUSE, 3000),
        accuracy: 5000,
      }),
      { distanceMeters: 3000 },
    );
  });
});

Deno.test("geofence: a site on the antimeridian accepts positions on either side of ±180°", async () => {
  await withApp(async (app) => {
    const { base, worker, create, settings } = await setup(app);
    await settings({ requireLocation: true });
    const fiji = await create({
      name: "Taveuni dock",
      latitude: -16.5,
      longitude: 179.9995,
      radiusMeters: 150,
      timeZone: "Pacific/Fiji",
    });
    const across = await clockInOut(app, worker.client, base, {
      latitude: -16.5,
      longitude: -179.9995,
      accuracy: 10,
    });
    assert.equal(across.status, 201, JSON.stringify(across.body));
    assert.equal(across.body.locationId, fiji.id);
    const far = await worker.client.json("POST", `${base}/clock/in`, {
      latitude: -16.5,
      longitude: -179.995,
      accuracy: 10,
    });
    assertOutside(far, { locationId: fiji.id });
    const d = far.body.error.details.distanceMeters;
    assert.ok(d > 550 && d < 620, `about 586 m across the antimeridian, not 38,000 km: ${d}`);
  });
});

Deno.test("geofence: the nearest active site is chosen; inactive ones are ignored", async () => {
  await withApp(async (app) => {
    const { admin, base, worker, create, settings } = await setup(app);
    await settings({ requireLocation: true });
    const wh = await create(WAREHOUSE);
    const shop = await create({ ...WAREHOUSE, name: "Shop", ...north(WAREHOUSE, 1000) });
    const yard = await create({
      ...WAREHOUSE,
      name: "Yard",
      ...north(WAREHOUSE, 1150),
      radiusMeters: 300,
    });
    // 1080 m north: inside both Shop (80 m) and Yard (70 m): the nearer center wins.
    const both = await clockInOut(app, worker.client, base, {
      ...north(WAREHOUSE, 1080),
      accuracy: 5,
    });
    assert.equal(both.body.locationId, yard.id);
    const atShop = await clockInOut(app, worker.client, base, {
      ...north(WAREHOUSE, 990),
      accuracy: 5,
    });
    assert.equal(atShop.body.locationId, shop.id);
    // Outside every fence: the nearest site is named.
    assertOutside(
      await worker.client.json("POST", `${base}/clock/in`, {
        ...north(WAREHOUSE, 500),
        accuracy: 5,
      }),
      { locationId: wh.id, distanceMeters: 500 },
    );
    // A chosen site is checked even when another fence holds the position.
    assertOutside(
      await worker.client.json("POST", `${base}/clock/in`, {
        ...north(WAREHOUSE, 990),
        accuracy: 5,
        locationId: wh.id,
      }),
      { locationId: wh.id, distanceMeters: 990 },
    );

    // Shop deactivated: it is neither chosen nor accepted.
    await admin.client.json("PATCH", `${base}/locations/${shop.id}`, { active: false });
    const atOldShop = await clockInOut(app, worker.client, base, {
      ...north(WAREHOUSE, 1000),
      accuracy: 0,
    });
    assert.equal(atOldShop.body.locationId, yard.id, "Yard's wide fence holds Shop's center");
    const before = await snapshot(app.store);
    // 700 m north: Shop (300 m) would be nearest; of the active ones, Yard (450 m) is.
    assertOutside(
      await worker.client.json("POST", `${base}/clock/in`, {
        ...north(WAREHOUSE, 700),
        accuracy: 0,
      }),
      { locationId: yard.id, distanceMeters: 450 },
    );
    const chosenInactive = await worker.client.json("POST", `${base}/clock/in`, {
      ...north(WAREHOUSE, 1000),
      accuracy: 0,
      locationId: shop.id,
    });
    assertApiError(chosenInactive, 422, "unknown_location");
    assertSameSnapshot(before, await snapshot(app.store));

    // Every site inactive: nowhere to clock in.
    await admin.client.json("PATCH", `${base}/locations/${wh.id}`, { active: false });
    await admin.client.json("PATCH", `${base}/locations/${yard.id}`, { active: false });
    assertApiError(
      await worker.client.json("POST", `${base}/clock/in`, { ...WAREHOUSE_POINT, accuracy: 5 }),
      422,
      "no_locations",
    );
  });
});

Deno.test("geofence: the entry stores the location and both punches' positions", async () => {
  await withApp(async (app) => {
    const { admin, base, worker, create, settings } = await setup(app);
    await settings({ requireLocation: true });
    const wh = await create(WAREHOUSE);
    const at = { ...north(WAREHOUSE, 30), accuracy: 12.5 };
    const inRes = await worker.client.json("POST", `${base}/clock/in`, { ...at, note: "early" });
    assert.equal(inRes.status, 201, JSON.stringify(inRes.body));
    assert.equal(inRes.body.locationId, wh.id);
    assert.deepEqual(inRes.body.clockInGeo, at);
    app.clock.advance(3600);
    const outAt = { ...north(WAREHOUSE, 5000), accuracy: 30 };
    const out = await worker.client.json("POST", `${base}/clock/out`, outAt);
    assert.equal(out.status, 200, "clocking out is never fenced");
    const entry = await admin.client.json("GET", `${base}/time-entries/${inRes.body.id}`);
    assert.equal(entry.body.locationId, wh.id);
    assert.deepEqual(entry.body.clockInGeo, at);
    assert.deepEqual(entry.body.clockOutGeo, outAt);
  });
});

Deno.test("geofence: with requireLocation off, positions are optional and a given site must exist", async () => {
  await withApp(async (app) => {
    const { admin, base, worker, create } = await setup(app);
    const wh = await create(WAREHOUSE);
    const plain = await clockInOut(app, worker.client, base, {});
    assert.equal(plain.status, 201);
    assert.equal(plain.body.locationId, null);
    assert.equal(plain.body.clockInGeo, null);
    // Far away: stored, not refused, no location named.
    const far = await clockInOut(app, worker.client, base, {
      ...north(WAREHOUSE, 5000),
      accuracy: 10,
    });
    assert.equal(far.status, 201);
    assert.equal(far.body.locationId, null);
    assert.deepEqual(far.body.clockInGeo, { ...north(WAREHOUSE, 5000), accuracy: 10 });
    // Inside a fence: that site is named.
    const inside = await clockInOut(app, worker.client, base, { ...WAREHOUSE_POINT });
    assert.equal(inside.body.locationId, wh.id);
    assert.deepEqual(inside.body.clockInGeo, { ...WAREHOUSE_POINT, accuracy: null });
    const chosen = await clockInOut(app, worker.client, base, { locationId: wh.id });
    assert.equal(chosen.body.locationId, wh.id);

    const other = await signUpOrg(app);
    const foreign = await other.client.json(
      "POST",
      `/api/v1/orgs/${other.orgId}/locations`,
      WAREHOUSE,
    );
    await admin.client.json("PATCH", `${base}/locations/${wh.id}`, { active: false });
    const before = await snapshot(app.store);
    for (const locationId of [foreign.body.id, wh.id, "01JD3X7M2Q8J5V0K6Y4T9N1C2B"]) {
      const res = await worker.client.json("POST", `${base}/clock/in`, { locationId });
      assertApiError(res, 422, "unknown_location");
      assert.deepEqual(res.body.error.details, { locationId });
    }
    assertApiError(
      await worker.client.json("POST", `${base}/clock/in`, { locationId: "nope" }),
      400,
      "validation_failed",
    );
    assertSameSnapshot(before, await snapshot(app.store));
  });
});
