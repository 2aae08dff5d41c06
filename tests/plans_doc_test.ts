/**
 * `docs/plans.md` is generated from the plan catalog (`deno task docs`); the committed file must
 * be exactly what the generator writes, so the docs never disagree with what the server
 * enforces.
 */

import assert from "node:assert/strict";
import { isAvailable, plansMarkdown } from "../lib/billing/catalog_text.ts";
import { PLANS_DOC } from "../scripts/plans_doc.ts";
import { type Feature, FEATURES, PLAN_IDS, PLANS } from "../lib/billing/plans.ts";

Deno.test("docs/plans.md is the generated text (run `deno task docs` after changing plans.ts)", async () => {
  assert.equal(await Deno.readTextFile(PLANS_DOC), plansMarkdown());
});

Deno.test("the generated plans doc names every plan, price, limit and feature of the catalog", () => {
  const md = plansMarkdown();
  for (const id of PLAN_IDS) {
    const p = PLANS[id];
    assert.ok(md.includes(p.name) && md.includes(p.tagline), id);
    if (p.monthlyCents > 0) assert.ok(md.includes(`$${p.monthlyCents / 100} per member per month`));
  }
  for (const f of FEATURES) assert.ok(md.includes(`\`${f}\``), f);
  const featureRows = md.split("\n").filter((l) => /^\| .* \| `[a-zA-Z]+` +\|/.test(l));
  assert.equal(featureRows.length, FEATURES.length);
  for (const row of featureRows) {
    const cells = row.split("|").map((c) => c.trim()).filter(Boolean);
    const feature = cells[1].replaceAll("`", "");
    // Built features are a plan's "yes"; unbuilt ones (coming soon) are only "planned".
    const built = isAvailable(feature as Feature);
    PLAN_IDS.forEach((id, i) => {
      const has = (PLANS[id].features as readonly string[]).includes(feature);
      assert.equal(cells[2 + i], has ? (built ? "yes" : "planned") : "—", `${feature} on ${id}`);
    });
  }
});
