/**
 * Unsubscribe links: `{publicUrl}/unsubscribe?token=…`, one per mail, naming the organization,
 * the person and the notification kind. A link is followed without signing in (and by mail
 * providers' one-click unsubscribe, RFC 8058), so the token itself is the proof:
 *
 * `v1.<base64url of {"o","u","k"}>.<base64url of HMAC-SHA-256(payload)>`
 *
 * The HMAC key is 32 random bytes kept under the global `["meta", "unsubscribe_key"]`, created
 * on first use (a racing creator loses and reads the winner's key). Verification uses Web
 * Crypto's `verify` (constant time). Tokens do not expire: turning a kind's email off is always
 * safe, and a person who unsubscribed can turn it on again on the Notifications page. Rotating
 * the key (deleting it) invalidates every link already mailed.
 *
 * @module
 */

import { globalKeys, type Store } from "../kv/mod.ts";
import { base64url, fromBase64url } from "../identity/crypto.ts";
import { isNotificationKind, type NotificationKind } from "./kinds.ts";

/** What an unsubscribe token names. */
export interface UnsubscribeClaim {
  orgId: string;
  userId: string;
  kind: NotificationKind;
}

const KEYS = new WeakMap<Store, Promise<CryptoKey>>();

/** The store's unsubscribe key, created on first use. */
function signingKey(store: Store): Promise<CryptoKey> {
  let key = KEYS.get(store);
  if (!key) {
    key = loadOrCreateKey(store);
    KEYS.set(store, key);
    key.catch(() => KEYS.delete(store));
  }
  return key;
}

async function loadOrCreateKey(store: Store): Promise<CryptoKey> {
  const k = globalKeys.unsubscribeKey();
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await store.get<string>(k);
    let raw = typeof found.value === "string" ? found.value : null;
    if (raw === null) {
      const fresh = base64url(crypto.getRandomValues(new Uint8Array(32)));
      if (!(await store.atomic().check(k, null).set(k, fresh).commit())) continue;
      raw = fresh;
    }
    return await crypto.subtle.importKey(
      "raw",
      fromBase64url(raw) as Uint8Array<ArrayBuffer>,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  }
  throw new Error("unsubscribe: could not read or create the signing key");
}

const encoder = new TextEncoder();

/**
 * A token for `claim`.
 *
 * @example
 * ```ts
 * const token = await signUnsubscribe(store, { orgId, userId, kind: "timesheet_rejected" });
 * const link = `${publicUrl}/unsubscribe?token=${encodeURIComponent(token)}`;
 * ```
 */
export async function signUnsubscribe(store: Store, claim: UnsubscribeClaim): Promise<string> {
  const payload = base64url(
    encoder.encode(JSON.stringify({ o: claim.orgId, u: claim.userId, k: claim.kind })),
  );
  const sig = await crypto.subtle.sign("HMAC", await signingKey(store), encoder.encode(payload));
  return `v1.${payload}.${base64url(new Uint8Array(sig))}`;
}

/** The claim of a genuine token, or null for anything else (never throws). */
export async function verifyUnsubscribe(
  store: Store,
  token: string,
): Promise<UnsubscribeClaim | null> {
  if (typeof token !== "string" || token.length > 1_000) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "v1") return null;
  const [, payload, sig] = parts;
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(sig)) return null;
  try {
    const ok = await crypto.subtle.verify(
      "HMAC",
      await signingKey(store),
      fromBase64url(sig) as Uint8Array<ArrayBuffer>,
      encoder.encode(payload),
    );
    if (!ok) return null;
    const v = JSON.parse(new TextDecoder().decode(fromBase64url(payload)));
    if (typeof v?.o !== "string" || typeof v?.u !== "string" || !isNotificationKind(v?.k)) {
      return null;
    }
    return { orgId: v.o, userId: v.u, kind: v.k };
  } catch {
    return null;
  }
}
