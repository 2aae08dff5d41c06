/**
 * Reading and validating JSON bodies and query strings with zod.
 *
 * @module
 */

import type { Context } from "hono";
import type { z } from "zod";
import { DomainError } from "../../lib/errors.ts";

/** Largest JSON body accepted by the API. */
export const MAX_BODY_BYTES = 64 * 1024;

function issues(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
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
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new DomainError(
      "invalid",
      "validation_failed",
      "Some fields are missing or invalid",
      issues(parsed.error),
    );
  }
  return parsed.data;
}

/** Validate the query string with `schema`. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return validate(schema, c.req.query());
}
