/**
 * Identity over JSON: sign-up, sign-in, sign-out, "who am I", email verification, password reset
 * and change. Each handler parses, calls the use case in `lib/identity/use_cases.ts` and
 * presents; the pages call the same use cases.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { clearSessionCookie, requireUser } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { organizationInput as orgBody } from "../../lib/orgs/schemas.ts";
import {
  clientIp,
  identityDeps,
  sameOriginOnly,
  signedInActor,
  startSession,
} from "../identity_context.ts";
import { organizationsOf, viewOrg } from "../../lib/orgs/orgs.ts";
import { createAnotherOrganization } from "../../lib/orgs/use_cases.ts";
import { revokeSession } from "../../lib/identity/sessions.ts";
import { getUser, isEmailVerified, viewUser } from "../../lib/identity/users.ts";
import {
  passwordChangeBody,
  passwordResetBody,
  passwordResetRequestBody,
  signinBody,
  signupBody,
} from "../../lib/identity/schemas.ts";
import {
  changePassword,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signInUseCase,
  signUpUseCase,
  verifyEmail,
} from "../../lib/identity/use_cases.ts";

export { clientIp, startSession };

/** Routes mounted at `/api/v1`. */
export const identityApi = new Hono<AppEnv>()
  .post("/signup", sameOriginOnly(), idempotent(), async (c) => {
    const body = await readJson(c, signupBody);
    const { org, user } = await signUpUseCase(identityDeps(c), body);
    await startSession(c, user.id);
    return c.json({ organization: viewOrg(org), user: viewUser(user) }, 201);
  })
  .post("/session", sameOriginOnly(), async (c) => {
    const body = await readJson(c, signinBody);
    const user = await signInUseCase(identityDeps(c), body);
    await startSession(c, user.id);
    return c.json({
      user: viewUser(user),
      organizations: await organizationsOf(c.get("deps").store, user.id),
    });
  })
  .delete("/session", async (c) => {
    const token = c.get("sessionToken");
    if (token) await revokeSession(c.get("deps").store, token);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get("/me", requireUser(), async (c) => {
    const store = c.get("deps").store;
    // Read fresh: the request's user may come from the short in-process cache.
    const user = (await getUser(store, c.get("user")!.id)) ?? c.get("user")!;
    return c.json({
      user: viewUser(user),
      organizations: await organizationsOf(store, user.id),
      emailVerified: isEmailVerified(user),
    });
  })
  .post("/me/email-verification", requireUser(), async (c) => {
    await resendVerification(identityDeps(c), signedInActor(c));
    return c.json({ sent: true }, 202);
  })
  .post("/me/password", requireUser(), async (c) => {
    const body = await readJson(c, passwordChangeBody);
    await changePassword(identityDeps(c), signedInActor(c), body);
    return c.body(null, 204);
  })
  .post("/email-verification/:token", async (c) => {
    await verifyEmail(identityDeps(c), c.req.param("token"));
    return c.json({ emailVerified: true });
  })
  .post("/password-reset", sameOriginOnly(), async (c) => {
    const body = await readJson(c, passwordResetRequestBody);
    await requestPasswordReset(identityDeps(c), body);
    return c.json({ accepted: true }, 202);
  })
  .post("/password-reset/:token", sameOriginOnly(), async (c) => {
    const body = await readJson(c, passwordResetBody);
    await resetPassword(identityDeps(c), c.req.param("token"), body);
    return c.body(null, 204);
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
