/**
 * The Clock island and geofences in Chromium: with `requireLocation` on, the island reads the
 * browser's position, preselects the nearest location in the picker, shows the server's
 * `outside_geofence` answer in words, clocks in inside the fence with the position stored, and
 * explains a blocked permission without calling the API.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { signUpOrg, testApp } from "../helpers.ts";
import { closeBrowsers, ensureBuilt, openPage, serveApp, watchProblems } from "./chromium.ts";

const R = 6_371_008.8;
const SITE = { latitude: 40.7128, longitude: -74.006 };
/** Latitude `m` meters north of the site. */
const north = (m: number) => SITE.latitude + (m / R) * (180 / Math.PI);

/** Page errors and console errors, but not the network log line of an expected 4xx. */
const WATCH = { ignore: /status of 422/ };

Deno.test("browser: the clock island fences clock-in with the device's position", async () => {
  await ensureBuilt();
  const app = await testApp();
  const server = serveApp(app);
  const { base } = server;
  const problems: string[] = [];
  try {
    const admin = await signUpOrg(app, "Geo", "America/New_York");
    const api = `/api/v1/orgs/${admin.orgId}`;
    const mk = async (body: Record<string, unknown>) =>
      (await admin.client.json("POST", `${api}/locations`, body)).body;
    const warehouse = await mk({ name: "Main St. Warehouse", ...SITE, radiusMeters: 100 });
    await mk({
      name: "Depot",
      latitude: north(2000),
      longitude: SITE.longitude,
      radiusMeters: 150,
    });
    await admin.client.json("PATCH", `${api}/settings`, { requireLocation: true });
    const cookie = {
      name: "cf_session",
      value: admin.client.cookies.get("cf_session")!,
      url: base,
    };

    const page = await openPage({
      viewport: { width: 390, height: 844 },
      timezoneId: "America/New_York",
      permissions: ["geolocation"],
      geolocation: { latitude: north(340), longitude: SITE.longitude, accuracy: 20 },
    });
    const located = page.context();
    await located.addCookies([cookie]);
    await watchProblems(page, problems, WATCH);
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.postData() ?? "");
    });
    await page.goto(`${base}/o/${admin.orgId}/clock`);
    await page.waitForSelector("html[data-islands=hydrated]");
    await page.waitForSelector(".clock-geo[data-geo=ok]");
    const picker = page.getByLabel("Location");
    assert.equal(await picker.inputValue(), warehouse.id, "the nearest site is preselected");
    assert.deepEqual(await page.locator("#clock-location option").allTextContents(), [
      "Automatic (nearest)",
      "Main St. Warehouse · 340 m",
      "Depot · 1.7 km",
    ]);

    await page.getByRole("button", { name: "Clock in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.equal(
      await alert.textContent(),
      "You are 340 m from Main St. Warehouse (fence 100 m).",
    );
    const sent = JSON.parse(posts[0]);
    assert.equal(sent.locationId, warehouse.id);
    assert.equal(sent.accuracy, 20);
    assert.ok(Math.abs(sent.latitude - north(340)) < 1e-9);

    // Walk to the site; a fresh page reads the new position.
    await located.setGeolocation({ latitude: north(30), longitude: SITE.longitude, accuracy: 15 });
    await page.reload();
    await page.waitForSelector(".clock-geo[data-geo=ok]");
    await page.getByRole("button", { name: "Clock in" }).click();
    await page.waitForFunction(() =>
      document.querySelector("#clock-status")?.textContent?.startsWith("Clocked in at")
    );
    assert.match(
      (await page.locator("#clock-status").textContent())!,
      /^Clocked in at Main St\. Warehouse since 3:00\sAM$/,
    );
    const status = (await admin.client.json("GET", `${api}/time-entries`)).body.data[0];
    assert.equal(status.locationId, warehouse.id);
    assert.deepEqual(status.clockInGeo, {
      latitude: north(30),
      longitude: SITE.longitude,
      accuracy: 15,
    });
    app.clock.advance(3600);
    await page.getByRole("button", { name: "Clock out" }).click();
    await page.waitForFunction(() =>
      document.querySelector("#clock-status")?.textContent?.startsWith("Clocked out")
    );
    const closed = (await admin.client.json("GET", `${api}/time-entries`)).body.data[0];
    assert.equal(closed.clockOutGeo.accuracy, 15, "clock-out sends the position too");

    // Permission not granted: the island explains and does not call the API.
    const denied = await openPage({ timezoneId: "America/New_York" });
    await denied.context().addCookies([cookie]);
    await watchProblems(denied, problems, WATCH);
    let deniedPosts = 0;
    denied.on("request", (r) => {
      if (r.method() === "POST") deniedPosts++;
    });
    await denied.goto(`${base}/o/${admin.orgId}/clock`);
    await denied.waitForSelector("html[data-islands=hydrated]");
    await denied.waitForSelector(".clock-geo[data-geo=denied]");
    await denied.getByRole("button", { name: "Clock in" }).click();
    await denied.getByRole("alert").waitFor();
    assert.match((await denied.getByRole("alert").textContent())!, /Location access is blocked/);
    assert.equal(deniedPosts, 0);

    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});
