/**
 * One writer at a time per member, within this process. Every change to a member's entries
 * checks and rewrites the member's revision key, so two changes racing for the same member make
 * one of them fail its commit and plan again; with many at once (16 parallel corrections) some
 * would run out of attempts although they do not conflict at all. Queuing them per
 * (organization, member) in the process lets each plan on the state the previous one committed.
 * The KV checks stay as they are: they still decide races with other processes and with writers
 * outside this queue (timesheet approvals).
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";

/** The tail of each member's queue; removed when the queue drains. */
const queues = new Map<string, Promise<void>>();

/**
 * Run `work` after every earlier call for the same member of the same organization has settled.
 * `work` is told whether it had to wait (what the request read before may then be stale).
 *
 * @example
 * ```ts
 * const entry = await serializePerMember(scope, userId, (waited) => commit(waited ? undefined : prefetched));
 * ```
 */
export async function serializePerMember<T>(
  scope: OrgScope,
  userId: string,
  work: (waited: boolean) => Promise<T>,
): Promise<T> {
  const key = `${scope.orgId}\u0000${userId}`;
  const previous = queues.get(key);
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const tail = previous ? previous.then(() => done) : done;
  queues.set(key, tail);
  try {
    if (previous) await previous;
    return await work(previous !== undefined);
  } finally {
    release();
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/** How many members have queued writers right now (for tests). */
export function queuedMembers(): number {
  return queues.size;
}
