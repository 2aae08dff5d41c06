/**
 * What the identity front doors (the JSON API and the pages) share: the client's address, the
 * explicit dependencies of the identity use cases, starting a session, and the refusal of
 * cross-origin sign-in and sign-up forms (login CSRF).
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppContext, AppEnv } from "./context.ts";
import { publicOrigin } from "./request_context.ts";
import { setSessionCookie } from "./middleware/auth.ts";
import { DomainError } from "../lib/errors.ts";
import type { IdentityDeps, SignedInActor } from "../lib/identity/use_cases.ts";
import { createSession, revokeSession, SESSION_TTL_MS } from "../lib/identity/sessions.ts";

/**
 * The client's address. Behind a trusted proxy (`TRUST_PROXY=true`) it is the entry the proxy
 * appended to `X-Forwarded-For`: the RIGHTMOST one. Entries to its left were sent by the client
 * and can say anything, so they are never used. Otherwise the socket's peer address.
 */
export function clientIp(c: AppContext): string {
  if (c.get("deps").config.trustProxy) {
    const hops = (c.req.header("x-forwarded-for") ?? "").split(",").map((h) => h.trim())
      .filter(Boolean);
    const appended = hops.at(-1);
    if (appended) return appended.slice(0, 64);
  }
  const info = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return info?.remoteAddr?.hostname ?? "unknown";
}

/** The dependencies of the identity use cases for this request. */
export function identityDeps(c: AppContext): IdentityDeps {
  const deps = c.get("deps");
  return {
    store: deps.store,
    now: deps.now(),
    jobs: c.get("outbox").port(),
    passwordIterations: deps.passwordIterations,
    throttle: deps.throttle,
    publicUrl: publicOrigin(c),
    clientIp: clientIp(c),
  };
}

/** The signed-in person of this request (after `requireUser` / `signedIn`). */
export function signedInActor(c: AppContext): SignedInActor {
  const user = c.get("user");
  if (!user) throw new DomainError("unauthenticated", "unauthenticated", "Sign in first");
  return { userId: user.id, sessionToken: c.get("sessionToken") };
}

/** Start a fresh session for `userId` (rotating away any session the request carried). */
export async function startSession(c: AppContext, userId: string): Promise<void> {
  const { store, now } = c.get("deps");
  const old = c.get("sessionToken");
  if (old) await revokeSession(store, old);
  setSessionCookie(c, await createSession(store, userId, now()), SESSION_TTL_MS / 1000);
}

/**
 * Refuse (403 `cross_origin`) a request whose `Origin` is another site's — or, without
 * `Origin`, whose `Sec-Fetch-Site` says cross-site — even when it carries no session cookie.
 * Guards sign-in and sign-up (a foreign page must not sign a visitor into the attacker's
 * account) and the password reset forms. Clients that send neither header (scripts) pass.
 */
export function sameOriginOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const foreign = origin
      ? !allowedOrigins(c).has(origin)
      : site === "cross-site" || site === "same-site";
    if (foreign) throw new DomainError("forbidden", "cross_origin", "Cross-origin request refused");
    await next();
  };
}

function allowedOrigins(c: AppContext): Set<string> {
  const allowed = new Set([new URL(c.req.url).origin]);
  const configured = c.get("deps").config.publicUrl;
  if (configured) allowed.add(new URL(configured).origin);
  const host = c.req.header("host");
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  return allowed;
}
