/**
 * PTO over KV: the keys, and the reads every PTO use shares. Keys (all under the
 * organization's scope):
 *
 * - `["pto_request", id]` → {@linkcode PtoRequest}
 * - `["pto_request_by_user", userId, startDate, id]` → id: a member's requests by first date
 * - `["pto_request_by_start", startDate, id]` → `{userId}`: the organization's requests by first
 *   date
 * - `["pto_pending", startDate, id]` → `{userId}`: requests waiting for a decision
 * - `["pto_day", date, userId, requestId]` → a counted date of a pending or approved request
 *   (see `usage.ts`): reports and the team calendar read a date range in one scan
 * - `["pto_event", userId, eventId]` → {@linkcode PtoEvent}: the member's recorded ledger
 *   events (usage, its reversal, adjustments), in the order they were recorded
 * - `["pto_rev", userId]` → time of the member's last PTO change: checked and rewritten by every
 *   PTO write of the member, so balance and overlap checks hold at commit time
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import { isId, type Key, type OrgScope } from "../kv/mod.ts";
import type { RecordedEvent } from "./ledger.ts";
import type { PtoRequest, PtoStatus } from "./model.ts";

/** A recorded ledger event as stored. */
export interface PtoEvent extends RecordedEvent {
  id: string;
  userId: string;
  typeId: string;
  /** The request this event belongs to (usage and its reversal). */
  requestId: string | null;
  actorId: string;
  /** When it was recorded (epoch ms). */
  at: number;
}

/** The keys of PTO data in `scope`. */
export const ptoKeys = {
  request: (scope: OrgScope, id: string): Key => scope.key("pto_request", id),
  byUser: (scope: OrgScope, r: Pick<PtoRequest, "userId" | "startDate" | "id">): Key =>
    scope.key("pto_request_by_user", r.userId, r.startDate, r.id),
  byStart: (scope: OrgScope, r: Pick<PtoRequest, "startDate" | "id">): Key =>
    scope.key("pto_request_by_start", r.startDate, r.id),
  pending: (scope: OrgScope, r: Pick<PtoRequest, "startDate" | "id">): Key =>
    scope.key("pto_pending", r.startDate, r.id),
  day: (scope: OrgScope, date: string, userId: string, requestId: string): Key =>
    scope.key("pto_day", date, userId, requestId),
  event: (scope: OrgScope, userId: string, id: string): Key => scope.key("pto_event", userId, id),
  rev: (scope: OrgScope, userId: string): Key => scope.key("pto_rev", userId),
};

/** The request `id` with its versionstamp, or null. */
export async function readRequest(
  scope: OrgScope,
  id: string,
): Promise<{ request: PtoRequest; versionstamp: string } | null> {
  if (!isId(id)) return null;
  const e = await scope.getKey<PtoRequest>(ptoKeys.request(scope, id));
  return e.value === null ? null : { request: e.value, versionstamp: e.versionstamp };
}

/** Every request of the member whose first date is in `[fromDate, toDate]` (both optional). */
export async function memberRequests(
  scope: OrgScope,
  userId: string,
  range: { fromDate?: string; toDate?: string } = {},
): Promise<PtoRequest[]> {
  const ids: string[] = [];
  for await (
    const e of scope.list<string>(scope.key("pto_request_by_user", userId), {
      start: range.fromDate ? scope.key("pto_request_by_user", userId, range.fromDate) : undefined,
      end: range.toDate
        ? scope.key("pto_request_by_user", userId, nextDate(range.toDate))
        : undefined,
    })
  ) ids.push(e.value);
  const got = await scope.getMany<PtoRequest>(ids.map((id) => ptoKeys.request(scope, id)));
  return got.flatMap((e) => (e.value ? [e.value] : []));
}

/** Every recorded ledger event of the member, in the order recorded. */
export async function memberEvents(scope: OrgScope, userId: string): Promise<PtoEvent[]> {
  const out: PtoEvent[] = [];
  for await (const e of scope.list<PtoEvent>(scope.key("pto_event", userId))) {
    out.push(e.value);
  }
  return out;
}

/** Filters of {@linkcode listRequests}. */
export interface RequestQuery {
  userId?: string;
  status?: PtoStatus;
  /** Requests whose first date is on or after this local date. */
  from?: string;
  /** Requests whose first date is on or before this local date. */
  to?: string;
  limit: number;
  cursor?: string | null;
}

function nextDate(date: string): string {
  return Temporal.PlainDate.from(date).add({ days: 1 }).toString();
}

function encodeCursor(startDate: string, id: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify([startDate, id]));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

function decodeCursor(cursor: string): [string, string] {
  const bad = () =>
    new DomainError("invalid", "invalid_cursor", "The cursor is not valid for this list");
  try {
    const text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const v = JSON.parse(text);
    if (
      Array.isArray(v) && v.length === 2 && /^\d{4}-\d{2}-\d{2}$/.test(v[0]) && isId(v[1])
    ) return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw bad();
}

/**
 * One page of requests in order of first date (then creation), filtered by member, status and
 * first-date range. Pages hold at most `limit` requests; `nextCursor` continues the list (it may
 * lead to an empty last page).
 */
export async function listRequests(
  scope: OrgScope,
  q: RequestQuery,
): Promise<{ data: PtoRequest[]; nextCursor: string | null }> {
  const index: Deno.KvKeyPart[] = q.userId
    ? ["pto_request_by_user", q.userId]
    : q.status === "pending"
    ? ["pto_pending"]
    : ["pto_request_by_start"];
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  let start = q.from ? scope.key(...index, q.from) : undefined;
  if (after && (!q.from || after[0] >= q.from)) start = scope.key(...index, ...after);
  const end = q.to ? scope.key(...index, nextDate(q.to)) : undefined;
  const data: PtoRequest[] = [];
  let batch: { date: string; id: string }[] = [];
  let last: { date: string; id: string } | null = null;
  const flush = async (): Promise<boolean> => {
    const got = await scope.getMany<PtoRequest>(
      batch.map((b) => ptoKeys.request(scope, b.id)),
    );
    for (let i = 0; i < got.length; i++) {
      const r = got[i].value;
      if (!r || (q.status && r.status !== q.status)) continue;
      data.push(r);
      last = batch[i];
      if (data.length === q.limit) return true;
    }
    batch = [];
    return false;
  };
  let full = false;
  for await (const e of scope.list<unknown>(scope.key(...index), { start, end })) {
    const date = e.key[e.key.length - 2] as string;
    const id = e.key[e.key.length - 1] as string;
    if (after && date === after[0] && id === after[1]) continue;
    batch.push({ date, id });
    if (batch.length === 10 && (full = await flush())) break;
  }
  if (!full && batch.length) full = await flush();
  const l = last as { date: string; id: string } | null;
  return { data, nextCursor: full && l ? encodeCursor(l.date, l.id) : null };
}
