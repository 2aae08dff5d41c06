/**
 * Membership changes of one organization, one at a time in this process. Every membership change
 * checks and bumps the organization's `members_rev` key (that check keeps the plan limit and the
 * last-admin rule right across processes); without this queue, concurrent independent changes
 * in one process would lose the race to each other and answer 409 `concurrent_change`.
 * Changes queued here never race each other; a race lost to another process is retried by the
 * caller ({@linkcode MEMBER_WRITE_ATTEMPTS}).
 *
 * @module
 */

/** How often a membership change is tried when another process changed members meanwhile. */
export const MEMBER_WRITE_ATTEMPTS = 8;

const tails = new Map<string, Promise<unknown>>();

/**
 * Run `work` after every earlier call for `orgId` in this process has settled; calls for other
 * organizations are not held up.
 *
 * @example
 * ```ts
 * const view = await serialPerOrg(scope.orgId, () => commitMemberAddition(...));
 * ```
 */
export function serialPerOrg<T>(orgId: string, work: () => Promise<T>): Promise<T> {
  const before = tails.get(orgId) ?? Promise.resolve();
  const run = before.then(work);
  const tail = run.then(() => {}, () => {});
  tails.set(orgId, tail);
  tail.then(() => {
    if (tails.get(orgId) === tail) tails.delete(orgId);
  });
  return run;
}
