/**
 * The cache key of a member's balances (`memberBalances`): it names every input of the ledger
 * replay, so a write to any of them makes a new key and a cached answer is never stale.
 *
 * Inputs, read in one `getMany` before the replay reads anything else:
 * - `pto_rev` (versionstamp): rewritten by every PTO request, approval, cancellation, reversal
 *   and adjustment of the member (events, requests and PTO days);
 * - `user_rev` (versionstamp): rewritten by every change to the member's entries (per-hours
 *   accrual counts worked time);
 * - `open_entry`: a running entry makes per-hours balances depend on the clock, so such a read is
 *   not cached at all;
 * - the organization's settings (the whole value, types and pay rules, time zone), the
 *   membership's hire date and creation time, the requested types and today's local date.
 *
 * Revisions are read before the data: a write that lands during the replay changes a revision,
 * so later readers look under another key; the entry stored under the old key is at least as
 * new as that key's revisions.
 *
 * @module
 */

import { cacheKey } from "../cache/keys.ts";
import type { OrgScope } from "../kv/mod.ts";
import type { Membership } from "../members/members.ts";
import type { Settings } from "../settings/schema.ts";
import { localDateOf } from "../time/week.ts";
import { ptoKeys } from "./repository.ts";

/** Bump when the cached value's shape or the replay's meaning changes. */
const FORMAT = 1;

/**
 * The key the member's balances (of `typeIds`, else every type) are cached under as of `now`,
 * or null when the answer depends on the clock (a running entry and a per-hours type).
 */
export async function balancesCacheKey(
  scope: OrgScope,
  settings: Settings,
  membership: Membership,
  now: number,
  typeIds?: string[],
): Promise<string | null> {
  const userId = membership.userId;
  const [ptoRev, userRev, open] = await scope.getMany([
    ptoKeys.rev(scope, userId),
    scope.key("user_rev", userId),
    scope.key("open_entry", userId),
  ]);
  const types = settings.pto.types.filter((t) => !typeIds || typeIds.includes(t.id));
  if (open.value !== null && types.some((t) => t.accrual.method === "per_hours_worked")) {
    return null;
  }
  return await cacheKey(scope.orgId, "pto_balances", [
    FORMAT,
    userId,
    typeIds ?? null,
    localDateOf(now, settings.timeZone).toString(),
    membership.hireDate ?? null,
    membership.createdAt,
    ptoRev.versionstamp,
    userRev.versionstamp,
    settings,
  ]);
}
