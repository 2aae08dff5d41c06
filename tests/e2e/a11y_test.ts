/**
 * Accessibility of the pages issue 7 added (sign-in's reset link, password reset, email
 * verification, the account page, the invitation link page, the members page with its invite
 * form, the operators' mailbox): axe-core's WCAG 2.0/2.1 A and AA rules find nothing in Chromium.
 *
 * The page's CSP refuses injected scripts, so this test (only) opens its browser with
 * `bypassCSP` to run axe-core.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import { violations } from "./axe.ts";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { loadConfig } from "../../config.ts";
import { Client, signUpOrg, testApp } from "../helpers.ts";
import { lastMailTo, linkIn } from "../api/identity_support.ts";
import { latestInvitationToken } from "../api/invitation_support.ts";
import { closeBrowsers, ensureBuilt, openPage, serveApp, signIn } from "./chromium.ts";

const OPERATOR = "olga.ops@example.com";
const INVITEE = "ines.invitee@example.com";

Deno.test("browser: the identity, invitation and mailbox pages pass axe-core's WCAG 2 A/AA rules", async () => {
  await ensureBuilt();
  const app = await testApp({
    config: loadConfig({ KV_PATH: ":memory:", OPERATOR_EMAILS: OPERATOR }),
  });
  const server = serveApp(app);
  const { base } = server;
  try {
    // An operator (verified through the mailed link) with an organization, an invitation
    // pending, and a password reset requested for the operator.
    const admin = await signUpOrg(app, "Access Co");
    const opsSignup = await new Client(app).json("POST", "/api/v1/signup", {
      organization: { name: "Ops Co", timeZone: "UTC" },
      user: { name: "Olga Ops", email: OPERATOR, password: "correct horse battery" },
    });
    assert.equal(opsSignup.status, 201, JSON.stringify(opsSignup.body));
    const verify = linkIn(await lastMailTo(app, OPERATOR), "/verify-email/");
    const invite = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/invitations`, {
      email: INVITEE,
      role: "employee",
    });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    const invitation = await latestInvitationToken(app, INVITEE);
    const reset = await admin.client.json("POST", "/api/v1/password-reset", { email: OPERATOR });
    assert.equal(reset.status, 202);
    const resetLink = linkIn(await lastMailTo(app, OPERATOR), "/password-reset/");

    const checked: Record<string, string[]> = {};
    const check = async (page: Page, path: string) => {
      const res = await page.goto(`${base}${path}`);
      assert.ok(res && res.status() < 400, `${path} answered ${res?.status()}`);
      checked[path] = await violations(page);
    };
    // Signed out (each browser below has its own profile, so its own session).
    const visitor = await openPage({ bypassCSP: true });
    await check(visitor, "/signin");
    await check(visitor, "/password-reset");
    await check(visitor, resetLink.path);
    await check(visitor, `/invitations/${invitation}`);
    await check(visitor, verify.path);
    // Signed in as the admin of Access Co.
    const adminPage = await openPage({ bypassCSP: true });
    await signIn(adminPage, base, admin.email, `/o/${admin.orgId}/members`);
    checked[`/o/${admin.orgId}/members`] = await violations(adminPage);
    await check(adminPage, "/account");
    // Signed in as the operator.
    const opsPage = await openPage({ bypassCSP: true });
    // /ops answers 404 to anyone not signed in as an operator, so sign in first.
    await opsPage.goto(`${base}/signin?next=${encodeURIComponent("/ops/mail")}`);
    await opsPage.getByLabel("Email").fill(OPERATOR);
    await opsPage.getByLabel("Password").fill("correct horse battery");
    await opsPage.getByRole("button", { name: "Sign in" }).click();
    await opsPage.waitForURL((url) => url.pathname === "/ops/mail");
    checked["/ops/mail"] = await violations(opsPage);
    await check(opsPage, "/ops");

    for (const [path, found] of Object.entries(checked)) {
      assert.deepEqual(found, [], `${path}:\n${found.join("\n")}`);
    }
    assert.equal(Object.keys(checked).length, 9, "every page was checked");
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});
