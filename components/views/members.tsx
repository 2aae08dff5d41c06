/**
 * Admins' members page: the list with role and activation controls, and a form to add people.
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

/** A failed member form: `add`, or a change (`role`/`active`) to member `userId`. */
export interface MemberFormState {
  intent: "add" | "role" | "active";
  userId?: string;
  values: Record<string, string>;
  error: FormError;
}

/** Props of {@linkcode MembersPage}. */
export interface MembersPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  members: MemberItem[];
  selfId: string;
  moreHref: string | null;
  failed?: MemberFormState | null;
}

const ROLE_OPTIONS = [
  { value: "employee", label: "Employee" },
  { value: "manager", label: "Manager" },
  { value: "admin", label: "Admin" },
];

/** The members page. */
export function MembersPage({ members, selfId, moreHref, failed, ...chrome }: MembersPageProps) {
  const action = `/o/${chrome.org!.id}/members`;
  const add = failed?.intent === "add" ? failed : null;
  const change = failed && failed.intent !== "add" ? failed : null;
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
              </div>
            </li>
          );
        })}
      </ul>
      {moreHref && <a class="btn btn-quiet" href={moreHref}>More members</a>}
      <section class="card" aria-labelledby="add-member">
        <h2 id="add-member">Add a member</h2>
        <p class="hint">
          With an email and password they can sign in. An email that already has a ClockFlow account
          is linked without a password.
        </p>
        <ErrorSummary error={add?.error} />
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
