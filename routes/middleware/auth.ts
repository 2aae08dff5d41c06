/**
 * Authentication and authorization middleware: the session cookie, the signed-in user, API keys
 * (`Authorization: Bearer cf_…`), paired kiosk devices (the `cf_kiosk` cookie), and the
 * organization a request acts in (resolved to an org scope only for active members, for the
 * organization that issued the key, or — on the device routes only — the kiosk's).
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppContext, AppEnv, OrgContext } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { readSession } from "../../lib/identity/sessions.ts";
import { cachedUser } from "../../lib/identity/users.ts";
import type { Membership } from "../../lib/members/members.ts";
import type { Organization } from "../../lib/orgs/orgs.ts";
import { SETTINGS_PARTS, settingsFrom } from "../../lib/settings/repository.ts";
import { BILLING_PARTS, billingFrom } from "../../lib/billing/entitlements.ts";
import { SUBSCRIPTIONS_PARTS, subscriptionsFrom } from "../../lib/events/events.ts";
import { timelineParts } from "../../lib/entries/repository.ts";
import { userPrincipal } from "../../lib/principal.ts";
import { touchApiKey, verifyApiKey } from "../../lib/apikeys/keys.ts";
import { touchKiosk, verifyKioskDevice } from "../../lib/kiosks/kiosks.ts";
import { kioskUnpaired } from "../../lib/kiosks/punch.ts";
import { assertFeature } from "../../lib/billing/gates.ts";
import { entitlements } from "./plan.ts";

/** The organization's keys a request made with an API key reads with the key. */
const KEY_ORG_PARTS: Deno.KvKeyPart[][] = [
  ["profile"],
  [...SETTINGS_PARTS],
  [...BILLING_PARTS],
  [...SUBSCRIPTIONS_PARTS],
];

/** 401 `invalid_api_key`. */
function invalidApiKey(): DomainError {
  return new DomainError(
    "unauthenticated",
    "invalid_api_key",
    "The API key is unknown, revoked, expired or malformed",
  );
}

/** Name of the kiosk device cookie over plain HTTP (development, tests). */
export const KIOSK_COOKIE = "cf_kiosk";
/** Name of the kiosk device cookie under an https `PUBLIC_URL` (see {@linkcode HOST_SESSION_COOKIE}). */
export const HOST_KIOSK_COOKIE = "__Host-cf_kiosk";
/** How long a device credential cookie lives in the browser: a year (revocation ends it sooner). */
export const KIOSK_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/** The kiosk cookie's name in force: `__Host-cf_kiosk` under an https `PUBLIC_URL`. */
export function kioskCookieName(c: AppContext): string {
  return c.get("deps").config.publicUrl?.startsWith("https:") ? HOST_KIOSK_COOKIE : KIOSK_COOKIE;
}

/**
 * Set the kiosk device cookie: HttpOnly, SameSite=Strict, Path=/, no Domain, a year, Secure over
 * HTTPS. Its value is the device credential; only its SHA-256 is stored.
 */
export function setKioskCookie(c: AppContext, token: string): void {
  setCookie(c, kioskCookieName(c), token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttps(c),
    path: "/",
    maxAge: KIOSK_COOKIE_MAX_AGE_S,
  });
}

/** The organization's keys a device request reads with its kiosk. */
const KIOSK_ORG_PARTS = KEY_ORG_PARTS;

/** Name of the session cookie over plain HTTP (development, tests). */
export const SESSION_COOKIE = "cf_session";
/**
 * Name of the session cookie under an https `PUBLIC_URL`: the `__Host-` prefix makes browsers
 * accept it only with Secure, Path=/ and no Domain, so a sibling subdomain cannot set or
 * shadow it.
 */
export const HOST_SESSION_COOKIE = "__Host-cf_session";

/** The session cookie's name in force: `__Host-cf_session` under an https `PUBLIC_URL`. */
export function sessionCookieName(c: AppContext): string {
  return c.get("deps").config.publicUrl?.startsWith("https:")
    ? HOST_SESSION_COOKIE
    : SESSION_COOKIE;
}

/** True when the request reached us over HTTPS (directly, via PUBLIC_URL, or a trusted proxy). */
export function isHttps(c: AppContext): boolean {
  const deps = c.get("deps");
  if (deps.config.publicUrl?.startsWith("https:")) return true;
  if (deps.config.trustProxy && c.req.header("x-forwarded-proto") === "https") return true;
  return new URL(c.req.url).protocol === "https:";
}

/**
 * Set the session cookie: HttpOnly, SameSite=Lax, Path=/, no Domain, Secure over HTTPS (and
 * named `__Host-cf_session` under an https `PUBLIC_URL`).
 */
export function setSessionCookie(c: AppContext, token: string, maxAgeSeconds: number): void {
  const name = sessionCookieName(c);
  setCookie(c, name, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    path: "/",
    maxAge: maxAgeSeconds,
  });
}

/** Remove the session cookie. */
export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, sessionCookieName(c), { path: "/", secure: isHttps(c) });
}

/** The session token the request carries under the cookie name in force, or null. */
export function readSessionCookie(c: AppContext): string | null {
  return getCookie(c, sessionCookieName(c)) || null;
}

/**
 * Resolve who acts: the one place a request's principal comes from.
 *
 * - `Authorization: Bearer <key>` resolves an `api_key` principal (its id and scopes), bound to
 *   the organization that issued the key (`apiKey`); cookies are then not read at all. A key
 *   that is malformed, unknown, revoked or expired answers 401 `invalid_api_key` on any route.
 *   The key's `lastUsedAt` is written at most once a minute, without the request waiting.
 * - Otherwise a session cookie resolves a `user` principal (with `user` and `sessionToken`).
 *
 * Never refuses a request without credentials: routes that need a principal say so
 * ({@linkcode requireUser}, {@linkcode requireOrg}).
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get("deps");
    c.set("principal", null);
    c.set("user", null);
    c.set("sessionToken", null);
    c.set("apiKey", null);
    c.set("kiosk", null);
    const authorization = c.req.header("authorization");
    if (authorization !== undefined && /^bearer(\s|$)/i.test(authorization)) {
      const now = deps.now();
      const verified = await verifyApiKey(
        deps.store,
        authorization.slice(6).trim(),
        now,
        KEY_ORG_PARTS,
      );
      if (!verified) throw invalidApiKey();
      c.set("apiKey", verified);
      c.set("principal", {
        type: "api_key",
        keyId: verified.apiKey.id,
        scopes: verified.apiKey.scopes,
      });
      touchApiKey(verified, now).catch((err) =>
        console.error("api keys: could not record lastUsedAt:", err)
      );
      return await next();
    }
    const token = readSessionCookie(c);
    if (token) {
      const session = await readSession(deps.store, token, deps.now());
      const user = session ? await cachedUser(deps.store, session.userId, performance.now()) : null;
      if (user) {
        c.set("principal", userPrincipal(user.id));
        c.set("user", user);
        c.set("sessionToken", token);
      }
    }
    const deviceToken = getCookie(c, kioskCookieName(c));
    if (deviceToken) {
      const kiosk = await verifyKioskDevice(deps.store, deviceToken, KIOSK_ORG_PARTS);
      c.set("kiosk", kiosk);
      if (kiosk && !c.get("principal")) {
        c.set("principal", { type: "kiosk_device", deviceId: kiosk.kiosk.id });
      }
    }
    await next();
  };
}

/**
 * The device routes (`/api/v1/kiosk/*`): 401 `kiosk_unpaired` without a live `cf_kiosk`
 * credential; otherwise the request acts as the kiosk (`kiosk_device` principal, even beside a
 * session cookie) in the kiosk's organization, with no membership and no person role (the
 * `authorize` helper refuses devices), and the kiosk's `lastSeenAt` is brought up to date (at
 * most once a minute). The plan's `kiosk` feature is checked by every device use case.
 */
export function requireKiosk(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const kiosk = c.get("kiosk");
    if (!kiosk) throw kioskUnpaired();
    const [profile, settings, billing, subscriptions] = kiosk.entries;
    const org = profile.value as Organization | null;
    if (!org) throw kioskUnpaired();
    c.set("principal", { type: "kiosk_device", deviceId: kiosk.kiosk.id });
    c.set("org", {
      scope: kiosk.scope,
      org,
      membership: null,
      membershipVersionstamp: null,
      role: "employee",
      settings: settingsFrom(org, settings.value),
      billing: billingFrom(billing, org),
      ownTimeline: [],
      subscriptions: subscriptionsFrom(subscriptions.value),
    });
    await touchKiosk(kiosk, c.get("deps").now()).catch((err) =>
      console.error("kiosks: could not record lastSeenAt:", err)
    );
    await next();
  };
}

/** Refuse (401 `unauthenticated`) requests without a live session. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("user")) {
      throw new DomainError("unauthenticated", "unauthenticated", "Sign in first");
    }
    await next();
  };
}

/**
 * Resolve `:orgId` to an org scope for the signed-in user or the request's API key. Unknown
 * organizations, organizations the user does not belong to, deactivated memberships and another
 * organization's key all answer 404, so ids of other tenants reveal nothing. A key on a plan
 * without the `api` feature answers 403 `feature_not_in_plan`.
 */
export function requireOrg(param = "orgId"): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const orgId = c.req.param(param) ?? "";
    const key = c.get("apiKey");
    const user = c.get("user");
    let ctx: OrgContext | null;
    if (key) ctx = resolveOrgForKey(c, orgId);
    else if (user) ctx = await resolveOrg(c, user.id, orgId);
    // A kiosk cookie alone is no way into organization routes: 401 like no credentials.
    else throw new DomainError("unauthenticated", "unauthenticated", "Sign in first");
    if (!ctx) throw new DomainError("not_found", "not_found", "organization not found");
    c.set("org", ctx);
    if (key) assertFeature(entitlements(c), "api");
    await next();
  };
}

/**
 * The org context of the request's API key for the path's `orgId`, from what
 * `authenticate()` read with the key; null when the key belongs to another organization. A key
 * acts for its organization with the `admin` role and no membership: its scopes limit it.
 */
function resolveOrgForKey(c: Context<AppEnv>, orgId: string): OrgContext | null {
  const key = c.get("apiKey");
  if (!key || key.scope.orgId !== orgId) return null;
  const [profile, settings, billing, subscriptions] = key.entries;
  const org = profile.value as Organization | null;
  if (!org) return null;
  return {
    scope: key.scope,
    org,
    membership: null,
    membershipVersionstamp: null,
    role: "admin",
    settings: settingsFrom(org, settings.value),
    billing: billingFrom(billing, org),
    ownTimeline: [],
    subscriptions: subscriptionsFrom(subscriptions.value),
  };
}

/** The org context of `orgId` for `userId`, or null when they are not an active member. */
export async function resolveOrg(
  c: Context<AppEnv>,
  userId: string,
  orgId: string,
): Promise<OrgContext | null> {
  const found = await c.get("deps").store.scopeForMemberWith(userId, orgId, [
    ["member", userId],
    ["profile"],
    [...SETTINGS_PARTS],
    [...BILLING_PARTS],
    [...SUBSCRIPTIONS_PARTS],
    ...timelineParts(userId),
  ]);
  if (!found) return null;
  const [member, profile, settings, billing, subscriptions, ...ownTimeline] = found.entries;
  const membership = member.value as Membership | null;
  const org = profile.value as Organization | null;
  if (!membership || !membership.active || !org) return null;
  return {
    scope: found.scope,
    org,
    membership,
    membershipVersionstamp: member.versionstamp!,
    role: membership.role,
    settings: settingsFrom(org, settings.value),
    billing: billingFrom(billing, org),
    ownTimeline,
    subscriptions: subscriptionsFrom(subscriptions.value),
  };
}
