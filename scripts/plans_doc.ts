/**
 * Write `docs/plans.md` from the plan catalog (`lib/billing/plans.ts`), so the docs always say
 * what the server enforces. `tests/plans_doc_test.ts` fails when the committed file is stale.
 *
 * Run with `deno task docs`.
 *
 * @module
 */

import { plansMarkdown } from "../lib/billing/catalog_text.ts";

/** Where the generated document lives. */
export const PLANS_DOC = new URL("../docs/plans.md", import.meta.url);

if (import.meta.main) {
  await Deno.writeTextFile(PLANS_DOC, plansMarkdown());
  console.log(`wrote ${PLANS_DOC.pathname}`);
}
