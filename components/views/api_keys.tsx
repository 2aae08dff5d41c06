/**
 * Admins' API keys page: the organization's keys (name, prefix, scopes, last use, expiry), a form
 * to create one (name, scopes, optional expiry date), the new key shown once with a copy button,
 * and a revoke button per key. Plain forms; the copy button is a small island.
 *
 * @module
 */

import type { ApiKeyView } from "../../lib/apikeys/keys.ts";
import { SCOPES } from "../../lib/apikeys/scopes.ts";
import { island } from "../islands.tsx";
import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, type FormError, PageHeader } from "../forms.tsx";
import { GroupError, Input } from "./settings_controls.tsx";

const CopyButton = island("CopyButton");

/** The form field of scope `s` (`scope-members-read`). */
export function scopeField(s: string): string {
  return `scope-${s.replace(":", "-")}`;
}

/** Props of {@linkcode ApiKeysPage}. */
export interface ApiKeysPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  keys: ApiKeyView[];
  moreHref: string | null;
  /** The key just created: its full text is shown this once. */
  created?: { name: string; key: string } | null;
  /** A failed creation: the values sent and what was wrong. */
  failed?: { values: Record<string, string>; error: FormError } | null;
  /** Why keys cannot be used (the plan lacks `api`), when they cannot. */
  unavailable?: string | null;
}

function when(iso: string | null, none: string): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : none;
}

/** The API keys page. */
export function ApiKeysPage(
  { keys, moreHref, created, failed, unavailable, ...chrome }: ApiKeysPageProps,
) {
  const action = `/o/${chrome.org!.id}/api-keys`;
  const values = failed?.values ?? {};
  return (
    <Layout title="API keys" active="api-keys" {...chrome}>
      <PageHeader
        title="API keys"
        lead="Keys let scripts and other systems use this organization's API, within the scopes you choose. Send one as Authorization: Bearer <key>."
      />
      {unavailable && <p class="alert alert-note" role="status">{unavailable}</p>}
      {created && (
        <section class="card" aria-labelledby="new-key">
          <h2 id="new-key">New key: {created.name}</h2>
          <p class="alert alert-note">
            Copy this key now. It is shown only this once; ClockFlow keeps only a hash of it.
          </p>
          <p>
            <code id="new-api-key-secret" class="secret">{created.key}</code>
          </p>
          <CopyButton targetId="new-api-key-secret" label="Copy key" />
        </section>
      )}
      {!unavailable && (
        <>
          {keys.length === 0 ? <p>No API keys yet.</p> : (
            <table class="table">
              <caption class="visually-hidden">API keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} data-key-id={k.id}>
                    <td>{k.name}</td>
                    <td>
                      <code>cf_{k.prefix}_…</code>
                    </td>
                    <td>{k.scopes.join(", ")}</td>
                    <td>{when(k.lastUsedAt, "Never")}</td>
                    <td>{when(k.expiresAt, "Never")}</td>
                    <td>
                      <form method="post" action={action} class="inline-form">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="keyId" value={k.id} />
                        <button type="submit" class="btn btn-small btn-danger-quiet">
                          Revoke<span class="visually-hidden">{` ${k.name}`}</span>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {moreHref && <a class="btn btn-quiet" href={moreHref}>More keys</a>}
          <section class="card" aria-labelledby="create-key">
            <h2 id="create-key">Create a key</h2>
            <ErrorSummary error={failed?.error} />
            <form method="post" action={action} class="stack" novalidate>
              <input type="hidden" name="intent" value="create" />
              <Input
                idPrefix="api-key"
                name="name"
                label="Name"
                hint="Say what uses it, like Payroll export."
                values={values}
                error={failed?.error}
                maxLength={100}
              />
              <fieldset>
                <legend>Scopes</legend>
                <GroupError name="scopes" error={failed?.error} />
                {SCOPES.map((s) => (
                  <div class="field field-checkbox" key={s}>
                    <input
                      id={`api-key-${scopeField(s)}`}
                      name={scopeField(s)}
                      type="checkbox"
                      value="true"
                      checked={scopeField(s) in values}
                    />
                    <label for={`api-key-${scopeField(s)}`}>
                      <code>{s}</code>
                    </label>
                  </div>
                ))}
              </fieldset>
              <Input
                idPrefix="api-key"
                name="expiresOn"
                type="date"
                label="Expires on"
                optional
                hint="The key stops working at the start of the day after this date, in the organization's time zone."
                values={values}
                error={failed?.error}
              />
              <button type="submit" class="btn btn-primary">Create key</button>
            </form>
          </section>
        </>
      )}
    </Layout>
  );
}
