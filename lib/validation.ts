/**
 * The shared building blocks of every input schema (zod). Domain schemas live beside their
 * domain (`lib/<domain>/schemas.ts`) and are built from these, so a rule such as the allowed
 * date window is written once: the JSON API validates bodies with the domain schema, and pages
 * adapt their form strings to the same schema.
 *
 * @module
 */

import { z } from "zod";
import { isId } from "./kv/mod.ts";
import { DomainError } from "./errors.ts";

/**
 * The one allowed window of dates and instants: calendar years 2000 to 2099. Everything a client
 * names (an instant, a local date, a report range, a hire date) must fall inside it, so no input
 * can make a computation run over centuries.
 */
export const DATE_WINDOW = {
  firstYear: 2000,
  lastYear: 2099,
  /** `2000-01-01T00:00:00Z`, epoch ms (inclusive). */
  earliestMs: Date.UTC(2000, 0, 1),
  /** `2100-01-01T00:00:00Z`, epoch ms (exclusive). */
  endMs: Date.UTC(2100, 0, 1),
} as const;

/** What a person is told when a date is outside the window. */
export const DATE_WINDOW_MESSAGE = "use a date between 2000-01-01 and 2099-12-31";

/** True when the local date `d` lies in {@linkcode DATE_WINDOW}. */
export function inDateWindow(d: Temporal.PlainDate): boolean {
  return d.year >= DATE_WINDOW.firstYear && d.year <= DATE_WINDOW.lastYear;
}

/** Parse `YYYY-MM-DD` strictly (real dates only), or null. */
export function parsePlainDate(text: string): Temporal.PlainDate | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  try {
    return Temporal.PlainDate.from(text, { overflow: "reject" });
  } catch {
    return null;
  }
}

/** An ISO 8601 instant with an offset (`Z` or `±hh:mm`), as epoch ms inside the window. */
export const instant = z.iso.datetime({ offset: true }).transform((s, ctx) => {
  const ms = Date.parse(s);
  if (!Number.isFinite(ms) || ms < DATE_WINDOW.earliestMs || ms >= DATE_WINDOW.endMs) {
    ctx.addIssue({ code: "custom", message: DATE_WINDOW_MESSAGE });
    return z.NEVER;
  }
  return ms;
});

/** A local calendar date `YYYY-MM-DD` inside the window (kept as the string). */
export const localDate = z.string().superRefine((v, ctx) => {
  const d = parsePlainDate(v);
  if (!d) ctx.addIssue({ code: "custom", message: "use a real date as YYYY-MM-DD" });
  else if (!inDateWindow(d)) ctx.addIssue({ code: "custom", message: DATE_WINDOW_MESSAGE });
});

/** A ClockFlow id. */
export const id = z.string().refine(isId, "not a valid id");

/**
 * The canonical IANA name of time zone `tz` (`america/new_york` → `America/New_York`), or null
 * for unknown names and for offsets such as `+05:30` or `UTC+2` (an offset has no DST rules, so
 * it is not a place's time).
 */
export function canonicalTimeZone(tz: string): string | null {
  if (typeof tz !== "string" || tz.length === 0 || tz.length > 64) return null;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz) || /^(utc|gmt)[+-]/i.test(tz)) return null;
  try {
    // Temporal fixes the case and keeps the name's own spelling (`Asia/Kolkata` stays, where
    // Intl would answer the legacy alias `Asia/Calcutta`).
    const name = Temporal.Now.zonedDateTimeISO(tz).timeZoneId;
    return /^[+-]/.test(name) ? null : name;
  } catch {
    return null;
  }
}

/** An IANA time zone name, canonicalized; offsets are refused. */
export const timeZone = z.string().transform((tz, ctx) => {
  const name = canonicalTimeZone(tz);
  if (!name) {
    ctx.addIssue({ code: "custom", message: "not a known IANA time zone (e.g. Europe/Berlin)" });
    return z.NEVER;
  }
  return name;
});

/**
 * Control characters (C0, DEL, C1) and the bidirectional overrides and isolates that can make a
 * name display as something else (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C).
 */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/;

/** True when `s` contains a control or bidi-override character. */
export function hasUnsafeText(s: string): boolean {
  return UNSAFE_TEXT.test(s);
}

/** A one-line label (a person's, organization's or location's name) of at most `max`. */
export function label(max = 100) {
  return z.string().trim().min(1, "enter a name").max(max, `use at most ${max} characters`)
    .refine((s) => !hasUnsafeText(s), "remove control and direction-override characters");
}

/** A person's or organization's name. */
export const name = label(100);

/** An email address (trimmed, lower-cased). */
export const email = z.string().trim().toLowerCase().pipe(z.email().max(254));

/** A password: 10 to 200 characters. */
export const password = z.string().min(10, "use at least 10 characters").max(200);

/** Why a change is made (required on corrections and decisions). */
export const reason = z.string().trim().min(1, "say why").max(500);

/** A free-text note. */
export const note = z.string().trim().max(1000).nullable();

/** `limit` and `cursor` of paged lists. */
export const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(1024).optional(),
};

/**
 * Validate `data` with `schema` inside a use case (after it authorized the caller, so a refused
 * role hears 403 whatever it sent): the parsed value, or 400 `validation_failed` with
 * `[{path, message}]`, as the API's body reader reports it.
 *
 * @example
 * ```ts
 * const input = parseInput(z.strictObject({ name }), { name: " Depot " }); // { name: "Depot" }
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new DomainError(
    "invalid",
    "validation_failed",
    "Some fields are missing or invalid",
    parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  );
}

/**
 * The input of a use case that validates it itself with `S` (after authorizing): the schema's
 * input shape, or whatever a door read (a JSON body, a form adapted to the shape) — the schema
 * decides.
 */
export type Unparsed<S extends z.ZodType> = z.input<S> | Record<string, unknown>;
