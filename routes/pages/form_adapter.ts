/**
 * Adapting form strings to the domain's input schemas (`lib/<domain>/schemas.ts`), so a form
 * and the JSON API are judged by the same rules: empty fields become absent, numbers and local
 * date-times become what the schema expects, and the schema decides. Only the wording changes:
 * an empty required field gets a message written for people.
 *
 * @module
 */

import type { z } from "zod";
import { validate } from "../middleware/body.ts";
import { DomainError } from "../../lib/errors.ts";
import { fromDateTimeLocal } from "../../lib/time/local.ts";
import { fieldError } from "./forms.ts";

/**
 * Validate `adapted` form values with the domain `schema`. Where a field listed in `whenEmpty`
 * was left empty (absent or only spaces), its error says that message; other errors keep the
 * schema's message, capitalized.
 *
 * @example
 * ```ts
 * validateForm(entryDelete, { reason: values.reason }, { reason: "Enter a reason" });
 * ```
 */
export function validateForm<S extends z.ZodType>(
  schema: S,
  adapted: Record<string, unknown>,
  whenEmpty: Record<string, string> = {},
): z.infer<S> {
  try {
    return validate(schema, adapted);
  } catch (err) {
    if (!(err instanceof DomainError) || !Array.isArray(err.details)) throw err;
    const details = (err.details as { path: string; message: string }[]).map((d) => {
      const value = adapted[d.path];
      const empty = value === undefined || value === null ||
        (typeof value === "string" && value.trim() === "");
      const message = empty && d.path in whenEmpty ? whenEmpty[d.path] : capitalize(d.message);
      return { ...d, message };
    });
    throw new DomainError(err.kind, err.code, err.message, details);
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A text field: absent or only spaces is absent (undefined), else the text as typed. */
export function textField(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * A number field: absent or empty is absent, a number is that number; anything else stays text,
 * which a number schema then refuses.
 */
export function numberField(value: string | undefined): number | string | undefined {
  const text = textField(value);
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/**
 * A `datetime-local` field read in `timeZone`, as the ISO instant an `instant` schema expects.
 * Throws a field error "Enter a date and time" when it is empty or not a date and time.
 */
export function dateTimeField(value: string | undefined, field: string, timeZone: string): string {
  const ms = fromDateTimeLocal(value ?? "", timeZone);
  if (ms === null) throw fieldError(field, "Enter a date and time");
  return new Date(ms).toISOString();
}
