/**
 * Kiosk pages: the admins' kiosk list (create with the pairing code shown big, a new code,
 * revoke), a member's PIN form (admins, or the member), and the Team page's section of offline
 * punches that could not apply (managers resolve them). Plain forms, no JavaScript.
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, type FormError, PageHeader } from "../forms.tsx";
import { dateTime } from "../format.ts";
import { Input, Select } from "./settings_controls.tsx";

/** A kiosk as the list shows it. */
export interface KioskRow {
  id: string;
  name: string;
  locationId: string | null;
  paired: boolean;
  lastSeenAt: string | null;
  pairingExpiresAt: string | null;
}

/** Props of {@linkcode KiosksPage}. */
export interface KiosksPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  kiosks: KioskRow[];
  locations: { id: string; name: string }[];
  timeZone: string;
  /** A code just issued (on creation or on request): shown big, with its expiry. */
  issued?: { kioskName: string; pairingCode: string; pairingExpiresAt: string } | null;
  failed?: { values: Record<string, string>; error: FormError } | null;
  /** Why kiosks cannot be used (the plan lacks `kiosk`), when they cannot. */
  unavailable?: string | null;
}

/** The code in two groups of four, easier to read across a room. */
function grouped(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}

/** The kiosks page. */
export function KiosksPage(
  { kiosks, locations, timeZone, issued, failed, unavailable, ...chrome }: KiosksPageProps,
) {
  const action = `/o/${chrome.org!.id}/kiosks`;
  const names = new Map(locations.map((l) => [l.id, l.name]));
  const when = (iso: string | null, none: string) =>
    iso ? dateTime(Date.parse(iso), timeZone) : none;
  return (
    <Layout title="Kiosks" active="kiosks" {...chrome}>
      <PageHeader
        title="Kiosks"
        lead="Shared tablets where people clock in and out with a PIN. Open /kiosk on the tablet and type the pairing code shown here."
      />
      {unavailable && <p class="alert alert-note" role="status">{unavailable}</p>}
      {issued && (
        <section class="card" aria-labelledby="pairing-code-title">
          <h2 id="pairing-code-title">Pairing code for {issued.kioskName}</h2>
          <p class="pairing-code">
            <code
              id="pairing-code"
              class="secret"
              aria-label={issued.pairingCode.split("").join(" ")}
            >
              {grouped(issued.pairingCode)}
            </code>
          </p>
          <p>
            Valid until{" "}
            <time datetime={issued.pairingExpiresAt}>
              {dateTime(Date.parse(issued.pairingExpiresAt), timeZone)}
            </time>{" "}
            (10 minutes), once. Pairing a new tablet with it unpairs the kiosk's current tablet.
          </p>
        </section>
      )}
      {!unavailable && (
        <>
          {kiosks.length === 0 ? <p>No kiosks yet.</p> : (
            <table class="table">
              <caption class="visually-hidden">Kiosks</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Location</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {kiosks.map((k) => (
                  <tr key={k.id} data-kiosk-id={k.id}>
                    <td>{k.name}</td>
                    <td>{k.locationId ? names.get(k.locationId) ?? "Removed location" : "None"}</td>
                    <td>
                      {k.paired ? "Paired" : "Not paired"}
                      {k.pairingExpiresAt && (
                        <span class="hint">
                          {` · code valid until ${when(k.pairingExpiresAt, "")}`}
                        </span>
                      )}
                    </td>
                    <td>{when(k.lastSeenAt, "Never")}</td>
                    <td>
                      <form method="post" action={action} class="inline-form">
                        <input type="hidden" name="intent" value="code" />
                        <input type="hidden" name="kioskId" value={k.id} />
                        <button type="submit" class="btn btn-small btn-quiet">
                          New code<span class="visually-hidden">{` for ${k.name}`}</span>
                        </button>
                      </form>
                      <form method="post" action={action} class="inline-form">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="kioskId" value={k.id} />
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
          <section class="card" aria-labelledby="create-kiosk">
            <h2 id="create-kiosk">Add a kiosk</h2>
            <ErrorSummary error={failed?.error} />
            <form method="post" action={action} class="stack" novalidate>
              <input type="hidden" name="intent" value="create" />
              <Input
                idPrefix="kiosk"
                name="name"
                label="Name"
                hint="Where it stands, like Warehouse door."
                values={failed?.values ?? {}}
                error={failed?.error}
                maxLength={100}
              />
              <Select
                idPrefix="kiosk"
                name="locationId"
                label="Job location"
                hint="Punches on this kiosk name this location; it counts as being there."
                values={failed?.values ?? {}}
                error={failed?.error}
                options={[
                  { value: "", label: "None" },
                  ...locations.map((l) => ({ value: l.id, label: l.name })),
                ]}
              />
              <button type="submit" class="btn btn-primary">Add kiosk</button>
            </form>
          </section>
        </>
      )}
    </Layout>
  );
}

/** Props of {@linkcode PinPage}. */
export interface PinPageProps extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  member: { id: string; name: string; hasPin: boolean };
  /** Where "back" leads (the members page for admins, the clock for the member). */
  backHref: string;
  failed?: { values: Record<string, string>; error: FormError } | null;
}

/** A member's kiosk PIN: set (or change) and remove. */
export function PinPage({ member, backHref, failed, ...chrome }: PinPageProps) {
  const action = `/o/${chrome.org!.id}/members/${member.id}/pin`;
  return (
    <Layout title={`Kiosk PIN: ${member.name}`} {...chrome}>
      <p class="crumbs">
        <a href={backHref}>
          <span aria-hidden="true">←</span> Back
        </a>
      </p>
      <PageHeader
        title={`Kiosk PIN of ${member.name}`}
        lead={member.hasPin
          ? "A PIN is set. Setting a new one replaces it."
          : "No PIN yet. With a PIN this person can clock in on the organization's kiosks, even without a login."}
      />
      <section class="card" aria-labelledby="set-pin">
        <h2 id="set-pin">{member.hasPin ? "Change the PIN" : "Set a PIN"}</h2>
        <ErrorSummary error={failed?.error} />
        <form method="post" action={action} class="stack" novalidate>
          <input type="hidden" name="intent" value="set" />
          <Input
            idPrefix="pin"
            name="pin"
            label="PIN"
            hint="4 to 8 digits, different from everyone else's in the organization."
            inputMode="numeric"
            autocomplete="off"
            maxLength={8}
            values={{}}
            error={failed?.error}
          />
          <button type="submit" class="btn btn-primary">Save PIN</button>
        </form>
      </section>
      {member.hasPin && (
        <form method="post" action={action} class="inline-form">
          <input type="hidden" name="intent" value="remove" />
          <button type="submit" class="btn btn-danger-quiet">Remove the PIN</button>
        </form>
      )}
    </Layout>
  );
}

/** An open conflict as the Team page lists it. */
export interface ConflictRow {
  id: string;
  name: string;
  action: string;
  /** When the punch was made, in the organization's zone. */
  atLabel: string;
  message: string;
}

const ACTION_LABEL: Record<string, string> = {
  in: "Clock in",
  out: "Clock out",
  break_start: "Break start",
  break_end: "Break end",
};

/** The Team page's section of kiosk punches that could not apply (nothing when there are none). */
export function KioskConflicts(
  { orgId, rows }: { orgId: string; rows: ConflictRow[] },
): ComponentChildren {
  if (rows.length === 0) return null;
  return (
    <section class="card" aria-labelledby="kiosk-conflicts">
      <h2 id="kiosk-conflicts">Kiosk punches that could not apply</h2>
      <p>
        These were made on a kiosk while it was offline and refused when they arrived. Correct the
        person's week by hand if needed, then mark them resolved.
      </p>
      <ul class="stack" aria-label="Kiosk conflicts">
        {rows.map((r) => (
          <li key={r.id} data-conflict-id={r.id}>
            <strong>{r.name}</strong>: {ACTION_LABEL[r.action] ?? r.action} at {r.atLabel}.{" "}
            {r.message}
            <form
              method="post"
              action={`/o/${orgId}/kiosk-conflicts/${r.id}/resolve`}
              class="inline-form"
            >
              <button type="submit" class="btn btn-small btn-quiet">
                Resolve<span class="visually-hidden">{` ${r.name} at ${r.atLabel}`}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}
