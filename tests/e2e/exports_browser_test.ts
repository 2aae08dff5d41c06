/**
 * The exports page in Chromium: an admin submits an export, the row shows a progress bar while
 * the job waits, the island polls `GET …/exports/{id}` and swaps in the download link once the
 * job has run; the link serves the CSV. axe-core's WCAG 2 A/AA rules pass on the page. An
 * employee's form has no member choice and only their own kinds.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import assert from "node:assert/strict";
import { violations } from "./axe.ts";
import { addMemberWithLogin, signUpOrg } from "../helpers.ts";
import { openPage, signIn, watchProblems, withServedApp } from "./chromium.ts";
import { addEntry, handlerOf, HeldTransport } from "../api/exports_support.ts";

Deno.test("browser: an export's progress bar reaches its download link", async () => {
  const transport = new HeldTransport();
  await withServedApp(async (app, base) => {
    const admin = await signUpOrg(app, "Exports Co");
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    await addEntry(admin.client, admin.orgId, worker.userId, Date.UTC(2026, 9, 28, 13), 8);
    const path = `/o/${admin.orgId}/exports`;
    const problems: string[] = [];
    const page = await openPage({ bypassCSP: true });
    await watchProblems(page, problems, { ignore: /status of 40[14]/ });
    await signIn(page, base, admin.email, path);
    assert.ok(
      await page.getByRole("navigation").getByRole("link", { name: "Exports" }).isVisible(),
      "nav link",
    );
    assert.ok(await page.getByText("No exports yet.").isVisible());

    await page.getByLabel("What", { exact: true }).selectOption("time_entries");
    await page.getByLabel("Format", { exact: true }).selectOption("csv");
    await page.getByLabel("From", { exact: true }).fill("2026-10-01");
    await page.getByLabel("To", { exact: true }).fill("2026-10-31");
    await page.getByRole("button", { name: "Export" }).click();
    await page.getByText("Export started.").waitFor();
    const bar = page.locator("#exports-table progress");
    await bar.waitFor();
    assert.equal(await bar.count(), 1, "a progress bar while the job waits");
    assert.deepEqual(await violations(page), []);

    // The job runs; the island sees it on its next poll.
    const handler = handlerOf(app, transport);
    for (const job of transport.take("run_export")) await handler(job);
    const link = page.getByRole("link", { name: /Download clockflow-time_entries/ });
    await link.waitFor({ timeout: 5_000 });
    assert.equal(await bar.count(), 0, "the bar is gone");
    const href = (await link.getAttribute("href")) ?? "";
    assert.match(href, new RegExp(`/api/v1/orgs/${admin.orgId}/exports/[0-9A-Z]{26}/download$`));
    const file = await page.request.get(href);
    assert.equal(file.status(), 200);
    assert.match(file.headers()["content-disposition"], /^attachment; filename="/);
    assert.match(await file.text(), /^Member,Date,Start,End/);
    assert.deepEqual(await violations(page), []);

    // An employee chooses among their own kinds and no member.
    const employeePage = await openPage();
    await signIn(employeePage, base, worker.email, path);
    const kinds = await employeePage.getByLabel("What", { exact: true }).locator("option")
      .allTextContents();
    assert.deepEqual(kinds, ["Time entries", "Timesheets"]);
    assert.equal(await employeePage.getByLabel("Member", { exact: true }).count(), 0);
    assert.equal(await employeePage.getByText("Scheduled report").count(), 0);
    assert.deepEqual(problems, []);
  }, { jobs: transport });
});
