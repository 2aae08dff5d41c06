/**
 * The still-clocked-in sweep (`Deno.cron` in `main.ts`, every 15 minutes): for every
 * organization whose notification settings set `stillClockedInHours`, every running entry
 * (`["org", o, "open_entry", userId]` = `{id, start}`) that started at least that many hours
 * ago becomes one `notify` job (`notification.still_clocked_in`) for its member.
 *
 * Once per entry: the job is committed together with the marker
 * `["org", o, "still_clocked_in_sent", userId, entryId]` (checked absent) and a check that the
 * entry is still the running one, so overlapping sweeps, several processes and later sweeps
 * never notify twice about the same entry.
 *
 * @module
 */

import { newId, type Store } from "../kv/mod.ts";
import { newJob } from "../jobs/jobs.ts";
import type { Outbox } from "../jobs/outbox.ts";
import { INTERNAL_EVENT_TYPES } from "./kinds.ts";
import { MARKER_TTL_MS, readSettings, stillClockedInMarkerKey } from "./repository.ts";

/** When the sweep runs (cron syntax, UTC). */
export const STILL_CLOCKED_IN_CRON = "*/15 * * * *";

/** What the sweep needs. */
export interface SweepDeps {
  store: Store;
  outbox: Outbox;
  /** The sweep's instant, epoch ms. */
  now: number;
}

/**
 * Queue a reminder for every entry running longer than its organization's threshold that was
 * not reported yet. Returns how many were queued.
 *
 * @example
 * ```ts
 * Deno.cron("still clocked in", STILL_CLOCKED_IN_CRON, () => sweepStillClockedIn({ store, outbox, now: Date.now() }));
 * ```
 */
export async function sweepStillClockedIn(deps: SweepDeps): Promise<number> {
  let queued = 0;
  for await (const scope of deps.store.allOrgScopes()) {
    const { settings } = await readSettings(scope);
    const hours = settings.stillClockedInHours;
    if (hours === null) continue;
    const cutoff = deps.now - hours * 3_600_000;
    for await (
      const e of scope.list<{ id: string; start: number }>(scope.key("open_entry"))
    ) {
      const userId = e.key[3];
      const { id: entryId, start } = e.value ?? {};
      if (typeof userId !== "string" || typeof entryId !== "string") continue;
      if (typeof start !== "number" || start > cutoff) continue;
      const marker = stillClockedInMarkerKey(scope, userId, entryId);
      const jobs = deps.outbox.port();
      const op = scope.atomic()
        .check(marker, null)
        .check(e.key, e.versionstamp)
        .set(marker, deps.now, { expireIn: MARKER_TTL_MS });
      jobs.add(
        op,
        newJob("notify", {
          orgId: scope.orgId,
          event: {
            id: `msg_${newId(deps.now)}`,
            type: INTERNAL_EVENT_TYPES.stillClockedIn,
            timestamp: new Date(deps.now).toISOString(),
            data: { userId, entryId, start: new Date(start).toISOString(), hours },
          },
        }, deps.now),
      );
      if (await op.commit()) {
        queued++;
        await jobs.dispatch();
      }
    }
  }
  return queued;
}
