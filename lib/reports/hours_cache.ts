/**
 * The cache key of an hours report: it names every input the report reads, so a write to any of
 * them makes a new key and a cached report is never stale.
 *
 * Inputs (versionstamps, read before the report reads anything):
 * - each reported member's membership (`member`: rate, hire date, active), entries revision
 *   (`user_rev`, rewritten by every change to their entries) and PTO revision (`pto_rev`,
 *   rewritten by every change to their PTO requests and days);
 * - for a report on every member, the whole `member`, `user_rev`, `pto_rev` prefixes (four range
 *   scans of small keys whatever the size of the range): a member added, changed or removed, or
 *   a write to anyone's entries or PTO changes the key;
 * - the pay settings actually applied (after the plan's overtime gate), the range, the filter
 *   and whether per-day figures are kept.
 *
 * A running entry that started before the end of the report's workweek calendar makes the answer
 * depend on the clock: such a report is not cached (null key). Reports of closed periods, the
 * expensive kind, are cached.
 *
 * @module
 */

import { cacheKey } from "../cache/keys.ts";
import type { Key, OrgScope } from "../kv/mod.ts";
import { ptoKeys } from "../pto/repository.ts";
import type { Settings } from "../settings/schema.ts";
import { assertReportRange, hoursContext } from "./hours.ts";

/** Bump when the cached value's shape or the report's meaning changes. */
const FORMAT = 1;

/** What a cached report was asked for (the settings are those the pay engine applies). */
export interface HoursCacheQuery {
  from: Temporal.PlainDate;
  to: Temporal.PlainDate;
  userIds: string[] | null;
  withDays: boolean;
  settings: Settings;
}

type Open = { id: string; start: number } | null;

/**
 * The key the report `q` is cached under, or null when it must be computed (a running entry
 * inside the reported weeks, or an unknown member, which the report itself then refuses).
 * Throws `invalid_range` like the report.
 */
export async function hoursReportCacheKey(
  scope: OrgScope,
  q: HoursCacheQuery,
): Promise<string | null> {
  assertReportRange(q.from, q.to);
  const end = hoursContext(q.settings, q.from, q.to).calendar.end;
  const revisions: (string | null)[] = [];
  if (q.userIds) {
    const keys: Key[] = q.userIds.flatMap((u) => [
      scope.key("member", u),
      scope.key("user_rev", u),
      ptoKeys.rev(scope, u),
      scope.key("open_entry", u),
    ]);
    const found = await scope.getMany<unknown>(keys);
    for (let i = 0; i < found.length; i += 4) {
      if (found[i].value === null) return null;
      const open = found[i + 3].value as Open;
      if (open && open.start < end) return null;
      revisions.push(found[i].versionstamp, found[i + 1].versionstamp, found[i + 2].versionstamp);
    }
  } else {
    const [members, entries, pto, opens] = await Promise.all([
      stamps(scope, scope.key("member")),
      stamps(scope, scope.key("user_rev")),
      stamps(scope, scope.key("pto_rev")),
      openEntries(scope),
    ]);
    if (opens.some((o) => o.start < end)) return null;
    revisions.push(members, entries, pto);
  }
  return await cacheKey(scope.orgId, "hours_report", [
    FORMAT,
    q.from.toString(),
    q.to.toString(),
    q.userIds,
    q.withDays,
    q.settings,
    revisions,
  ]);
}

/** Every key and versionstamp under `prefix`, as one string (the keys name the members). */
async function stamps(scope: OrgScope, prefix: Key): Promise<string> {
  const parts: string[] = [];
  for await (const e of scope.list<unknown>(prefix)) {
    parts.push(`${String(e.key[e.key.length - 1])}=${e.versionstamp}`);
  }
  return parts.join(",");
}

/** The running entries of the organization. */
async function openEntries(scope: OrgScope): Promise<{ id: string; start: number }[]> {
  const out: { id: string; start: number }[] = [];
  for await (const e of scope.list<{ id: string; start: number }>(scope.key("open_entry"))) {
    out.push(e.value);
  }
  return out;
}
