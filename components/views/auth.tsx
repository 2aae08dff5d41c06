/**
 * Sign-up and sign-in pages.
 *
 * @module
 */

import { Layout } from "../Layout.tsx";
import { ErrorSummary, Field, type FormError, SelectField } from "../forms.tsx";
import { island } from "../islands.tsx";
import { DEFAULT_TIME_ZONE, timeZoneOptions } from "../timezones.ts";

const TimeZoneGuess = island("TimeZoneGuess");

/** Props of {@linkcode SignUpPage}. */
export interface SignUpPageProps {
  values?: Record<string, string>;
  error?: FormError | null;
}

/** Create an organization and its first admin. */
export function SignUpPage({ values = {}, error }: SignUpPageProps) {
  const tz = values.timeZone ?? DEFAULT_TIME_ZONE;
  return (
    <Layout title="Create your organization" narrow>
      <div class="card">
        <h1>Start tracking time</h1>
        <p class="lead">Create your organization. You will be its admin.</p>
        <ErrorSummary error={error} />
        <form method="post" action="/signup" class="stack">
          <fieldset>
            <legend>Your organization</legend>
            <Field
              id="orgName"
              name="orgName"
              label="Organization name"
              value={values.orgName}
              required
              autocomplete="organization"
              error={error}
            />
            <SelectField
              id="timeZone"
              name="timeZone"
              label="Time zone"
              hint="Workdays and weeks are counted in this zone."
              options={timeZoneOptions()}
              value={tz}
              required
              error={error}
            />
            <TimeZoneGuess
              selectId="timeZone"
              defaultZone={DEFAULT_TIME_ZONE}
              enabled={values.timeZone === undefined}
            />
          </fieldset>
          <fieldset>
            <legend>You</legend>
            <Field
              id="name"
              name="name"
              label="Your name"
              value={values.name}
              required
              autocomplete="name"
              error={error}
            />
            <Field
              id="email"
              name="email"
              type="email"
              label="Email"
              value={values.email}
              required
              autocomplete="email"
              error={error}
            />
            <Field
              id="password"
              name="password"
              type="password"
              label="Password"
              hint="At least 10 characters."
              required
              minLength={10}
              autocomplete="new-password"
              error={error}
            />
          </fieldset>
          <button type="submit" class="btn btn-primary btn-block">Create organization</button>
        </form>
        <p class="aside">
          Already have an account? <a href="/signin">Sign in</a>
        </p>
      </div>
    </Layout>
  );
}

/** Props of {@linkcode SignInPage}. */
export interface SignInPageProps {
  values?: Record<string, string>;
  next?: string;
  error?: FormError | null;
  flash?: string | null;
}

/** Sign in with email and password. */
export function SignInPage({ values = {}, next, error, flash }: SignInPageProps) {
  return (
    <Layout title="Sign in" narrow flash={flash}>
      <div class="card">
        <h1>Sign in</h1>
        <p class="lead">Welcome back to ClockFlow.</p>
        <ErrorSummary error={error} />
        <form method="post" action="/signin" class="stack">
          {next && next !== "/app" && <input type="hidden" name="next" value={next} />}
          <Field
            id="email"
            name="email"
            type="email"
            label="Email"
            value={values.email}
            required
            autocomplete="username"
            error={error}
          />
          <Field
            id="password"
            name="password"
            type="password"
            label="Password"
            required
            autocomplete="current-password"
            error={error}
          />
          <button type="submit" class="btn btn-primary btn-block">Sign in</button>
        </form>
        <p class="aside">
          <a href="/password-reset">Forgot your password?</a>
        </p>
        <p class="aside">
          New to ClockFlow? <a href="/signup">Create an organization</a>
        </p>
      </div>
    </Layout>
  );
}

/** Props of {@linkcode PasswordResetRequestPage}. */
export interface PasswordResetRequestPageProps {
  values?: Record<string, string>;
  error?: FormError | null;
  /** True once the request was taken: the page says to check the mail. */
  sent?: boolean;
}

/** Ask for a password reset link. */
export function PasswordResetRequestPage(
  { values = {}, error, sent }: PasswordResetRequestPageProps,
) {
  return (
    <Layout title="Reset your password" narrow>
      <div class="card">
        <h1>Reset your password</h1>
        {sent
          ? (
            <p class="lead" role="status" id="reset-sent">
              If an account uses this address, we have mailed it a link to choose a new password.
              The link works once, for one hour.
            </p>
          )
          : (
            <>
              <p class="lead">We will mail you a link to choose a new password.</p>
              <ErrorSummary error={error} />
              <form method="post" action="/password-reset" class="stack">
                <Field
                  id="email"
                  name="email"
                  type="email"
                  label="Email"
                  value={values.email}
                  required
                  autocomplete="username"
                  error={error}
                />
                <button type="submit" class="btn btn-primary btn-block">Mail me a link</button>
              </form>
            </>
          )}
        <p class="aside">
          <a href="/signin">Back to sign in</a>
        </p>
      </div>
    </Layout>
  );
}

/** Props of {@linkcode PasswordResetPage}. */
export interface PasswordResetPageProps {
  /** The link's token (posted back by the form), or null when the link does not work. */
  token: string | null;
  /** The address the link was mailed to. */
  email?: string;
  error?: FormError | null;
}

/** Choose a new password from a mailed link. */
export function PasswordResetPage({ token, email, error }: PasswordResetPageProps) {
  return (
    <Layout title="Choose a new password" narrow>
      <div class="card">
        <h1>Choose a new password</h1>
        {token === null
          ? (
            <>
              <p class="alert alert-error" role="alert" id="reset-invalid">
                This link does not work: it was used already, has expired, or was mistyped.
              </p>
              <p>
                <a href="/password-reset">Ask for a new link</a>
              </p>
            </>
          )
          : (
            <>
              <p class="lead">
                For <strong>{email}</strong>. You will be signed out everywhere.
              </p>
              <ErrorSummary error={error} />
              <form method="post" action={`/password-reset/${token}`} class="stack">
                <input type="hidden" name="username" value={email} autocomplete="username" />
                <Field
                  id="password"
                  name="password"
                  type="password"
                  label="New password"
                  hint="At least 10 characters."
                  required
                  minLength={10}
                  autocomplete="new-password"
                  error={error}
                />
                <button type="submit" class="btn btn-primary btn-block">Set password</button>
              </form>
            </>
          )}
      </div>
    </Layout>
  );
}

/** Props of {@linkcode EmailVerificationPage}. */
export interface EmailVerificationPageProps {
  /** True when the link verified the address. */
  verified: boolean;
  userName?: string | null;
}

/** The answer to following a verification link. */
export function EmailVerificationPage({ verified, userName }: EmailVerificationPageProps) {
  return (
    <Layout title={verified ? "Email confirmed" : "Link not valid"} userName={userName} narrow>
      <div class="card">
        {verified
          ? (
            <>
              <h1 id="email-verified">Your email address is confirmed</h1>
              <p class="lead">Thank you.</p>
              <p>
                <a href={userName ? "/app" : "/signin"}>Continue to ClockFlow</a>
              </p>
            </>
          )
          : (
            <>
              <h1>This link does not work</h1>
              <p class="alert alert-error" role="alert" id="verify-invalid">
                It was used already, has expired, or was mistyped. Signed in, you can ask for a new
                one on your account page.
              </p>
              <p>
                <a href="/account">Your account</a>
              </p>
            </>
          )}
      </div>
    </Layout>
  );
}

/** Props of {@linkcode AccountPage}. */
export interface AccountPageProps {
  name: string;
  email: string | null;
  emailVerified: boolean;
  error?: FormError | null;
  flash?: string | null;
}

/** The signed-in person's account: email verification and password change. */
export function AccountPage({ name, email, emailVerified, error, flash }: AccountPageProps) {
  return (
    <Layout title="Your account" userName={name} narrow flash={flash}>
      <div class="card">
        <h1>Your account</h1>
        <p class="lead">{name}</p>
        {email && (
          <section aria-labelledby="email-heading">
            <h2 id="email-heading">Email</h2>
            <p>
              {email} {emailVerified
                ? <span class="badge badge-in" id="email-status">confirmed</span>
                : <span class="badge badge-break" id="email-status">not confirmed yet</span>}
            </p>
            {!emailVerified && (
              <form method="post" action="/account/email-verification">
                <button type="submit" class="btn btn-small">Mail me a new confirmation link</button>
              </form>
            )}
          </section>
        )}
        <section aria-labelledby="password-heading">
          <h2 id="password-heading">Change password</h2>
          <ErrorSummary error={error} />
          <form method="post" action="/account/password" class="stack">
            <input type="hidden" name="username" value={email ?? ""} autocomplete="username" />
            <Field
              id="currentPassword"
              name="currentPassword"
              type="password"
              label="Current password"
              required
              autocomplete="current-password"
              error={error}
            />
            <Field
              id="newPassword"
              name="newPassword"
              type="password"
              label="New password"
              hint="At least 10 characters. You stay signed in here and are signed out elsewhere."
              required
              minLength={10}
              autocomplete="new-password"
              error={error}
            />
            <button type="submit" class="btn btn-primary">Change password</button>
          </form>
        </section>
      </div>
    </Layout>
  );
}
