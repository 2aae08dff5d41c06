/**
 * Admins' members page: the list with role and activation controls, a form to add people, a
 * form to invite people by email and the pending invitations with their revoke buttons.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, Field, type FormError, PageHeader, SelectField } from "../forms.tsx";

/** A member as listed. */
export interface MemberItem {
  id: string;
  name: string;
  email: string | null;
  role: "admin" | "manager" | "employee";
  active: boolean;
}

/** A pending invitation as listed. */
export interface InvitationItem {
  id: string;
  email: string;
  role: "admin" | "manager" | "employee";
  name: string | null;
  expiresAt: string;
}

/**
 * A failed form: `add`, `invite`, `revoke`, or a change (`role`/`active`) to member `userId`.
 * `offerInvite` is the email to offer an invitation to, when adding it found an account.
 */
export interface MemberFormState {
  intent: "add" | "invite" | "revoke" | "role" | "active";
  userId?: string;
  values: Record<string, string>;
  error: FormError;
  offerInvite?: string | null;
}

/** Props of {@linkcode MembersPage}. */
export interface MembersPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  members: MemberItem[];
  invitations: InvitationItem[];
  selfId: string;
  moreHref: string | null;
  failed?: MemberFormState | null;
}

const ROLE_OPTIONS = [
  { value: "employee", label: "Employee" },
  { value: "manager", label: "Manager" },
  { value: "admin", label: "Admin" },
];

const ROLE_LABEL: Record<InvitationItem["role"], string> = {
  employee: "Employee",
  manager: "Manager",
  admin: "Admin",
};

/** The members page. */
export function MembersPage(
  { members, invitations, selfId, moreHref, failed, ...chrome }: MembersPageProps,
) {
  const action = `/o/${chrome.org!.id}/members`;
  // Kiosk PINs, when the plan has kiosks (the PIN page: `routes/pages/kiosks.tsx`).
  const kiosks = chrome.org?.features?.includes("kiosk") ?? false;
  const add = failed?.intent === "add" ? failed : null;
  const invite = failed?.intent === "invite" ? failed : null;
  const change = failed && (failed.intent === "role" || failed.intent === "active" ||
      failed.intent === "revoke")
    ? failed
    : null;
  return (
    <Layout title="Members" active="members" {...chrome}>
      <PageHeader title="Members" lead="Who belongs to this organization, and what they may do." />
      <ErrorSummary error={change?.error} />
      <ul class="members" aria-label="Members">
        {members.map((m) => {
          const rowError = change?.userId === m.id ? change.error.message : null;
          return (
            <li
              key={m.id}
              class={`member card${m.active ? "" : " member-inactive"}${
                rowError ? " member-error" : ""
              }`}
              data-user-id={m.id}
            >
              <div class="member-who">
                <p class="member-name">
                  {m.name}
                  {m.id === selfId && <span class="badge badge-you">You</span>}
                  {!m.active && <span class="badge badge-out">Deactivated</span>}
                </p>
                <p class="member-email">{m.email ?? "No sign-in (kiosk only)"}</p>
              </div>
              {rowError && <p class="field-error" id={`m-${m.id}-error`}>{rowError}</p>}
              <div class="member-actions">
                <form method="post" action={action} class="inline-form">
                  <input type="hidden" name="intent" value="role" />
                  <input type="hidden" name="userId" value={m.id} />
                  <label class="visually-hidden" for={`m-${m.id}-role`}>Role of {m.name}</label>
                  <select id={`m-${m.id}-role`} name="role">
                    {ROLE_OPTIONS.map((o) => (
                      <option key={o.value} value={o.value} selected={o.value === m.role}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                  <button type="submit" class="btn btn-quiet btn-small">
                    Change role<span class="visually-hidden">{` of ${m.name}`}</span>
                  </button>
                </form>
                <form method="post" action={action} class="inline-form">
                  <input type="hidden" name="intent" value="active" />
                  <input type="hidden" name="userId" value={m.id} />
                  <input type="hidden" name="active" value={m.active ? "false" : "true"} />
                  <button
                    type="submit"
                    class={`btn btn-small ${m.active ? "btn-danger-quiet" : "btn-quiet"}`}
                  >
                    {m.active ? "Deactivate" : "Reactivate"}
                    <span class="visually-hidden">{` ${m.name}`}</span>
                  </button>
                </form>
                {kiosks && (
                  <a class="btn btn-quiet btn-small" href={`${action}/${m.id}/pin`}>
                    Set PIN<span class="visually-hidden">{` of ${m.name}`}</span>
                  </a>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {moreHref && <a class="btn btn-quiet" href={moreHref}>More members</a>}
      <section class="card" aria-labelledby="invite-member">
        <h2 id="invite-member">Invite by email</h2>
        <p class="hint">
          We mail them a link that works once, for 7 days. They join with the account of that email,
          or create it from the link.
        </p>
        <ErrorSummary error={invite?.error} />
        <form method="post" action={action} class="stack">
          <input type="hidden" name="intent" value="invite" />
          <Field
            id="invite-email"
            name="email"
            type="email"
            label="Email"
            value={invite?.values.email}
            required
            autocomplete="off"
            error={invite?.error}
          />
          <Field
            id="invite-name"
            name="name"
            label="Name"
            hint="Suggested on their sign-up form."
            value={invite?.values.name}
            autocomplete="off"
            error={invite?.error}
          />
          <SelectField
            id="invite-role"
            name="role"
            label="Role"
            options={ROLE_OPTIONS}
            value={invite?.values.role ?? "employee"}
            required
            error={invite?.error}
          />
          <button type="submit" class="btn btn-primary">Send invitation</button>
        </form>
        <h3 id="pending-invitations">Pending invitations</h3>
        {invitations.length === 0
          ? <p class="hint">No pending invitations.</p>
          : (
            <ul class="members" aria-labelledby="pending-invitations">
              {invitations.map((inv) => (
                <li key={inv.id} class="member card" data-invitation-id={inv.id}>
                  <div class="member-who">
                    <p class="member-name">{inv.name ?? inv.email}</p>
                    <p class="member-email">
                      {inv.email} · {ROLE_LABEL[inv.role]} · expires{" "}
                      <time datetime={inv.expiresAt}>{inv.expiresAt.slice(0, 10)}</time>
                    </p>
                  </div>
                  <div class="member-actions">
                    <form method="post" action={action} class="inline-form">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="invitationId" value={inv.id} />
                      <button type="submit" class="btn btn-small btn-danger-quiet">
                        Revoke<span class="visually-hidden">
                          {` the invitation of ${inv.email}`}
                        </span>
                      </button>
                    </form>
                  </div>
                </li>
              ))}
            </ul>
          )}
      </section>
      <section class="card" aria-labelledby="add-member">
        <h2 id="add-member">Add a member</h2>
        <p class="hint">
          For people who sign in with a password you set, or (without email) use the kiosk only.
          Someone who already has a ClockFlow account is invited instead.
        </p>
        <ErrorSummary error={add?.error} />
        {add?.offerInvite && (
          <form method="post" action={action} class="inline-form offer-invite">
            <input type="hidden" name="intent" value="invite" />
            <input type="hidden" name="email" value={add.offerInvite} />
            <input type="hidden" name="name" value={add.values.name ?? ""} />
            <input type="hidden" name="role" value={add.values.role ?? "employee"} />
            <button type="submit" class="btn btn-primary">
              Invite {add.offerInvite} instead
            </button>
          </form>
        )}
        <form method="post" action={action} class="stack">
          <input type="hidden" name="intent" value="add" />
          <Field
            id="member-name"
            name="name"
            label="Name"
            value={add?.values.name}
            required
            autocomplete="off"
            error={add?.error}
          />
          <Field
            id="member-email"
            name="email"
            type="email"
            label="Email"
            value={add?.values.email}
            autocomplete="off"
            error={add?.error}
          />
          <Field
            id="member-password"
            name="password"
            type="password"
            label="Password"
            hint="At least 10 characters. Needs an email."
            autocomplete="new-password"
            error={add?.error}
          />
          <SelectField
            id="member-role"
            name="role"
            label="Role"
            options={ROLE_OPTIONS}
            value={add?.values.role ?? "employee"}
            required
            error={add?.error}
          />
          <button type="submit" class="btn btn-primary">Add member</button>
        </form>
      </section>
    </Layout>
  );
}
