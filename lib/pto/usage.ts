/**
 * Approved PTO per member and local date, read from the organization-wide day index so that one
 * range scan covers every member of a report.
 *
 * Index rows (written in the same commit as the request they belong to):
 *
 * - `["pto_day", "YYYY-MM-DD", userId, requestId]` → {@linkcode PtoDayRow}, one per counted
 *   date of every pending or approved request; rewritten on approval, deleted on rejection and
 *   cancellation. The team calendar reads the same rows.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";

/** One counted date of one pending or approved request. */
export interface PtoDayRow {
  /** PTO seconds counted on this date. */
  seconds: number;
  /** The request's PTO type id. */
  typeId: string;
  /** Whether the type was paid when the request was approved (payroll keeps that decision). */
  paid: boolean;
  /** Only approved rows count as PTO taken. */
  status: "pending" | "approved";
}

/** Options of {@linkcode ptoSecondsByDate}. */
export interface PtoUsageOptions {
  /** Count only paid PTO types (what reports show as `ptoSeconds`). Default: false (all types). */
  paidOnly?: boolean;
}

/**
 * Approved PTO seconds per member and local date: `userId → "YYYY-MM-DD" → seconds`, for dates
 * in `[from, to]` (both inclusive, the organization's local dates). Only approved requests count
 * (pending, rejected and cancelled never appear). Members without PTO in the range are absent
 * from the map. With `{ paidOnly: true }` only paid types count — reports use that for
 * `ptoSeconds`; whether a type is paid is taken as it was when the request was approved.
 *
 * Cost: one range scan over the organization's PTO days in the range, whatever the number of
 * members.
 *
 * @example
 * ```ts
 * const pto = await ptoSecondsByDate(scope, [alice, bob], from, to, { paidOnly: true });
 * const aliceMonday = pto.get(alice)?.get("2026-11-02") ?? 0;
 * ```
 */
export async function ptoSecondsByDate(
  scope: OrgScope,
  userIds: string[],
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
  options: PtoUsageOptions = {},
): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  if (Temporal.PlainDate.compare(from, to) > 0 || userIds.length === 0) return out;
  const wanted = new Set(userIds);
  for await (const { date, userId, row } of ptoDayRows(scope, from, to)) {
    if (row.status !== "approved" || !wanted.has(userId)) continue;
    if (options.paidOnly && !row.paid) continue;
    let byDate = out.get(userId);
    if (!byDate) out.set(userId, byDate = new Map());
    byDate.set(date, (byDate.get(date) ?? 0) + row.seconds);
  }
  return out;
}

/** Every PTO day row (pending and approved) dated in `[from, to]`, in date order. */
export async function* ptoDayRows(
  scope: OrgScope,
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
): AsyncIterable<{ date: string; userId: string; requestId: string; row: PtoDayRow }> {
  for await (
    const e of scope.list<PtoDayRow>(scope.key("pto_day"), {
      start: scope.key("pto_day", from.toString()),
      end: scope.key("pto_day", to.add({ days: 1 }).toString()),
    })
  ) {
    yield {
      date: e.key[3] as string,
      userId: e.key[4] as string,
      requestId: e.key[5] as string,
      row: e.value,
    };
  }
}
