/**
 * Sign-up, sign-in, sign-out and "who am I".
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { clearSessionCookie, requireUser, setSessionCookie } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { orgBody, signinBody, signupBody } from "./schemas.ts";
import { organizationsOf, signUp, viewOrg } from "../../lib/orgs/orgs.ts";
import { createAnotherOrganization } from "../../lib/orgs/use_cases.ts";
import { hashPassword } from "../../lib/identity/password.ts";
import { signIn } from "../../lib/identity/signin.ts";
import { createSession, revokeSession, SESSION_TTL_MS } from "../../lib/identity/sessions.ts";
import { viewUser } from "../../lib/identity/users.ts";

/** The client's IP address (first X-Forwarded-For hop only behind a trusted proxy). */
export function clientIp(c: AppContext): string {
  if (c.get("deps").config.trustProxy) {
    const fwd = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (fwd) return fwd;
  }
  const info = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return info?.remoteAddr?.hostname ?? "unknown";
}

/** Start a fresh session for `userId` (rotating away any session the request carried). */
export async function startSession(c: AppContext, userId: string): Promise<void> {
  const { store, now } = c.get("deps");
  const old = c.get("sessionToken");
  if (old) await revokeSession(store, old);
  setSessionCookie(c, await createSession(store, userId, now()), SESSION_TTL_MS / 1000);
}

/** Routes mounted at `/api/v1`. */
export const identityApi = new Hono<AppEnv>()
  .post("/signup", idempotent(), async (c) => {
    const body = await readJson(c, signupBody);
    const deps = c.get("deps");
    const passwordHash = await hashPassword(body.user.password, deps.passwordIterations);
    const { org, user } = await signUp(deps.store, {
      organization: body.organization,
      user: { name: body.user.name, email: body.user.email, passwordHash },
    }, deps.now());
    await startSession(c, user.id);
    return c.json({ organization: viewOrg(org), user: viewUser(user) }, 201);
  })
  .post("/session", async (c) => {
    const body = await readJson(c, signinBody);
    const deps = c.get("deps");
    const user = await signIn(
      deps.store,
      body.email,
      body.password,
      clientIp(c),
      deps.now(),
      deps.throttle,
    );
    await startSession(c, user.id);
    return c.json({
      user: viewUser(user),
      organizations: await organizationsOf(deps.store, user.id),
    });
  })
  .delete("/session", async (c) => {
    const token = c.get("sessionToken");
    if (token) await revokeSession(c.get("deps").store, token);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get("/me", requireUser(), async (c) => {
    const user = c.get("user")!;
    return c.json({
      user: viewUser(user),
      organizations: await organizationsOf(c.get("deps").store, user.id),
    });
  })
  .post("/orgs", requireUser(), idempotent(), async (c) => {
    const body = await readJson(c, orgBody);
    const deps = c.get("deps");
    const org = await createAnotherOrganization(
      { store: deps.store, now: deps.now() },
      c.get("principal")!,
      body,
    );
    return c.json({ organization: viewOrg(org) }, 201);
  });
