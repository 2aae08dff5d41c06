/**
 * Custom domains and page branding.
 *
 * - {@linkcode customDomains}: a request whose host is an organization's verified custom domain
 *   (`hours.acme.example`) is tied to that organization: one read of the global
 *   `["custom_domain", host]` pointer, cached in this process for 30 s (unknown hosts too, so a
 *   stray `Host` costs one read a half-minute; the app's own host and names that cannot be a
 *   custom domain — IPs, `localhost` — cost nothing). Pages on such a host (sign-in, the kiosk)
 *   show the organization's branding.
 * - {@linkcode orgPageBranding}: pages of an organization (`/o/:orgId/…`) show its branding
 *   when its plan has `branding`.
 *
 * Either stores the request's {@linkcode PageBranding}, which `renderPage` hands to the layout.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppContext, AppDeps, AppEnv } from "../context.ts";
import type { OrgScope } from "../../lib/kv/mod.ts";
import { looksLikeCustomDomain } from "../../lib/branding/domain_name.ts";
import { brandingOf, brandingOfScope } from "../../lib/branding/branding.ts";
import type { PageBranding } from "../../components/page_branding.ts";
import { billingMode } from "./plan.ts";
import { requestContext } from "../request_context.ts";

/** How long a host's organization is remembered in a process. */
const HOST_TTL_MS = 30_000;
/** Hosts remembered per app at most (the oldest is forgotten first). */
const MAX_HOSTS = 10_000;

interface Remembered {
  scope: OrgScope | null;
  until: number;
}

const HOSTS = new WeakMap<AppDeps, Map<string, Remembered>>();
const CUSTOM_DOMAIN = new WeakMap<Request, { domain: string; scope: OrgScope }>();
const BRANDING = new WeakMap<Request, PageBranding>();

function hostsOf(deps: AppDeps): Map<string, Remembered> {
  let hosts = HOSTS.get(deps);
  if (!hosts) HOSTS.set(deps, hosts = new Map());
  return hosts;
}

/**
 * Forget what this process remembers about `domain` (after it was verified, replaced or
 * removed here), so the change applies at once in this process; other processes see it within
 * 30 s.
 */
export function forgetCustomDomain(deps: AppDeps, domain: string | null): void {
  if (domain) hostsOf(deps).delete(domain);
}

/** The organization scope of `host` when it is a verified custom domain (cached), else null. */
async function scopeOfHost(deps: AppDeps, host: string): Promise<OrgScope | null> {
  const hosts = hostsOf(deps);
  const now = performance.now();
  const known = hosts.get(host);
  if (known && known.until > now) return known.scope;
  const scope = await deps.store.scopeForCustomDomain(host);
  hosts.delete(host);
  if (hosts.size >= MAX_HOSTS) hosts.delete(hosts.keys().next().value!);
  hosts.set(host, { scope, until: now + HOST_TTL_MS });
  return scope;
}

/** The request's host name, lower-case, without port. */
function hostOf(c: AppContext): string {
  return new URL(c.req.url).hostname.toLowerCase();
}

/** Paths of pages (not the API, assets or callbacks), whose answers show branding. */
function isPagePath(path: string): boolean {
  return !/^\/(api|static|branding|healthz)(\/|$)/.test(path);
}

/**
 * Tie requests to a verified custom domain to its organization ({@linkcode customDomainOf}),
 * and give their pages its branding.
 *
 * @example
 * ```ts
 * app.use("*", customDomains());
 * ```
 */
export function customDomains(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get("deps");
    const host = hostOf(c);
    const own = deps.config.publicUrl ? new URL(deps.config.publicUrl).hostname : null;
    if (host === own || !looksLikeCustomDomain(host)) return await next();
    const scope = await scopeOfHost(deps, host);
    if (scope) {
      CUSTOM_DOMAIN.set(c.req.raw, { domain: host, scope });
      // Pages (a GET, or a form post that renders the form again) show its branding.
      if (isPagePath(c.req.path)) {
        const org = await brandingOfScope(scope, billingMode(deps), deps.now());
        if (org) BRANDING.set(c.req.raw, { orgName: org.orgName, ...org.branding });
      }
    }
    await next();
  };
}

/**
 * The verified custom domain the request came to and its organization's scope, or null (the
 * app's own host). The kiosk page uses it to show that organization's branding before pairing.
 */
export function customDomainOf(c: AppContext): { domain: string; scope: OrgScope } | null {
  return CUSTOM_DOMAIN.get(c.req.raw) ?? null;
}

/**
 * Give the pages of the request's organization (after `orgMember`) its branding, when its plan
 * has `branding`: the logo's meta is one read; the accent colour is in the settings already read.
 */
export function orgPageBranding(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = requestContext(c);
    const branding = await brandingOf(ctx);
    if (branding.accentColor !== null || branding.logoUrl !== null) {
      BRANDING.set(c.req.raw, { orgName: ctx.org.name, ...branding });
    }
    await next();
  };
}

/** The branding the request's page shows, or null (ClockFlow's own). */
export function pageBrandingOf(c: AppContext): PageBranding | null {
  return BRANDING.get(c.req.raw) ?? null;
}
