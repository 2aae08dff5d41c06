/**
 * The live board in Chromium: the Team page follows the organization's presence stream and
 * changes without reloading when a member clocks in through the API; the clock page follows the
 * member's own stream, so a punch made in another tab shows in this one. Without JavaScript the
 * Team page is the server-rendered board.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Locator } from "playwright-core";
import { addMemberWithLogin, signUpOrg, testApp } from "../helpers.ts";
import {
  closeBrowsers,
  ensureBuilt,
  openPage,
  serveApp,
  signIn,
  watchProblems,
} from "./chromium.ts";
import { presenceHub } from "../../routes/api/live.ts";

/** Wait until `read()` matches `pattern`. */
async function waitFor(read: () => Promise<string | null>, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last: string | null = "";
  while (Date.now() < deadline) {
    last = await read();
    if (pattern.test(last ?? "")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`expected ${pattern}, still "${last}"`);
}

const text = (l: Locator) => () => l.textContent();

Deno.test("browser: the Team page updates live when a member clocks in through the API", async () => {
  await ensureBuilt();
  const app = await testApp();
  const server = serveApp(app);
  const problems: string[] = [];
  try {
    const admin = await signUpOrg(app, "Live Bakery");
    const base = `/api/v1/orgs/${admin.orgId}`;
    const e = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const page = await openPage({ timezoneId: "America/New_York" });
    await watchProblems(page, problems);
    await signIn(page, server.base, admin.email, `/o/${admin.orgId}/team`);
    await page.waitForSelector("html[data-islands=hydrated]");
    await page.waitForSelector("[data-live-status=live]");
    const row = page.locator(`[data-user-id="${e.userId}"]`);
    assert.equal(await row.getAttribute("data-state"), "out");
    const working = page.locator('.stats [data-state="in"] strong');
    assert.equal(await working.textContent(), "0");
    let navigations = 0;
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    // 08:00 UTC is 3:00 AM in New York.
    assert.equal((await e.client.json("POST", `${base}/clock/in`, {})).status, 201);
    await waitFor(() => row.getAttribute("data-state"), /^in$/);
    assert.equal(await working.textContent(), "1");
    assert.match((await row.locator(".since").textContent())!, /since 3:00\sAM/);
    assert.equal(await page.locator(".team-row").first().getAttribute("data-user-id"), e.userId);
    // The duration ticks without a request.
    const since = row.locator(".team-for");
    const first = await since.textContent();
    await waitFor(text(since), new RegExp(`^(?!${first}$)0:00:\\d\\d$`));

    app.clock.advance(3600);
    await e.client.json("POST", `${base}/clock/break/start`, {});
    await waitFor(() => row.getAttribute("data-state"), /^break$/);
    assert.match((await row.locator(".since").textContent())!, /since 4:00\sAM/);
    await e.client.json("POST", `${base}/clock/out`, {});
    await waitFor(() => row.getAttribute("data-state"), /^out$/);
    assert.equal(await row.locator(".since").count(), 0);
    assert.equal(navigations, 0, "no reload");

    // A member added after the page was rendered appears on their first punch.
    const late = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    await late.client.json("POST", `${base}/clock/in`, {});
    await waitFor(
      () => page.locator(`[data-user-id="${late.userId}"]`).getAttribute("data-state"),
      /^in$/,
    );

    // Without JavaScript: the server-rendered board, the same state.
    const plain = await openPage({ javaScriptEnabled: false, timezoneId: "America/New_York" });
    await signIn(plain, server.base, admin.email, `/o/${admin.orgId}/team`);
    assert.equal(
      await plain.locator(`[data-user-id="${late.userId}"]`).getAttribute("data-state"),
      "in",
    );
    assert.equal(await plain.locator("[data-live-status]").count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    assert.equal(presenceHub(app.deps).subscriberCount(), 0, "closed pages left the hub");
    app.close();
  }
});

Deno.test("browser: the clock page shows a punch made in another tab without reloading", async () => {
  await ensureBuilt();
  const app = await testApp();
  const server = serveApp(app);
  const problems: string[] = [];
  try {
    const admin = await signUpOrg(app, "Two Tabs");
    const e = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const clock = `/o/${admin.orgId}/clock`;
    const tabA = await openPage({ timezoneId: "America/New_York" });
    await watchProblems(tabA, problems, { label: "A" });
    await signIn(tabA, server.base, e.email, clock);
    await tabA.waitForSelector("html[data-islands=hydrated]");
    const tabB = await tabA.context().newPage();
    await watchProblems(tabB, problems, { label: "B" });
    await tabB.goto(`${server.base}${clock}`);
    await tabB.waitForSelector("html[data-islands=hydrated]");
    await new Promise((r) => setTimeout(r, 200)); // both streams open
    const statusA = tabA.locator("#clock-status");
    assert.match((await statusA.textContent())!, /clocked out/);
    let navigations = 0;
    tabA.on("framenavigated", (f) => {
      if (f === tabA.mainFrame()) navigations++;
    });

    await tabB.getByRole("button", { name: "Clock in" }).click();
    await waitFor(text(statusA), /Clocked in since 3:00\sAM/);
    assert.equal(await tabA.getByRole("button", { name: "Clock out" }).isVisible(), true);
    app.clock.advance(3600);
    await tabB.getByRole("button", { name: "Start break" }).click();
    await waitFor(text(statusA), /On a break since 4:00\sAM/);
    app.clock.advance(1800);
    await tabB.getByRole("button", { name: "Clock out" }).click();
    await waitFor(text(statusA), /Clocked out at 4:30\sAM/);
    // Worked today: 1:00 (the break is unpaid).
    assert.equal(await tabA.locator(".clock-timer").getAttribute("data-seconds"), "3600");
    // The tab that punched learns the clock-out twice (its answer and its own stream): once.
    await waitFor(text(tabB.locator("#clock-status")), /Clocked out at 4:30\sAM: 1:00 worked/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await tabB.locator(".clock-timer").getAttribute("data-seconds"), "3600");
    assert.equal(await tabA.getByRole("button", { name: "Clock in" }).isVisible(), true);
    assert.equal(navigations, 0, "tab A never reloaded");
    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});
