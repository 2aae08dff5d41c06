/**
 * The kiosk shows its organization's branding (issue #10: "logo and colour appear on … the
 * kiosk"): a paired tablet's `GET /api/v1/kiosk/me` carries the accent colour and the logo's
 * URL once an admin sets them, and none when the organization switches branding off — the same
 * decision the organization's pages make.
 */

import assert from "node:assert/strict";
import { Client, signUpOrg } from "../helpers.ts";
import { bodyOf, withApp } from "./support.ts";
import { logoPath, sendBytes } from "./branding_support.ts";
import { PNG } from "../fixtures/images.ts";

const ok = bodyOf;

Deno.test("kiosk: the paired tablet shows the organization's accent colour and logo, and none when branding is off", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Acme Bakery");
    const base = `/api/v1/orgs/${admin.orgId}`;
    const kiosk = await ok(admin.client.json("POST", `${base}/kiosks`, { name: "Door" }), 201);
    const device = new Client(app);
    const paired = await ok(device.json("POST", "/api/v1/kiosk/pair", { code: kiosk.pairingCode }));
    assert.deepEqual(paired.branding, { accentColor: null, logoUrl: null });
    assert.equal(paired.organization.name, "Acme Bakery");

    await ok(
      admin.client.json("PATCH", `${base}/settings`, { branding: { accentColor: "#1d4ed8" } }),
    );
    const upload = await sendBytes(admin.client, "PUT", logoPath(admin.orgId), PNG, "image/png");
    assert.equal(upload.status, 200);
    const me = await ok(device.json("GET", "/api/v1/kiosk/me"));
    assert.equal(me.branding.accentColor, "#1d4ed8");
    assert.equal(me.branding.logoUrl, upload.body.logoUrl);
    // The logo URL the tablet gets serves the image without any session.
    const logo = await new Client(app).request("GET", me.branding.logoUrl);
    assert.equal(logo.status, 200);
    assert.equal(logo.headers.get("content-type"), "image/png");

    await ok(admin.client.json("PATCH", `${base}/settings`, { disabledFeatures: ["branding"] }));
    const off = await ok(device.json("GET", "/api/v1/kiosk/me"));
    assert.deepEqual(off.branding, { accentColor: null, logoUrl: null });
  });
});
