/**
 * What no API key may do, whatever its scopes: manage API keys and billing. These stay with
 * admins in person (a leaked key must not mint more keys or change what the organization pays).
 *
 * @module
 */

import type { RequestContext } from "../context.ts";
import { DomainError } from "../errors.ts";

/**
 * Throw 403 `forbidden` when an API key acts (`what` names the area, for the message).
 *
 * @example
 * ```ts
 * refuseApiKeys(ctx, "Billing");
 * authorize(ctx, "admin");
 * ```
 */
export function refuseApiKeys(ctx: Pick<RequestContext, "principal">, what: string): void {
  if (ctx.principal.type === "api_key") {
    throw new DomainError("forbidden", "forbidden", `${what} is managed by admins in person`);
  }
}
