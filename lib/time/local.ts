/**
 * Conversions between UTC instants and the local wall-clock text of HTML forms
 * (`<input type="datetime-local">`) in an organization's IANA time zone.
 *
 * @module
 */

const LOCAL_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/**
 * The `datetime-local` value (`YYYY-MM-DDTHH:mm`, to the minute) of instant `ms` in `timeZone`.
 *
 * @example
 * ```ts
 * toDateTimeLocal(Date.UTC(2026, 10, 2, 8, 0, 30), "America/New_York"); // "2026-11-02T03:00"
 * ```
 */
export function toDateTimeLocal(ms: number, timeZone: string): string {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);
  return z.toPlainDateTime().round({ smallestUnit: "minute", roundingMode: "trunc" })
    .toString({ smallestUnit: "minute" });
}

/**
 * The instant (epoch ms) of a `datetime-local` value read in `timeZone`, or null when the text
 * is not a valid local date-time. A wall time skipped by a DST change resolves to the later
 * side, a repeated one to the earlier occurrence (Temporal's `"compatible"`).
 *
 * @example
 * ```ts
 * fromDateTimeLocal("2026-11-02T03:00", "America/New_York"); // Date.UTC(2026, 10, 2, 8, 0)
 * ```
 */
export function fromDateTimeLocal(value: string, timeZone: string): number | null {
  if (!LOCAL_RE.test(value)) return null;
  try {
    return Temporal.PlainDateTime.from(value, { overflow: "reject" })
      .toZonedDateTime(timeZone, { disambiguation: "compatible" }).epochMilliseconds;
  } catch {
    return null;
  }
}
