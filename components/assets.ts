/**
 * Where the built client assets are: `static/build/manifest.json`, written by
 * `scripts/build_islands.ts`, names the content-hashed islands bundle and the kiosk's own script
 * and stylesheet.
 *
 * @module
 */

/** Shape of `static/build/manifest.json`. */
export interface BuildManifest {
  /** File name of the islands bundle inside `static/build/`, e.g. `islands-3f2a….js`. */
  islands: string;
  /** The kiosk page's own bundle and stylesheet, e.g. `kiosk-1c9e….js`, `kiosk-77ab….css`. */
  kiosk: { script: string; style: string };
}

const MANIFEST = new URL("../static/build/manifest.json", import.meta.url);

let cached: string | null = null;
let warned = false;

/**
 * The URL path of the islands bundle (`/static/build/islands-<hash>.js`), read from the manifest
 * once and cached. Null (with one warning) when the bundle has not been built yet — run
 * `deno task build`.
 */
export function islandsScriptSrc(): string | null {
  if (cached) return cached;
  try {
    const manifest = JSON.parse(Deno.readTextFileSync(MANIFEST)) as BuildManifest;
    if (!/^islands-[A-Za-z0-9]{8,}\.js$/.test(manifest.islands)) {
      throw new Error(`unexpected bundle name ${manifest.islands}`);
    }
    cached = `/static/build/${manifest.islands}`;
    return cached;
  } catch (err) {
    if (!warned) {
      warned = true;
      console.warn(
        `Islands bundle unavailable (${(err as Error).message}); run \`deno task build\`.`,
      );
    }
    return null;
  }
}

/** URL paths of the kiosk page's assets (`/static/build/kiosk-<hash>.js` and `.css`). */
export interface KioskAssets {
  script: string;
  style: string;
}

let kioskCached: KioskAssets | null = null;

/**
 * The kiosk page's script and stylesheet, read from the manifest once and cached. Null when the
 * kiosk has not been built yet — run `deno task build`.
 */
export function kioskAssets(): KioskAssets | null {
  if (kioskCached) return kioskCached;
  try {
    const manifest = JSON.parse(Deno.readTextFileSync(MANIFEST)) as BuildManifest;
    const { script, style } = manifest.kiosk ?? {};
    if (
      !/^kiosk-[A-Za-z0-9]{8,}\.js$/.test(script) || !/^kiosk-[A-Za-z0-9]{8,}\.css$/.test(style)
    ) {
      throw new Error("no kiosk assets in the manifest");
    }
    kioskCached = { script: `/static/build/${script}`, style: `/static/build/${style}` };
    return kioskCached;
  } catch (err) {
    console.warn(`Kiosk assets unavailable (${(err as Error).message}); run \`deno task build\`.`);
    return null;
  }
}
