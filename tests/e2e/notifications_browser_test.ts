/**
 * The Notifications page in Chromium: an employee finds it in the navigation, turns an email off
 * and Slack on with the checkbox grid (the API then says the same), sees only their role's
 * kinds and no organization settings; an admin saves the still-clocked-in threshold and has a
 * private Slack URL refused next to its field; a mailed unsubscribe link opened in a browser
 * without a session turns that email off. axe-core's WCAG 2 A/AA rules on both pages.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import assert from "node:assert/strict";
import { violations } from "./axe.ts";
import { addMemberWithLogin, signUpOrg } from "../helpers.ts";
import { openPage, signIn, watchProblems, withServedApp } from "./chromium.ts";
import { KvMailbox } from "../../lib/mail/mail.ts";
import { createJobHandler } from "../../jobs/mod.ts";
import { newJob } from "../../lib/jobs/jobs.ts";

Deno.test("browser: a member chooses their notifications; an admin sets the organization's", async () => {
  await withServedApp(async (app, base) => {
    const admin = await signUpOrg(app, "Notify Co");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const path = `/o/${admin.orgId}/notifications`;
    const problems: string[] = [];

    const page = await openPage({ bypassCSP: true });
    await watchProblems(page, problems, { ignore: /status of 4\d\d/ });
    await signIn(page, base, employee.email, `/o/${admin.orgId}/clock`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", {
      name: "Notifications",
    }).click();
    await page.waitForURL(`${base}${path}`);
    const rows = await page.locator("#notification-preferences tbody th").allTextContents();
    assert.deepEqual(rows, [
      "My time-off request is approved or rejected",
      "My timesheet is rejected",
      "I am still clocked in after many hours",
    ]);
    assert.equal(await page.getByRole("heading", { name: /Organization notification/ }).count(), 0);
    const email = page.getByRole("checkbox", { name: "My timesheet is rejected: email" });
    const slack = page.getByRole("checkbox", { name: "My timesheet is rejected: Slack" });
    assert.ok(await email.isChecked(), "email on by default");
    assert.ok(!(await slack.isChecked()), "Slack off by default");
    assert.deepEqual(await violations(page), [], "WCAG on the member's page");
    await email.uncheck();
    await slack.check();
    await page.getByRole("button", { name: "Save my notifications" }).click();
    await page.getByText("Your notifications are saved.").waitFor();
    assert.ok(!(await email.isChecked()));
    assert.ok(await slack.isChecked());
    const api = await employee.client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/notification-preferences`,
    );
    assert.deepEqual(api.body.preferences.timesheet_rejected, { email: false, slack: true });
    assert.deepEqual(api.body.preferences.pto_request_decided, { email: true, slack: false });

    // The admin: the organization's settings, with the real outbound policy.
    const adminPage = await openPage({ bypassCSP: true });
    await watchProblems(adminPage, problems, { label: "admin", ignore: /status of 4\d\d/ });
    await signIn(adminPage, base, admin.email, path);
    assert.ok(await adminPage.getByText("Slack is not connected.").isVisible());
    await adminPage.getByLabel("Remind people still clocked in after").selectOption("9");
    await adminPage.getByRole("button", { name: "Save organization settings" }).click();
    await adminPage.getByText("The organization's notification settings are saved.").waitFor();
    const settings = await admin.client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/notification-settings`,
    );
    assert.equal(settings.body.stillClockedInHours, 9);
    await adminPage.getByLabel(/Slack incoming-webhook URL/).fill("https://10.0.0.7/services/x");
    await adminPage.getByRole("button", { name: "Save organization settings" }).click();
    await adminPage.getByRole("alert").first().waitFor();
    assert.match(await adminPage.getByRole("alert").first().textContent() ?? "", /non-public/);
    assert.ok(await adminPage.getByText("Slack is not connected.").isVisible());
    assert.deepEqual(await violations(adminPage), [], "WCAG on the admin's page");

    // A mailed unsubscribe link, in a browser with no session.
    const handler = createJobHandler({
      store: app.store,
      mailer: app.deps.mailer,
      now: app.clock.now,
      publicUrl: base,
    });
    await handler(newJob("notify", {
      orgId: admin.orgId,
      event: {
        id: "msg_browser",
        type: "pto_request.approved",
        timestamp: new Date(app.clock.ms).toISOString(),
        data: { userId: employee.userId, status: "approved", startDate: "2026-12-01" },
      },
    }, app.clock.ms));
    const mail = (await (app.deps.mailer as KvMailbox).list(100)).find((m) =>
      m.to === employee.email
    );
    assert.ok(mail, "the approval was mailed");
    const link = /(http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?token=\S+)/.exec(mail.text)?.[1];
    assert.ok(link, "with an unsubscribe link");
    const stranger = await openPage({ bypassCSP: true });
    await watchProblems(stranger, problems, { label: "stranger" });
    await stranger.goto(link);
    assert.deepEqual(await violations(stranger), [], "WCAG on the unsubscribe page");
    await stranger.getByRole("button", { name: "Unsubscribe" }).click();
    await stranger.locator("#unsubscribe-done").waitFor();
    const after = await employee.client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/notification-preferences`,
    );
    assert.deepEqual(after.body.preferences.pto_request_decided, { email: false, slack: false });
    assert.deepEqual(problems, []);
  });
});
