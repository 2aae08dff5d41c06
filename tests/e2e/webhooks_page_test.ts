/**
 * The admins' webhooks page in Chromium, against a loopback subscriber that verifies every
 * request with `standardwebhooks`: add an endpoint (secret shown once, copyable), send a test,
 * read the delivery log, retry a failed attempt, rotate the secret, switch off and on, delete;
 * and axe-core's WCAG 2 A/AA rules on the list and on the log.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { signUpOrg, testApp } from "../helpers.ts";
import { violations } from "./axe.ts";
import {
  closeBrowsers,
  ensureBuilt,
  openPage,
  serveApp,
  signIn,
  watchProblems,
} from "./chromium.ts";
import { WebhookSubscriber } from "../fakes/webhook_subscriber.ts";

Deno.test("browser: an admin adds a webhook endpoint, tests it, reads and retries its deliveries, rotates, switches off and deletes it", async () => {
  await ensureBuilt();
  const app = await testApp({
    config: loadConfig({ KV_PATH: ":memory:", ALLOW_PRIVATE_WEBHOOKS: "true" }),
  });
  const server = serveApp(app);
  const sub = WebhookSubscriber.start(app.clock.now);
  const { base } = server;
  try {
    const admin = await signUpOrg(app, "Hooks Co");
    const path = `/o/${admin.orgId}/webhooks`;
    const problems: string[] = [];
    const page = await openPage({ permissions: ["clipboard-read", "clipboard-write"] });
    await watchProblems(page, problems, { ignore: /status of 40[14]/ });
    await signIn(page, base, admin.email, path);
    assert.ok(await page.getByRole("link", { name: "Webhooks" }).isVisible(), "nav link");
    assert.ok(await page.getByText("No webhook endpoints yet.").isVisible());

    // Add one: the secret is shown once, with a working copy button.
    await page.getByLabel("Endpoint URL").fill(sub.url());
    await page.getByLabel("Description").fill("Payroll sync");
    await page.getByLabel("clock.in").check();
    await page.getByLabel("timesheet.approved").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.waitForSelector("#webhook-secret");
    const secret = (await page.locator("#webhook-secret").textContent()) ?? "";
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    sub.secret = secret;
    await page.getByRole("button", { name: "Copy secret" }).click();
    await page.getByText("Copied.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

    // Shown once: the list shows only the hint.
    await page.goto(`${base}${path}`);
    assert.ok(!(await page.content()).includes(secret.slice(6, 30)), "not shown again");
    assert.ok(await page.getByText(`whsec_…${secret.slice(-4)}`).isVisible());
    assert.ok(await page.getByRole("cell", { name: "clock.in, timesheet.approved" }).isVisible());

    // Test: delivered, verified by the subscriber.
    await page.getByRole("button", { name: `Send test ${sub.url()}` }).click();
    await page.getByText(/Test event delivered: the endpoint answered 204/).waitFor();
    assert.equal(sub.received.length, 1);
    assert.ok(sub.received[0].verified);

    // A failing test shows in the log; a retry of it succeeds once the subscriber is fixed.
    sub.respond = () => new Response("boom", { status: 500 });
    await page.getByRole("button", { name: `Send test ${sub.url()}` }).click();
    await page.getByText("Test event failed: the endpoint answered 500.").waitFor();
    await page.getByRole("link", { name: sub.url() }).click();
    await page.getByRole("heading", { name: "Delivery log" }).waitFor();
    const rows = page.locator("tr[data-delivery-id]");
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.nth(0).getAttribute("data-status"), "failed");
    assert.ok(await rows.nth(0).getByText("boom").isVisible(), "the response excerpt");
    assert.ok(await rows.nth(0).getByText("the endpoint answered 500").isVisible());
    assert.equal(await rows.nth(1).getAttribute("data-status"), "succeeded");
    sub.respond = () => new Response("thanks");
    await rows.nth(0).getByRole("button", { name: /^Retry/ }).click();
    await page.getByText("Retry queued.").waitFor();
    assert.equal(await rows.count(), 3);
    assert.equal(await rows.nth(0).getAttribute("data-status"), "succeeded");
    assert.equal(sub.received.at(-1)!.headers["webhook-id"], sub.received[1].headers["webhook-id"]);
    assert.ok(sub.received.every((r) => r.verified));

    // Edit the events.
    await page.getByLabel("timesheet.approved").uncheck();
    await page.getByLabel("clock.out").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Endpoint saved.").waitFor();
    assert.ok(await page.getByLabel("clock.out").isChecked());
    assert.ok(!(await page.getByLabel("timesheet.approved").isChecked()));

    // Rotate: a new secret, shown once.
    await page.goto(`${base}${path}`);
    await page.getByRole("button", { name: `Rotate secret ${sub.url()}` }).click();
    await page.getByText("The previous secret keeps signing beside it for 24 hours.").waitFor();
    const rotated = (await page.locator("#webhook-secret").textContent()) ?? "";
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, secret);

    // Off, on, delete.
    await page.getByRole("button", { name: `Disable ${sub.url()}` }).click();
    await page.getByText("Endpoint switched off.").waitFor();
    assert.ok(await page.getByRole("cell", { name: "Off (switched off)" }).isVisible());
    await page.getByRole("button", { name: `Enable ${sub.url()}` }).click();
    await page.getByText("Endpoint switched on.").waitFor();
    await page.getByRole("button", { name: `Delete ${sub.url()}` }).click();
    await page.getByText("Endpoint deleted.").waitFor();
    assert.ok(await page.getByText("No webhook endpoints yet.").isVisible());
    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    await sub.close();
    app.close();
  }
});

Deno.test("browser: the webhooks pages pass axe-core's WCAG 2 A/AA rules", async () => {
  await ensureBuilt();
  const app = await testApp({
    config: loadConfig({ KV_PATH: ":memory:", ALLOW_PRIVATE_WEBHOOKS: "true" }),
  });
  const server = serveApp(app);
  const sub = WebhookSubscriber.start(app.clock.now);
  const { base } = server;
  try {
    const admin = await signUpOrg(app, "Axe Hooks Co");
    const path = `/o/${admin.orgId}/webhooks`;
    const page = await openPage({ bypassCSP: true });
    await signIn(page, base, admin.email, path);
    const empty = await violations(page);
    // A failed creation (no event) shows its errors accessibly.
    await page.getByLabel("Endpoint URL").fill(sub.url());
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByText("choose at least one event").waitFor();
    const failed = await violations(page);
    await page.getByLabel("clock.in").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.waitForSelector("#webhook-secret");
    const created = await violations(page);
    await page.getByRole("button", { name: `Send test ${sub.url()}` }).click();
    await page.getByText(/Test event/).waitFor();
    await page.getByRole("link", { name: sub.url() }).click();
    await page.getByRole("heading", { name: "Delivery log" }).waitFor();
    const log = await violations(page);
    assert.deepEqual({ empty, failed, created, log }, {
      empty: [],
      failed: [],
      created: [],
      log: [],
    });
  } finally {
    await closeBrowsers();
    await server.shutdown();
    await sub.close();
    app.close();
  }
});
