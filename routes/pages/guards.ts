/**
 * Page guards: like the API's auth middleware, but a missing session sends the browser to the
 * sign-in page instead of answering 401. Unknown organizations (and ones the person does not
 * belong to) raise `not_found`, wrong roles `forbidden`; the pages' error handler renders those.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { resolveOrg } from "../middleware/auth.ts";
import { DomainError } from "../../lib/errors.ts";
import type { Role } from "../../lib/members/members.ts";

/** Redirect requests without a session to `/signin` (remembering where a GET was going). */
export function signedIn(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get("user")) return await next();
    const url = new URL(c.req.url);
    const target = c.req.method === "GET"
      ? `/signin?next=${encodeURIComponent(url.pathname + url.search)}`
      : "/signin";
    return c.redirect(target, 303);
  };
}

/** Resolve `:orgId` for the signed-in person (use after {@linkcode signedIn}). */
export function orgMember(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = await resolveOrg(c, c.get("user")!.id, c.req.param("orgId") ?? "");
    if (!ctx) throw new DomainError("not_found", "not_found", "organization not found");
    c.set("org", ctx);
    await next();
  };
}

/** Refuse members whose role is not in `roles` (use after {@linkcode orgMember}). */
export function withRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!roles.includes(c.get("org").role)) {
      throw new DomainError("forbidden", "forbidden", "Your role does not allow this page");
    }
    await next();
  };
}
