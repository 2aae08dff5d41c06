/**
 * Public branding assets, mounted at `/branding` before sessions are read: they carry no
 * personal data and are shown where nobody is signed in (mails, the kiosk, a custom domain's
 * sign-in page).
 *
 * | route | answers |
 * | --- | --- |
 * | `GET /branding/{orgId}/logo/{version}` | the logo's bytes with its stored type; 404 for an unknown organization or an old version |
 * | `GET /branding/accent/{rrggbb}.css` | a stylesheet setting `--accent` and the brand colours from it |
 *
 * Both URLs change whenever their content does (the logo's version, the colour itself), so they
 * are cached for a year (`immutable`). The logo is served with `X-Content-Type-Options:
 * nosniff` and `Content-Security-Policy: default-src 'none'`, so even a file that slipped past
 * the byte checks could not run as a document.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "./context.ts";
import { readLogo } from "../lib/branding/logo.ts";

/** A year, in seconds. */
const YEAR = 31_536_000;
const IMMUTABLE = `public, max-age=${YEAR}, immutable`;

/**
 * The accent stylesheet of `#hex` (six lower-case hex digits): light pages take the accent as
 * their brand colour (white text on it has at least 4.5:1, checked when it was set); dark pages
 * keep their own lighter brand colour, which reads on dark surfaces, and show the accent as a
 * band above the header.
 */
export function accentCss(hex: string): string {
  return `/* ClockFlow accent #${hex} */
:root {
  --accent: #${hex};
}
@media (prefers-color-scheme: light) {
  :root {
    --brand: var(--accent);
    --brand-strong: color-mix(in srgb, var(--accent) 80%, #000000);
    --on-brand: #ffffff;
  }
}
.site-header {
  border-top: 4px solid var(--accent);
}
`;
}

/** The public branding routes (mounted at `/branding`). */
export const brandingAssets = new Hono<AppEnv>()
  .get("/accent/:file", (c) => {
    const m = /^([0-9a-f]{6})\.css$/.exec(c.req.param("file"));
    if (!m) return c.notFound();
    return c.body(accentCss(m[1]), 200, {
      "content-type": "text/css; charset=utf-8",
      "cache-control": IMMUTABLE,
    });
  })
  .get("/:orgId/logo/:version", async (c) => {
    const version = c.req.param("version");
    if (!/^[0-9a-z]{26}$/.test(version)) return c.notFound();
    const scope = await c.get("deps").store.scopeForPublicAsset(c.req.param("orgId"));
    const logo = scope ? await readLogo(scope, version) : null;
    if (!logo) return c.notFound();
    const etag = `"${logo.meta.sha256}"`;
    const headers = {
      "content-type": logo.meta.contentType,
      "cache-control": IMMUTABLE,
      "etag": etag,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'",
      "cross-origin-resource-policy": "cross-origin",
    };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    return c.body(logo.bytes as Uint8Array<ArrayBuffer>, 200, headers);
  });
