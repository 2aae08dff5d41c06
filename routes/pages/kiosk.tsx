/**
 * The kiosk device's page, for a shared tablet (no session; the device cookie of the kiosk API):
 *
 * | route | what |
 * | --- | --- |
 * | `GET /kiosk` | the kiosk screen (`islands/kiosk/Kiosk.tsx`): pairing (with the organization's branding on its custom domain), or the PIN pad of the kiosk the device cookie names |
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
  clockText,
  Kiosk,
  KIOSK_DATA_ID,
  KIOSK_ROOT_ID,
  type KioskProps,
} from "../../islands/kiosk/Kiosk.tsx";
import type { KioskMe } from "../../islands/kiosk/api.ts";
import { requireKiosk } from "../middleware/auth.ts";
import { requestContext } from "../request_context.ts";
import { pageBrandingOf } from "../middleware/custom_domain.ts";
import { kioskMeUseCase } from "../../lib/kiosks/use_cases.ts";
import { DomainError } from "../../lib/errors.ts";
import { accentStylesheet } from "../../components/page_branding.ts";

const SW_SOURCE = new URL("../../static/kiosk/sw.js", import.meta.url);
let swSource: string | null = null;

/**
 * What the device cookie of this request pairs it with (the body of `GET /api/v1/kiosk/me`),
 * or null when it names no paired kiosk (none, unknown, revoked, or the plan lost `kiosk`).
 */
async function pairedKiosk(c: AppContext): Promise<KioskMe | null> {
  if (!c.get("kiosk")) return null;
  let me: KioskMe | null = null;
  try {
    await requireKiosk()(c, async () => {
      me = await kioskMeUseCase(requestContext(c));
    });
  } catch (err) {
    if (
      err instanceof DomainError && (err.kind === "unauthenticated" || err.kind === "forbidden")
    ) {
      return null;
    }
    throw err;
  }
  return me;
}

/** The kiosk document around the server-rendered screen. */
function kioskDocument(props: KioskProps, assets: { script: string; style: string } | null) {
  const orgName = props.me?.organization.name ?? props.brand?.orgName ?? null;
  const title = orgName ? `${orgName} kiosk` : "ClockFlow kiosk";
  const accent = props.me ? props.me.branding.accentColor : props.brand?.accentColor ?? null;
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
        {accent && <link rel="stylesheet" href={accentStylesheet(accent)} />}
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
export const kioskDevicePages = new Hono<AppEnv>()
  .get("/kiosk", async (c) => {
    const me = await pairedKiosk(c);
    // On an organization's custom domain, its name and branding show before pairing too.
    const brand = me ? null : pageBrandingOf(c);
    const clock = me ? clockText(c.get("deps").now(), me.organization.timeZone) : null;
    const props: KioskProps = { me, brand, clock };
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
