/**
 * The `?date=` of week pages.
 *
 * @module
 */

import type { AppContext } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { localDateOf } from "../../lib/time/week.ts";
import { localDate } from "../../lib/validation.ts";

/**
 * The local date asked for by `?date=YYYY-MM-DD`, or today in `timeZone` when absent. Checked by
 * the shared `localDate` schema (real dates inside the window 2000–2099, as the API checks
 * them); throws 400 `validation_failed` naming the `date` field otherwise.
 */
export function dateParam(c: AppContext, timeZone: string): Temporal.PlainDate {
  const text = c.req.query("date");
  if (text === undefined || text === "") return localDateOf(c.get("deps").now(), timeZone);
  const checked = localDate.safeParse(text);
  if (!checked.success) {
    throw new DomainError(
      "invalid",
      "validation_failed",
      "Give the date as YYYY-MM-DD between 2000-01-01 and 2099-12-31.",
      checked.error.issues.map((i) => ({ path: "date", message: i.message })),
    );
  }
  return Temporal.PlainDate.from(checked.data);
}
