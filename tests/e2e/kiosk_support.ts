/**
 * Shared set-up of the kiosk's Chromium test and bench: the build with the kiosk's own bundle,
 * an organization with a member who has a PIN, and a kiosk with a fresh pairing code, all made
 * through the API as an admin.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { buildIslands } from "../../scripts/build_islands.ts";
import { type Client, signUpOrg, type TestApp } from "../helpers.ts";
import { addMember } from "../api/support.ts";

/** Build unless the manifest already names the kiosk's bundle (`deno task test` builds first). */
export async function ensureKioskBuilt(): Promise<void> {
  try {
    const manifest = JSON.parse(
      await Deno.readTextFile(new URL("../../static/build/manifest.json", import.meta.url)),
    );
    if (manifest.kiosk?.script && manifest.kiosk?.style) return;
  } catch { /* not built */ }
  await buildIslands();
}

/** An organization with one PIN-holding member, as a kiosk test needs it. */
export interface KioskOrg {
  admin: Client;
  orgId: string;
  orgName: string;
  member: { id: string; name: string; pin: string };
}

/** Sign up an organization and add a member without a login, with PIN `pin`. */
export async function kioskOrg(app: TestApp, pin = "4321"): Promise<KioskOrg> {
  const orgName = `Kiosk Co ${crypto.randomUUID().slice(0, 4)}`;
  const { client: admin, orgId } = await signUpOrg(app, orgName, "America/Chicago");
  const member = await addMember(admin, orgId, { name: "Kim Kiosk" });
  const set = await admin.json("PUT", `/api/v1/orgs/${orgId}/members/${member.id}/pin`, { pin });
  assert.equal(set.status, 204, JSON.stringify(set.body));
  return { admin, orgId, orgName, member: { id: member.id, name: member.name, pin } };
}

/** Create kiosk `name` as the admin; returns its id and pairing code. */
export async function createKiosk(
  org: KioskOrg,
  name: string,
): Promise<{ id: string; pairingCode: string }> {
  const res = await org.admin.json("POST", `/api/v1/orgs/${org.orgId}/kiosks`, { name });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.match(res.body.pairingCode, /^[2-9A-HJ-NP-Z]{8}$/);
  return { id: res.body.id, pairingCode: res.body.pairingCode };
}

/** Open `/kiosk` on `page` and pair it with `code`; resolves once the PIN pad shows. */
export async function pairThroughPage(
  page: Page,
  base: string,
  code: string,
  orgName: string,
): Promise<void> {
  await page.goto(`${base}/kiosk`);
  await page.locator('.kiosk[data-screen="pair"][data-ready]').waitFor();
  await page.getByLabel("Pairing code").fill(code);
  await page.getByRole("button", { name: "Pair" }).click();
  await page.getByRole("heading", { name: orgName }).waitFor();
  await page.locator('.kiosk[data-screen="pad"]').waitFor();
}
