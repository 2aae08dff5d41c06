/**
 * Job locations: named places with a circular geofence (center and radius) where members clock
 * in. Stored at `["org", orgId, "location", id]` (ids are time-sortable, so a listing is in
 * creation order). Every change is audited in the same commit (`location.create`,
 * `location.update`, `location.delete`).
 *
 * Deleting is a hard delete: time entries keep their `locationId` as history, and the
 * location's last state stays readable in its audit trail. Deactivating (`active: false`) is
 * the gentle way to retire a site: it stays listed but is no longer offered or accepted at
 * clock-in.
 *
 * An organization has at most {@linkcode MAX_LOCATIONS} locations, so clock-in may look at all
 * of them to find the nearest one. Creations, deletions and reactivations check and bump the
 * `["locations_rev"]` key, so that limit — and the plan's limit on active locations, checked by
 * the {@linkcode LocationWriteOptions.activeLimit} given by the caller — holds under concurrency.
 *
 * @example
 * ```ts
 * const site = await createLocation(scope, ctx.principal, {
 *   name: "Main St. Warehouse",
 *   address: "12 Main St.",
 *   latitude: 40.7128,
 *   longitude: -74.006,
 *   radiusMeters: 100,
 * }, Date.now(), { activeLimit: planLimit(ctx, "locations") });
 * ```
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { isId, newId, type OrgScope } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import type { LimitCheck } from "../billing/limits.ts";
import type { Principal } from "../principal.ts";
import { canonicalTimeZone, hasUnsafeText } from "../validation.ts";

import { MAX_LOCATIONS, MAX_RADIUS_METERS, MIN_RADIUS_METERS } from "./limits.ts";
export { MAX_LOCATIONS, MAX_RADIUS_METERS, MIN_RADIUS_METERS };

/** A stored job location. Instants are epoch ms. */
export interface Location {
  id: string;
  name: string;
  address: string;
  latitude: number;
  longitude: number;
  /** Radius of the geofence in whole meters ({@linkcode MIN_RADIUS_METERS}–{@linkcode MAX_RADIUS_METERS}). */
  radiusMeters: number;
  /** IANA time zone of the site; null: the organization's. */
  timeZone: string | null;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A location as the API shows it (instants as ISO 8601). */
export interface LocationView extends Omit<Location, "createdAt" | "updatedAt"> {
  createdAt: string;
  updatedAt: string;
}

/** What an admin gives to create a location (already validated). */
export interface LocationInput {
  name: string;
  address?: string;
  latitude: number;
  longitude: number;
  radiusMeters: number;
  timeZone?: string | null;
  active?: boolean;
}

/** The fields an admin may change. */
export type LocationPatch = Partial<Required<LocationInput>>;

const FIELDS = [
  "name",
  "address",
  "latitude",
  "longitude",
  "radiusMeters",
  "timeZone",
  "active",
] as const;

/** The API view of `loc`. */
export function viewLocation(loc: Location): LocationView {
  return {
    ...loc,
    createdAt: new Date(loc.createdAt).toISOString(),
    updatedAt: new Date(loc.updatedAt).toISOString(),
  };
}

/**
 * Refuse shapes the store must never hold (routes validate first; this keeps the rules true
 * for every caller).
 */
function assertShape(loc: Location, before?: Location): void {
  const bad = (path: string, message: string) =>
    new DomainError("invalid", "validation_failed", "Some fields are missing or invalid", [
      { path, message },
    ]);
  if (!loc.name.trim()) throw bad("name", "enter a name");
  // Text and time zones are checked when they are new, so a record stored before these rules
  // can still be edited in its other fields.
  for (const field of ["name", "address"] as const) {
    if (loc[field] !== before?.[field] && hasUnsafeText(loc[field])) {
      throw bad(field, "remove control and direction-override characters");
    }
  }
  if (
    loc.timeZone !== before?.timeZone && loc.timeZone !== null &&
    canonicalTimeZone(loc.timeZone) !== loc.timeZone
  ) {
    throw bad("timeZone", "not a known IANA time zone (e.g. Europe/Berlin)");
  }
  if (!(Number.isFinite(loc.latitude) && Math.abs(loc.latitude) <= 90)) {
    throw bad("latitude", "latitude must be between -90 and 90");
  }
  if (!(Number.isFinite(loc.longitude) && Math.abs(loc.longitude) <= 180)) {
    throw bad("longitude", "longitude must be between -180 and 180");
  }
  if (
    !Number.isInteger(loc.radiusMeters) || loc.radiusMeters < MIN_RADIUS_METERS ||
    loc.radiusMeters > MAX_RADIUS_METERS
  ) {
    throw bad(
      "radiusMeters",
      `radius must be whole meters from ${MIN_RADIUS_METERS} to ${MAX_RADIUS_METERS}`,
    );
  }
}

/** The stored location `id` with its versionstamp, or null (also for malformed ids). */
async function read(
  scope: OrgScope,
  id: string,
): Promise<{ value: Location; versionstamp: string } | null> {
  if (!isId(id)) return null;
  const e = await scope.get<Location>("location", id);
  return e.value === null ? null : { value: e.value, versionstamp: e.versionstamp };
}

/** One location, or `not_found` (also for another organization's id). */
export async function getLocation(scope: OrgScope, id: string): Promise<Location> {
  const found = await read(scope, id);
  if (!found) throw notFound("location");
  return found.value;
}

/** A page of locations in the order they were created. */
export async function listLocations(
  scope: OrgScope,
  options: { limit: number; cursor?: string | null },
): Promise<{ data: Location[]; nextCursor: string | null }> {
  const page = await scope.page<Location>(scope.key("location"), options);
  return { data: page.items.map((e) => e.value), nextCursor: page.nextCursor };
}

/**
 * Every location of the organization (at most {@linkcode MAX_LOCATIONS}), in creation order;
 * with `activeOnly`, just the active ones.
 */
export async function allLocations(
  scope: OrgScope,
  options: { activeOnly?: boolean } = {},
): Promise<Location[]> {
  const out: Location[] = [];
  for await (const e of scope.list<Location>(scope.key("location"))) {
    if (!options.activeOnly || e.value.active) out.push(e.value);
  }
  return out;
}

/** Options of {@linkcode createLocation} and {@linkcode updateLocation}. */
export interface LocationWriteOptions {
  /**
   * Called with the number of active locations a creation (of an active location) or a
   * reactivation would reach, counted inside the serialized write; throws to refuse (the plan's
   * limit, `lib/billing/limits.ts`).
   */
  activeLimit: LimitCheck;
}

/** Counts of the organization's locations: all of them and the active ones. */
async function countLocations(scope: OrgScope): Promise<{ all: number; active: number }> {
  let all = 0;
  let active = 0;
  for await (const e of scope.list<Location>(scope.key("location"))) {
    all++;
    if (e.value.active) active++;
  }
  return { all, active };
}

/**
 * Create a location. 409 `location_limit` when the organization already has
 * {@linkcode MAX_LOCATIONS}; 409 `concurrent_change` when locations changed meanwhile; whatever
 * `options.activeLimit` throws (402 `plan_limit`) when an active location would exceed the plan.
 */
export async function createLocation(
  scope: OrgScope,
  principal: Principal,
  input: LocationInput,
  now: number,
  options: LocationWriteOptions,
): Promise<Location> {
  const rev = await scope.get("locations_rev");
  const count = await countLocations(scope);
  if (count.all >= MAX_LOCATIONS) {
    throw new DomainError(
      "conflict",
      "location_limit",
      `An organization can have at most ${MAX_LOCATIONS} locations; delete unused ones first`,
      { max: MAX_LOCATIONS },
    );
  }
  const loc: Location = {
    id: newId(now),
    name: input.name.trim(),
    address: (input.address ?? "").trim(),
    latitude: input.latitude,
    longitude: input.longitude,
    radiusMeters: input.radiusMeters,
    timeZone: input.timeZone ?? null,
    active: input.active ?? true,
    createdAt: now,
    updatedAt: now,
  };
  assertShape(loc);
  if (loc.active) options.activeLimit(count.active + 1);
  const op = scope.atomic()
    .check(scope.key("locations_rev"), rev.versionstamp)
    .check(scope.key("location", loc.id), null)
    .set(scope.key("locations_rev"), now)
    .set(scope.key("location", loc.id), loc);
  addAudit(op, scope, {
    principal,
    action: "location.create",
    entity: { kind: "location", id: loc.id },
    before: null,
    after: viewLocation(loc),
  }, now);
  if (!(await op.commit())) {
    throw new DomainError("conflict", "concurrent_change", "Locations changed meanwhile; retry");
  }
  return loc;
}

/**
 * Change any fields of location `id`. A patch that changes nothing writes nothing. `not_found`
 * for unknown ids; 409 `concurrent_change` when the location changed meanwhile; a reactivation
 * is refused by whatever `options.activeLimit` throws (402 `plan_limit`).
 */
export async function updateLocation(
  scope: OrgScope,
  principal: Principal,
  id: string,
  patch: LocationPatch,
  now: number,
  options: LocationWriteOptions,
): Promise<Location> {
  const current = await read(scope, id);
  if (!current) throw notFound("location");
  const rev = await scope.get("locations_rev");
  const next: Location = { ...current.value };
  for (const k of FIELDS) {
    if (patch[k] === undefined) continue;
    const v = patch[k];
    (next as unknown as Record<string, unknown>)[k] = typeof v === "string" && k !== "timeZone"
      ? v.trim()
      : v;
  }
  if (FIELDS.every((k) => next[k] === current.value[k])) return current.value;
  next.updatedAt = now;
  assertShape(next, current.value);
  const reactivated = next.active && !current.value.active;
  if (reactivated) options.activeLimit((await countLocations(scope)).active + 1);
  const op = scope.atomic()
    .check(scope.key("location", id), current.versionstamp)
    .set(scope.key("location", id), next);
  // A reactivation is serialized with creations and other reactivations (the active count).
  if (reactivated) {
    op.check(scope.key("locations_rev"), rev.versionstamp).set(scope.key("locations_rev"), now);
  }
  addAudit(op, scope, {
    principal,
    action: "location.update",
    entity: { kind: "location", id },
    before: viewLocation(current.value),
    after: viewLocation(next),
  }, now);
  if (!(await op.commit())) {
    throw new DomainError("conflict", "concurrent_change", "The location changed meanwhile; retry");
  }
  return next;
}

/**
 * Delete location `id` for good. Entries that name it keep its id (their history); its audit
 * trail keeps its last state. `not_found` for unknown ids.
 */
export async function deleteLocation(
  scope: OrgScope,
  principal: Principal,
  id: string,
  now: number,
): Promise<void> {
  const current = await read(scope, id);
  if (!current) throw notFound("location");
  const rev = await scope.get("locations_rev");
  const op = scope.atomic()
    .check(scope.key("locations_rev"), rev.versionstamp)
    .check(scope.key("location", id), current.versionstamp)
    .set(scope.key("locations_rev"), now)
    .delete(scope.key("location", id));
  addAudit(op, scope, {
    principal,
    action: "location.delete",
    entity: { kind: "location", id },
    before: viewLocation(current.value),
    after: null,
  }, now);
  if (!(await op.commit())) {
    throw new DomainError("conflict", "concurrent_change", "Locations changed meanwhile; retry");
  }
}
