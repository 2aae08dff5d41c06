/**
 * The kiosk admin pages in Chromium: an admin adds a kiosk on the Kiosks page and reads the
 * pairing code; the code pairs a device; the admin sets a PIN from the members page; a manager
 * sees an offline punch's conflict on the Team page and resolves it. Each page passes axe-core's
 * WCAG 2 A/AA rules (the browser bypasses CSP only to inject axe).
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import assert from "node:assert/strict";
import { violations } from "./axe.ts";
import { addMemberWithLogin, Client, signUpOrg } from "../helpers.ts";
import { addMember } from "../api/support.ts";
import { openPage, signIn, withServedApp } from "./chromium.ts";

Deno.test("browser: kiosks page, PIN page and the Team page's kiosk conflicts work and pass axe", async () => {
  await withServedApp(async (app, base) => {
    const admin = await signUpOrg(app, "Kiosk Co");
    const worker = await addMember(admin.client, admin.orgId, { name: "Kim Kiosk" });
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const page = await openPage({ bypassCSP: true });
    await signIn(page, base, admin.email, `/o/${admin.orgId}/kiosks`);
    await page.getByRole("link", { name: "Kiosks" }).first().waitFor();
    assert.deepEqual(await violations(page), [], "empty kiosks page");
    await page.getByLabel("Name").fill("Loading dock");
    await page.getByRole("button", { name: "Add kiosk" }).click();
    const code = (await page.locator("#pairing-code").textContent())!.replace(/\s/g, "");
    assert.match(code, /^[2-9A-Z]{8}$/);
    assert.deepEqual(await violations(page), [], "kiosks page with a code");
    const device = new Client(app);
    const paired = await device.json("POST", "/api/v1/kiosk/pair", { code });
    assert.equal(paired.status, 200, JSON.stringify(paired.body));

    await page.goto(`${base}/o/${admin.orgId}/members`);
    await page.getByRole("link", { name: "Set PIN of Kim Kiosk" }).click();
    assert.deepEqual(await violations(page), [], "PIN page");
    await page.getByRole("textbox", { name: "PIN" }).fill("5050");
    await page.getByRole("button", { name: "Save PIN" }).click();
    await page.getByText("PIN saved.").waitFor();

    const punch = (body: Record<string, unknown>) =>
      device.json("POST", "/api/v1/kiosk/punch", { pin: "5050", ...body });
    assert.equal((await punch({ action: "in" })).status, 201);
    const late = await punch({
      action: "in",
      at: new Date(app.clock.ms - 3_600_000).toISOString(),
    });
    assert.equal(late.body.status, "conflict", JSON.stringify(late.body));

    const mPage = await openPage({ bypassCSP: true });
    await signIn(mPage, base, manager.email, `/o/${admin.orgId}/team`);
    await mPage.getByRole("heading", { name: "Kiosk punches that could not apply" }).waitFor();
    assert.deepEqual(await violations(mPage), [], "Team page with a conflict");
    await mPage.getByRole("button", { name: /^Resolve Kim Kiosk/ }).click();
    await mPage.getByText("Kiosk conflict marked resolved.").waitFor();
    assert.equal(await mPage.locator("[data-conflict-id]").count(), 0);
    assert.equal(worker.name, "Kim Kiosk");
  });
});
