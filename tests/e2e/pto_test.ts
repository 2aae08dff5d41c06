/**
 * End to end in Chromium: an employee requests a day off through the "Time off" page, a manager
 * (in a browser without JavaScript) approves it, and the employee's available balance goes down
 * by the day; the team calendar shows it. The server clock is the test's.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { addMemberWithLogin, signUpOrg, testApp } from "../helpers.ts";
import { closeBrowsers, openPage, serveApp, signIn, watchProblems } from "./chromium.ts";
import { dump, post } from "./pages_support.ts";

const SCREENSHOT = "/tmp/pto.png";

/** The available seconds of a type's balance card. */
async function available(page: Page, typeId: string): Promise<number> {
  const text = await page.locator(`[data-type-id=${typeId}] [data-balance=available]`)
    .first().getAttribute("data-seconds");
  return Number(text);
}

Deno.test("browser: an employee requests a day off, a manager approves it, the balance goes down", async () => {
  const app = await testApp();
  // Monday 2026-11-02, 10:00 in New York.
  app.clock.ms = Date.UTC(2026, 10, 2, 15, 0, 0);
  const server = serveApp(app);
  const { base } = server;
  const problems: string[] = [];
  try {
    const admin = await signUpOrg(app, "Acme Bakery", "America/New_York");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const adj = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/pto/adjustments`, {
      userId: employee.userId,
      typeId: "vacation",
      seconds: 16 * 3600,
      reason: "Opening balance",
    });
    assert.equal(adj.status, 201);
    const ptoPath = `/o/${admin.orgId}/pto`;

    // The employee finds "Time off" in the navigation and requests Thursday off.
    const phone = { mobile: true, timezoneId: "America/New_York" };
    const page = await openPage(phone);
    await watchProblems(page, problems);
    await signIn(page, base, employee.email, `/o/${admin.orgId}/clock`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Time off" })
      .click();
    await page.waitForURL((url) => url.pathname === ptoPath);
    assert.equal(await available(page, "vacation"), 16 * 3600);
    assert.match(
      (await page.locator("[data-type-id=vacation] .pto-balance-main").textContent())!,
      /16:00 h available/,
    );
    await page.getByLabel("Type").selectOption("vacation");
    await page.getByLabel("First day").fill("2026-11-05");
    await page.getByLabel("Note").fill("Dentist and a long weekend");
    await page.getByRole("button", { name: "Send request" }).click();
    await page.waitForURL(/ok=pto_requested/);
    assert.equal(await page.getByRole("status").first().textContent(), "Time off requested.");
    const mine = page.locator("[data-request-id]");
    assert.equal(await mine.count(), 1);
    assert.equal(await mine.getAttribute("data-status"), "pending");
    assert.match((await mine.textContent())!, /Thu, Nov 5.*1 day, 8:00 h/s);
    const pending = page.locator("[data-type-id=vacation] [data-balance=pending]");
    assert.equal(await pending.getAttribute("data-seconds"), String(8 * 3600));
    assert.equal(await available(page, "vacation"), 16 * 3600, "pending does not count yet");

    // The manager approves it from a browser without JavaScript.
    const plain = await openPage({ ...phone, javaScriptEnabled: false });
    await watchProblems(plain, problems);
    await signIn(plain, base, manager.email, ptoPath);
    const waiting = plain.locator("section", { has: plain.locator("#pto-approvals") })
      .locator("[data-request-id]");
    assert.equal(await waiting.count(), 1);
    assert.match((await waiting.textContent())!, /Member \d+ · Vacation/);
    await waiting.getByRole("button", { name: /^Approve/ }).click();
    await plain.waitForURL(/ok=pto_approved/);
    assert.equal(await plain.getByRole("status").first().textContent(), "Request approved.");
    assert.match(
      (await plain.locator("#pto-approvals ~ .empty").textContent()) ?? "",
      /No requests are waiting/,
    );
    // The calendar of the month lists the day.
    const day = plain.locator('[data-date="2026-11-05"]');
    assert.match((await day.textContent())!, /Member \d+\s+Vacation\s+8:00 h/);

    // Back to the employee: the request is approved and 8 h less are available.
    await page.reload();
    assert.equal(await mine.getAttribute("data-status"), "approved");
    assert.equal(await available(page, "vacation"), 8 * 3600);
    assert.equal(
      await page.locator("[data-type-id=vacation] [data-balance=scheduled]").getAttribute(
        "data-seconds",
      ),
      String(8 * 3600),
    );
    assert.match((await page.locator('[data-date="2026-11-05"]').textContent())!, /Vacation/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await plain.screenshot({ path: "/tmp/pto-manager.png", fullPage: true });

    // The employee cancels it (it has not started): the hours come back.
    await mine.getByRole("button", { name: /^Cancel request/ }).click();
    await page.waitForURL(/ok=pto_cancelled/);
    assert.equal(await mine.getAttribute("data-status"), "cancelled");
    assert.equal(await available(page, "vacation"), 16 * 3600);

    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});

Deno.test("pages: the time-off forms work without JavaScript and show errors by their fields", async () => {
  const app = await testApp();
  app.clock.ms = Date.UTC(2026, 10, 2, 15, 0, 0);
  try {
    const admin = await signUpOrg(app, "Acme Bakery", "America/New_York");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const path = `/o/${admin.orgId}/pto`;
    const api = `/api/v1/orgs/${admin.orgId}/pto`;

    const page = await employee.client.request("GET", path);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<h2 id="pto-new">Request time off<\/h2>/);
    assert.doesNotMatch(html, /Waiting for approval/, "employees decide nothing");
    assert.doesNotMatch(html, /<script/, "no JavaScript on this page");

    // Refused forms answer 4xx with the page, the error next to its field, and change nothing.
    const before = await dump(app);
    let res = await post(employee.client, path, {
      intent: "request",
      typeId: "vacation",
      startDate: "2026-02-30",
    });
    assert.equal(res.status, 400);
    let text = await res.text();
    assert.match(text, /id="pto-start"[^>]*aria-invalid="true"/);
    // The message is the use case's (one definition of a date for the API and the form).
    assert.match(text, /use a real date as YYYY-MM-DD/);
    res = await post(employee.client, path, {
      intent: "request",
      typeId: "vacation",
      startDate: "2026-11-05",
      hours: "9",
    });
    assert.equal(res.status, 400);
    text = await res.text();
    assert.match(text, /id="pto-hours"[^>]*aria-invalid="true"/);
    assert.match(text, /a partial day is at most a full day/);
    assert.match(text, /value="9"/, "what was typed is kept");
    res = await post(employee.client, path, {
      intent: "approve",
      requestId: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
    });
    assert.equal(res.status, 403);
    assert.equal(await dump(app), before);
    assert.equal((await employee.client.request("GET", `${path}/balances`)).status, 403);
    assert.equal((await employee.client.request("GET", `${path}?month=2026-13`)).status, 400);

    // A partial day through the form.
    res = await post(employee.client, path, {
      intent: "request",
      typeId: "unpaid",
      startDate: "2026-11-05",
      endDate: "",
      hours: "2.5",
      note: "School play",
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `${path}?ok=pto_requested`);
    const list = await employee.client.json("GET", `${api}/requests`);
    assert.equal(list.body.data.length, 1);
    const req = list.body.data[0];
    assert.deepEqual([req.secondsPerDay, req.totalSeconds, req.note], [9000, 9000, "School play"]);

    // The manager's reject form needs a reason; it opens itself with the error.
    res = await post(manager.client, `${path}?month=2026-11`, {
      intent: "reject",
      requestId: req.id,
    });
    assert.equal(res.status, 400);
    text = await res.text();
    assert.match(text, /<details open><summary>Reject/);
    assert.match(text, new RegExp(`id="r-${req.id}-reason"[^>]*aria-invalid="true"`));
    res = await post(manager.client, `${path}?month=2026-11`, {
      intent: "reject",
      requestId: req.id,
      reason: "Short-staffed",
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `${path}?month=2026-11&ok=pto_rejected`);
    assert.equal(
      (await employee.client.json("GET", `${api}/requests/${req.id}`)).body.status,
      "rejected",
    );
    // Ids from elsewhere are simply not found.
    res = await post(manager.client, path, { intent: "cancel", requestId: "not-an-id" });
    assert.equal(res.status, 404);

    // Adjustments on the balances page.
    const balances = await manager.client.request(
      "GET",
      `${path}/balances?member=${employee.userId}`,
    );
    assert.equal(balances.status, 200);
    assert.match(await balances.text(), /Adjust a balance/);
    res = await post(manager.client, `${path}/balances?member=${employee.userId}`, {
      intent: "adjust",
      userId: employee.userId,
      typeId: "vacation",
      hours: "0",
      reason: "nothing",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /id="adj-hours"[^>]*aria-invalid="true"/);
    res = await post(manager.client, `${path}/balances?member=${employee.userId}`, {
      intent: "adjust",
      userId: employee.userId,
      typeId: "vacation",
      hours: "-2.5",
      reason: "Correction",
    });
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("location"),
      `${path}/balances?member=${employee.userId}&ok=pto_adjusted`,
    );
    const ledger = await employee.client.json("GET", `${api}/ledger?typeId=vacation`);
    assert.deepEqual(
      ledger.body.data.map((
        l: { kind: string; seconds: number; note: string },
      ) => [l.kind, l.seconds, l.note]),
      [["adjustment", -9000, "Correction"]],
    );
    const after = await manager.client.request(
      "GET",
      `${path}/balances?member=${employee.userId}&ok=pto_adjusted`,
    );
    const afterHtml = await after.text();
    assert.match(afterHtml, /Balance adjusted\./);
    assert.match(afterHtml, /data-balance="available">−2:30</);
    assert.equal(
      (await manager.client.request("GET", `${path}/balances?member=01ARZ3NDEKTSV4RRFFQ69G5FAV`))
        .status,
      404,
    );
  } finally {
    app.close();
  }
});
