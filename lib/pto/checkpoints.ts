/**
 * Yearly checkpoints of the replayed PTO ledger, so a balance read replays a bounded number of
 * years whatever the hire date.
 *
 * A checkpoint is the ledger state of one member and type at the start of a 1 January (balance,
 * and the worked and earned totals per-hours accrual carries), stored at
 * `["pto_checkpoint", userId, typeId]` with what it was computed from:
 *
 * - `basis`: a SHA-256 of the facts before that date other than time entries — the
 *   organization's settings (policy, pay periods, time zone, break rules), the hire date, and the
 *   member's recorded events of the type dated before it. A read recomputes it from the facts it
 *   reads anyway; a different basis means the checkpoint is not used.
 * - for per-hours accrual, `entriesDigest`: a SHA-256 of the member's entries that start before
 *   the day after the checkpoint (from the replay's first counted day), and `entriesRev`: the
 *   versionstamp of the member's `user_rev` key, which every change to their entries rewrites,
 *   read before those entries. While `user_rev` is unchanged no entry changed, and the read needs
 *   no look at old entries; after a change (a punch today, a correction years ago) the read
 *   fingerprints the old entries again, uses the checkpoint only when the digest matches, and
 *   stores the new `entriesRev`.
 *
 * A checkpoint's state and its fingerprints always come from the same reads, so a stale
 * checkpoint is never used: a corrected old entry, a back-dated request, a settings change or a
 * new hire date simply miss it, and the read replays in full (from the hire date, at most from
 * {@linkcode REPLAY_WINDOW_START}) and stores a fresh one.
 *
 * Checkpoints are a cache: only balance reads store them (a refused write never does), two reads
 * racing store equivalent values, and deleting them changes no answer.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import type { TimeEntry } from "../entries/model.ts";
import { userRevKey } from "../entries/repository.ts";
import type { Settings } from "../settings/schema.ts";
import { DATE_WINDOW } from "../validation.ts";
import type { LedgerCheckpoint } from "./ledger.ts";
import type { PtoEvent } from "./repository.ts";

/** The earliest date a replay starts from: hire dates before it (old data) count from here. */
export const REPLAY_WINDOW_START: Temporal.PlainDate = Temporal.PlainDate.from({
  year: DATE_WINDOW.firstYear,
  month: 1,
  day: 1,
});

/**
 * How many whole years before the current one a checkpoint sits: a read replays at most this
 * many years plus the current one from it.
 */
export const CHECKPOINT_YEARS_BACK = 2;

/** A checkpoint as stored. */
export interface StoredCheckpoint {
  /** The 1 January it is the state at, `YYYY-MM-DD`. */
  date: string;
  /** SHA-256 (hex) of the facts before `date` it was computed from, entries aside. */
  basis: string;
  /** Per-hours accrual: SHA-256 (hex) of the member's entries before `date`, else null. */
  entriesDigest: string | null;
  /** Per-hours accrual: the member's `user_rev` versionstamp read before those entries. */
  entriesRev: string | null;
  balance: number;
  workedSeconds: number;
  earnedSeconds: number;
}

/** A checkpoint computed by a read, to store. */
export interface FreshCheckpoint extends StoredCheckpoint {
  typeId: string;
}

/** The 1 January a read of `asOf` checkpoints at. */
export function checkpointDate(asOf: Temporal.PlainDate): Temporal.PlainDate {
  return Temporal.PlainDate.from({ year: asOf.year - CHECKPOINT_YEARS_BACK, month: 1, day: 1 });
}

const checkpointKey = (scope: OrgScope, userId: string, typeId: string) =>
  scope.key("pto_checkpoint", userId, typeId);

/** The stored checkpoints of the member's types `typeIds`, by type id. */
export async function readCheckpoints(
  scope: OrgScope,
  userId: string,
  typeIds: string[],
): Promise<Map<string, StoredCheckpoint>> {
  const out = new Map<string, StoredCheckpoint>();
  for (let i = 0; i < typeIds.length; i += 10) {
    const ids = typeIds.slice(i, i + 10);
    const got = await scope.getMany<StoredCheckpoint>(
      ids.map((t) => checkpointKey(scope, userId, t)),
    );
    got.forEach((e, j) => {
      if (e.value) out.set(ids[j], e.value);
    });
  }
  return out;
}

/** Store checkpoints computed by a read (a cache write; losing it costs only time). */
export async function saveCheckpoints(
  scope: OrgScope,
  userId: string,
  fresh: FreshCheckpoint[],
): Promise<void> {
  if (fresh.length === 0) return;
  const op = scope.atomic();
  for (const { typeId, ...value } of fresh) {
    op.set(checkpointKey(scope, userId, typeId), value satisfies StoredCheckpoint);
  }
  await op.commit();
}

/** The ledger state a stored checkpoint holds. */
export function stateOf(stored: StoredCheckpoint): LedgerCheckpoint {
  return {
    date: Temporal.PlainDate.from(stored.date),
    balance: stored.balance,
    workedSeconds: stored.workedSeconds,
    earnedSeconds: stored.earnedSeconds,
  };
}

/**
 * The versionstamp of the member's `user_rev` key (null before their first entry): every change
 * to their entries rewrites it. Read it before the entries it vouches for.
 */
export async function entriesRevision(scope: OrgScope, userId: string): Promise<string | null> {
  return (await scope.getKey(userRevKey(scope, userId))).versionstamp;
}

/** SHA-256 (hex) of `entries` (in the order given). */
export async function entriesDigest(entries: TimeEntry[]): Promise<string> {
  return await sha256(JSON.stringify(entries));
}

async function sha256(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The instant the entries of a checkpoint at `date` end: the start of the day after it in
 * `timeZone` (a day later than needed, so no day-boundary rule can attribute an excluded entry to
 * an earlier date).
 */
export function entriesBoundary(date: Temporal.PlainDate, timeZone: string): number {
  return date.add({ days: 1 }).toZonedDateTime({ timeZone }).startOfDay().epochMilliseconds;
}

/** What a checkpoint's basis is computed from. */
export interface BasisFacts {
  settings: Settings;
  hireDate: Temporal.PlainDate;
  date: Temporal.PlainDate;
  typeId: string;
  /** The member's recorded events (all types; those of the type before `date` count). */
  events: PtoEvent[];
}

/**
 * The basis of a checkpoint: SHA-256 of the facts before its date that its state depends on,
 * time entries aside (see `entriesDigest`).
 */
export async function checkpointBasis(f: BasisFacts): Promise<string> {
  const date = f.date.toString();
  const events = f.events
    .filter((e) => e.typeId === f.typeId && e.date < date)
    .map((e) => [e.id, e.date, e.kind, e.seconds])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return await sha256(JSON.stringify({
    v: 2,
    date,
    typeId: f.typeId,
    hireDate: f.hireDate.toString(),
    settings: f.settings,
    events,
  }));
}

/** Delete every stored checkpoint of the member (they are a cache: answers stay the same). */
export async function clearCheckpoints(scope: OrgScope, userId: string): Promise<void> {
  const op = scope.atomic();
  let any = false;
  for await (const e of scope.list<StoredCheckpoint>(scope.key("pto_checkpoint", userId))) {
    op.delete(checkpointKey(scope, userId, e.key[e.key.length - 1] as string));
    any = true;
  }
  if (any) await op.commit();
}
