/**
 * Where the built client assets are: `static/build/manifest.json`, written by
 * `scripts/build_islands.ts`, names the content-hashed islands bundle.
 *
 * @module
 */

/** Shape of `static/build/manifest.json`. */
export interface BuildManifest {
  /** File name of the islands bundle inside `static/build/`, e.g. `islands-3f2a….js`. */
  islands: string;
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
