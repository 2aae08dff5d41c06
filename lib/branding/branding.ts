/**
 * An organization's branding as every surface shows it (its pages, the kiosk, mails, PDF
 * exports): the accent colour (the `branding` settings section) and the logo's URL (the logo
 * meta record, `./logo.ts`).
 *
 * | function | reads | for |
 * | --- | --- | --- |
 * | {@linkcode readBranding} | the logo meta (one get) | callers holding settings (the kiosk) |
 * | {@linkcode brandingOf} | the same, when the plan has `branding` | use cases, pages |
 * | {@linkcode brandingForOrg} | profile, settings, billing, logo meta (one `getMany`) | jobs (mail) |
 * | {@linkcode documentBranding} | the logo's bytes too | PDF exports |
 *
 * @module
 */

import type { OrgScope, Store } from "../kv/mod.ts";
import type { Settings } from "../settings/schema.ts";
import type { RequestContext } from "../context.ts";
import type { Organization } from "../orgs/orgs.ts";
import type { BillingMode } from "../billing/lifecycle.ts";
import { BILLING_PARTS, billingFrom, enabled, entitlementsOf } from "../billing/entitlements.ts";
import { SETTINGS_PARTS, settingsFrom } from "../settings/repository.ts";
import { LOGO_PARTS, type LogoMeta, readLogo, readLogoMeta } from "./logo.ts";
import type { LogoType } from "./image.ts";

/** What surfaces show. */
export interface Branding {
  /** `#RRGGBB` with at least 4.5:1 contrast against white, or null for ClockFlow's own. */
  accentColor: string | null;
  /** A path (`/branding/…`) serving the logo, versioned so it can be cached, or null. */
  logoUrl: string | null;
}

/** No branding: ClockFlow's own colours, no logo. */
export const NO_BRANDING: Branding = Object.freeze({ accentColor: null, logoUrl: null });

/** The public path of logo `version` of organization `orgId`. */
export function logoPath(orgId: string, version: string): string {
  return `/branding/${orgId}/logo/${version}`;
}

/** Branding from the settings and the logo meta (no reads). */
export function brandingFrom(orgId: string, settings: Settings, logo: LogoMeta | null): Branding {
  if (settings.disabledFeatures.includes("branding")) return NO_BRANDING;
  const accentColor = settings.branding?.accentColor ?? null;
  const logoUrl = logo ? logoPath(orgId, logo.version) : null;
  return accentColor === null && logoUrl === null ? NO_BRANDING : { accentColor, logoUrl };
}

/**
 * The branding of the organization of `scope` with settings `settings`: the accent colour from
 * the settings, the logo from one read of its meta record. An admin who switched `branding` off
 * gets none. The caller decides whether the plan includes the feature (see
 * {@linkcode brandingOf}).
 *
 * @example
 * ```ts
 * const { accentColor, logoUrl } = await readBranding(scope, settings);
 * ```
 */
export async function readBranding(scope: OrgScope, settings: Settings): Promise<Branding> {
  if (settings.disabledFeatures.includes("branding")) return NO_BRANDING;
  return brandingFrom(scope.orgId, settings, (await readLogoMeta(scope)).value);
}

/** The branding of the context's organization, or none when its plan lacks `branding`. */
export function brandingOf(
  ctx: Pick<RequestContext, "scope" | "settings" | "entitlements">,
): Promise<Branding> {
  if (!enabled(ctx.entitlements, "branding")) return Promise.resolve(NO_BRANDING);
  return readBranding(ctx.scope, ctx.settings.settings);
}

/** An organization's name and branding, as mails and public pages show them. */
export interface OrgBranding {
  orgId: string;
  orgName: string;
  branding: Branding;
}

/**
 * The name and branding of organization `scope` in one `getMany` (profile, settings, billing
 * record, logo meta), with the plan decided as requests decide it; null when the organization
 * is gone.
 */
export async function brandingOfScope(
  scope: OrgScope,
  mode: BillingMode,
  now: number,
): Promise<OrgBranding | null> {
  const [profile, stored, billing, logo] = await scope.getMany<unknown>([
    scope.key("profile"),
    scope.key(...SETTINGS_PARTS),
    scope.key(...BILLING_PARTS),
    scope.key(...LOGO_PARTS),
  ]);
  const org = profile.value as Organization | null;
  if (!org) return null;
  const { settings } = settingsFrom(org, stored.value);
  const ent = entitlementsOf(
    billingFrom(billing, org).record,
    settings.disabledFeatures,
    now,
    mode,
  );
  return {
    orgId: org.id,
    orgName: org.name,
    branding: enabled(ent, "branding")
      ? brandingFrom(org.id, settings, logo.value as LogoMeta | null)
      : NO_BRANDING,
  };
}

/** {@linkcode brandingOfScope} of organization `orgId`, for background work (mail). */
export async function brandingForOrg(
  store: Store,
  orgId: string,
  mode: BillingMode,
  now: number,
): Promise<OrgBranding | null> {
  const scope = await store.scopeForJob(orgId);
  return scope ? await brandingOfScope(scope, mode, now) : null;
}

/** What a PDF header shows: the accent colour and the logo's bytes. */
export interface DocumentBranding {
  accentColor: string | null;
  logo: { contentType: LogoType; bytes: Uint8Array } | null;
}

/** The branding of a document made in `ctx`'s organization, with the logo's bytes. */
export async function documentBranding(
  ctx: Pick<RequestContext, "scope" | "settings" | "entitlements">,
): Promise<DocumentBranding> {
  const none: DocumentBranding = { accentColor: null, logo: null };
  if (!enabled(ctx.entitlements, "branding")) return none;
  const settings = ctx.settings.settings;
  if (settings.disabledFeatures.includes("branding")) return none;
  const meta = (await readLogoMeta(ctx.scope)).value;
  const logo = meta ? await readLogo(ctx.scope, meta.version) : null;
  return {
    accentColor: settings.branding?.accentColor ?? null,
    logo: logo ? { contentType: logo.meta.contentType, bytes: logo.bytes } : null,
  };
}
