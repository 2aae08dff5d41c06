/**
 * `Idempotency-Key` for creating POSTs: the first request with a key is run and its answer kept
 * for 24 hours; a retry with the same key and body gets that answer again, a retry with another
 * body gets 422 `idempotency_key_reused`, and a retry while the first is still running gets 409
 * `idempotency_in_progress`. Only successful answers are kept: a request refused with a 4xx (or
 * failing with a 5xx) writes nothing and leaves the key free for a corrected retry. Keys are per
 * person (and per organization on org routes).
 *
 * The "in progress" claim is a lease of {@linkcode PENDING_LEASE_MS} (its end is kept in the
 * value, since KV expiry is lazy): a process that dies mid-request leaves its key taken for at
 * most a minute, after which a retry takes it over. The first request finishes its record only
 * while it still holds its claim.
 *
 * An answer that started a session (it set a cookie: sign-up) is never replayed, since the
 * session cannot travel with a stored copy: a retry of it gets 409
 * `idempotency_replay_unavailable`, telling the client that the request succeeded and to sign in.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { globalKeys, type Key } from "../../lib/kv/mod.ts";
import { sha256Hex } from "../../lib/identity/crypto.ts";
import { errorResponse } from "./errors.ts";

const TTL_MS = 24 * 3600 * 1000;
/** How long an "in progress" claim holds its key. */
export const PENDING_LEASE_MS = 60_000;

interface Stored {
  fingerprint: string;
  state: "pending" | "done";
  /** While pending: the claim holds the key until then. */
  leaseUntil?: number;
  status?: number;
  body?: string;
  contentType?: string;
  /** The answer set a cookie (a session): it is not replayed. */
  setCookie?: boolean;
  expiresAt: number;
}

/** True when `stored` still binds its key at `now` (a done answer, or a claim in its lease). */
function inForce(stored: Stored | null, now: number): stored is Stored {
  if (!stored || stored.expiresAt <= now) return false;
  return stored.state === "done" || (stored.leaseUntil ?? 0) > now;
}

/** Make POST handlers after this middleware idempotent under `Idempotency-Key`. */
export function idempotent(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("idempotency-key");
    if (header === undefined) return await next();
    if (!/^[\x21-\x7e]{1,255}$/.test(header)) {
      return errorResponse(
        c,
        400,
        "invalid_idempotency_key",
        "Idempotency-Key must be 1–255 visible ASCII characters",
      );
    }
    const deps = c.get("deps");
    const user = c.get("user");
    const apiKey = c.get("apiKey");
    const org = c.get("org") as AppEnv["Variables"]["org"] | undefined;
    // Each API key has its own namespace, apart from people's (user ids and key ids never meet).
    const userPart = apiKey ? `api_key:${apiKey.apiKey.id}` : user?.id ?? "anonymous";
    const key: Key = org
      ? org.scope.key("idem", userPart, header)
      : globalKeys.idempotency(`${userPart}:${new URL(c.req.url).pathname}`, header);
    const body = await c.req.text();
    const fingerprint = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${body}`);
    const now = deps.now();
    const existing = await deps.store.get<Stored>(key);
    const live = inForce(existing.value, now) ? existing.value : null;
    if (live) {
      if (live.fingerprint !== fingerprint) {
        return errorResponse(
          c,
          422,
          "idempotency_key_reused",
          "This Idempotency-Key was used with another request",
        );
      }
      if (live.state === "pending") {
        return errorResponse(
          c,
          409,
          "idempotency_in_progress",
          "A request with this Idempotency-Key is still running",
        );
      }
      if (live.setCookie) {
        return errorResponse(
          c,
          409,
          "idempotency_replay_unavailable",
          "This request already succeeded and started a session that cannot be replayed; " +
            "sign in to continue",
        );
      }
      return new Response(live.body ?? null, {
        status: live.status,
        headers: {
          "content-type": live.contentType ?? "application/json",
          "idempotent-replayed": "true",
        },
      });
    }
    const claim: Stored = {
      fingerprint,
      state: "pending",
      leaseUntil: now + PENDING_LEASE_MS,
      expiresAt: now + TTL_MS,
    };
    // Takes over an expired claim too: the check is on the versionstamp just read.
    const claimed = await deps.store.atomic().check(key, existing.versionstamp)
      .set(key, claim, { expireIn: PENDING_LEASE_MS }).commit();
    if (!claimed) {
      return errorResponse(
        c,
        409,
        "idempotency_in_progress",
        "A request with this Idempotency-Key is still running",
      );
    }
    // Release or finish only while this request still holds its claim.
    const release = () => deps.store.atomic().check(key, claimed).delete(key).commit();
    try {
      await next();
    } catch (err) {
      await release();
      throw err;
    }
    const res = c.res;
    if (res.status >= 400) {
      await release();
      return;
    }
    const text = await res.clone().text();
    const done: Stored = {
      fingerprint,
      state: "done",
      status: res.status,
      body: text.length < 60_000 ? text : undefined,
      contentType: res.headers.get("content-type") ?? undefined,
      setCookie: res.headers.getSetCookie().length > 0 || undefined,
      expiresAt: now + TTL_MS,
    };
    await deps.store.atomic().check(key, claimed).set(key, done, { expireIn: TTL_MS }).commit();
  };
}
