/**
 * The page of an invitation link: which organization invites, with which role, and the one
 * thing the visitor can do — accept (signed in as the invited address), sign in (the address
 * has an account), create the account (it has none), or sign out (signed in as someone else).
 *
 * @module
 */

import { Layout } from "../Layout.tsx";
import { ErrorSummary, Field, type FormError } from "../forms.tsx";

/** Props of {@linkcode InvitationPage}. */
export interface InvitationPageProps {
  token: string;
  organizationName: string;
  email: string;
  role: "admin" | "manager" | "employee";
  /** The name the admin suggested. */
  suggestedName: string | null;
  expiresAt: string;
  viewer: "signed_in" | "other_account" | "existing_account" | "no_account";
  signedInAs: string | null;
  userName: string | null;
  values?: Record<string, string>;
  error?: FormError | null;
}

const ROLE_WORDS = { admin: "an admin", manager: "a manager", employee: "an employee" } as const;

/** An invitation, and what the visitor can do with it. */
export function InvitationPage(p: InvitationPageProps) {
  const action = `/invitations/${p.token}`;
  return (
    <Layout title={`Join ${p.organizationName}`} narrow userName={p.userName}>
      <div class="card">
        <h1>Join {p.organizationName}</h1>
        <p class="lead">
          You are invited to join <strong>{p.organizationName}</strong> on ClockFlow as{" "}
          {ROLE_WORDS[p.role]}.
        </p>
        <p class="hint">
          Invitation for <strong>{p.email}</strong>, valid until{" "}
          <time datetime={p.expiresAt}>{p.expiresAt.slice(0, 10)}</time>.
        </p>
        <ErrorSummary error={p.error} />
        {p.viewer === "signed_in" && (
          <form method="post" action={action} class="stack">
            <input type="hidden" name="intent" value="accept" />
            <button type="submit" class="btn btn-primary btn-block">
              Accept and join {p.organizationName}
            </button>
          </form>
        )}
        {p.viewer === "other_account" && (
          <>
            <p>
              You are signed in as{" "}
              {p.signedInAs}. Sign out, then open this link again and sign in as {p.email}.
            </p>
            <form method="post" action="/signout" class="stack">
              <button type="submit" class="btn btn-quiet btn-block">Sign out</button>
            </form>
          </>
        )}
        {p.viewer === "existing_account" && (
          <p>
            {p.email} already has a ClockFlow account.{" "}
            <a class="btn btn-primary" href={`/signin?next=${encodeURIComponent(action)}`}>
              Sign in to accept
            </a>
          </p>
        )}
        {p.viewer === "no_account" && (
          <form method="post" action={action} class="stack">
            <input type="hidden" name="intent" value="create" />
            <div class="field">
              <label for="invite-account-email">Email</label>
              <input
                id="invite-account-email"
                type="email"
                value={p.email}
                readOnly
                autocomplete="username"
              />
            </div>
            <Field
              id="invite-account-name"
              name="name"
              label="Your name"
              value={p.values?.name ?? p.suggestedName ?? ""}
              required
              autocomplete="name"
              error={p.error}
            />
            <Field
              id="invite-account-password"
              name="password"
              type="password"
              label="Password"
              hint="At least 10 characters."
              required
              autocomplete="new-password"
              error={p.error}
            />
            <button type="submit" class="btn btn-primary btn-block">
              Create account and join
            </button>
          </form>
        )}
      </div>
    </Layout>
  );
}

/** Props of {@linkcode InvitationProblemPage}. */
export interface InvitationProblemPageProps {
  expired: boolean;
  userName: string | null;
}

/** A link that no longer works (used, revoked, replaced, expired or unknown). */
export function InvitationProblemPage({ expired, userName }: InvitationProblemPageProps) {
  return (
    <Layout title="Invitation" narrow userName={userName}>
      <div class="card">
        <h1>{expired ? "This invitation has expired" : "This invitation link does not work"}</h1>
        <p class="lead">
          {expired
            ? "Invitation links work for 7 days. Ask the organization to invite you again."
            : "It was already used, revoked, or replaced by a newer invitation. Ask the organization for a new one if you still need to join."}
        </p>
        <p>
          <a href="/app">Go to ClockFlow</a>
        </p>
      </div>
    </Layout>
  );
}
