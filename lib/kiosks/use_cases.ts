/**
 * Kiosks as use cases: what the JSON API and the admin pages call (`docs/kiosk.md`). Managing
 * kiosks is for admins (API keys: `settings:read` / `settings:write`) on plans with `kiosk`;
 * PINs for admins or the member themselves (keys: `members:write`); conflicts for managers and
 * admins (keys: `entries:read` / `entries:write`). The device's own calls are in `punch.ts`,
 * pairing (before any principal exists) here with explicit deps.
 *
 * | use case | who | input (schema) |
 * | --- | --- | --- |
 * | {@linkcode createKioskUseCase} | admin | `kioskInput` |
 * | {@linkcode listKiosksUseCase} | admin | — |
 * | {@linkcode newPairingCodeUseCase} | admin | `{id}` |
 * | {@linkcode revokeKioskUseCase} | admin | `{id}` |
 * | {@linkcode setPinUseCase} / {@linkcode deletePinUseCase} | admin, or the member | `pinInput` |
 * | {@linkcode listConflictsUseCase} / {@linkcode resolveConflictUseCase} | manager, admin | `{id}` |
 * | {@linkcode pairKioskUseCase} | whoever holds a live code | `pairInput` |
 * | {@linkcode kioskMeUseCase} | the paired device | — |
 *
 * @module
 */

import {
  actorUserId,
  authorize,
  type RequestContext,
  requirePlanFeature,
  requireScope,
} from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { isId, type Store } from "../kv/mod.ts";
import { memberUser } from "../identity/users.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import type { Organization } from "../orgs/orgs.ts";
import { SETTINGS_PARTS, settingsFrom } from "../settings/repository.ts";
import { BILLING_PARTS, billingFrom, entitlementsOf } from "../billing/entitlements.ts";
import { assertFeature } from "../billing/gates.ts";
import type { BillingMode } from "../billing/lifecycle.ts";
import { type Branding, brandingOf } from "../branding/branding.ts";
import { allLocations } from "../locations/repository.ts";
import { type AttemptLimit, releaseAttempt, reserveAttempt } from "../identity/throttle.ts";
import {
  createKiosk,
  findByPairingCode,
  type IssuedCode,
  issuePairingCode,
  type Kiosk,
  type KioskView,
  listKiosks,
  pairDevice,
  pairingCodeInvalid,
  readKiosk,
  revokeKiosk,
  viewKiosk,
} from "./kiosks.ts";
import { deletePin, membersWithPin, setPin } from "./pins.ts";
import { type KioskConflict, listConflicts, resolveConflict } from "./conflicts.ts";
import { deviceOf, kioskUnpaired } from "./punch.ts";
import { kioskInput, pairInput, pinInput } from "./schemas.ts";

function requireKioskAdmin(ctx: RequestContext, scope: "settings:read" | "settings:write"): void {
  requireScope(ctx, scope);
  authorize(ctx, "admin");
  requirePlanFeature(ctx, "kiosk");
}

/** A created kiosk: its view and the pairing code, shown only in this answer. */
export interface CreatedKiosk {
  id: string;
  name: string;
  locationId: string | null;
  pairingCode: string;
  pairingExpiresAt: string;
}

/**
 * Create a kiosk (admins) with a pairing code valid 10 minutes; 422 `unknown_location` when
 * `locationId` names no active location of the organization.
 *
 * @example
 * ```ts
 * const { pairingCode } = await createKioskUseCase(ctx, { name: "Front door" });
 * ```
 */
export async function createKioskUseCase(
  ctx: RequestContext,
  input: Unparsed<typeof kioskInput>,
): Promise<CreatedKiosk> {
  requireKioskAdmin(ctx, "settings:write");
  const parsed = parseInput(kioskInput, input);
  const locationId = parsed.locationId ?? null;
  if (locationId !== null) {
    const active = await allLocations(ctx.scope, { activeOnly: true });
    if (!active.some((l) => l.id === locationId)) {
      throw new DomainError(
        "unprocessable",
        "unknown_location",
        "That location does not exist or is no longer active; choose another",
        { locationId },
      );
    }
  }
  const { kiosk, code } = await createKiosk(ctx.scope, ctx.principal, {
    name: parsed.name,
    locationId,
  }, ctx.now);
  return { id: kiosk.id, name: kiosk.name, locationId: kiosk.locationId, ...code };
}

/** The organization's kiosks (admins): paired, lastSeenAt, a pending code's expiry; no secrets. */
export async function listKiosksUseCase(ctx: RequestContext): Promise<{ data: KioskView[] }> {
  requireKioskAdmin(ctx, "settings:read");
  return { data: (await listKiosks(ctx.scope)).map((k) => viewKiosk(k, ctx.now)) };
}

/** A new pairing code for kiosk `id` (admins); `not_found`. */
export async function newPairingCodeUseCase(
  ctx: RequestContext,
  input: { id: string },
): Promise<IssuedCode> {
  requireKioskAdmin(ctx, "settings:write");
  return await issuePairingCode(ctx.scope, ctx.principal, input.id, ctx.now);
}

/** Revoke kiosk `id` at once (admins): its device's next call is 401; `not_found`. */
export async function revokeKioskUseCase(
  ctx: RequestContext,
  input: { id: string },
): Promise<void> {
  requireKioskAdmin(ctx, "settings:write");
  await revokeKiosk(ctx.scope, ctx.principal, input.id, ctx.now);
}

/** Admins set anyone's PIN; a member their own. Others: 403. */
function requirePinManager(ctx: RequestContext, userId: string): void {
  requireScope(ctx, "members:write");
  if (actorUserId(ctx) !== userId) authorize(ctx, "admin");
  else authorize(ctx, "admin", "manager", "employee");
  requirePlanFeature(ctx, "kiosk");
}

/**
 * Set member `userId`'s kiosk PIN (4–8 digits): admins, or the member for themselves. 409
 * `pin_taken` when another member has it; 404 for someone not in the organization.
 */
export async function setPinUseCase(
  ctx: RequestContext,
  input: { userId: string; body: Unparsed<typeof pinInput> },
): Promise<void> {
  requirePinManager(ctx, input.userId);
  const { pin } = parseInput(pinInput, input.body);
  await setPin(ctx.scope, ctx.principal, input.userId, pin, ctx.now);
}

/** Remove member `userId`'s PIN (admins, or the member); 404 for someone not in the organization. */
export async function deletePinUseCase(
  ctx: RequestContext,
  input: { userId: string },
): Promise<void> {
  requirePinManager(ctx, input.userId);
  await deletePin(ctx.scope, ctx.principal, input.userId, ctx.now);
}

/** What the PIN page shows about member `userId` (admins, or the member); 404 elsewhere. */
export async function pinStatusUseCase(
  ctx: RequestContext,
  input: { userId: string },
): Promise<{ id: string; name: string; hasPin: boolean }> {
  requireScope(ctx, "members:read");
  if (actorUserId(ctx) !== input.userId) authorize(ctx, "admin");
  requirePlanFeature(ctx, "kiosk");
  const user = isId(input.userId) ? await memberUser(ctx.scope, input.userId) : null;
  if (!user) throw notFound("member");
  const withPin = await membersWithPin(ctx.scope, [input.userId]);
  return { id: input.userId, name: user.name, hasPin: withPin.has(input.userId) };
}

/** The kiosk conflicts (managers and admins), newest first. */
export async function listConflictsUseCase(
  ctx: RequestContext,
): Promise<{ data: KioskConflict[] }> {
  requireScope(ctx, "entries:read");
  authorize(ctx, "admin", "manager");
  return { data: await listConflicts(ctx.scope) };
}

/** Mark a conflict resolved (managers and admins); `not_found`. */
export async function resolveConflictUseCase(
  ctx: RequestContext,
  input: { id: string },
): Promise<KioskConflict> {
  requireScope(ctx, "entries:write");
  authorize(ctx, "admin", "manager");
  return await resolveConflict(ctx.scope, ctx.principal, input.id, ctx.now);
}

/** What a paired device shows: its kiosk, the organization and its branding. */
export interface DeviceView {
  kiosk: { id: string; name: string; locationId: string | null };
  organization: { id: string; name: string; timeZone: string };
  branding: Branding;
}

/** The device's view; branding only when the plan has `branding` (as on every other page). */
async function deviceView(
  kiosk: Kiosk,
  org: Organization,
  ctx: Pick<RequestContext, "scope" | "settings" | "entitlements">,
): Promise<DeviceView> {
  return {
    kiosk: { id: kiosk.id, name: kiosk.name, locationId: kiosk.locationId },
    organization: { id: org.id, name: org.name, timeZone: org.timeZone },
    branding: await brandingOf(ctx),
  };
}

/** The paired device's kiosk, organization and branding (plan feature `kiosk`). */
export async function kioskMeUseCase(ctx: RequestContext): Promise<DeviceView> {
  const kioskId = deviceOf(ctx);
  requirePlanFeature(ctx, "kiosk");
  const found = await readKiosk(ctx.scope, kioskId);
  if (!found || found.kiosk.deviceTokenHash === null) throw kioskUnpaired();
  return await deviceView(found.kiosk, ctx.org, ctx);
}

/** What pairing needs from the server (there is no principal before it). */
export interface PairDeps {
  store: Store;
  now: number;
  /** The client's address (attempts are limited per address). */
  clientIp: string;
  billingMode: BillingMode;
}

/** Pairing attempts per client address and window (a success gives its attempt back). */
export const PAIR_ATTEMPTS: { limit: number; windowMs: number } = {
  limit: 10,
  windowMs: 10 * 60_000,
};

/**
 * Pair this device with the kiosk showing `code`: the device credential (to set as the
 * `cf_kiosk` cookie; only its hash is stored) and what the device shows. 404
 * `pairing_code_invalid` for an unknown, used or expired code (nothing changes); 403
 * `feature_not_in_plan` without `kiosk`; 429 `too_many_attempts` after
 * {@linkcode PAIR_ATTEMPTS} failures from one address.
 */
export async function pairKioskUseCase(
  deps: PairDeps,
  input: Unparsed<typeof pairInput>,
): Promise<{ token: string; device: DeviceView }> {
  const { code } = parseInput(pairInput, input);
  const limits: AttemptLimit[] = [{
    subject: `kiosk_pair:${deps.clientIp}`,
    limit: PAIR_ATTEMPTS.limit,
  }];
  const reservation = await reserveAttempt(deps.store, limits, deps.now, PAIR_ATTEMPTS.windowMs);
  for (let attempt = 0; attempt < 5; attempt++) {
    const match = await findByPairingCode(deps.store, code, deps.now, [
      ["profile"],
      [...SETTINGS_PARTS],
      [...BILLING_PARTS],
    ]);
    const [profile, settingsE, billingE] = match.entries;
    const org = profile.value as Organization | null;
    if (!org) throw pairingCodeInvalid();
    const settings = settingsFrom(org, settingsE.value);
    const billing = billingFrom(billingE, org);
    const entitlements = entitlementsOf(
      billing.record,
      settings.settings.disabledFeatures,
      deps.now,
      deps.billingMode,
    );
    assertFeature(entitlements, "kiosk");
    const token = await pairDevice(match, deps.now);
    if (!token) continue;
    await releaseAttempt(deps.store, reservation);
    return {
      token,
      device: await deviceView(match.kiosk, org, { scope: match.scope, settings, entitlements }),
    };
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}
