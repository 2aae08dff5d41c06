/**
 * `GET /docs/api`: the interactive API reference, Swagger UI reading `/api/v1/openapi.json`.
 * Every file comes from this server (`static/vendor/swagger-ui/`, vendored by
 * `deno task vendor:api-viewer`, started by `static/api_docs.js`), so the page works under the
 * app's CSP (`script-src 'self'`, `style-src 'self'`) with nothing from a CDN.
 *
 * @module
 */

import { Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import type { AppEnv } from "../context.ts";

/** The page: the viewer's stylesheet and script, and the element it renders into. */
export function ApiDocsPage(props: { specUrl: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>ClockFlow API reference</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css" />
        <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js" defer></script>
        <script src="/static/api_docs.js" defer></script>
      </head>
      <body>
        <main id="api-reference" data-spec={props.specUrl}>
          <noscript>
            The interactive reference needs JavaScript; the document itself is at{" "}
            <a href={props.specUrl}>{props.specUrl}</a>.
          </noscript>
        </main>
      </body>
    </html>
  );
}

/** Routes mounted at `/`. */
export const apiDocsPages = new Hono<AppEnv>()
  .get(
    "/docs/api",
    (c) =>
      c.html("<!doctype html>" + renderToString(<ApiDocsPage specUrl="/api/v1/openapi.json" />)),
  );
