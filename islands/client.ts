/**
 * The one client entry: reads the props data block written by the server and hydrates every
 * island marker (`[data-island]`) on the page with its component. Bundled by
 * `scripts/build_islands.ts`.
 *
 * @module
 */

import { type ComponentType, h, hydrate } from "preact";
import { ISLANDS } from "./registry.ts";
import { withFeatures } from "./features.ts";

/**
 * Hydrate all islands under `root` with the props in the `#__islands` data block, then mark the
 * document with `data-islands="hydrated"` (tests and styles can wait for it).
 */
export function hydrateIslands(root: ParentNode = document): void {
  const data = document.getElementById("__islands")?.textContent;
  const props = data ? JSON.parse(data) as Record<string, Record<string, unknown>> : {};
  for (const el of root.querySelectorAll<HTMLElement>("[data-island]")) {
    const name = el.dataset.island as keyof typeof ISLANDS;
    const component = ISLANDS[name] as unknown as
      | ComponentType<Record<string, unknown>>
      | undefined;
    const id = el.dataset.propsId ?? "";
    if (!component || !(id in props)) {
      console.warn(`Island ${name} (${id}) has no component or props; left static.`);
      continue;
    }
    hydrate(withFeatures(props[id], h(component, props[id])), el);
  }
  document.documentElement.dataset.islands = "hydrated";
}

hydrateIslands();
