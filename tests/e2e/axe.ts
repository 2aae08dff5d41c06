/**
 * axe-core in Chromium for the accessibility checks of the page tests. The app's CSP refuses
 * injected scripts, so pages checked with it are opened with `openPage({ bypassCSP: true })`.
 *
 * @module
 */

import axe from "axe-core";
import type { Page } from "playwright-core";

/** The WCAG 2.0/2.1 A and AA rule tags every page must pass. */
export const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** The WCAG violations axe-core finds on `page`, one line each (empty when it passes). */
export async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const found = await page.evaluate(async (tags) => {
    // deno-lint-ignore no-explicit-any
    const result = await (globalThis as any).axe.run(document, {
      runOnly: { type: "tag", values: tags },
    });
    // deno-lint-ignore no-explicit-any
    return result.violations.map((v: any) =>
      `${v.id} (${v.impact}): ${v.help} — ${
        // deno-lint-ignore no-explicit-any
        v.nodes.slice(0, 3).map((n: any) => n.target.join(" ")).join(", ")}`
    );
  }, WCAG);
  return found as string[];
}
