/**
 * Who acts. Every request and every background job resolves one principal, and every audit
 * record names it. One case per way in:
 *
 * | type | resolved from | acts as |
 * | --- | --- | --- |
 * | `user` | a session cookie | the person, with their membership's role |
 * | `api_key` | `Authorization: Bearer cf_…` | its organization, within its scopes |
 * | `kiosk_device` | a paired device's `cf_kiosk` cookie (`lib/kiosks`) | the members who punch on it by PIN |
 * | `system` | a job this server enqueued | the server itself |
 *
 * @module
 */

/** A signed-in person. */
export interface UserPrincipal {
  type: "user";
  userId: string;
}

/** An organization's API key, limited to its scopes. */
export interface ApiKeyPrincipal {
  type: "api_key";
  keyId: string;
  scopes: readonly string[];
}

/** A paired kiosk device. `deviceId` is the kiosk's id (re-pairing changes the credential only). */
export interface KioskDevicePrincipal {
  type: "kiosk_device";
  deviceId: string;
}

/** The server itself, running a job (`job` names its kind). */
export interface SystemPrincipal {
  type: "system";
  job: string;
}

/** Who acts. */
export type Principal = UserPrincipal | ApiKeyPrincipal | KioskDevicePrincipal | SystemPrincipal;

/** How an audit record names its principal. */
export interface PrincipalRef {
  type: Principal["type"];
  id: string;
}

/** A user principal. */
export function userPrincipal(userId: string): UserPrincipal {
  return { type: "user", userId };
}

/** The system principal of job `job`. */
export function systemPrincipal(job: string): SystemPrincipal {
  return { type: "system", job };
}

/**
 * The reference an audit record keeps.
 *
 * @example
 * ```ts
 * principalRef({ type: "user", userId: "01J…" }); // { type: "user", id: "01J…" }
 * ```
 */
export function principalRef(p: Principal): PrincipalRef {
  switch (p.type) {
    case "user":
      return { type: "user", id: p.userId };
    case "api_key":
      return { type: "api_key", id: p.keyId };
    case "kiosk_device":
      return { type: "kiosk_device", id: p.deviceId };
    case "system":
      return { type: "system", id: p.job };
  }
}

/** The person behind `p`, when it is one (null for keys, devices and jobs). */
export function userIdOf(p: Principal): string | null {
  return p.type === "user" ? p.userId : null;
}
