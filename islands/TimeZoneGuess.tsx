/**
 * A small progressive enhancement for time zone pickers: once hydrated, it preselects the
 * device's time zone in the `<select>` with id `selectId` — only while that select still shows
 * the server's default, so a choice the person made is never overridden — and says so.
 *
 * @module
 */

import { useEffect, useState } from "preact/hooks";

/** Props of {@linkcode TimeZoneGuess}. */
export interface TimeZoneGuessProps {
  /** Id of the time zone `<select>`. */
  selectId: string;
  /** The value the server preselected; only this is replaced. */
  defaultZone: string;
  /** False when the form is shown again with the person's own choice. */
  enabled: boolean;
}

/** Preselect the device's time zone and announce it. */
export function TimeZoneGuess({ selectId, defaultZone, enabled }: TimeZoneGuessProps) {
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (!enabled) return;
    const select = document.getElementById(selectId);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!(select instanceof HTMLSelectElement) || select.value !== defaultZone) return;
    if (zone === defaultZone || !Array.from(select.options).some((o) => o.value === zone)) return;
    select.value = zone;
    setMessage(`We picked your device's time zone, ${zone.replaceAll("_", " ")}.`);
  }, []);
  return <p class="hint" aria-live="polite">{message}</p>;
}
