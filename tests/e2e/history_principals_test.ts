/**
 * An entry's history names every principal that acted: members by name (through the
 * organization's membership), API keys, kiosk devices and the system by what they are.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg } from "../helpers.ts";
import { page, withApp } from "./pages_support.ts";
import { getMembership } from "../../lib/members/members.ts";
import { clockIn, clockOut } from "../../lib/clock/clock.ts";
import { updateEntry } from "../../lib/entries/manage.ts";

Deno.test("history: API key, kiosk and system principals are named, not lost", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Principals", "UTC");
    const emp = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const scope = (await app.store.scopeForJob(admin.orgId))!;
    const membership = (await getMembership(scope, emp.userId))!;
    const puncher = (by: Parameters<typeof clockIn>[1]["by"]) => ({
      userId: emp.userId,
      membershipVersionstamp: membership.versionstamp,
      by,
    });
    const entry = await clockIn(
      scope,
      puncher({ type: "kiosk_device", deviceId: "front-door" }),
      {},
      app.clock.ms,
    );
    app.clock.advance(3600);
    await clockOut(
      scope,
      puncher({ type: "api_key", keyId: "key-1", scopes: ["time-entries:write"] }),
      null,
      app.clock.ms,
    );
    app.clock.advance(60);
    await updateEntry(
      scope,
      { type: "system", job: "nightly_fix" },
      entry.id,
      { note: "checked overnight", reason: "nightly check" },
      app.clock.ms,
    );
    app.clock.advance(60);
    const edit = await admin.client.json(
      "PATCH",
      `/api/v1/orgs/${admin.orgId}/time-entries/${entry.id}`,
      { note: "checked", reason: "typo" },
    );
    assert.equal(edit.status, 200, JSON.stringify(edit.body));

    const api = await admin.client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/time-entries/${entry.id}/history`,
    );
    assert.deepEqual(
      api.body.data.map((r: { principal: { type: string; id: string } }) => r.principal),
      [
        { type: "kiosk_device", id: "front-door" },
        { type: "api_key", id: "key-1" },
        { type: "system", id: "nightly_fix" },
        { type: "user", id: admin.userId },
      ],
    );

    const history = await page(admin.client, `/o/${admin.orgId}/entries/${entry.id}/history`);
    assert.equal(history.status, 200, history.html);
    const actors = [...history.html.matchAll(/class="history-actor">([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(actors, ["Kiosk", "API key", "System", "Ada Admin"]);
    const own = await page(emp.client, `/o/${admin.orgId}/entries/${entry.id}/history`);
    assert.equal(own.status, 200, "the employee reads their own entry's history");
    assert.match(own.html, /class="history-actor">Kiosk</);
  });
});
