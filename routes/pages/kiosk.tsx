/**
 * The kiosk device's page, for a shared tablet (no session; the device cookie of the kiosk API):
 *
 * | route | what |
 * | --- | --- |
 * | `GET /kiosk` | the kiosk screen (`islands/kiosk/Kiosk.tsx`): pairing, or the PIN pad of the kiosk the device cookie names |
 * | `GET /kiosk/sw.js` | its service worker (`static/kiosk/sw.js`), with the current build's assets to keep |
 *
 * The page is its own document: its own stylesheet and bundle (`kiosk-<hash>.css/js` in
 * `static/build/`), never the app's `app.css` or islands bundle, so it stays within its weight
 * budget (25 KB gzipped, `tests/e2e/kiosk_test.ts`).
 *
 * @module
 */

import { Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import type { AppContext, AppEnv } from "../context.ts";
import { kioskAssets } from "../../components/assets.ts";
import { serializeIslandProps } from "../../components/islands.tsx";
import {
  Kiosk,
  KIOSK_DATA_ID,
  KIOSK_ROOT_ID,
  type KioskProps,
} from "../../islands/kiosk/Kiosk.tsx";
import type { KioskMe } from "../../islands/kiosk/api.ts";

const SW_SOURCE = new URL("../../static/kiosk/sw.js", import.meta.url);
let swSource: string | null = null;

/**
 * What the device cookie of this request pairs it with (the body of `GET /api/v1/kiosk/me`),
 * or null when it names no paired kiosk.
 */
function pairedKiosk(_c: AppContext): Promise<KioskMe | null> {
  // Wired to the kiosk API's device resolution when it lands (kiosk-server slice).
  return Promise.resolve(null);
}

/** The kiosk document around the server-rendered screen. */
function kioskDocument(props: KioskProps, assets: { script: string; style: string } | null) {
  const title = props.me ? `${props.me.organization.name} kiosk` : "ClockFlow kiosk";
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#0f766e" />
        <title>{title}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="manifest" href="/static/kiosk/manifest.webmanifest" />
        {assets && <link rel="stylesheet" href={assets.style} />}
      </head>
      <body>
        <main id={KIOSK_ROOT_ID}>
          <Kiosk {...props} />
        </main>
        <noscript>
          <p>The kiosk needs JavaScript.</p>
        </noscript>
        <script
          type="application/json"
          id={KIOSK_DATA_ID}
          dangerouslySetInnerHTML={{
            __html: serializeIslandProps(props as unknown as Record<string, unknown>),
          }}
        />
        {assets && <script type="module" src={assets.script} />}
      </body>
    </html>
  );
}

/** The kiosk page and its service worker. */
export const kioskPages = new Hono<AppEnv>()
  .get("/kiosk", async (c) => {
    const props: KioskProps = { me: await pairedKiosk(c) };
    const html = renderToString(kioskDocument(props, kioskAssets()));
    c.header("Cache-Control", "no-store");
    return c.html(`<!DOCTYPE html>${html}`);
  })
  .get("/kiosk/sw.js", async (c) => {
    const assets = kioskAssets();
    if (!assets) return c.notFound();
    swSource ??= await Deno.readTextFile(SW_SOURCE);
    const shell = {
      version: assets.script.replace(/^.*kiosk-([0-9a-f]+)\.js$/, "$1") +
        assets.style.replace(/^.*kiosk-([0-9a-f]+)\.css$/, "-$1"),
      assets: [assets.script, assets.style, "/static/favicon.svg"],
    };
    return c.body(`self.KIOSK_SHELL = ${JSON.stringify(shell)};\n${swSource}`, 200, {
      "content-type": "text/javascript; charset=utf-8",
      // Registered with scope /kiosk (the page itself), one level above the script's own.
      "service-worker-allowed": "/kiosk",
      "cache-control": "no-cache",
    });
  });
