/**
 * What an API key may do. A key acts for its organization within its scopes only; every use
 * case names the scope it needs with `requireScope(ctx, scope)` (`lib/context.ts`), which a
 * person's session passes (people are limited by their role instead).
 *
 * @module
 */

/** Every scope a key can carry. */
export const SCOPES = [
  "members:read",
  "members:write",
  "entries:read",
  "entries:write",
  "clock:write",
  "timesheets:read",
  "timesheets:write",
  "pto:read",
  "pto:write",
  "reports:read",
  "locations:read",
  "locations:write",
  "settings:read",
  "settings:write",
  "webhooks:read",
  "webhooks:write",
  "exports:read",
  "exports:write",
] as const;

/** A scope. */
export type Scope = (typeof SCOPES)[number];

/** True when `s` names a scope. */
export function isScope(s: unknown): s is Scope {
  return typeof s === "string" && (SCOPES as readonly string[]).includes(s);
}
