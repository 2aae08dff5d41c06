/**
 * How soon the kiosk page (`/kiosk`, paired) accepts a PIN in Chromium with the CPU slowed down
 * 4× (CDP `Emulation.setCPUThrottlingRate {rate: 4}`), issue #10's "interactive in under 1 s".
 *
 * ```sh
 * deno task build && deno run -A bench/kiosk_interactive.ts [--runs=7]
 * ```
 *
 * - The real app on `:memory:` KV, served on a loopback port; a kiosk paired through the page as
 *   a tablet would; each run opens a fresh browser profile holding only the device cookie.
 * - **ready**: ms from navigation start (`performance.timeOrigin`) until the hydrated pad marks
 *   itself ready (`data-ready`, set once its key handlers are installed), taken in the page by a
 *   `MutationObserver`.
 * - **first digit**: ms from navigation start until a digit typed (a `keydown` dispatched in the
 *   page) as soon as the pad was ready shows on it: the pad accepting input.
 * - **cold** is the first load of a profile (no cache, no service worker); **warm** the reload
 *   that follows (assets from the service worker's cache).
 * - Medians over the runs are printed; results are recorded in bench/README.md. Needs Chromium at
 *   /usr/bin/chromium.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { testApp } from "../tests/helpers.ts";
import { closeBrowsers, openPage, serveApp } from "../tests/e2e/chromium.ts";
import {
  createKiosk,
  ensureKioskBuilt,
  kioskOrg,
  pairThroughPage,
} from "../tests/e2e/kiosk_support.ts";

const args = parseArgs({ args: Deno.args, options: { runs: { type: "string", default: "7" } } });
const RUNS = Number(args.values.runs);

/** Load `/kiosk` and return [ready, first digit] in ms since navigation start. */
async function measure(page: Page, url: string, reload: boolean): Promise<[number, number]> {
  if (reload) await page.reload({ waitUntil: "commit" });
  else await page.goto(url, { waitUntil: "commit" });
  await page.locator('.k-pin[data-digits="1"]').waitFor({ timeout: 30_000 });
  const [ready, typed] = await page.evaluate(() => {
    const g = globalThis as { __kioskReady?: number; __kioskTyped?: number };
    return [g.__kioskReady ?? NaN, g.__kioskTyped ?? NaN];
  });
  return [ready, typed];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

await ensureKioskBuilt();
const app = await testApp({ now: () => Date.now() });
const server = serveApp(app);
try {
  const org = await kioskOrg(app);
  const kiosk = await createKiosk(org, "Bench gate");
  const pairing = await openPage();
  await pairThroughPage(pairing, server.base, kiosk.pairingCode, org.orgName);
  const cookie = (await pairing.context().cookies()).find((c) => c.name === "cf_kiosk");
  if (!cookie) throw new Error("no device cookie after pairing");
  await closeBrowsers();

  const cold: [number, number][] = [];
  const warm: [number, number][] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await openPage({ viewport: { width: 800, height: 1100 } });
    await page.context().addCookies([cookie]);
    // In the page: note when the pad marks itself ready, type a digit at once (a real
    // `keydown`, as a keyboard sends it) and note when the pad shows it.
    await page.addInitScript(() => {
      const g = globalThis as { __kioskReady?: number; __kioskTyped?: number };
      new MutationObserver((_, obs) => {
        if (g.__kioskReady === undefined && document.querySelector(".kiosk[data-ready]")) {
          g.__kioskReady = performance.now();
          document.dispatchEvent(new KeyboardEvent("keydown", { key: "7", bubbles: true }));
        }
        if (g.__kioskReady !== undefined && document.querySelector('.k-pin[data-digits="1"]')) {
          g.__kioskTyped = performance.now();
          obs.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, childList: true });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    cold.push(await measure(page, `${server.base}/kiosk`, false));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    warm.push(await measure(page, `${server.base}/kiosk`, true));
    await closeBrowsers();
  }
  const line = (label: string, xs: [number, number][]) =>
    console.log(
      `${label}: ready median ${median(xs.map((x) => x[0])).toFixed(0)} ms, first digit median ${
        median(xs.map((x) => x[1])).toFixed(0)
      } ms (ready, first digit per run: ${
        xs.map((x) => `${x[0].toFixed(0)}/${x[1].toFixed(0)}`).join(", ")
      })`,
    );
  console.log(`kiosk page, Chromium, CPU 4× slower, ${RUNS} runs`);
  line("cold", cold);
  line("warm", warm);
} finally {
  await closeBrowsers();
  await server.shutdown();
  app.close();
}
