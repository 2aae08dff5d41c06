/**
 * An organization's branding as every surface shows it (its pages, the kiosk, mails, PDF
 * exports): the accent colour and the logo's URL. PLACEHOLDER until the branding slice lands:
 * it answers no branding.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import type { Settings } from "../settings/schema.ts";

/** What surfaces show. */
export interface Branding {
  /** `#RRGGBB` with at least 4.5:1 contrast against white, or null for ClockFlow's own. */
  accentColor: string | null;
  /** A path (`/branding/…`) serving the logo, versioned so it can be cached, or null. */
  logoUrl: string | null;
}

/** No branding: ClockFlow's own colours, no logo. */
export const NO_BRANDING: Branding = Object.freeze({ accentColor: null, logoUrl: null });

/** The branding of the organization of `scope` with settings `settings`. */
export function readBranding(_scope: OrgScope, _settings: Settings): Promise<Branding> {
  return Promise.resolve(NO_BRANDING);
}
