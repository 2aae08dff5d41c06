import { equal } from "node:assert/strict";
import { checkFence, distanceMeters } from "./geo.ts";

const site = { latitude: 40.7128, longitude: -74.006 };
/** A point `m` meters north of `p`. */
const north = (p: typeof site, m: number) => ({
  latitude: p.latitude + (m / 6_371_008.8) * (180 / Math.PI),
  longitude: p.longitude,
});

Deno.test("distance: known figures", () => {
  equal(Math.round(distanceMeters(site, north(site, 100))), 100);
  // One degree of longitude at the equator ≈ 111.195 km.
  equal(
    Math.round(distanceMeters({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 })),
    111195,
  );
});

Deno.test("radius boundary: exactly on the fence is inside, a meter beyond is outside", () => {
  equal(checkFence(north(site, 100), 0, site, 100).inside, true);
  equal(checkFence(north(site, 101), 0, site, 100).inside, false);
  equal(checkFence(north(site, 101), 0, site, 100).distanceMeters, 101);
});

Deno.test("accuracy widens the fence, but by at most its radius", () => {
  equal(checkFence(north(site, 140), 50, site, 100).inside, true);
  equal(checkFence(north(site, 160), 50, site, 100).inside, false);
  // Poor accuracy (5 km) cannot pass a 100 m fence 3 km away, nor even 201 m away.
  equal(checkFence(north(site, 3000), 5000, site, 100).inside, false);
  equal(checkFence(north(site, 201), 5000, site, 100).inside, false);
  equal(checkFence(north(site, 199), 5000, site, 100).inside, true);
});

Deno.test("antimeridian: points either side of ±180° are close", () => {
  const fiji = { latitude: -16.5, longitude: 179.9995 };
  const across = { latitude: -16.5, longitude: -179.9995 };
  const d = distanceMeters(fiji, across);
  equal(d > 100 && d < 110, true);
  equal(checkFence(across, 10, fiji, 150).inside, true);
});

Deno.test("near the pole longitudes barely matter", () => {
  const a = { latitude: 89.9999, longitude: 0 };
  const b = { latitude: 89.9999, longitude: 180 };
  equal(Math.round(distanceMeters(a, b)), 22);
});
