/**
 * Plan limits on what an organization may add. Only growth is limited: adding or reactivating a
 * member or a location beyond the plan's limit answers 402 `plan_limit`; deactivating, deleting,
 * reading, exporting and editing what exists are never refused for being over a limit, so an
 * organization that moved to a smaller plan keeps everything and may act again once it is back
 * under the limit.
 *
 * The count must be taken inside the write it guards, so the repositories take a
 * {@linkcode LimitCheck} and call it with the count they read under their serializing revision
 * key (`members_rev`, `locations_rev`): two concurrent additions cannot both pass.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { Entitlements } from "./entitlements.ts";
import { cheapestPlanAllowing, PLANS } from "./plans.ts";

/** The limits enforced on additions. */
export type CountLimit = "activeMembers" | "locations";

/** Called by a repository with the count an addition would reach; throws to refuse it. */
export type LimitCheck = (wouldBe: number) => void;

const WHAT: Record<CountLimit, string> = {
  activeMembers: "active members",
  locations: "active locations",
};

/**
 * Throw 402 `plan_limit` when `wouldBe` exceeds the plan's `limit`. Details:
 * `{limit, current, wouldBe, plan, upgradeTo}` (`upgradeTo`: the cheapest plan allowing
 * `wouldBe`, or null).
 *
 * @example
 * ```ts
 * assertWithinLimit(ent, "activeMembers", 6); // on free (5): 402 plan_limit, upgradeTo "team"
 * ```
 */
export function assertWithinLimit(
  ent: Pick<Entitlements, "plan" | "limits">,
  limit: CountLimit,
  wouldBe: number,
  current: number = wouldBe - 1,
): void {
  const max = ent.limits[limit];
  if (max === null || wouldBe <= max) return;
  const upgradeTo = cheapestPlanAllowing(limit, wouldBe);
  throw new DomainError(
    "payment_required",
    "plan_limit",
    `The ${PLANS[ent.plan].name} plan allows ${max} ${WHAT[limit]}${
      upgradeTo ? `; upgrade to ${PLANS[upgradeTo].name} for more` : ""
    }`,
    { limit: max, current, wouldBe, plan: ent.plan, upgradeTo },
  );
}

/** A {@linkcode LimitCheck} for `limit` under `ent`, to hand to a repository. */
export function limitCheck(
  ent: Pick<Entitlements, "plan" | "limits">,
  limit: CountLimit,
): LimitCheck {
  return (wouldBe) => assertWithinLimit(ent, limit, wouldBe);
}
