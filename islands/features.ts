/**
 * Plan features inside islands. The server decides which features are on (`enabled()` in
 * `lib/billing/entitlements.ts`) and a page passes that list to an island as its
 * `enabledFeatures` prop; the island layer (`components/islands.tsx` on the server,
 * `islands/client.ts` in the browser) provides it to the island's tree, where
 * {@linkcode useFeature} reads it. Islands only hide what is off — the server refuses it anyway.
 *
 * @example
 * ```tsx
 * function Picker() {
 *   if (!useFeature("geofencing")) return null;
 *   return <select>…</select>;
 * }
 * ```
 *
 * @module
 */

import { createContext, h, type VNode } from "preact";
import { useContext } from "preact/hooks";
import type { Feature } from "../lib/billing/plans.ts";

/** The features in force, as the page passed them (null: the page passed none). */
export const FeaturesContext = createContext<readonly Feature[] | null>(null);

/** Props an island may carry to tell its tree which features are on. */
export interface FeatureProps {
  /** The features in force for the organization (from the server's decision). */
  enabledFeatures?: readonly Feature[];
}

/**
 * Whether `feature` is on, as the page's `enabledFeatures` prop says. False when the page
 * passed no list: an island shows a feature only when the server said it is on.
 */
export function useFeature(feature: Feature): boolean {
  return useContext(FeaturesContext)?.includes(feature) ?? false;
}

/** `child` inside a provider of `props.enabledFeatures` (when the island was given them). */
export function withFeatures(props: unknown, child: VNode): VNode {
  const list = (props as FeatureProps | null)?.enabledFeatures;
  if (!Array.isArray(list)) return child;
  return h(FeaturesContext.Provider, { value: list }, child) as VNode;
}
