/**
 * The admins' API keys page in Chromium: create a key (shown once, with a working copy button),
 * use it, revoke it; and axe-core's WCAG 2 A/AA rules on the page with and without a new key.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import { violations } from "./axe.ts";
import assert from "node:assert/strict";
import { Client, signUpOrg, testApp } from "../helpers.ts";
import {
  closeBrowsers,
  ensureBuilt,
  openPage,
  serveApp,
  signIn,
  watchProblems,
} from "./chromium.ts";

Deno.test("browser: an admin creates an API key (shown once, copyable), uses it and revokes it", async () => {
  await ensureBuilt();
  const app = await testApp();
  const server = serveApp(app);
  const { base } = server;
  try {
    const admin = await signUpOrg(app, "Keys Co");
    const path = `/o/${admin.orgId}/api-keys`;
    const problems: string[] = [];
    const page = await openPage({ permissions: ["clipboard-read", "clipboard-write"] });
    await watchProblems(page, problems, { ignore: /status of 40[14]/ });
    await signIn(page, base, admin.email, path);
    assert.ok(await page.getByRole("link", { name: "API keys" }).isVisible(), "nav link");
    assert.ok(await page.getByText("No API keys yet.").isVisible());

    await page.getByLabel("Name").fill("Payroll export");
    await page.getByLabel("members:read").check();
    await page.getByLabel("entries:read").check();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.waitForSelector("#new-api-key-secret");
    const key = (await page.locator("#new-api-key-secret").textContent()) ?? "";
    assert.match(key, /^cf_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const copy = page.getByRole("button", { name: "Copy key" });
    assert.ok(await copy.isVisible(), "copy button");
    await copy.click();
    await page.getByText("Copied.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);

    // The key works on the API.
    const client = new Client(app);
    const auth = { authorization: `Bearer ${key}` };
    const members = await client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/members`,
      undefined,
      auth,
    );
    assert.equal(members.status, 200);

    // Shown once: the list shows the prefix, never the key.
    await page.goto(`${base}${path}`);
    const html = await page.content();
    assert.ok(!html.includes(key), "the key is not shown again");
    assert.ok(html.includes(`cf_${key.slice(3, 15)}_`), "the prefix is listed");
    assert.ok(await page.getByRole("cell", { name: "members:read, entries:read" }).isVisible());

    await page.getByRole("button", { name: "Revoke Payroll export" }).click();
    await page.getByText("API key revoked. It no longer works.").waitFor();
    assert.ok(await page.getByText("No API keys yet.").isVisible());
    const after = await client.json("GET", `/api/v1/orgs/${admin.orgId}/members`, undefined, auth);
    assert.equal(after.status, 401);
    assert.equal(after.body.error.code, "invalid_api_key");
    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});

Deno.test("browser: the API keys page passes axe-core's WCAG 2 A/AA rules", async () => {
  await ensureBuilt();
  const app = await testApp();
  const server = serveApp(app);
  const { base } = server;
  try {
    const admin = await signUpOrg(app, "Axe Keys Co");
    const path = `/o/${admin.orgId}/api-keys`;
    const page = await openPage({ bypassCSP: true });
    await signIn(page, base, admin.email, path);
    const empty = await violations(page);
    await page.getByLabel("Name").fill("BI");
    await page.getByLabel("reports:read").check();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.waitForSelector("#new-api-key-secret");
    const created = await violations(page);
    // A failed creation (no scope) shows its errors accessibly too.
    await page.getByLabel("Name").fill("Nothing");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByText("choose at least one scope").waitFor();
    const failed = await violations(page);
    assert.deepEqual({ empty, created, failed }, { empty: [], created: [], failed: [] });
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});
