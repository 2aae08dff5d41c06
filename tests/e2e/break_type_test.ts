/**
 * The clock island offers the organization's break types beside "Start break": a paid rest break
 * started in the browser is stored with its type and keeps it when it ends (the defect a review
 * found on the API side, here through the island); without a choice the break is unpaid.
 *
 * @module
 */

import assert from "node:assert/strict";
import { signUpOrg } from "../helpers.ts";
import { openPage, signIn, watchProblems, withServedApp } from "./chromium.ts";

Deno.test("clock island: a break started with a type keeps it when it ends", async () => {
  await withServedApp(async (app, base) => {
    const { client, orgId, email } = await signUpOrg(app, "Break Types", "America/New_York");
    const page = await openPage();
    const problems: string[] = [];
    await watchProblems(page, problems);
    await signIn(page, base, email, `/o/${orgId}/clock`);
    await page.waitForSelector("html[data-islands=hydrated]");
    // Clocked out: no break picker.
    assert.equal(await page.getByLabel("Break type").count(), 0);
    await page.getByRole("button", { name: "Clock in" }).click();
    await page.getByRole("button", { name: "Start break" }).waitFor();
    const picker = page.getByLabel("Break type");
    assert.deepEqual(
      await picker.locator("option").allTextContents(),
      ["Unpaid break", "Meal break (unpaid)", "Rest break (paid)"],
    );
    await picker.selectOption("rest");
    app.clock.advance(3600);
    await page.getByRole("button", { name: "Start break" }).click();
    await page.getByRole("button", { name: "End break" }).waitFor();
    const open = await client.json("GET", `/api/v1/orgs/${orgId}/clock`);
    assert.equal(open.status, 200);
    assert.equal(open.body.entry.breaks[0].typeId, "rest");
    app.clock.advance(600);
    await page.getByRole("button", { name: "End break" }).click();
    await page.getByRole("button", { name: "Start break" }).waitFor();
    const ended = await client.json("GET", `/api/v1/orgs/${orgId}/clock`);
    assert.equal(ended.body.entry.breaks[0].typeId, "rest");
    assert.notEqual(ended.body.entry.breaks[0].end, null);
    // No choice: unpaid (no type).
    app.clock.advance(600);
    await page.getByLabel("Break type").selectOption("");
    await page.getByRole("button", { name: "Start break" }).click();
    await page.getByRole("button", { name: "End break" }).waitFor();
    const second = await client.json("GET", `/api/v1/orgs/${orgId}/clock`);
    assert.equal(second.body.entry.breaks[1].typeId, null);
    assert.deepEqual(problems, []);
  });
});
