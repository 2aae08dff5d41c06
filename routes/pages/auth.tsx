/**
 * Sign-up, sign-in and sign-out pages; email verification links, password reset by mail and the
 * "your account" page (verification mail, password change). Forms are adapted to the same
 * schemas and use cases the JSON API calls (`lib/identity`), so both doors decide alike; this
 * file only turns form strings into those inputs and errors into form messages.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { clearSessionCookie } from "../middleware/auth.ts";
import { identityDeps, sameOriginOnly, signedInActor, startSession } from "../identity_context.ts";
import { DomainError } from "../../lib/errors.ts";
import { revokeSession } from "../../lib/identity/sessions.ts";
import { getUser, isEmailVerified } from "../../lib/identity/users.ts";
import {
  passwordChangeBody,
  passwordResetBody,
  passwordResetRequestBody,
  signinBody,
  signupBody,
} from "../../lib/identity/schemas.ts";
import {
  changePassword,
  passwordResetTarget,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signInUseCase,
  signUpUseCase,
  verifyEmail,
} from "../../lib/identity/use_cases.ts";
import { flashMessage } from "../../components/flash.ts";
import {
  AccountPage,
  EmailVerificationPage,
  PasswordResetPage,
  PasswordResetRequestPage,
  SignInPage,
  SignUpPage,
} from "../../components/views/auth.tsx";
import { formFailure, readForm, safeNext } from "./forms.ts";
import { signedIn } from "./guards.ts";
import { renderPage } from "./render.tsx";

function retryAfter(c: AppContext, err: unknown): void {
  if (err instanceof DomainError && err.kind === "too_many") {
    const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (retry) c.header("Retry-After", String(retry));
  }
}

/** How a form shows a field the schema refused: form field name and a sentence for people. */
interface FieldText {
  field: string;
  /** Said when the field was left empty (or is a choice): replaces the schema's wording. */
  missing?: string;
  /** Always said instead of the schema's wording (for fields whose rules are one idea). */
  always?: string;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * `err` with the schema's paths renamed to the form's field names and its messages worded for
 * people; anything but `validation_failed` passes unchanged.
 */
function forForm(
  err: unknown,
  texts: Record<string, FieldText>,
  form: Record<string, string>,
): unknown {
  if (!(err instanceof DomainError) || err.code !== "validation_failed") return err;
  const details = (err.details as { path: string; message: string }[]).map((d) => {
    const text = texts[d.path];
    if (!text) return d;
    const empty = !(form[text.field] ?? "").trim();
    const message = text.always ?? (empty && text.missing ? text.missing : capitalize(d.message));
    return { path: text.field, message };
  });
  return new DomainError(err.kind, err.code, err.message, details);
}

const SIGNUP_TEXTS: Record<string, FieldText> = {
  "organization.name": { field: "orgName", missing: "Enter your organization's name" },
  "organization.timeZone": { field: "timeZone", always: "Choose a time zone from the list" },
  "user.name": { field: "name", missing: "Enter your name" },
  "user.email": { field: "email", always: "Enter an email address like name@example.com" },
  "user.password": { field: "password", missing: "Enter a password" },
};

const SIGNIN_TEXTS: Record<string, FieldText> = {
  email: { field: "email", missing: "Enter your email" },
  password: { field: "password", missing: "Enter your password" },
};

/** `undefined` for a field the form did not send, so the schema reports it as missing. */
const text = (form: Record<string, string>, name: string) => form[name];

/** `/signup`, `/signin`, `/signout`, `/verify-email/:token`, `/password-reset…`, `/account…`. */
export const authPages = new Hono<AppEnv>()
  .get("/signup", (c) => {
    if (c.get("user")) return c.redirect("/app/orgs", 303);
    return renderPage(c, <SignUpPage />);
  })
  .post("/signup", sameOriginOnly(), async (c) => {
    const form = await readForm(c);
    try {
      const input = validate(signupBody, {
        organization: { name: text(form, "orgName"), timeZone: text(form, "timeZone") },
        user: {
          name: text(form, "name"),
          email: text(form, "email"),
          password: text(form, "password"),
        },
      });
      const { org, user } = await signUpUseCase(identityDeps(c), input);
      await startSession(c, user.id);
      return c.redirect(`/o/${org.id}/clock?ok=welcome`, 303);
    } catch (err) {
      const { password: _, ...values } = form;
      const f = formFailure(forForm(err, SIGNUP_TEXTS, form), values);
      retryAfter(c, err);
      return renderPage(c, <SignUpPage values={f.values} error={f.error} />, f.status);
    }
  })
  .get("/signin", (c) => {
    const next = safeNext(c.req.query("next"));
    if (c.get("user")) return c.redirect(next, 303);
    return renderPage(c, <SignInPage next={next} flash={flashMessage(c.req.query("ok"))} />);
  })
  .post("/signin", sameOriginOnly(), async (c) => {
    const form = await readForm(c);
    const next = safeNext(form.next);
    try {
      const input = validate(signinBody, {
        email: text(form, "email"),
        password: text(form, "password"),
      });
      const user = await signInUseCase(identityDeps(c), input);
      await startSession(c, user.id);
      return c.redirect(next, 303);
    } catch (err) {
      const f = formFailure(forForm(err, SIGNIN_TEXTS, form), { email: form.email ?? "" });
      retryAfter(c, err);
      return renderPage(c, <SignInPage values={f.values} next={next} error={f.error} />, f.status);
    }
  })
  .post("/signout", async (c) => {
    const token = c.get("sessionToken");
    if (token) await revokeSession(c.get("deps").store, token);
    clearSessionCookie(c);
    return c.redirect("/signin?ok=signed_out", 303);
  })
  .get("/verify-email/:token", async (c) => {
    try {
      await verifyEmail(identityDeps(c), c.req.param("token"));
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== "invalid_token") throw err;
      return renderPage(
        c,
        <EmailVerificationPage verified={false} userName={c.get("user")?.name} />,
        400,
      );
    }
    return renderPage(c, <EmailVerificationPage verified userName={c.get("user")?.name} />);
  })
  .get("/password-reset", (c) => renderPage(c, <PasswordResetRequestPage />))
  .post("/password-reset", sameOriginOnly(), async (c) => {
    const form = await readForm(c);
    try {
      const input = validate(passwordResetRequestBody, { email: text(form, "email") });
      await requestPasswordReset(identityDeps(c), input);
      return renderPage(c, <PasswordResetRequestPage sent />, 202);
    } catch (err) {
      const texts = { email: { field: "email", always: "Enter your email address" } };
      const f = formFailure(forForm(err, texts, form), { email: form.email ?? "" });
      retryAfter(c, err);
      return renderPage(
        c,
        <PasswordResetRequestPage values={f.values} error={f.error} />,
        f.status,
      );
    }
  })
  .get("/password-reset/:token", async (c) => {
    const token = c.req.param("token");
    const target = await passwordResetTarget(identityDeps(c), token);
    if (!target) return renderPage(c, <PasswordResetPage token={null} />, 400);
    return renderPage(c, <PasswordResetPage token={token} email={target.email} />);
  })
  .post("/password-reset/:token", sameOriginOnly(), async (c) => {
    const token = c.req.param("token");
    const form = await readForm(c);
    try {
      const input = validate(passwordResetBody, { password: text(form, "password") });
      await resetPassword(identityDeps(c), token, input);
      // Every session was revoked, this browser's included.
      clearSessionCookie(c);
      return c.redirect("/signin?ok=password_reset", 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === "invalid_token") {
        return renderPage(c, <PasswordResetPage token={null} />, 400);
      }
      const texts = { password: { field: "password", missing: "Enter a password" } };
      const f = formFailure(forForm(err, texts, form), {});
      const target = await passwordResetTarget(identityDeps(c), token);
      return renderPage(
        c,
        <PasswordResetPage token={target ? token : null} email={target?.email} error={f.error} />,
        f.status,
      );
    }
  })
  .use("/account", signedIn())
  .use("/account/*", signedIn())
  .get("/account", async (c) => await accountPage(c))
  .post("/account/email-verification", async (c) => {
    try {
      await resendVerification(identityDeps(c), signedInActor(c));
    } catch (err) {
      const f = formFailure(err, {});
      retryAfter(c, err);
      return await accountPage(c, f.error, f.status);
    }
    return c.redirect("/account?ok=verification_sent", 303);
  })
  .post("/account/password", async (c) => {
    const form = await readForm(c);
    try {
      const input = validate(passwordChangeBody, {
        currentPassword: text(form, "currentPassword"),
        newPassword: text(form, "newPassword"),
      });
      await changePassword(identityDeps(c), signedInActor(c), input);
    } catch (err) {
      const texts = {
        currentPassword: { field: "currentPassword", missing: "Enter your current password" },
        newPassword: { field: "newPassword", missing: "Enter a new password" },
      };
      const f = formFailure(forForm(err, texts, form), {});
      retryAfter(c, err);
      return await accountPage(c, f.error, f.status);
    }
    return c.redirect("/account?ok=password_changed", 303);
  });

async function accountPage(
  c: AppContext,
  error: Parameters<typeof AccountPage>[0]["error"] = null,
  status: Parameters<typeof renderPage>[2] = 200,
): Promise<Response> {
  const user = (await getUser(c.get("deps").store, c.get("user")!.id)) ?? c.get("user")!;
  return renderPage(
    c,
    <AccountPage
      name={user.name}
      email={user.email}
      emailVerified={isEmailVerified(user)}
      error={error}
      flash={error ? null : flashMessage(c.req.query("ok"))}
    />,
    status,
  );
}
