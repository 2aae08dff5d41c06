/**
 * `deno task openapi`: write the OpenAPI document to `docs/openapi.json` (committed; CI lints it
 * with Redocly and `tests/api/openapi_test.ts` checks it equals the generated one).
 *
 * @module
 */

import { openApiJson } from "../routes/api/openapi.ts";

/** Where the committed document lives. */
export const OPENAPI_FILE = new URL("../docs/openapi.json", import.meta.url);

if (import.meta.main) {
  await Deno.writeTextFile(OPENAPI_FILE, openApiJson(null));
  console.log(`wrote ${OPENAPI_FILE.pathname}`);
}
