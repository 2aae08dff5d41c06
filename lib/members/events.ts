/**
 * The events of membership changes.
 *
 * @module
 */

import type { EventPort } from "../events/events.ts";
import type { MemberChangeHook } from "./members.ts";

/**
 * Emits `member.added`, `member.deactivated` (an active member made inactive) or
 * `member.updated` (anything else, reactivation included) with the member as the API shows it.
 */
export function memberEvents(events: EventPort): MemberChangeHook {
  return (op, before, after) => {
    const type = before === null
      ? "member.added"
      : before.active && !after.active
      ? "member.deactivated"
      : "member.updated";
    events.emit(op, type, after);
  };
}
