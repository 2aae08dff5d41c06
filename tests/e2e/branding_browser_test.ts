/**
 * Branding in Chromium: an admin picks a colour on the branding page (the contrast shown as it
 * changes, a light colour refused), uploads a logo (previewed), and every page of the
 * organization then shows the logo in its header and the accent colour as its brand colour — with no
 * CSP violation (the colour comes from a stylesheet, not inline styles); axe-core's WCAG 2 A/AA
 * rules on the page.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg, testApp } from "../helpers.ts";
import { violations } from "./axe.ts";
import {
  closeBrowsers,
  ensureBuilt,
  openPage,
  serveApp,
  signIn,
  watchProblems,
} from "./chromium.ts";
import { PNG } from "../fixtures/images.ts";

Deno.test("browser: an admin brands the organization; the logo and accent colour show on its pages", async () => {
  await ensureBuilt();
  const app = await testApp();
  const server = serveApp(app);
  const { base } = server;
  const dir = await Deno.makeTempDir({ prefix: "clockflow-logo-" });
  try {
    const admin = await signUpOrg(app, "Acme Works");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const path = `/o/${admin.orgId}/branding`;
    const problems: string[] = [];
    const page = await openPage(); // Playwright's default colour scheme: light
    await watchProblems(page, problems, { ignore: /status of 4\d\d/ });
    await signIn(page, base, admin.email, path);
    assert.ok(await page.getByRole("link", { name: "Branding" }).isVisible(), "nav link");

    // The contrast follows the picker; a light colour cannot be saved.
    const picker = page.getByRole("textbox", { name: "Accent colour" });
    await picker.fill("#ffcc00");
    await page.locator('#accent-contrast[data-ok="false"]').waitFor();
    assert.match(
      await page.locator("#accent-contrast").textContent() ?? "",
      /1\.\d\d:1 — too light/,
    );
    assert.ok(await page.locator("#save-accent").isDisabled());
    await picker.fill("#7c2d12");
    await page.locator('#accent-contrast[data-ok="true"]').waitFor();
    assert.match(await page.locator("#accent-contrast").textContent() ?? "", /9\.37:1 — readable/);
    await page.locator("#save-accent").click();
    await page.getByText("The accent colour is saved.").waitFor();
    const accentA11y = await violations(page);

    // Upload a logo: previewed on the page and shown in the header.
    const file = `${dir}/logo.png`;
    await Deno.writeFile(file, PNG);
    await page.getByLabel("Upload a logo").setInputFiles(file);
    await page.getByRole("button", { name: "Upload logo" }).click();
    await page.getByText("The logo is saved.").waitFor();
    assert.ok(await page.locator("#logo-preview").isVisible());
    const logoA11y = await violations(page);

    // An employee's clock page: the logo loaded in the header, the accent on primary buttons.
    const other = await openPage();
    await watchProblems(other, problems, { label: "employee", ignore: /status of 4\d\d/ });
    await signIn(other, base, employee.email, `/o/${admin.orgId}/clock`);
    const logo = other.locator("header img.org-logo");
    await logo.waitFor();
    assert.equal(await logo.getAttribute("alt"), "Acme Works logo");
    assert.ok(
      await logo.evaluate((img) =>
        (img as HTMLImageElement).complete &&
        (img as HTMLImageElement).naturalWidth === 16
      ),
      "the logo image loaded",
    );
    const look = await other.evaluate(() => {
      const root = getComputedStyle(document.documentElement);
      const current = document.querySelector('.nav a[aria-current="page"]');
      return {
        accent: root.getPropertyValue("--accent").trim(),
        brand: root.getPropertyValue("--brand").trim(),
        current: current ? getComputedStyle(current).borderBottomColor : null,
        border: getComputedStyle(document.querySelector(".site-header")!).borderTopColor,
      };
    });
    assert.equal(look.accent, "#7c2d12");
    assert.equal(look.brand, "#7c2d12", "the brand colour is the accent");
    assert.equal(look.current, "rgb(124, 45, 18)", "the current page's tab in the accent colour");
    assert.equal(look.border, "rgb(124, 45, 18)", "the accent band above the header");

    // Cleared again: ClockFlow's own colour.
    await page.getByRole("button", { name: "Use ClockFlow's colour" }).click();
    await page.getByText("Your pages use ClockFlow's colour again.").waitFor();
    await other.reload();
    assert.equal(
      await other.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue("--accent").trim()
      ),
      "",
    );
    assert.deepEqual(problems, []);
    assert.deepEqual({ accentA11y, logoA11y }, { accentA11y: [], logoA11y: [] });
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
