/**
 * Branding as use cases: the logo and the custom domain (the accent colour is a settings
 * section, changed through `updateOrgSettings`). Admins only (API keys: `settings:read` /
 * `settings:write`); changes need the plan's `branding` (403 `feature_not_in_plan` /
 * `feature_disabled`); reading and removing do not, so an admin sees and can clean up what is
 * stored after a downgrade.
 *
 * | use case | input |
 * | --- | --- |
 * | {@linkcode brandingView} | |
 * | {@linkcode uploadLogo} | `{contentType, bytes}` (checked by `./image.ts`) → `{logoUrl}` |
 * | {@linkcode removeLogo} | |
 * | {@linkcode setDomain} | `domainInput` → `{domain, status, txtName, txtValue}` |
 * | {@linkcode verifyDomain} | | → `{domain, status: "verified"}` or 422 `domain_not_verified` |
 * | {@linkcode removeDomain} | | → the removed domain, or null |
 *
 * @module
 */

import { authorize, type RequestContext, requirePlanFeature, requireScope } from "../context.ts";
import { DomainError } from "../errors.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import { enabled } from "../billing/entitlements.ts";
import { checkLogoImage } from "./image.ts";
import { deleteLogo, readLogoMeta, storeLogo } from "./logo.ts";
import { type Branding, brandingFrom } from "./branding.ts";
import { contrastRatio, displayRatio, REQUIRED_CONTRAST } from "./contrast.ts";
import {
  type CustomDomain,
  markDomainVerified,
  readCustomDomain,
  removeCustomDomain,
  setCustomDomain,
} from "./domain.ts";
import { domainInput } from "./schemas.ts";
import { dnsTxtResolver } from "./dns.ts";

/** A custom domain as the API shows it. */
export interface DomainView {
  domain: string;
  status: "pending" | "verified";
  txtName: string;
  txtValue: string;
  verifiedAt: string | null;
}

function viewDomain(d: CustomDomain): DomainView {
  return {
    domain: d.domain,
    status: d.status,
    txtName: d.txtName,
    txtValue: d.txtValue,
    verifiedAt: d.verifiedAt === null ? null : new Date(d.verifiedAt).toISOString(),
  };
}

/** What the branding page and `GET …/branding` show. */
export interface BrandingView extends Branding {
  /** White text's contrast on the accent colour (two decimals), or null without one. */
  contrast: number | null;
  requiredContrast: number;
  customDomain: DomainView | null;
  /** The plan includes `branding` and it is not switched off. */
  featureEnabled: boolean;
  /** The settings version (the accent colour form sends it back). */
  settingsVersion: number;
}

function admin(ctx: RequestContext, scope: "settings:read" | "settings:write"): void {
  requireScope(ctx, scope);
  authorize(ctx, "admin");
}

/** The stored branding with the custom domain (admins). */
export async function brandingView(ctx: RequestContext): Promise<BrandingView> {
  admin(ctx, "settings:read");
  const [logo, domain] = await Promise.all([readLogoMeta(ctx.scope), readCustomDomain(ctx.scope)]);
  const settings = ctx.settings.settings;
  const accentColor = settings.branding.accentColor;
  const stored = brandingFrom(ctx.scope.orgId, { ...settings, disabledFeatures: [] }, logo.value);
  return {
    ...stored,
    contrast: accentColor ? displayRatio(contrastRatio(accentColor, "#ffffff")) : null,
    requiredContrast: REQUIRED_CONTRAST,
    customDomain: domain.value ? viewDomain(domain.value) : null,
    featureEnabled: enabled(ctx.entitlements, "branding"),
    settingsVersion: ctx.settings.version,
  };
}

/**
 * Store a logo (PNG, JPEG or WebP, ≤ 256 KiB, checked by its bytes), replacing the previous
 * one; its URL names the new version.
 *
 * @example
 * ```ts
 * const { logoUrl } = await uploadLogo(ctx, { contentType: "image/png", bytes });
 * ```
 */
export async function uploadLogo(
  ctx: RequestContext,
  input: { contentType: string | null; bytes: Uint8Array },
): Promise<{ logoUrl: string }> {
  admin(ctx, "settings:write");
  requirePlanFeature(ctx, "branding");
  const contentType = checkLogoImage(input.bytes, input.contentType);
  const meta = await storeLogo(
    ctx.scope,
    ctx.principal,
    { contentType, bytes: input.bytes },
    ctx.now,
  );
  return { logoUrl: brandingFrom(ctx.scope.orgId, ctx.settings.settings, meta).logoUrl! };
}

/**
 * Remove the logo (nothing to remove is fine). Allowed without the plan's `branding`, so an
 * organization that left the plan can clean up.
 */
export async function removeLogo(ctx: RequestContext): Promise<void> {
  admin(ctx, "settings:write");
  await deleteLogo(ctx.scope, ctx.principal, ctx.now);
}

/** The app's own host name (a custom domain cannot be it). */
function ownHost(ctx: RequestContext): string {
  return new URL(ctx.services.publicUrl).hostname.toLowerCase();
}

/**
 * Set the custom domain, pending until its TXT record is found ({@linkcode verifyDomain}).
 * Returns what to create in DNS. Setting another domain replaces the previous one. The app's own
 * host is refused (400 `validation_failed`).
 */
export async function setDomain(
  ctx: RequestContext,
  input: Unparsed<typeof domainInput>,
): Promise<DomainView & { released: string | null }> {
  admin(ctx, "settings:write");
  requirePlanFeature(ctx, "branding");
  const { domain } = parseInput(domainInput, input);
  if (domain === ownHost(ctx)) {
    throw new DomainError("invalid", "validation_failed", "Some fields are missing or invalid", [
      { path: "domain", message: "use a domain of your own, not this app's address" },
    ]);
  }
  const { record, released } = await setCustomDomain(ctx.scope, ctx.principal, domain, ctx.now);
  return { ...viewDomain(record), released };
}

/**
 * Look the TXT record up and, when it holds the expected value, mark the domain verified:
 * 404 without a domain, 422 `domain_not_verified` (details `{txtName, txtValue, found}`) when
 * the record is missing or different, 409 `domain_taken` when another organization verified
 * it first.
 */
export async function verifyDomain(ctx: RequestContext): Promise<DomainView> {
  admin(ctx, "settings:write");
  requirePlanFeature(ctx, "branding");
  const entry = await readCustomDomain(ctx.scope);
  if (!entry.value) {
    throw new DomainError("not_found", "not_found", "Set a custom domain first");
  }
  if (entry.value.status === "verified") return viewDomain(entry.value);
  const resolve = ctx.services.resolveTxt ?? dnsTxtResolver();
  const records = await resolve(entry.value.txtName);
  if (!records.includes(entry.value.txtValue)) {
    throw new DomainError(
      "unprocessable",
      "domain_not_verified",
      `No TXT record ${entry.value.txtName} with the expected value was found; DNS changes ` +
        `can take a while to appear`,
      { txtName: entry.value.txtName, txtValue: entry.value.txtValue, found: records.length },
    );
  }
  const verified = await markDomainVerified(
    ctx.scope,
    ctx.principal,
    { value: entry.value, versionstamp: entry.versionstamp },
    ctx.now,
  );
  return viewDomain(verified);
}

/**
 * Remove the custom domain; the removed domain name, or null when there was none. Allowed
 * without the plan's `branding`, like {@linkcode removeLogo}.
 */
export async function removeDomain(ctx: RequestContext): Promise<string | null> {
  admin(ctx, "settings:write");
  return (await removeCustomDomain(ctx.scope, ctx.principal, ctx.now))?.domain ?? null;
}
