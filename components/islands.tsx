/**
 * Server side of the islands layer. A page renders an island through the wrapper made by
 * {@linkcode island}: the server output of the component is wrapped in a marker element
 * (`<div data-island="Clock" data-props-id="i0">`) and its props are collected, per render, by an
 * {@linkcode IslandCollector}. {@linkcode IslandScripts}, placed at the end of `<body>`, then
 * emits the props as one JSON data block (`<script type="application/json" id="__islands">`)
 * and the client bundle — only when the page holds at least one island. `islands/client.ts`
 * reads both and hydrates each marker.
 *
 * @module
 */

import { createContext, type FunctionComponent } from "preact";
import { useContext } from "preact/hooks";
import { type IslandName, ISLANDS } from "../islands/registry.ts";
import { islandsScriptSrc } from "./assets.ts";
import { withFeatures } from "../islands/features.ts";

/** Id of the JSON data block holding every island's props. */
export const ISLAND_DATA_ID = "__islands";

/** Collects the islands of one page render, in render order. */
export class IslandCollector {
  /** Props by marker id (`i0`, `i1`, …). */
  readonly props: Record<string, unknown> = {};
  #count = 0;

  /** Register an island's props; returns the id its marker carries. */
  add(props: unknown): string {
    const id = `i${this.#count++}`;
    this.props[id] = props;
    return id;
  }

  /** How many islands were rendered. */
  get size(): number {
    return this.#count;
  }
}

/** The collector of the page being rendered (provided by the page renderer). */
export const IslandsContext = createContext<IslandCollector | null>(null);

/**
 * Serialize island props for a `<script type="application/json">` block. Characters that could
 * end the script element or open an HTML comment (`<`, `>`, `&`) and the JavaScript line
 * separators are written as `\uXXXX` escapes, so no value can break out of the block; the
 * result still parses with `JSON.parse` to the same data.
 *
 * @example
 * ```ts
 * serializeIslandProps({ a: "</script>" }); // '{"a":"\\u003c/script\\u003e"}'
 * ```
 */
export function serializeIslandProps(props: Record<string, unknown>): string {
  return JSON.stringify(props).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A server component that renders island `name` with its props and registers them for
 * hydration. Props must be JSON data (no functions, dates or class instances).
 *
 * @example
 * ```tsx
 * const ClockIsland = island("Clock");
 * <ClockIsland orgId={org.id} state="out" … />
 * ```
 */
export function island<N extends IslandName>(
  name: N,
): FunctionComponent<Parameters<(typeof ISLANDS)[N]>[0]> {
  const Component = ISLANDS[name] as FunctionComponent<Parameters<(typeof ISLANDS)[N]>[0]>;
  const Wrapped: FunctionComponent<Parameters<(typeof ISLANDS)[N]>[0]> = (props) => {
    const collector = useContext(IslandsContext);
    if (!collector) throw new Error(`island ${name} rendered outside a page render`);
    const id = collector.add(props);
    return (
      <div class="island" data-island={name} data-props-id={id}>
        {withFeatures(props, <Component {...props} />)}
      </div>
    );
  };
  Wrapped.displayName = `Island(${name})`;
  return Wrapped;
}

/**
 * The props data block and the client bundle, or nothing when the page has no island. Render it
 * after every island (last in `<body>`): server rendering is depth-first, so all islands have
 * registered by then.
 */
export function IslandScripts() {
  const collector = useContext(IslandsContext);
  if (!collector || collector.size === 0) return null;
  const src = islandsScriptSrc();
  return (
    <>
      <script
        type="application/json"
        id={ISLAND_DATA_ID}
        dangerouslySetInnerHTML={{ __html: serializeIslandProps(collector.props) }}
      />
      {src && <script type="module" src={src} />}
    </>
  );
}
