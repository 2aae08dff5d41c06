/**
 * Admins' locations page: the job sites with their geofences — add, edit, deactivate or
 * reactivate, delete. Plain forms (no JavaScript needed); each posts an `intent`.
 *
 * @module
 */

import type { Location } from "../../lib/locations/repository.ts";
import { Layout, type LayoutProps } from "../Layout.tsx";
import { ErrorSummary, type FormError, PageHeader } from "../forms.tsx";
import { timeZoneOptions } from "../timezones.ts";
import { Checkbox, Input, Select } from "./settings_controls.tsx";

/** A location as listed. */
export type LocationItem = Omit<Location, "createdAt" | "updatedAt">;

/** A failed form: `add`, or a change (`edit`, `active`, `delete`) of location `locationId`. */
export interface LocationFormState {
  intent: "add" | "edit" | "active" | "delete";
  locationId?: string;
  values: Record<string, string>;
  error: FormError;
}

/** Props of {@linkcode LocationsPage}. */
export interface LocationsPageProps
  extends Pick<LayoutProps, "userName" | "org" | "flash" | "active"> {
  locations: LocationItem[];
  moreHref: string | null;
  /** The organization requires a location to clock in. */
  requireLocation: boolean;
  /** Active locations in the whole organization (not just this page). */
  activeCount: number;
  /** The location whose edit form is open (`?edit=<id>`), if any. */
  editingId?: string | null;
  failed?: LocationFormState | null;
}

/** The form values showing `loc`. */
function valuesOf(loc: LocationItem): Record<string, string> {
  const v: Record<string, string> = {
    name: loc.name,
    address: loc.address,
    latitude: String(loc.latitude),
    longitude: String(loc.longitude),
    radiusMeters: String(loc.radiusMeters),
    timeZone: loc.timeZone ?? "",
  };
  if (loc.active) v.active = "true";
  return v;
}

function zoneOptions() {
  return [{ value: "", label: "The organization's time zone" }, ...timeZoneOptions()];
}

/** The fields of a location form (add and edit). */
function LocationFields(
  { idPrefix, values, error, withActive }: {
    idPrefix: string;
    values: Record<string, string>;
    error?: FormError | null;
    withActive?: boolean;
  },
) {
  const common = { idPrefix, values, error };
  return (
    <>
      <Input {...common} name="name" label="Name" required maxLength={100} />
      <Input {...common} name="address" label="Address" optional maxLength={300} />
      <div class="row">
        <Input
          {...common}
          name="latitude"
          label="Latitude"
          inputMode="decimal"
          placeholder="40.7128"
          hint="Degrees, −90 to 90. You may paste “latitude, longitude” here."
        />
        <Input
          {...common}
          name="longitude"
          label="Longitude"
          inputMode="decimal"
          placeholder="-74.0060"
          hint="Degrees, −180 to 180."
        />
      </div>
      <div class="row">
        <Input
          {...common}
          name="radiusMeters"
          label="Geofence radius"
          inputMode="numeric"
          suffix="m"
          hint="25 to 100000 meters. Phones are often off by 10–50 m; 100 m suits most sites."
        />
        <Select {...common} name="timeZone" label="Time zone" options={zoneOptions()} />
      </div>
      {withActive && (
        <Checkbox
          {...common}
          name="active"
          label="Active"
          hint="Inactive locations are kept but not offered or accepted at clock-in."
        />
      )}
    </>
  );
}

function coordinates(loc: LocationItem): string {
  const lat = `${Math.abs(loc.latitude).toFixed(5)}° ${loc.latitude < 0 ? "S" : "N"}`;
  const lng = `${Math.abs(loc.longitude).toFixed(5)}° ${loc.longitude < 0 ? "W" : "E"}`;
  return `${lat}, ${lng}`;
}

/** The locations page. */
export function LocationsPage(
  { locations, moreHref, requireLocation, activeCount, editingId, failed, ...chrome }:
    LocationsPageProps,
) {
  const orgId = chrome.org!.id;
  const action = `/o/${orgId}/locations`;
  const add = failed?.intent === "add" ? failed : null;
  const change = failed && failed.intent !== "add" ? failed : null;
  return (
    <Layout title="Locations" active="locations" {...chrome}>
      <PageHeader
        title="Locations"
        lead="Job sites and their geofences. Members choose one, or the nearest is used, when they clock in."
      />
      {requireLocation && activeCount === 0 && (
        <p class="alert alert-note" role="status">
          A location is required to clock in, but there is no active location: nobody can clock in
          until you add or reactivate one.
        </p>
      )}
      <p class="hint">
        {requireLocation
          ? "Clocking in requires a position inside an active location's geofence. "
          : "Clocking in does not require a location; members may still pick one. "}
        <a href={`/o/${orgId}/settings#settings-clocking`}>Change this in Settings</a>
      </p>
      {change && change.intent !== "edit" && <ErrorSummary error={change.error} />}
      {locations.length === 0 && <p class="empty">No locations yet.</p>}
      <ul class="locations" aria-label="Locations">
        {locations.map((loc) => {
          const failedEdit = change?.intent === "edit" && change.locationId === loc.id
            ? change
            : null;
          const editing = failedEdit || (!change && editingId === loc.id);
          const prefix = `l-${loc.id}`;
          return (
            <li
              key={loc.id}
              class={`location card${loc.active ? "" : " location-inactive"}`}
              data-location-id={loc.id}
            >
              <div class="location-who">
                <p class="location-name">
                  {loc.name}
                  {!loc.active && <span class="badge badge-out">Inactive</span>}
                </p>
                {loc.address && <p class="location-address">{loc.address}</p>}
                <p class="location-meta">
                  <span>{coordinates(loc)}</span>
                  <span>Fence {loc.radiusMeters} m</span>
                  {loc.timeZone && <span>{loc.timeZone.replaceAll("_", " ")}</span>}
                </p>
              </div>
              <div class="location-actions">
                {editing
                  ? (
                    <section class="location-edit" aria-labelledby={`${prefix}-edit`}>
                      <h3 id={`${prefix}-edit`}>Edit {loc.name}</h3>
                      <ErrorSummary error={failedEdit?.error} />
                      <form method="post" action={action} class="stack" novalidate>
                        <input type="hidden" name="intent" value="edit" />
                        <input type="hidden" name="locationId" value={loc.id} />
                        <LocationFields
                          idPrefix={prefix}
                          values={failedEdit?.values ?? valuesOf(loc)}
                          error={failedEdit?.error}
                          withActive
                        />
                        <div class="location-edit-actions">
                          <button type="submit" class="btn btn-primary">Save location</button>
                          <a class="btn btn-quiet" href={action}>Cancel</a>
                        </div>
                      </form>
                    </section>
                  )
                  : (
                    <a
                      class="btn btn-quiet btn-small"
                      href={`${action}?edit=${loc.id}#${prefix}-edit`}
                    >
                      Edit<span class="visually-hidden">{` ${loc.name}`}</span>
                    </a>
                  )}
                <form method="post" action={action} class="inline-form">
                  <input type="hidden" name="intent" value="active" />
                  <input type="hidden" name="locationId" value={loc.id} />
                  <input type="hidden" name="active" value={loc.active ? "false" : "true"} />
                  <button
                    type="submit"
                    class={`btn btn-small ${loc.active ? "btn-danger-quiet" : "btn-quiet"}`}
                  >
                    {loc.active ? "Deactivate" : "Reactivate"}
                    <span class="visually-hidden">{` ${loc.name}`}</span>
                  </button>
                </form>
                <details>
                  <summary>
                    Delete<span class="visually-hidden">{` ${loc.name}`}</span>…
                  </summary>
                  <form method="post" action={action} class="stack form-danger">
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="locationId" value={loc.id} />
                    <p>
                      Deleting removes the location for good. Past entries keep a reference to it
                      but will no longer show its name. To stop using a site, deactivate it instead.
                    </p>
                    <button type="submit" class="btn btn-danger">
                      Delete {loc.name}
                    </button>
                  </form>
                </details>
              </div>
            </li>
          );
        })}
      </ul>
      {moreHref && <a class="btn btn-quiet" href={moreHref}>More locations</a>}
      <section class="card" aria-labelledby="add-location">
        <h2 id="add-location">Add a location</h2>
        <ErrorSummary error={add?.error} />
        <form method="post" action={action} class="stack" novalidate>
          <input type="hidden" name="intent" value="add" />
          <LocationFields
            idPrefix="new-location"
            values={add?.values ?? { radiusMeters: "100", timeZone: "" }}
            error={add?.error}
          />
          <button type="submit" class="btn btn-primary">Add location</button>
        </form>
      </section>
    </Layout>
  );
}
