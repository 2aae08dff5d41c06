/**
 * Security headers and cross-site request refusal.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { errorResponse } from "./errors.ts";
import { kioskCookieName, sessionCookieName } from "./auth.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** HSTS sent under an https `PUBLIC_URL`: a year, subdomains included. */
export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * Content-Security-Policy (unless the route set a stricter one) and friends on every response; `Strict-Transport-Security` under an
 * https `PUBLIC_URL`; `Cache-Control: no-store` on every answer to an authenticated request
 * that set no caching policy of its own (JSON and pages alike: they carry a person's data, and
 * neither shared caches nor the browser's history should keep them).
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.get("deps").config.publicUrl?.startsWith("https:")) {
      c.header("Strict-Transport-Security", HSTS);
    }
    if (c.get("principal") && !c.res.headers.has("cache-control")) {
      c.header("Cache-Control", "no-store");
    }
    // A route may set a stricter policy of its own (a tenant's logo: `default-src 'none'`).
    if (!c.res.headers.has("content-security-policy")) {
      c.header(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
    }
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    c.header("X-Frame-Options", "DENY");
    c.header("Permissions-Policy", "geolocation=(self), camera=(), microphone=()");
  };
}

/** True when the request carries the session cookie or the kiosk device cookie. */
function carriesCookie(c: AppContext): boolean {
  const cookie = c.req.header("cookie") ?? "";
  return cookie.includes(`${sessionCookieName(c)}=`) || cookie.includes(`${kioskCookieName(c)}=`);
}

/**
 * Refuse unsafe requests (POST, PATCH, DELETE, …) that carry the session (or kiosk) cookie but come from
 * another origin, judged by `Origin` or, failing that, `Sec-Fetch-Site`. Requests without the
 * cookie (sign-in, webhooks, API keys) are not affected.
 */
export function sameOriginForCookies(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (
      SAFE.has(c.req.method) || c.get("apiKey") || !carriesCookie(c)
    ) {
      return await next();
    }
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const config = c.get("deps").config;
    const allowed = new Set([new URL(c.req.url).origin]);
    if (config.publicUrl) allowed.add(new URL(config.publicUrl).origin);
    const host = c.req.header("host");
    if (host) {
      allowed.add(`http://${host}`);
      allowed.add(`https://${host}`);
    }
    const crossOrigin = origin
      ? !allowed.has(origin)
      : site === "cross-site" || site === "same-site";
    if (crossOrigin) {
      return errorResponse(c, 403, "cross_origin", "Cross-origin request refused");
    }
    await next();
  };
}
