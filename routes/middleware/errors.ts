/**
 * Error answers. Every client-caused failure is `{"error":{"code","message","details?"}}` with a
 * 4xx status; anything else is logged (without request bodies) and answered 500.
 *
 * @module
 */

import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type ErrorKind } from "../../lib/errors.ts";

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthenticated: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 409,
  gone: 410,
  unprocessable: 422,
  too_many: 429,
};

/** The HTTP status for a domain error. */
export function statusOf(err: DomainError): ContentfulStatusCode {
  return STATUS[err.kind];
}

/** A JSON error response. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: unknown,
): Response {
  const body: { error: { code: string; message: string; details?: unknown } } = {
    error: { code, message },
  };
  if (details !== undefined) body.error.details = details;
  return c.json(body, status);
}

/** Hono `onError` handler. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    if (err.kind === "too_many" && typeof err.details === "object" && err.details) {
      const retry = (err.details as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retry) c.header("Retry-After", String(retry));
    }
    return errorResponse(c, statusOf(err), err.code, err.message, err.details);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    if (status === 413) return errorResponse(c, 413, "payload_too_large", "The body is too large");
    return errorResponse(c, status, "http_error", err.message || "Request failed");
  }
  console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, err);
  return errorResponse(c, 500, "internal", "Something went wrong on our side");
}

/** Hono `notFound` handler for unknown paths. */
export function onNotFound(c: Context): Response {
  return errorResponse(c, 404, "not_found", "No such route");
}
