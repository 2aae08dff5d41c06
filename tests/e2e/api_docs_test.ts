/**
 * `/docs/api` in Chromium: the vendored Swagger UI renders the app's own OpenAPI document under
 * the app's CSP, loads nothing from another origin, and shows an operation ("Clock in") with its
 * Idempotency-Key header when opened.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import assert from "node:assert/strict";
import { testApp } from "../helpers.ts";
import { closeBrowsers, openPage, serveApp, watchProblems } from "./chromium.ts";

Deno.test("browser: /docs/api renders the API reference from this server's own files", async () => {
  const app = await testApp();
  const server = serveApp(app);
  try {
    const page = await openPage();
    const problems: string[] = [];
    await watchProblems(page, problems);
    const elsewhere: string[] = [];
    page.on("request", (req) => {
      const url = new URL(req.url());
      if (url.protocol.startsWith("http") && url.origin !== server.base) elsewhere.push(req.url());
    });
    const res = await page.goto(`${server.base}/docs/api`);
    assert.equal(res?.status(), 200);
    assert.match(res?.headers()["content-security-policy"] ?? "", /script-src 'self';/);
    await page.getByRole("heading", { name: /ClockFlow API/ }).waitFor({ timeout: 15_000 });
    const clockIn = page.locator(".opblock", { hasText: "/api/v1/orgs/{orgId}/clock/in" });
    await clockIn.getByText("Clock in", { exact: true }).waitFor();
    await clockIn.locator(".opblock-summary-control").click();
    await clockIn.getByText("Idempotency-Key", { exact: true }).waitFor();
    assert.deepEqual(elsewhere, [], "requests to other origins");
    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});
