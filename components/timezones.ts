/**
 * The time zones offered in pickers.
 *
 * @module
 */

/** The zone preselected when nothing better is known. */
export const DEFAULT_TIME_ZONE = "America/New_York";

let zones: { value: string; label: string }[] | null = null;

/** Every IANA zone this runtime knows (plus `UTC`), labelled without underscores. */
export function timeZoneOptions(): { value: string; label: string }[] {
  zones ??= ["UTC", ...Intl.supportedValuesOf("timeZone")].map((z) => ({
    value: z,
    label: z.replaceAll("_", " "),
  }));
  return zones;
}
