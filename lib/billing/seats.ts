/**
 * Seats follow members: on per-member plans the subscription's quantity is the number of
 * active members. A membership change enqueues a `sync_seats` job (`jobs/sync_seats.ts`), which
 * compares and, when they differ, sets the quantity with prorations.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import { type JobTransport, syncSeatsJob } from "../jobs/jobs.ts";
import type { BillingGateway } from "./gateway.ts";

/** The parts of the app's dependencies the hook reads. */
export interface SeatHookDeps {
  billing?: BillingGateway | null;
  jobs?: JobTransport | null;
  now: () => number;
}

/**
 * Call after members were added, activated or deactivated. Does nothing while billing is off.
 * Never fails the caller: the membership change is already committed, so a failure to enqueue
 * is logged (the next change, or a later sync, corrects the quantity).
 *
 * @example
 * ```ts
 * const member = await addMember(scope, actorId, input, now);
 * await onMembersChanged(deps, scope);
 * ```
 */
export async function onMembersChanged(deps: SeatHookDeps, scope: OrgScope): Promise<void> {
  if (!deps.billing || !deps.jobs) return;
  try {
    await deps.jobs.enqueue(syncSeatsJob(scope.orgId, deps.now()));
  } catch (err) {
    console.error(`billing: could not enqueue seat sync for ${scope.orgId}:`, err);
  }
}
