/**
 * The `?date=` of week pages.
 *
 * @module
 */

import type { AppContext } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { localDateOf, parseLocalDate } from "../../lib/time/week.ts";

/**
 * The local date asked for by `?date=YYYY-MM-DD`, or today in `timeZone` when absent.
 * Throws `invalid` (400) for malformed dates and years outside 2000–2099.
 */
export function dateParam(c: AppContext, timeZone: string): Temporal.PlainDate {
  const text = c.req.query("date");
  if (text === undefined || text === "") return localDateOf(c.get("deps").now(), timeZone);
  const date = parseLocalDate(text);
  if (!date || date.year < 2000 || date.year > 2099) {
    throw new DomainError("invalid", "invalid_date", "Give the date as YYYY-MM-DD (2000–2099).");
  }
  return date;
}
