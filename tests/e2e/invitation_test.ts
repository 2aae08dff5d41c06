/**
 * End to end in Chromium (issue 7, "done means"): an admin invites a person by email on the
 * members page; the invitee follows the mailed link (read from the KV mailbox), creates their
 * account on the link's page, joins, and clocks in on the clock page. The admin then sees them
 * as a member and no pending invitation.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import assert from "node:assert/strict";
import { signUpOrg, testApp } from "../helpers.ts";
import type { KvMailbox } from "../../lib/mail/mail.ts";
import {
  closeBrowsers,
  ensureBuilt,
  openPage,
  serveApp,
  signIn,
  watchProblems,
} from "./chromium.ts";

const INVITEE = "grace.hopper@example.com";

Deno.test("browser: an admin invites by email, the invitee follows the mailed link, joins and clocks in", async () => {
  await ensureBuilt();
  const app = await testApp();
  const server = serveApp(app);
  const { base } = server;
  const problems: string[] = [];
  try {
    const admin = await signUpOrg(app, "Harbor Clinic");
    const members = `/o/${admin.orgId}/members`;

    // The admin invites on the members page.
    const adminPage = await openPage();
    await watchProblems(adminPage, problems, { label: "admin" });
    await signIn(adminPage, base, admin.email, members);
    await adminPage.locator("#invite-email").fill(INVITEE);
    await adminPage.locator("#invite-name").fill("Grace Hopper");
    await adminPage.locator("#invite-role").selectOption("employee");
    await adminPage.getByRole("button", { name: "Send invitation" }).click();
    await adminPage.waitForURL(/\/members\?ok=invitation_sent$/);
    const pending = adminPage.locator("[data-invitation-id]");
    assert.equal(await pending.count(), 1);
    assert.match((await pending.textContent())!, /grace\.hopper@example\.com/);

    // The mailed link.
    const mail = (await (app.deps.mailer as KvMailbox).list()).find((m) => m.to === INVITEE);
    assert.ok(mail, "an invitation mail was sent");
    assert.match(mail.subject, /Harbor Clinic/);
    const link = mail.text.match(/https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]+/)?.[0];
    assert.ok(link, mail.text);
    assert.ok(link.startsWith(base), `the link points to this server: ${link}`);

    // The invitee, in another browser, creates their account from the link and joins.
    const invitee = await openPage({ mobile: true, timezoneId: "America/New_York" });
    await watchProblems(invitee, problems, { label: "invitee" });
    await invitee.goto(link);
    assert.equal(
      await invitee.getByRole("heading", { level: 1 }).textContent(),
      "Join Harbor Clinic",
    );
    assert.match((await invitee.locator("main").textContent())!, /as an employee/);
    assert.equal(await invitee.getByLabel("Your name").inputValue(), "Grace Hopper");
    assert.equal(await invitee.locator("#invite-account-email").inputValue(), INVITEE);
    await invitee.getByLabel("Password").fill("a long enough password");
    await invitee.getByRole("button", { name: "Create account and join" }).click();
    await invitee.waitForURL(/\/o\/[0-9A-Z]{26}\/clock\?ok=invitation_accepted$/);
    assert.ok(invitee.url().includes(`/o/${admin.orgId}/clock`));
    assert.match(
      (await invitee.getByRole("status").first().textContent())!,
      /You joined the organization/,
    );

    // …and clocks in on the clock page.
    await invitee.waitForSelector("html[data-islands=hydrated]");
    const status = invitee.locator("#clock-status");
    assert.match((await status.textContent())!, /clocked out/);
    await invitee.getByRole("button", { name: "Clock in" }).click();
    const deadline = Date.now() + 10_000;
    while (!/Clocked in since 3:00\sAM/.test((await status.textContent()) ?? "")) {
      assert.ok(Date.now() < deadline, `still "${await status.textContent()}"`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // The link worked once.
    const again = await openPage();
    const used = await again.goto(link);
    assert.equal(used?.status(), 404);
    assert.match((await again.locator("h1").textContent())!, /does not work/);

    // The admin sees the new member and no pending invitation.
    await adminPage.goto(`${base}${members}`);
    assert.equal(await adminPage.locator("[data-invitation-id]").count(), 0);
    assert.match((await adminPage.locator(".members").first().textContent())!, /Grace Hopper/);

    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});
