/**
 * The one dispatcher of background jobs, shared by every transport (KV queue, QStash callbacks,
 * inline in tests): it runs each job id once, however often a transport delivers it (payloads are
 * checked against the registry by `parseJob` in `jobs.ts` before they get here).
 *
 * A run is claimed with `["job_run", id]` = `{state: "running", until}` (a lease) and marked
 * `done` after the handler returns. A second delivery of a done job, or of one another process
 * is running right now, is acknowledged without running it again; if the running one fails, its
 * own delivery is retried by its transport. A handler that throws releases the claim, so the
 * transport's retry runs it again.
 *
 * @module
 */

import { globalKeys, type Store } from "../kv/mod.ts";
import type { Job, JobHandler } from "./jobs.ts";

/** How long a running job holds its claim (longer than any handler may take). */
export const RUN_LEASE_MS = 15 * 60_000;
/** How long a finished job's id is remembered. */
export const DONE_TTL_MS = 7 * 24 * 3_600_000;

type RunRecord = { state: "running"; until: number } | { state: "done"; at: number };

/** What became of one delivery. */
export type DispatchOutcome = "ran" | "duplicate" | "busy";

/**
 * Wrap `handler` so each job id runs once. The returned function throws what the handler
 * throws (the transport then retries) and resolves with what became of the delivery.
 *
 * @example
 * ```ts
 * const dispatch = onceById(store, createJobHandler(deps), Date.now);
 * transport.listen(async (job) => void await dispatch(job));
 * ```
 */
export function onceById(
  store: Store,
  handler: JobHandler,
  now: () => number = Date.now,
): (job: Job) => Promise<DispatchOutcome> {
  return async (job) => {
    const key = globalKeys.jobRun(job.id);
    const found = await store.get<RunRecord>(key);
    const run = found.value;
    if (run?.state === "done") return "duplicate";
    if (run?.state === "running" && run.until > now()) return "busy";
    const claim = await store.atomic().check(key, found.versionstamp)
      .set(key, { state: "running", until: now() + RUN_LEASE_MS } satisfies RunRecord)
      .commit();
    if (!claim) return "busy";
    try {
      await handler(job);
    } catch (err) {
      await store.atomic().check(key, claim).delete(key).commit();
      throw err;
    }
    await store.atomic().set(key, { state: "done", at: now() } satisfies RunRecord, {
      expireIn: DONE_TTL_MS,
    }).commit();
    return "ran";
  };
}
