/**
 * Seats follow members: on per-member plans the subscription's quantity is the number of
 * active members. A use case that changes that number adds a `sync_seats` job to the same
 * commit (`jobs/sync_seats.ts` runs it: it compares and, when they differ, sets the quantity
 * with prorations), so the job exists exactly when the change does and cannot be lost.
 *
 * @module
 */

import type { Atomic, OrgScope } from "../kv/mod.ts";
import { syncSeatsJob } from "../jobs/jobs.ts";
import type { JobPort } from "../jobs/outbox.ts";
import type { Services } from "../context.ts";

/** What {@linkcode addSeatSync} needs of a request context (or an invitee's door). */
export interface SeatSyncContext {
  scope: OrgScope;
  jobs: JobPort;
  services: Pick<Services, "billingEnabled">;
  now: number;
}

/**
 * Add a `sync_seats` job for the context's organization to `op` when billing is on; call where
 * the number of active members changes, then `ctx.jobs.dispatch()` after the commit.
 *
 * @example
 * ```ts
 * const op = scope.atomic()...;
 * addSeatSync(ctx, op);
 * if (await op.commit()) await ctx.jobs.dispatch();
 * ```
 */
export function addSeatSync(ctx: SeatSyncContext, op: Atomic): void {
  if (!ctx.services.billingEnabled) return;
  ctx.jobs.add(op, syncSeatsJob(ctx.scope.orgId, ctx.now));
}
