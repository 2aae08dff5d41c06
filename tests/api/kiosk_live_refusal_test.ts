/**
 * A tablet stamps every punch with its own time (so a queued retry is the same request). A punch
 * stamped within a minute of now is live: a rule's refusal is answered to the person at the
 * screen (409), not filed for managers; one stamped earlier was made offline and becomes a
 * conflict for managers, never dropped.
 */

import assert from "node:assert/strict";
import { Client, signUpOrg } from "../helpers.ts";
import { addMember, bodyOf, withApp } from "./support.ts";

const ok = bodyOf;

Deno.test("kiosk: a refused punch stamped now is a 409 for the screen; stamped earlier it is a conflict for managers", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const base = `/api/v1/orgs/${admin.orgId}`;
    const kiosk = await ok(admin.client.json("POST", `${base}/kiosks`, { name: "Door" }), 201);
    const device = new Client(app);
    await ok(device.json("POST", "/api/v1/kiosk/pair", { code: kiosk.pairingCode }));
    const worker = await addMember(admin.client, admin.orgId, { name: "Wanda Worker" });
    await ok(admin.client.json("PUT", `${base}/members/${worker.id}/pin`, { pin: "4812" }), 204);
    const at = (msAgo: number) => new Date(app.clock.ms - msAgo).toISOString();
    const punch = (action: string, stamp: string) =>
      device.json("POST", "/api/v1/kiosk/punch", {
        pin: "4812",
        action,
        at: stamp,
        idempotencyKey: crypto.randomUUID(),
      });

    // Clocked out already: a clock-out stamped 5 s ago is live → 409 not_clocked_in.
    const live = await punch("out", at(5_000));
    assert.equal(live.status, 409, JSON.stringify(live.body));
    assert.equal(live.body.error.code, "not_clocked_in");
    assert.deepEqual((await ok(admin.client.json("GET", `${base}/kiosk-conflicts`))).data, []);

    // The same refusal stamped 10 minutes ago was made offline → recorded for managers.
    const offline = await ok(punch("out", at(600_000)));
    assert.equal(offline.status, "conflict");
    const conflicts = (await ok(admin.client.json("GET", `${base}/kiosk-conflicts`))).data;
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0].userId, worker.id);
    assert.equal(conflicts[0].code, "not_clocked_in");
  });
});
