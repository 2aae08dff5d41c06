/**
 * The kiosk page's own client entry (bundled alone into `static/build/kiosk-<hash>.js`; the
 * kiosk never loads the app's islands bundle): hydrate the server-rendered screen with the props
 * in `#kiosk-data`, and register the service worker that keeps the page for offline use.
 *
 * @module
 */

import { h, hydrate } from "preact";
import { Kiosk, KIOSK_DATA_ID, KIOSK_ROOT_ID, type KioskProps } from "./Kiosk.tsx";

performance.mark("kiosk:start");
const root = document.getElementById(KIOSK_ROOT_ID);
const data = document.getElementById(KIOSK_DATA_ID)?.textContent;
if (root && data) hydrate(h(Kiosk, JSON.parse(data) as KioskProps), root);
performance.mark("kiosk:hydrated");

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/kiosk/sw.js", { scope: "/kiosk" }).catch((err) => {
    console.warn("The kiosk works online only: its service worker failed", err);
  });
}
