/**
 * The organization switcher: where the person is a member, and a form to create another.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, Field, type FormError, PageHeader, SelectField } from "../forms.tsx";
import { DEFAULT_TIME_ZONE, timeZoneOptions } from "../timezones.ts";

/** An organization in the switcher. */
export interface OrgItem {
  id: string;
  name: string;
  role: string;
}

/** Props of {@linkcode OrgsPage}. */
export interface OrgsPageProps extends Pick<LayoutProps, "userName" | "flash"> {
  orgs: OrgItem[];
  values?: Record<string, string>;
  error?: FormError | null;
}

/** List and create organizations. */
export function OrgsPage({ orgs, values = {}, error, userName, flash }: OrgsPageProps) {
  return (
    <Layout title="Your organizations" userName={userName} flash={flash}>
      <PageHeader title="Your organizations" lead="Choose where you are working now." />
      {orgs.length === 0
        ? <p class="empty">You are not an active member of any organization yet.</p>
        : (
          <ul class="org-list" aria-label="Organizations">
            {orgs.map((o) => (
              <li key={o.id}>
                <a class="org-link" href={`/o/${o.id}/clock`}>
                  <span class="org-link-name">{o.name}</span>
                  <span class={`badge badge-${o.role}`}>{o.role}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      <section class="card" aria-labelledby="new-org">
        <h2 id="new-org">Create another organization</h2>
        <ErrorSummary error={error} />
        <form method="post" action="/app/orgs" class="stack">
          <Field
            id="org-name"
            name="name"
            label="Organization name"
            value={values.name}
            required
            autocomplete="organization"
            error={error}
          />
          <SelectField
            id="org-tz"
            name="timeZone"
            label="Time zone"
            options={timeZoneOptions()}
            value={values.timeZone ?? DEFAULT_TIME_ZONE}
            required
            error={error}
          />
          <button type="submit" class="btn btn-primary">Create organization</button>
        </form>
      </section>
    </Layout>
  );
}
