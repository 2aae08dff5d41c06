/**
 * The end of a person's access when they are deactivated: their membership stops working at
 * once (every request re-reads it), and a person deactivated in every organization they belong
 * to has all their sessions revoked, so a stolen or forgotten session of a departed person
 * does nothing.
 *
 * @module
 */

import { globalKeys, type Store } from "../kv/mod.ts";
import { revokeAllSessions } from "../identity/sessions.ts";
import type { Membership } from "./members.ts";

/** What a use case asks of the identity side when access ends (a port, built per server). */
export interface AccessPort {
  /**
   * Revoke every session of `userId` when none of their memberships is active any more.
   * Returns the number of sessions revoked (0 when an active membership remains).
   */
  endSessionsIfInactiveEverywhere(userId: string): Promise<number>;
}

/** The {@linkcode AccessPort} over `store`. */
export function storeAccess(store: Store): AccessPort {
  return {
    async endSessionsIfInactiveEverywhere(userId) {
      for await (const link of store.list(globalKeys.userOrg(userId))) {
        const scope = await store.scopeForMember(userId, link.key[2] as string);
        const membership = scope ? await scope.get<Membership>("member", userId) : null;
        if (membership?.value?.active) return 0;
      }
      return await revokeAllSessions(store, userId);
    },
  };
}
