/**
 * End to end in Chromium: the real app served on a loopback port, a `:memory:` store and a
 * server clock the test moves by hand. One person signs up through the form, clocks a shift with
 * a break through the Clock island, and finds it in "My week"; a second browser without
 * JavaScript signs in and clocks in through the plain form.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Locator } from "playwright-core";
import { testApp } from "../helpers.ts";
import {
  closeBrowsers,
  ensureBuilt,
  openPage,
  serveApp,
  signIn,
  watchProblems,
} from "./chromium.ts";

const EMAIL = "ada@acme.example";
const PASSWORD = "correct horse battery";
const SCREENSHOT = "/tmp/clock.png";

/** Wait until `locator`'s text matches `pattern`. */
async function waitForText(locator: Locator, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = "";
  while (Date.now() < deadline) {
    last = (await locator.textContent()) ?? "";
    if (pattern.test(last)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`expected ${pattern}, still "${last}"`);
}

Deno.test("browser: sign up, clock a shift through the island, see 2:00 in My week; no-JS form works", async () => {
  await ensureBuilt();
  const app = await testApp();
  const server = serveApp(app);
  const { base } = server;
  const problems: string[] = [];
  try {
    // Sign up through the form.
    const phone = { mobile: true, timezoneId: "Europe/Berlin" };
    const page = await openPage(phone);
    await watchProblems(page, problems);
    await page.goto(`${base}/signup`);
    await page.waitForSelector("html[data-islands=hydrated]");
    // The time zone enhancement picked the browser's zone; pick the organization's explicitly.
    assert.equal(await page.getByLabel("Time zone").inputValue(), "Europe/Berlin");
    await page.getByLabel("Organization name").fill("Acme Bakery");
    await page.getByLabel("Time zone").selectOption("America/New_York");
    await page.getByLabel("Your name").fill("Ada Baker");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/o\/[0-9A-Z]{26}\/clock\?ok=welcome$/);
    const clockUrl = page.url();
    const orgId = new URL(clockUrl).pathname.split("/")[2];
    await page.waitForSelector("html[data-islands=hydrated]");
    const status = page.locator("#clock-status");
    const timer = page.locator(".clock-timer");
    assert.match((await status.textContent())!, /clocked out/);

    // Clock a shift through the island: every punch is a fetch to the JSON API, no navigation.
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
    });
    let navigations = 0;
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) navigations++;
    });
    // 2026-11-02 08:00 UTC is 03:00 in New York.
    await page.getByRole("button", { name: "Clock in" }).click();
    await waitForText(status, /Clocked in since 3:00\sAM/);
    app.clock.advance(3600);
    await page.getByRole("button", { name: "Start break" }).click();
    await waitForText(status, /On a break since 4:00\sAM/);
    assert.equal(await timer.getAttribute("data-seconds"), "3600", "worked time stops on break");
    app.clock.advance(15 * 60);
    await page.getByRole("button", { name: "End break" }).click();
    await waitForText(status, /Clocked in since 3:00\sAM/);
    app.clock.advance(3600);
    await page.getByRole("button", { name: "Clock out" }).click();
    await waitForText(status, /Clocked out at 5:15\sAM: 2:00 worked/);
    assert.equal(await timer.getAttribute("data-seconds"), "7200", "today's total");
    assert.equal(await page.getByRole("button", { name: "Clock in" }).isVisible(), true);
    assert.deepEqual(
      posts,
      ["in", "break/start", "break/end", "out"].map((p) => `/api/v1/orgs/${orgId}/clock/${p}`),
    );
    assert.equal(navigations, 0, "punches must not reload the page");

    // My week shows the entry, the day and the week, all 2:00 (7200 s exactly).
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My week" })
      .click();
    await page.waitForURL(/\/week$/);
    const entries = page.locator("[data-entry-id]");
    assert.equal(await entries.count(), 1);
    const worked = entries.locator(".entry-worked time");
    assert.equal(await worked.textContent(), "2:00");
    assert.equal(await worked.getAttribute("data-seconds"), "7200");
    const monday = page.locator('[data-day="2026-11-02"]');
    const dayTotal = monday.locator("[data-total=day] time");
    assert.equal(await dayTotal.textContent(), "2:00");
    assert.equal(await dayTotal.getAttribute("data-seconds"), "7200");
    const weekTotal = page.locator("[data-total=week] time");
    assert.equal(await weekTotal.textContent(), "2:00");
    assert.equal(await weekTotal.getAttribute("data-seconds"), "7200");
    assert.match((await monday.locator(".entry-time").textContent())!, /3:00\sAM – 5:15\sAM/);
    assert.match((await monday.locator(".entry-meta").textContent())!, /Break 0:15/);
    // The week page has no island, so no script.
    assert.equal(await page.locator("script").count(), 0);

    // Without JavaScript: sign in and clock in through the plain form.
    const plain = await openPage({ ...phone, javaScriptEnabled: false });
    await watchProblems(plain, problems, { label: "no-JS" });
    await signIn(plain, base, EMAIL, `/o/${orgId}/clock`, PASSWORD);
    assert.match((await plain.locator("#clock-status").textContent())!, /clocked out/);
    app.clock.advance(30 * 60);
    await plain.getByRole("button", { name: "Clock in" }).click();
    await plain.waitForURL(/\/clock\?ok=clocked_in$/);
    assert.match(
      (await plain.locator("#clock-status").textContent())!,
      /Clocked in since 5:45\sAM/,
    );
    assert.equal(await plain.getByRole("status").first().textContent(), "You clocked in.");
    assert.equal(await plain.locator("html").getAttribute("data-islands"), null, "no hydration");
    app.clock.advance(10 * 60);
    await plain.getByRole("button", { name: "Start break" }).click();
    await plain.waitForURL(/\/clock\?ok=break_started$/);
    assert.match(
      (await plain.locator("#clock-status").textContent())!,
      /On a break since 5:55\sAM/,
    );

    // Back in the first browser, a reload shows the state the server knows.
    await page.goto(clockUrl.replace(/\?.*$/, ""));
    await page.waitForSelector("html[data-islands=hydrated]");
    await waitForText(status, /On a break since 5:55\sAM/);
    assert.equal(await timer.getAttribute("data-seconds"), "600");
    assert.match((await page.locator(".clock-today").textContent())!, /Today\s*2:10/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});
