/**
 * Reading and validating JSON bodies and query strings with zod.
 *
 * @module
 */

import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { DomainError } from "../../lib/errors.ts";
import { parseInput } from "../../lib/validation.ts";
import { errorResponse } from "./errors.ts";

/** Largest JSON body accepted by the API. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Largest body of a Stripe event delivery (`POST /api/stripe/webhook`): Stripe's events carry
 * whole objects (an invoice with many lines, a subscription with its items) and grow well past
 * 64 KiB; Stripe itself caps them far below 1 MiB.
 */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** Paths with their own, larger body limit. */
const LARGER_LIMITS: Record<string, number> = {
  "/api/stripe/webhook": MAX_WEBHOOK_BODY_BYTES,
};

/**
 * Path patterns with their own, larger body limit: an organization's logo, sent as the raw body
 * (256 KiB, `lib/branding/image.ts`) or as a file in the branding page's form (the same plus
 * room for the multipart framing; the use case checks the file's own size).
 */
const LARGER_PATTERNS: [RegExp, number][] = [
  [/^\/api\/v1\/orgs\/[^/]+\/branding\/logo$/, 256 * 1024],
  [/^\/o\/[^/]+\/branding\/logo$/, 256 * 1024 + 16 * 1024],
];

/**
 * Refuse bodies over {@linkcode MAX_BODY_BYTES} (413 `payload_too_large`), or over the larger
 * limit of the few paths that need one (the Stripe webhook: 1 MiB; an organization's logo:
 * 256 KiB). Hono's `bodyLimit`, chosen per path.
 *
 * @example
 * ```ts
 * app.use("*", bodyLimits());
 * ```
 */
export function bodyLimits(): MiddlewareHandler {
  const onError = (c: Context) =>
    errorResponse(c, 413, "payload_too_large", "The body is too large");
  const standard = bodyLimit({ maxSize: MAX_BODY_BYTES, onError });
  const larger = new Map(
    Object.entries(LARGER_LIMITS).map(([path, maxSize]) => [path, bodyLimit({ maxSize, onError })]),
  );
  const patterns = LARGER_PATTERNS.map(([re, maxSize]) =>
    [re, bodyLimit({ maxSize, onError })] as const
  );
  return (c, next) => {
    const path = c.req.path;
    const limit = larger.get(path) ?? patterns.find(([re]) => re.test(path))?.[1] ?? standard;
    return limit(c, next);
  };
}

/**
 * Parse the request body as JSON and validate it with `schema`. An empty body is read as `{}`,
 * so a missing body reports the missing fields (`validation_failed`) whatever its content type.
 * Throws `unsupported_media_type`, `invalid_json` or `validation_failed` (all 4xx).
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  const text = await c.req.text();
  if (text.length === 0) return validate(schema, {});
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new DomainError(
      "invalid",
      "unsupported_media_type",
      "Send the body as application/json",
    );
  }
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    throw new DomainError("invalid", "payload_too_large", "The body is too large");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new DomainError("invalid", "invalid_json", "The body is not valid JSON");
  }
  return validate(schema, data);
}

/** Validate `data` with `schema`; throws `validation_failed` with the issues. */
export function validate<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  return parseInput(schema, data);
}

/** Validate the query string with `schema`. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return validate(schema, c.req.query());
}
