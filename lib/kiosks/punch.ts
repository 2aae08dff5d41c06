/**
 * What a paired kiosk does: find a member by PIN ({@linkcode identifyUseCase}) and punch for
 * them ({@linkcode kioskPunchUseCase}). A punch runs the very clock functions of the clock page
 * (`lib/clock/clock.ts`: overlaps, locked periods, one open entry), audited as the kiosk
 * (`kiosk_device` principal), with the webhook events and the live board's presence of every
 * punch (`entryEvents`). Rules kept here once:
 *
 * - only a `kiosk_device` principal punches here, on a plan with `kiosk`;
 * - a wrong PIN is 404 `unknown_pin` and counts toward the throttles (`throttle.ts`); a
 *   correct one resets the device's streak; deactivated members' PINs are wrong PINs;
 * - `at` (a punch queued offline) must lie within the last {@linkcode MAX_LATE_MS} and at most
 *   {@linkcode SKEW_MS} ahead (else 422 `punch_time_out_of_range`); the punch applies at its own
 *   time, marked `kiosk_offline` when more than {@linkcode SKEW_MS} late (else `kiosk`), and may
 *   not be earlier than the state it changes began (409 `punch_out_of_order`);
 * - an `idempotencyKey` is recorded as `["org", o, "kiosk_punch", kioskId, key]` in the punch's
 *   own commit (`check(null)`): a replay gets the first answer and changes nothing, and two
 *   racing replays apply once;
 * - a punch made offline (`at` more than {@linkcode SKEW_MS} ago) that a rule refuses becomes a
 *   conflict for managers (`conflicts.ts`), answered `{status: "conflict"}`; a live punch (no
 *   `at`, or `at` within the skew of now) gets the ordinary error;
 * - clock-in: a kiosk at a location names it (and satisfies `requireLocation` without a
 *   position); a kiosk without one refuses where a location is required (422
 *   `location_required`).
 *
 * @module
 */

import { type RequestContext, requirePlanFeature } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { Atomic, MaybeEntry } from "../kv/mod.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import type { Membership } from "../members/members.ts";
import { memberUser } from "../identity/users.ts";
import { effectiveSettings } from "../billing/gates.ts";
import { entryEvents } from "../entries/events.ts";
import { type EntryView, type TimeEntry, viewEntry } from "../entries/model.ts";
import type { EntryChange } from "../entries/repository.ts";
import {
  clockIn,
  clockOut,
  type ClockState,
  clockStatus,
  endBreak,
  type Puncher,
  startBreak,
  stateOf,
} from "../clock/clock.ts";
import { allLocations } from "../locations/repository.ts";
import { type Kiosk, kioskKey } from "./kiosks.ts";
import { PIN_KEY_PARTS, pinHash, pinIndexKey, pinKeyFrom, sameHash } from "./pins.ts";
import {
  assertNotBlocked,
  orgWindowKey,
  recordWrongPin,
  resetStreak,
  streakKey,
  takeMemberPunch,
} from "./throttle.ts";
import { addConflict, type PunchAction } from "./conflicts.ts";
import { identifyInput, punchInput } from "./schemas.ts";

/** Oldest offline punch accepted. */
export const MAX_LATE_MS = 72 * 3_600_000;
/** Clock skew tolerated (ahead), and how late a punch may be and still count as live. */
export const SKEW_MS = 60_000;
/** How long an idempotency record is kept (longer than any punch may be late). */
export const PUNCH_RECORD_TTL_MS = 7 * 24 * 3_600_000;

/** 401 `kiosk_unpaired`: what every device call answers without a live credential. */
export function kioskUnpaired(): DomainError {
  return new DomainError(
    "unauthenticated",
    "kiosk_unpaired",
    "This device is not paired with a kiosk; enter a pairing code",
  );
}

/** The kiosk id of a device principal, or 403 `forbidden` for any other principal. */
export function deviceOf(ctx: Pick<RequestContext, "principal">): string {
  if (ctx.principal.type !== "kiosk_device") {
    throw new DomainError("forbidden", "forbidden", "Only a paired kiosk can do this");
  }
  return ctx.principal.deviceId;
}

function unknownPin(): DomainError {
  return new DomainError("not_found", "unknown_pin", "No one has this PIN; try again");
}

/** PIN checks of one device run one at a time in this process (the streak cannot overshoot). */
const deviceQueues = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, run: () => Promise<T>): Promise<T> {
  const before = deviceQueues.get(key) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(run);
  const tail = mine.catch(() => {});
  deviceQueues.set(key, tail);
  tail.then(() => {
    if (deviceQueues.get(key) === tail) deviceQueues.delete(key);
  });
  return mine;
}

/** What a kiosk punch answers (stored with its idempotency key). */
export type PunchResult =
  | {
    status: "applied";
    member: { userId: string; name: string };
    state: ClockState;
    entry: EntryView;
  }
  | { status: "conflict"; conflict: { id: string; code: string; message: string } };

/** The stored answer of an idempotent punch. */
interface PunchRecord {
  /** The PIN's hash: a replay must come with the same PIN. */
  pinHash: string;
  /** True for an applied clock-in (the API answers 201). */
  created: boolean;
  result: PunchResult;
}

/** A punch's answer: the result, whether it created an entry, whether it is a replay. */
export interface PunchOutcome {
  result: PunchResult;
  created: boolean;
  replayed: boolean;
}

/** A member found by PIN on the device. */
interface Identified {
  kiosk: Kiosk;
  userId: string;
  name: string;
  membershipVersionstamp: string;
  pinHash: string;
}

/**
 * Find the member with `pin` for device `kioskId` (one at a time per device): 401 for a revoked
 * kiosk, 429 while blocked, a replay when `idemKey`'s record holds this PIN's answer, 404
 * `unknown_pin` (counted) when no active member has the PIN.
 */
async function identify(
  ctx: RequestContext,
  kioskId: string,
  pin: string,
  idemKeyParts: Deno.KvKeyPart[] | null,
): Promise<Identified | { replay: PunchRecord }> {
  const { scope, now } = ctx;
  return await oneAtATime(`${scope.orgId}:${kioskId}`, async () => {
    const [kioskE, streak, orgWindow, keyE, idemE] = await scope.getMany<unknown>([
      kioskKey(scope, kioskId),
      streakKey(scope, kioskId),
      orgWindowKey(scope, now),
      scope.key(...PIN_KEY_PARTS),
      ...(idemKeyParts ? [scope.key(...idemKeyParts)] : []),
    ]);
    const kiosk = kioskE.value as Kiosk | null;
    if (!kiosk || kiosk.deviceTokenHash === null) throw kioskUnpaired();
    assertNotBlocked(streak, orgWindow, now);
    const key = pinKeyFrom(keyE);
    const hash = key ? await pinHash(key, pin) : null;
    const stored = idemE?.value as PunchRecord | null | undefined;
    if (stored && hash && sameHash(stored.pinHash, hash)) return { replay: stored };
    const userId = hash ? (await scope.getKey<string>(pinIndexKey(scope, hash))).value : null;
    const member = userId ? await scope.get<Membership>("member", userId) : null;
    if (!userId || !member?.value?.active || !hash) {
      await recordWrongPin(scope, kioskId, now);
      throw unknownPin();
    }
    await resetStreak(scope, kioskId, streak);
    if (stored) {
      throw new DomainError(
        "unprocessable",
        "idempotency_key_reused",
        "This idempotencyKey was used for another person's punch",
      );
    }
    const user = await memberUser(scope, userId);
    return {
      kiosk,
      userId,
      name: user?.name ?? "Unknown",
      membershipVersionstamp: member.versionstamp!,
      pinHash: hash,
    };
  });
}

/** Who has the PIN, and where they stand before the action. */
export interface IdentifiedMember {
  userId: string;
  name: string;
  state: ClockState;
  /** When the state began (ISO 8601 UTC), or null when out. */
  since: string | null;
}

function sinceOf(entry: TimeEntry | null): string | null {
  const state = stateOf(entry);
  if (state === "out") return null;
  const ms = state === "break" ? entry!.breaks.at(-1)!.start : entry!.start;
  return new Date(ms).toISOString();
}

/**
 * The member with this PIN and their state, for the screen to show before the action (paired
 * kiosks, plan feature `kiosk`). 404 `unknown_pin`, 429 `too_many_attempts`.
 *
 * @example
 * ```ts
 * const { name, state } = await identifyUseCase(ctx, { pin: "4821" });
 * ```
 */
export async function identifyUseCase(
  ctx: RequestContext,
  input: Unparsed<typeof identifyInput>,
): Promise<IdentifiedMember> {
  const kioskId = deviceOf(ctx);
  requirePlanFeature(ctx, "kiosk");
  const { pin } = parseInput(identifyInput, input);
  const who = await identify(ctx, kioskId, pin, null);
  if ("replay" in who) throw new Error("unreachable: identify without a key never replays");
  const { state, entry } = await clockStatus(ctx.scope, who.userId);
  return { userId: who.userId, name: who.name, state, since: sinceOf(entry) };
}

/** The clock-in location of `kiosk`: its own (if still active), or 422 where one is required. */
async function kioskLocation(ctx: RequestContext, kiosk: Kiosk): Promise<string | null> {
  if (kiosk.locationId !== null) {
    const active = await allLocations(ctx.scope, { activeOnly: true });
    if (!active.some((l) => l.id === kiosk.locationId)) {
      throw new DomainError(
        "unprocessable",
        "unknown_location",
        "This kiosk's location no longer exists or is inactive; ask an admin to move the kiosk",
        { locationId: kiosk.locationId },
      );
    }
    return kiosk.locationId;
  }
  if (effectiveSettings(ctx.settings.settings, ctx.entitlements).requireLocation) {
    throw new DomainError(
      "unprocessable",
      "location_required",
      "Clocking in needs a job location, and this kiosk has none; ask an admin to set it",
      { missing: ["locationId"] },
    );
  }
  return null;
}

/** 422 unless an offline punch's time lies in the accepted window. */
function assertPunchTime(at: number, now: number): void {
  if (at < now - MAX_LATE_MS || at > now + SKEW_MS) {
    throw new DomainError(
      "unprocessable",
      "punch_time_out_of_range",
      "A punch may be sent up to 72 hours late and never from the future",
      {
        earliest: new Date(now - MAX_LATE_MS).toISOString(),
        latest: new Date(now + SKEW_MS).toISOString(),
      },
    );
  }
}

/** Refusals an offline punch turns into a conflict (a retry would not change them). */
function isConflict(err: unknown): err is DomainError {
  return err instanceof DomainError &&
    (err.kind === "conflict" || err.kind === "locked" || err.kind === "unprocessable") &&
    err.code !== "concurrent_change";
}

/**
 * Punch for the member with `pin` (paired kiosks, plan feature `kiosk`): see the module docs.
 * Returns the result, whether it created an entry (201) and whether it replays a first answer.
 *
 * @example
 * ```ts
 * const out = await kioskPunchUseCase(ctx, { pin: "4821", action: "in", idempotencyKey: "k1" });
 * out.result.status; // "applied"
 * ```
 */
export async function kioskPunchUseCase(
  ctx: RequestContext,
  input: Unparsed<typeof punchInput>,
): Promise<PunchOutcome> {
  const kioskId = deviceOf(ctx);
  requirePlanFeature(ctx, "kiosk");
  const p = parseInput(punchInput, input);
  const { scope, now } = ctx;
  const late = p.at !== undefined;
  if (late) assertPunchTime(p.at!, now);
  const at = late ? Math.min(p.at!, now) : now;
  // Sent within the skew of now (a live punch whose device stamps its time): refusals are
  // answered as errors for the person at the screen; only a punch made offline becomes a
  // conflict for managers.
  const offline = late && now - p.at! > SKEW_MS;
  const idemParts = p.idempotencyKey ? ["kiosk_punch", kioskId, p.idempotencyKey] : null;
  const idemKey = idemParts ? scope.key(...idemParts) : null;
  const who = await identify(ctx, kioskId, p.pin, idemParts);
  if ("replay" in who) return { ...who.replay, replayed: true };
  if (!offline) takeMemberPunch(scope.orgId, who.userId, now);

  const record = (op: Atomic, result: PunchResult, created: boolean) => {
    if (!idemKey) return;
    op.check(idemKey, null).set(
      idemKey,
      {
        pinHash: who.pinHash,
        created,
        result,
      } satisfies PunchRecord,
      { expireIn: PUNCH_RECORD_TTL_MS },
    );
  };
  const events = entryEvents(ctx);
  let applied: PunchResult | null = null;
  const puncher: Puncher = {
    userId: who.userId,
    membershipVersionstamp: who.membershipVersionstamp,
    by: ctx.principal,
    ordered: late,
    effects: (op: Atomic, change: EntryChange, when: number) => {
      events(op, change, when);
      const entry = change.after!;
      applied = {
        status: "applied",
        member: { userId: who.userId, name: who.name },
        state: stateOf(entry),
        entry: viewEntry(entry, now, ctx.settings.settings),
      };
      record(op, applied, p.action === "in");
    },
  };
  try {
    await punch(ctx, who.kiosk, puncher, p.action, at, offline);
    await ctx.jobs.dispatch();
    return { result: applied!, created: p.action === "in", replayed: false };
  } catch (err) {
    // A racing replay with the same key may have won: answer what it answered.
    const won = idemKey ? await replayOf(ctx, idemKey, who.pinHash) : null;
    if (won) return won;
    if (!offline || !isConflict(err)) throw err;
    return await recordConflict(ctx, who, kioskId, p.action, at, err, record, idemKey);
  }
}

async function replayOf(
  ctx: RequestContext,
  idemKey: ReturnType<RequestContext["scope"]["key"]>,
  hash: string,
): Promise<PunchOutcome | null> {
  const e = await ctx.scope.getKey<PunchRecord>(idemKey) as MaybeEntry<PunchRecord>;
  if (!e.value || !sameHash(e.value.pinHash, hash)) return null;
  return { result: e.value.result, created: e.value.created, replayed: true };
}

/** Record an offline punch a rule refused as a conflict (with its idempotency record). */
async function recordConflict(
  ctx: RequestContext,
  who: Identified,
  kioskId: string,
  action: PunchAction,
  at: number,
  err: DomainError,
  record: (op: Atomic, result: PunchResult, created: boolean) => void,
  idemKey: ReturnType<RequestContext["scope"]["key"]> | null,
): Promise<PunchOutcome> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const op = ctx.scope.atomic();
    const conflict = addConflict(op, ctx.scope, {
      kioskId,
      userId: who.userId,
      name: who.name,
      action,
      at: new Date(at).toISOString(),
      code: err.code,
      message: err.message,
    }, ctx.now);
    const result: PunchResult = {
      status: "conflict",
      conflict: { id: conflict.id, code: conflict.code, message: conflict.message },
    };
    record(op, result, false);
    if (await op.commit()) return { result, created: false, replayed: false };
    const won = idemKey ? await replayOf(ctx, idemKey, who.pinHash) : null;
    if (won) return won;
  }
  throw new DomainError("conflict", "concurrent_change", "Try again");
}

/** Run the clock function of `action` at `at` for the puncher, from `kiosk`. */
async function punch(
  ctx: RequestContext,
  kiosk: Kiosk,
  puncher: Puncher,
  action: PunchAction,
  at: number,
  offline: boolean,
): Promise<TimeEntry> {
  switch (action) {
    case "in":
      return await clockIn(ctx.scope, puncher, {
        note: null,
        locationId: await kioskLocation(ctx, kiosk),
        geo: null,
        source: offline ? "kiosk_offline" : "kiosk",
      }, at);
    case "break_start":
      return await startBreak(ctx.scope, puncher, at, null);
    case "break_end":
      return await endBreak(ctx.scope, puncher, at);
    case "out":
      return await clockOut(ctx.scope, puncher, null, at);
  }
}
