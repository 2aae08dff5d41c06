/**
 * Yearly checkpoints of the replayed PTO ledger, so a balance read replays a bounded number of
 * years whatever the hire date.
 *
 * A checkpoint is the ledger state of one member and type at the start of a 1 January (balance,
 * and the worked and earned totals per-hours accrual carries), stored at
 * `["pto_checkpoint", userId, typeId]` with the **basis** it was computed from: a SHA-256 of
 * every fact dated before that 1 January that the state depends on — the organization's settings
 * (policy, pay periods, time zone, break rules), the hire date, the member's recorded events of
 * the type dated before it, and (for per-hours accrual) every entry of the member that starts
 * before the day after it. A read recomputes the basis from the facts it reads anyway and uses
 * the checkpoint only when both match, so a stale checkpoint is never used: a corrected old
 * entry, a back-dated request, a settings change or a new hire date simply miss it, and the read
 * replays in full (from the hire date, at most from {@linkcode REPLAY_WINDOW_START}) and stores
 * a fresh one.
 *
 * Checkpoints are a cache: only balance reads store them (a refused write never does), two reads
 * racing store equivalent values, and deleting them changes no answer.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import type { TimeEntry } from "../entries/model.ts";
import { entriesBetween } from "../entries/repository.ts";
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
  /** SHA-256 (hex) of the facts before `date` it was computed from. */
  basis: string;
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

/** The state a stored checkpoint holds, when it is at `date` and its basis is `basis`. */
export function usableCheckpoint(
  stored: StoredCheckpoint | undefined,
  date: Temporal.PlainDate,
  basis: string,
): LedgerCheckpoint | null {
  if (!stored || stored.date !== date.toString() || stored.basis !== basis) return null;
  return {
    date,
    balance: stored.balance,
    workedSeconds: stored.workedSeconds,
    earnedSeconds: stored.earnedSeconds,
  };
}

async function sha256(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The entries a checkpoint at `date` depends on: every entry of the member starting before the
 * instant `date + 1 day` begins in `timeZone` (a day later than needed, so no day-boundary rule
 * can attribute an excluded entry to an earlier date). One range scan, no calendar work.
 */
export async function entriesBefore(
  scope: OrgScope,
  userId: string,
  date: Temporal.PlainDate,
  timeZone: string,
): Promise<TimeEntry[]> {
  const end = date.add({ days: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds;
  return await entriesBetween(scope, userId, 0, end);
}

/** What a checkpoint's basis is computed from. */
export interface BasisFacts {
  settings: Settings;
  hireDate: Temporal.PlainDate;
  date: Temporal.PlainDate;
  typeId: string;
  /** The member's recorded events (all types; those of the type before `date` count). */
  events: PtoEvent[];
  /** Entries before the date (per-hours accrual), else null. */
  entries: TimeEntry[] | null;
}

/** The basis of a checkpoint: SHA-256 of the facts before its date that its state depends on. */
export async function checkpointBasis(f: BasisFacts): Promise<string> {
  const date = f.date.toString();
  const events = f.events
    .filter((e) => e.typeId === f.typeId && e.date < date)
    .map((e) => [e.id, e.date, e.kind, e.seconds])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return await sha256(JSON.stringify({
    v: 1,
    date,
    typeId: f.typeId,
    hireDate: f.hireDate.toString(),
    settings: f.settings,
    events,
    entries: f.entries,
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
