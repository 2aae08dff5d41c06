/**
 * Sign-up, sign-in and sign-out pages.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { clearSessionCookie } from "../middleware/auth.ts";
import { clientIp, startSession } from "../api/identity.ts";
import { DomainError } from "../../lib/errors.ts";
import { signUp } from "../../lib/orgs/orgs.ts";
import { hashPassword } from "../../lib/identity/password.ts";
import { signIn } from "../../lib/identity/signin.ts";
import { revokeSession } from "../../lib/identity/sessions.ts";
import { flashMessage } from "../../components/flash.ts";
import { SignInPage, SignUpPage } from "../../components/views/auth.tsx";
import { formFailure, readForm, safeNext, signinForm, signupForm } from "./forms.ts";
import { renderPage } from "./render.tsx";

function retryAfter(c: AppContext, err: unknown): void {
  if (err instanceof DomainError && err.kind === "too_many") {
    const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (retry) c.header("Retry-After", String(retry));
  }
}

/** `/signup`, `/signin`, `/signout`. */
export const authPages = new Hono<AppEnv>()
  .get("/signup", (c) => {
    if (c.get("user")) return c.redirect("/app/orgs", 303);
    return renderPage(c, <SignUpPage />);
  })
  .post("/signup", async (c) => {
    const form = await readForm(c);
    try {
      const input = validate(signupForm, form);
      const deps = c.get("deps");
      const passwordHash = await hashPassword(input.password, deps.passwordIterations);
      const { org, user } = await signUp(deps.store, {
        organization: { name: input.orgName, timeZone: input.timeZone },
        user: { name: input.name, email: input.email, passwordHash },
      }, deps.now());
      await startSession(c, user.id);
      return c.redirect(`/o/${org.id}/clock?ok=welcome`, 303);
    } catch (err) {
      const f = formFailure(err, form);
      return renderPage(c, <SignUpPage values={f.values} error={f.error} />, f.status);
    }
  })
  .get("/signin", (c) => {
    const next = safeNext(c.req.query("next"));
    if (c.get("user")) return c.redirect(next, 303);
    return renderPage(c, <SignInPage next={next} flash={flashMessage(c.req.query("ok"))} />);
  })
  .post("/signin", async (c) => {
    const form = await readForm(c);
    const next = safeNext(form.next);
    try {
      const input = validate(signinForm, form);
      const deps = c.get("deps");
      const user = await signIn(
        deps.store,
        input.email,
        input.password,
        clientIp(c),
        deps.now(),
        deps.throttle,
      );
      await startSession(c, user.id);
      return c.redirect(next, 303);
    } catch (err) {
      const f = formFailure(err, { email: form.email ?? "" });
      retryAfter(c, err);
      return renderPage(c, <SignInPage values={f.values} next={next} error={f.error} />, f.status);
    }
  })
  .post("/signout", async (c) => {
    const token = c.get("sessionToken");
    if (token) await revokeSession(c.get("deps").store, token);
    clearSessionCookie(c);
    return c.redirect("/signin?ok=signed_out", 303);
  });
