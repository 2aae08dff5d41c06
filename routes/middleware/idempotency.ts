/**
 * `Idempotency-Key` for creating POSTs: the first request with a key is run and its answer kept
 * for 24 hours; a retry with the same key and body gets that answer again, a retry with another
 * body gets 422 `idempotency_key_reused`, and a retry while the first is still running gets 409
 * `idempotency_in_progress`. Only successful answers are kept: a request refused with a 4xx (or
 * failing with a 5xx) writes nothing and leaves the key free for a corrected retry. Keys are per
 * person (and per organization on org routes).
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { globalKeys, type Key } from "../../lib/kv/mod.ts";
import { sha256Hex } from "../../lib/identity/crypto.ts";
import { errorResponse } from "./errors.ts";

const TTL_MS = 24 * 3600 * 1000;

interface Stored {
  fingerprint: string;
  state: "pending" | "done";
  status?: number;
  body?: string;
  contentType?: string;
  expiresAt: number;
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
    const org = c.get("org") as AppEnv["Variables"]["org"] | undefined;
    const userPart = user?.id ?? "anonymous";
    const key: Key = org
      ? org.scope.key("idem", userPart, header)
      : globalKeys.idempotency(`${userPart}:${new URL(c.req.url).pathname}`, header);
    const body = await c.req.text();
    const fingerprint = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${body}`);
    const now = deps.now();
    const existing = await deps.store.get<Stored>(key);
    const live = existing.value && existing.value.expiresAt > now ? existing.value : null;
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
      return new Response(live.body ?? null, {
        status: live.status,
        headers: {
          "content-type": live.contentType ?? "application/json",
          "idempotent-replayed": "true",
        },
      });
    }
    const claim: Stored = { fingerprint, state: "pending", expiresAt: now + TTL_MS };
    const claimed = await deps.store.atomic().check(key, existing.versionstamp)
      .set(key, claim, { expireIn: TTL_MS }).commit();
    if (!claimed) {
      return errorResponse(
        c,
        409,
        "idempotency_in_progress",
        "A request with this Idempotency-Key is still running",
      );
    }
    try {
      await next();
    } catch (err) {
      await deps.store.atomic().delete(key).commit();
      throw err;
    }
    const res = c.res;
    if (res.status >= 400) {
      await deps.store.atomic().delete(key).commit();
      return;
    }
    const text = await res.clone().text();
    const done: Stored = {
      fingerprint,
      state: "done",
      status: res.status,
      body: text.length < 60_000 ? text : undefined,
      contentType: res.headers.get("content-type") ?? undefined,
      expiresAt: now + TTL_MS,
    };
    await deps.store.atomic().set(key, done, { expireIn: TTL_MS }).commit();
  };
}
