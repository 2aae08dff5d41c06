/**
 * Reading HTML form posts: the body as a string record, zod schemas with messages for people,
 * and the conversion of domain errors into what a form shows.
 *
 * @module
 */

import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext } from "../context.ts";
import { statusOf } from "../middleware/errors.ts";
import { DomainError } from "../../lib/errors.ts";
import type { FormError } from "../../components/forms.tsx";

/** The posted form fields as strings (files and repeated names are dropped). */
export async function readForm(c: AppContext): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    throw new DomainError("invalid", "unsupported_media_type", "Send the form as a web form");
  }
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

/** A `validation_failed` error about one field. */
export function fieldError(field: string, message: string): DomainError {
  return new DomainError("invalid", "validation_failed", "Check the highlighted field", [
    { path: field, message },
  ]);
}

/** What a form shows for a domain error: its message and any per-field messages. */
export function formErrorOf(err: DomainError): FormError {
  const fields: Record<string, string> = {};
  if (Array.isArray(err.details)) {
    for (const d of err.details as { path?: unknown; message?: unknown }[]) {
      if (typeof d.path === "string" && typeof d.message === "string" && !(d.path in fields)) {
        fields[d.path] = d.message;
      }
    }
  }
  const message = err.code === "validation_failed"
    ? (Object.keys(fields).length > 1
      ? "Check the highlighted fields"
      : "Check the highlighted field")
    : err.message;
  return { message, fields };
}

/** A form that failed: what was sent, what to show, and the status to answer with. */
export interface FormFailure {
  values: Record<string, string>;
  error: FormError;
  status: ContentfulStatusCode;
}

/**
 * The {@linkcode FormFailure} for `err` when it is a domain error (a failure the person can fix);
 * anything else is rethrown for the error handler.
 */
export function formFailure(err: unknown, values: Record<string, string>): FormFailure {
  if (!(err instanceof DomainError)) throw err;
  return { values, error: formErrorOf(err), status: statusOf(err) };
}

/**
 * A safe place to go after signing in: a local absolute path (not `//host` or `/\host`), or
 * `/app`.
 */
export function safeNext(next: string | undefined | null): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length < 500 ? next : "/app";
}
