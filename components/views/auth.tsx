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
          New to ClockFlow? <a href="/signup">Create an organization</a>
        </p>
      </div>
    </Layout>
  );
}
