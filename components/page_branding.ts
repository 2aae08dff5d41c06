/**
 * The branding a page shows (an organization's logo and accent colour), handed from the request
 * to the layout through a Preact context, so every page — the organization's, and the sign-in
 * page on its custom domain — gets it without passing props through each view.
 *
 * @module
 */

import { createContext } from "preact";

/** What the layout shows of an organization's branding. */
export interface PageBranding {
  orgName: string;
  /** `#RRGGBB` (at least 4.5:1 against white), or null. */
  accentColor: string | null;
  /** The logo's public path, or null. */
  logoUrl: string | null;
}

/** The request's branding (null: ClockFlow's own look). */
export const PageBrandingContext = createContext<PageBranding | null>(null);

/**
 * The stylesheet that sets `--accent` (and the brand colours from it) for `#RRGGBB`: a static,
 * cacheable URL, since the page's CSP allows no inline styles.
 *
 * @example
 * ```ts
 * accentStylesheet("#0F766E"); // "/branding/accent/0f766e.css"
 * ```
 */
export function accentStylesheet(accentColor: string): string {
  return `/branding/accent/${accentColor.slice(1).toLowerCase()}.css`;
}
