/**
 * End to end in Chromium: an employee submits their timesheet, a manager approves it from the
 * team review page with the bulk "Approve selected" action, and both then see the period
 * locked — the employee's timesheet says so and the manager's correction forms are disabled.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg, testApp } from "../helpers.ts";
import { closeBrowsers, openPage, serveApp, signIn, watchProblems } from "./chromium.ts";
import { post as postForm } from "./pages_support.ts";

const TZ = "America/New_York";

function local(date: string, time: string): string {
  const ms = Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(TZ).epochMilliseconds;
  return new Date(ms).toISOString();
}

Deno.test("browser: an employee submits, a manager approves from the team review, the period is locked", async () => {
  const app = await testApp();
  app.clock.ms = Date.parse(local("2026-11-20", "12:00"));
  const admin = await signUpOrg(app, "Acme Timesheets", TZ);
  const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
  const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const api = `/api/v1/orgs/${admin.orgId}`;
  for (
    const [date, from, to] of [["2026-10-27", "08:00", "17:00"], ["2026-10-28", "09:00", "17:30"]]
  ) {
    const res = await manager.client.json("POST", `${api}/time-entries`, {
      userId: employee.userId,
      start: local(date, from),
      end: local(date, to),
      reason: "paper timesheet",
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const server = serveApp(app);
  const { base } = server;
  const problems: string[] = [];
  const sheetPath = `/o/${admin.orgId}/timesheets?date=2026-11-02`;
  const reviewPath = `/o/${admin.orgId}/timesheets/review?date=2026-11-02`;
  try {
    // The employee opens their timesheet for Oct 26 – Nov 8 and submits it.
    const desktop = { viewport: { width: 1100, height: 900 }, timezoneId: TZ };
    const emp = await openPage(desktop);
    await watchProblems(emp, problems, { label: "employee" });
    await signIn(emp, base, employee.email, sheetPath);
    assert.match((await emp.locator("h1").textContent())!, /My timesheet/);
    assert.match((await emp.locator(".lead").first().textContent())!, /Oct 26 – Nov 8, 2026/);
    assert.equal(await emp.locator("[data-status]").first().getAttribute("data-status"), "open");
    const worked = emp.locator("[data-total=worked] time");
    assert.equal(await worked.getAttribute("data-seconds"), String(17.5 * 3600));
    assert.equal(await emp.getByRole("button", { name: "Approve" }).count(), 0);
    await emp.getByRole("button", { name: "Submit for approval" }).click();
    await emp.waitForURL(/ok=timesheet_submitted/);
    assert.equal(
      await emp.getByRole("status").first().textContent(),
      "Timesheet submitted for approval.",
    );
    assert.equal(
      await emp.locator("[data-status]").first().getAttribute("data-status"),
      "submitted",
    );

    // The manager reviews the team's period and approves the selection.
    const mgr = await openPage(desktop);
    await watchProblems(mgr, problems, { label: "manager" });
    await signIn(mgr, base, manager.email, reviewPath);
    const row = mgr.locator(`tr[data-user-id="${employee.userId}"]`);
    assert.equal(await row.locator("[data-status]").getAttribute("data-status"), "submitted");
    assert.equal(
      await row.locator("[data-col=worked] time").getAttribute("data-seconds"),
      String(17.5 * 3600),
    );
    // Only submitted timesheets can be selected.
    assert.equal(await mgr.locator('input[name="ids"]').count(), 1);
    await row.getByRole("checkbox").check();
    await mgr.getByRole("button", { name: "Approve selected" }).click();
    await mgr.waitForURL(/ok=timesheets_approved/);
    assert.equal(
      await mgr.getByRole("status").first().textContent(),
      "The selected timesheets are approved and locked.",
    );
    const approvedRow = mgr.locator(`tr[data-user-id="${employee.userId}"]`);
    assert.equal(
      await approvedRow.locator("[data-status]").getAttribute("data-status"),
      "approved",
    );
    // A manager cannot reopen; the button is for admins.
    assert.equal(await approvedRow.getByRole("button", { name: /Reopen/ }).count(), 0);

    // The manager's correction forms for that week are disabled, with the reason.
    await mgr.goto(`${base}/o/${admin.orgId}/team/${employee.userId}?date=2026-10-28`);
    const entry = mgr.locator("[data-entry-id]").first();
    assert.match((await entry.locator(".entry-meta").textContent())!, /Locked/);
    await entry.getByText("Edit or delete").click();
    assert.match(
      (await entry.locator("[data-locked]").textContent())!,
      /approved timesheet for Oct 26 – Nov 8, 2026/,
    );
    assert.equal(await entry.getByRole("button", { name: "Save changes" }).isDisabled(), true);
    assert.equal(await entry.getByRole("button", { name: "Delete entry" }).isDisabled(), true);

    // The employee sees the approved, locked timesheet.
    await emp.goto(`${base}${sheetPath}`);
    assert.equal(
      await emp.locator("[data-status]").first().getAttribute("data-status"),
      "approved",
    );
    assert.match((await emp.locator("[data-locked]").first().textContent())!, /locked/);
    assert.equal(await emp.getByRole("button", { name: "Submit for approval" }).count(), 0);
    await emp.screenshot({ path: "/tmp/timesheet-approved.png", fullPage: true });

    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});

Deno.test("pages: employees correct their own entries on the timesheet page when allowed; reports explain overtime", async () => {
  const app = await testApp();
  try {
    app.clock.ms = Date.parse(local("2026-11-20", "12:00"));
    const admin = await signUpOrg(app, "Acme Pages", TZ);
    const emp = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const api = `/api/v1/orgs/${admin.orgId}`;
    const path = `/o/${admin.orgId}/timesheets?date=2026-11-10`;
    const post = (fields: Record<string, string>, client = emp.client, to = path) =>
      postForm(client, to, fields);
    const add = {
      intent: "add",
      start: "2026-11-10T08:00",
      end: "2026-11-10T18:00",
      reason: "forgot to clock in",
    };
    // Not allowed yet: the page has no forms, and a post is refused.
    let html = await (await emp.client.request("GET", path)).text();
    assert.doesNotMatch(html, /Add an entry/);
    assert.equal((await post(add)).status, 403);
    await admin.client.json("PATCH", `${api}/settings`, {
      employeesCanEditOwnEntries: true,
      overtime: { preset: "california" },
    });
    html = await (await emp.client.request("GET", path)).text();
    assert.match(html, /Add an entry/);
    const res = await post(add);
    assert.equal(res.status, 303, await res.text());
    assert.match(res.headers.get("location")!, /ok=entry_added/);
    html = await (await emp.client.request("GET", path)).text();
    assert.match(html, /Tue: 2 h daily overtime \(over 8 h\) at 1\.5×/);
    // A missing reason comes back with the form and its message.
    const bad = await post({
      ...add,
      start: "2026-11-11T08:00",
      end: "2026-11-11T09:00",
      reason: "",
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /Enter a reason/);

    // The report page explains the same overtime to a manager.
    const report = await admin.client.request(
      "GET",
      `/o/${admin.orgId}/reports/hours?from=2026-11-09&to=2026-11-15&userId=${emp.userId}`,
    );
    assert.equal(report.status, 200);
    const text = await report.text();
    assert.match(text, /Tue: 2 h daily overtime \(over 8 h\) at 1\.5×/);
    assert.match(text, /no rate/);
    const invalid = await admin.client.request(
      "GET",
      `/o/${admin.orgId}/reports/hours?from=2026-11-15&to=2026-11-09`,
    );
    assert.equal(invalid.status, 400);
    assert.match(await invalid.text(), /on or after the start/);
    // Employees have no report page.
    assert.equal(
      (await emp.client.request("GET", `/o/${admin.orgId}/reports/hours`)).status,
      403,
    );

    // Approved: the page refuses changes with the lock's explanation.
    const id = `2026-11-09.${emp.userId}`;
    assert.equal((await emp.client.json("POST", `${api}/timesheets/${id}/submit`, {})).status, 200);
    // The review page rejects a bulk approval with nothing selected, then approves all.
    const review = `/o/${admin.orgId}/timesheets/review?date=2026-11-10`;
    const none = await post({ intent: "approve" }, admin.client, review);
    assert.equal(none.status, 400);
    const all = await post({ intent: "approve", all: "submitted" }, admin.client, review);
    assert.equal(all.status, 303);
    assert.match(all.headers.get("location")!, /ok=timesheets_approved/);
    const locked = await post({ ...add, start: "2026-11-12T08:00", end: "2026-11-12T09:00" });
    assert.equal(locked.status, 409);
    assert.match(await locked.text(), /approved timesheet/);
    html = await (await emp.client.request("GET", path)).text();
    assert.match(html, /Approved and locked/);
    assert.match(html, /<fieldset class="plain" disabled/);
    assert.doesNotMatch(html, /Add an entry/);
  } finally {
    app.close();
  }
});
