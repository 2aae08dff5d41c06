/**
 * The kiosk page (`/kiosk`) in Chromium against the real server: pairing with a code made
 * through the API, punching by PIN (name and state shown before the action, a confirmation that
 * gives way to the pad), punching offline (queued in IndexedDB, shown as pending, the page
 * reloading from its service worker), syncing exactly once when the network returns, a revoked
 * device falling back to pairing, the page's weight budget and axe-core's WCAG rules.
 *
 * Service workers need a secure context: `http://127.0.0.1` is one.
 *
 * Needs Chromium at /usr/bin/chromium.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testApp } from "../helpers.ts";
import { closeBrowsers, openPage, serveApp, watchProblems } from "./chromium.ts";
import { violations } from "./axe.ts";
import { createKiosk, ensureKioskBuilt, kioskOrg, pairThroughPage } from "./kiosk_support.ts";

/** The weight budget of the whole kiosk page, gzipped (issue #10). */
const BUDGET_BYTES = 25 * 1024;

/** Type `pin` on the pad (buttons for the first digit, the keyboard for the rest) and Enter. */
async function enterPin(page: Page, pin: string): Promise<void> {
  await page.locator('.kiosk[data-screen="pad"]').waitFor();
  await page.getByRole("button", { name: pin[0], exact: true }).click();
  await page.keyboard.type(pin.slice(1));
  await page.locator(`.k-pin[data-digits="${pin.length}"]`).waitFor();
  await page.getByRole("button", { name: "Enter", exact: true }).click();
}

/** The number of punches queued in the page's IndexedDB (`kiosk-queue`). */
function queuedInDb(page: Page): Promise<number> {
  return page.evaluate(() =>
    new Promise<number>((resolve, reject) => {
      const open = indexedDB.open("kiosk-queue");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("punches")) return resolve(0);
        const count = db.transaction("punches").objectStore("punches").count();
        count.onsuccess = () => {
          resolve(count.result);
          db.close();
        };
        count.onerror = () => reject(count.error);
      };
    })
  );
}

Deno.test("kiosk: pair, punch by PIN, punch offline, reload offline, sync once, revoke", async () => {
  await ensureKioskBuilt();
  // The server's clock is the real one plus `shift`, so the test can make an offline punch
  // arrive more than a minute after it was made.
  let shift = 0;
  const app = await testApp({ now: () => Date.now() + shift });
  const server = serveApp(app);
  const { base } = server;
  try {
    const org = await kioskOrg(app);
    const kiosk = await createKiosk(org, "Front door");
    const page = await openPage({ viewport: { width: 800, height: 1100 } });
    const problems: string[] = [];
    // Failed requests while offline and the expected 401 after revocation are logged by
    // Chromium as console errors; they are what the test does, not faults of the page.
    await watchProblems(page, problems, {
      ignore: /ERR_INTERNET_DISCONNECTED|status of 401 \(Unauthorized\)/,
    });

    // Pairing: the code typed in lower case with a dash, as people paste it.
    const typed = `${kiosk.pairingCode.slice(0, 4)}-${kiosk.pairingCode.slice(4)}`.toLowerCase();
    await page.goto(`${base}/kiosk`);
    await page.locator('.kiosk[data-screen="pair"][data-ready]').waitFor();
    await page.getByLabel("Pairing code").fill(typed);
    assert.equal(await page.getByLabel("Pairing code").inputValue(), kiosk.pairingCode);
    await page.getByRole("button", { name: "Pair" }).click();
    await page.getByRole("heading", { name: org.orgName }).waitFor();
    assert.equal(await page.locator(".k-name").textContent(), "Front door");
    const cookies = await page.context().cookies();
    const device = cookies.find((c) => c.name === "cf_kiosk");
    assert.ok(device, "the device cookie is set");
    assert.equal(device.httpOnly, true);
    assert.equal(device.sameSite, "Strict");
    // The service worker takes control (it keeps the page for offline use).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 15_000,
    });

    // A live punch: the PIN shows the member and their state first, then the action.
    const entries = async () => {
      const res = await org.admin.json(
        "GET",
        `/api/v1/orgs/${org.orgId}/time-entries?userId=${org.member.id}`,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data as { id: string; start: string; end: string | null; source: string }[];
    };
    await enterPin(page, org.member.pin);
    await page.getByRole("heading", { name: "Kim Kiosk" }).waitFor();
    assert.equal((await page.locator(".k-state").textContent())?.trim(), "Clocked out");
    const offered = await page.locator(".k-actions button").allTextContents();
    assert.deepEqual(offered, ["Clock in"], "only the actions valid for the state are offered");
    await page.getByRole("button", { name: "Clock in" }).click();
    await page.getByRole("heading", { name: /^Clocked in at \d{1,2}:\d{2} [AP]M$/ }).waitFor();
    assert.equal(await page.locator(".k-done-detail").textContent(), "Kim Kiosk");
    // The confirmation gives way to the pad after 5 s.
    const shown = Date.now();
    await page.locator('.kiosk[data-screen="pad"]').waitFor({ timeout: 10_000 });
    assert.ok(Date.now() - shown >= 3_500, "the confirmation stays for about 5 s");
    let list = await entries();
    assert.equal(list.length, 1);
    assert.equal(list[0].source, "kiosk");
    assert.equal(list[0].end, null);

    // Clocked in now: the screen offers a break and clocking out.
    await enterPin(page, org.member.pin);
    await page.locator(".k-state", { hasText: /^Clocked in since / }).waitFor();
    assert.deepEqual(await page.locator(".k-actions button").allTextContents(), [
      "Start break",
      "Clock out",
    ]);
    await page.getByRole("button", { name: "Clock out" }).click();
    await page.getByRole("heading", { name: /^Clocked out at / }).waitFor();
    list = await entries();
    assert.equal(list.length, 1);
    assert.notEqual(list[0].end, null);

    // Offline: the PIN cannot be checked, every action is offered, the punch is queued.
    await page.locator('.kiosk[data-screen="pad"]').waitFor({ timeout: 10_000 });
    await page.context().setOffline(true);
    await enterPin(page, org.member.pin);
    await page.getByRole("heading", { name: "Offline" }).waitFor();
    assert.deepEqual(await page.locator(".k-actions button").allTextContents(), [
      "Clock in",
      "Start break",
      "End break",
      "Clock out",
    ]);
    const offlineAt = Date.now();
    await page.getByRole("button", { name: "Clock in" }).click();
    await page.getByRole("heading", { name: "Clocked in — saved, will sync" }).waitFor();
    await page.locator(".k-pending", { hasText: "Pending (1)" }).waitFor();
    assert.equal(await queuedInDb(page), 1, "the punch is kept in IndexedDB");
    assert.equal((await entries()).length, 1, "nothing reached the server");

    // A reload while offline: the service worker serves the page, the queue is still there.
    await page.reload();
    await page.getByRole("heading", { name: org.orgName }).waitFor();
    await page.locator('.kiosk[data-screen="pad"][data-ready]').waitFor();
    await page.locator(".k-pending", { hasText: "Pending (1)" }).waitFor();

    // More than a minute passes before the network returns; then two tabs and two `online`
    // events all try to flush the same queue at once.
    shift = 2 * 60_000;
    await page.context().setOffline(false);
    const second = await page.context().newPage();
    await Promise.all([
      page.evaluate(() => {
        globalThis.dispatchEvent(new Event("online"));
        globalThis.dispatchEvent(new Event("online"));
      }),
      second.goto(`${base}/kiosk`),
    ]);
    await page.locator('.k-pending[data-pending="0"]').waitFor({
      state: "attached",
      timeout: 15_000,
    });
    await second.locator('.k-pending[data-pending="0"]').waitFor({
      state: "attached",
      timeout: 15_000,
    });
    assert.equal(await queuedInDb(page), 0);
    list = await entries();
    assert.equal(list.length, 2, `synced exactly once: ${JSON.stringify(list)}`);
    const synced = list.find((e) => e.end === null);
    assert.ok(synced, "the offline clock-in is the open entry");
    assert.equal(synced.source, "kiosk_offline");
    const start = Date.parse(synced.start);
    assert.ok(
      Math.abs(start - offlineAt) <= 5_000,
      `the entry starts when the punch was made (${synced.start} vs ${new Date(offlineAt)})`,
    );
    // Any later flush finds nothing to send.
    await page.evaluate(() => globalThis.dispatchEvent(new Event("online")));
    await page.waitForTimeout(500);
    assert.equal((await entries()).length, 2);
    await second.close();

    // Revoked: the device's next call answers 401 and the screen goes back to pairing.
    const revoke = await org.admin.request(
      "DELETE",
      `/api/v1/orgs/${org.orgId}/kiosks/${kiosk.id}`,
    );
    assert.equal(revoke.status, 204);
    await page.locator('.kiosk[data-screen="pad"]').waitFor({ timeout: 10_000 });
    await enterPin(page, org.member.pin);
    await page.locator('.kiosk[data-screen="pair"]').waitFor();
    await page.getByText(/not paired/).waitFor();
    // A reload asks the server, which no longer knows the device either.
    await page.reload();
    await page.locator('.kiosk[data-screen="pair"][data-ready]').waitFor();

    assert.deepEqual(problems, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});

Deno.test("kiosk: the whole paired page weighs at most 25 KB gzipped, and passes axe-core", async () => {
  await ensureKioskBuilt();
  const app = await testApp({ now: () => Date.now() });
  const server = serveApp(app);
  const { base } = server;
  try {
    const org = await kioskOrg(app, "8642");
    const kiosk = await createKiosk(org, "Yard gate");

    // Weight: every resource a freshly paired device loads with /kiosk (the document, its
    // stylesheet, script, icon, web manifest and service worker with what it stores), fetched
    // again over HTTP with the device cookie and gzipped.
    const page = await openPage();
    await pairThroughPage(page, base, kiosk.pairingCode, org.orgName);
    const device = (await page.context().cookies()).find((c) => c.name === "cf_kiosk");
    assert.ok(device);
    const loaded = new Set<string>();
    page.context().on("request", (req) => {
      const url = new URL(req.url());
      if (url.origin === base && !url.pathname.startsWith("/api/")) loaded.add(url.pathname);
    });
    await page.reload();
    await page.locator('.kiosk[data-screen="pad"][data-ready]').waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 15_000,
    });
    await page.waitForTimeout(300);
    loaded.add("/kiosk/sw.js");
    // And whatever the document links, whether or not this browser fetched it.
    const linked = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLLinkElement | HTMLScriptElement>("link[href], script[src]")]
        .map((el) => new URL("href" in el ? el.href : el.src).pathname)
    );
    for (const path of linked) loaded.add(path);
    const sizes: Record<string, { raw: number; gzip: number }> = {};
    for (const path of loaded) {
      const res: Response = await fetch(`${base}${path}`, {
        headers: { cookie: `${device.name}=${device.value}` },
      });
      assert.equal(res.status, 200, path);
      const raw = new Uint8Array(await res.arrayBuffer());
      const gz = new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip"));
      sizes[path] = { raw: raw.length, gzip: (await new Response(gz).arrayBuffer()).byteLength };
    }
    const html = await (await fetch(`${base}/kiosk`, {
      headers: { cookie: `${device.name}=${device.value}` },
    })).text();
    assert.ok(html.includes(org.orgName), "the server renders the paired screen");
    assert.doesNotMatch(html, /app\.css|islands-[0-9a-f]+\.js/, "no app stylesheet or bundle");
    for (const kind of ["/kiosk", "/static/build/kiosk-"]) {
      assert.ok([...loaded].some((p) => p.startsWith(kind)), `${kind} was loaded`);
    }
    const total = Object.values(sizes).reduce((sum, s) => sum + s.gzip, 0);
    console.log(`kiosk page weight: ${total} bytes gzipped`, sizes);
    assert.ok(total <= BUDGET_BYTES, `${total} bytes gzipped > ${BUDGET_BYTES}`);

    // Accessibility of each screen: pairing, the pad, the member's actions, the confirmation.
    const axePage = await openPage({ bypassCSP: true });
    const checked: Record<string, string[]> = {};
    await axePage.goto(`${base}/kiosk`);
    await axePage.locator('.kiosk[data-screen="pair"][data-ready]').waitFor();
    checked.pair = await violations(axePage);
    const second = await createKiosk(org, "Axe gate");
    await pairThroughPage(axePage, base, second.pairingCode, org.orgName);
    checked.pad = await violations(axePage);
    await enterPin(axePage, org.member.pin);
    await axePage.getByRole("heading", { name: "Kim Kiosk" }).waitFor();
    checked.choose = await violations(axePage);
    await axePage.getByRole("button", { name: "Clock in" }).click();
    await axePage.locator(".k-done").waitFor();
    checked.done = await violations(axePage);
    for (const [screen, found] of Object.entries(checked)) {
      assert.deepEqual(found, [], `${screen}: ${found.join("\n")}`);
    }
    // Touch targets: every button is at least 48 px in both directions.
    await axePage.locator('.kiosk[data-screen="pad"]').waitFor({ timeout: 10_000 });
    const small = await axePage.evaluate(() =>
      [...document.querySelectorAll("button")].map((b) => {
        const r = b.getBoundingClientRect();
        return { text: b.textContent, w: r.width, h: r.height };
      }).filter((b) => b.w < 48 || b.h < 48)
    );
    assert.deepEqual(small, []);
  } finally {
    await closeBrowsers();
    await server.shutdown();
    app.close();
  }
});
