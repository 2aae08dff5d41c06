import assert from "node:assert/strict";
import { DomainError } from "../errors.ts";
import { decideClockInPlace, type FenceSite } from "./clock_in.ts";

const R = 6_371_008.8;
/** A point `m` meters north of `p`. */
const north = (p: { latitude: number; longitude: number }, m: number) => ({
  latitude: p.latitude + (m / R) * (180 / Math.PI),
  longitude: p.longitude,
});

const shop: FenceSite = {
  id: "SHOP",
  name: "Shop",
  latitude: 40.7128,
  longitude: -74.006,
  radiusMeters: 100,
  active: true,
};
const depot: FenceSite = { ...shop, id: "DEPOT", name: "Depot", ...north(shop, 1000) };
const closed: FenceSite = { ...shop, id: "CLOSED", name: "Closed", active: false };

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DomainError, String(err));
    return err;
  }
  assert.fail("expected a refusal");
}

Deno.test("required: coordinates and accuracy must both be there", () => {
  const none = refusal(() => decideClockInPlace([shop], true, {}));
  assert.equal(none.code, "location_required");
  assert.equal(none.kind, "unprocessable");
  const noAccuracy = refusal(() => decideClockInPlace([shop], true, north(shop, 0)));
  assert.equal(noAccuracy.code, "location_required");
  assert.deepEqual(noAccuracy.details, { missing: ["accuracy"] });
});

Deno.test("required: no active location at all is its own refusal", () => {
  const e = refusal(() => decideClockInPlace([closed], true, { ...north(shop, 0), accuracy: 5 }));
  assert.equal(e.code, "no_locations");
});

Deno.test("required: the fence boundary counts as inside, a meter beyond does not", () => {
  const on = decideClockInPlace([shop], true, { ...north(shop, 100), accuracy: 0 });
  assert.equal(on.locationId, "SHOP");
  const beyond = refusal(() =>
    decideClockInPlace([shop], true, { ...north(shop, 101), accuracy: 0 })
  );
  assert.equal(beyond.code, "outside_geofence");
  assert.deepEqual(beyond.details, {
    locationId: "SHOP",
    locationName: "Shop",
    distanceMeters: 101,
    radiusMeters: 100,
    accuracyMeters: 0,
  });
  assert.equal(beyond.message, "You are 101 m from Shop (fence 100 m)");
});

Deno.test("required: the nearest fence holding the position is chosen; else the nearest is reported", () => {
  const nearDepot = { ...north(shop, 950), accuracy: 10 };
  assert.equal(decideClockInPlace([shop, depot], true, nearDepot).locationId, "DEPOT");
  // A wide fence further away holds the position while the nearest center's fence does not.
  const wide: FenceSite = { ...depot, id: "WIDE", radiusMeters: 900 };
  const between = { ...north(shop, 300), accuracy: 0 };
  assert.equal(decideClockInPlace([shop, wide], true, between).locationId, "WIDE");
  const lost = refusal(() => decideClockInPlace([shop, depot], true, between));
  assert.equal((lost.details as { locationId: string }).locationId, "SHOP");
});

Deno.test("a chosen location must be active and is checked even when another fence fits", () => {
  const atShop = { ...north(shop, 10), accuracy: 5 };
  const e = refusal(() =>
    decideClockInPlace([shop, depot], true, { ...atShop, locationId: "DEPOT" })
  );
  assert.equal(e.code, "outside_geofence");
  const inactive = refusal(() =>
    decideClockInPlace([shop, closed], true, { ...atShop, locationId: "CLOSED" })
  );
  assert.equal(inactive.code, "unknown_location");
  const unknown = refusal(() => decideClockInPlace([shop], false, { locationId: "NOPE" }));
  assert.equal(unknown.code, "unknown_location");
});

Deno.test("not required: anything goes, and a position inside a fence names its location", () => {
  assert.deepEqual(decideClockInPlace([shop], false, {}), { locationId: null, geo: null });
  const far = { ...north(shop, 5000), accuracy: 20 };
  assert.deepEqual(decideClockInPlace([shop], false, far), {
    locationId: null,
    geo: { latitude: far.latitude, longitude: far.longitude, accuracy: 20 },
  });
  assert.equal(
    decideClockInPlace([shop], false, { ...far, locationId: "SHOP" }).locationId,
    "SHOP",
  );
  const near = north(shop, 20);
  assert.deepEqual(decideClockInPlace([shop, closed], false, near), {
    locationId: "SHOP",
    geo: { ...near, accuracy: null },
  });
});
