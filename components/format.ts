/**
 * Formatting of durations and instants for people. Pure and browser-safe: used by server pages
 * and by islands, so both render the same text. English (US) wording for now.
 *
 * @module
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, kind: "time" | "dateTime" | "date"): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = kind === "time"
      ? { hour: "numeric", minute: "2-digit" }
      : kind === "date"
      ? { weekday: "short", month: "short", day: "numeric" }
      : { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
    f = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

/**
 * A duration as `h:mm` (whole minutes, rounded down; hours unbounded).
 *
 * @example
 * ```ts
 * hmm(7200); // "2:00"
 * hmm(45 * 3600 + 59); // "45:00"
 * ```
 */
export function hmm(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
}

/**
 * A duration as `h:mm:ss`.
 *
 * @example
 * ```ts
 * hmmss(3725); // "1:02:05"
 * ```
 */
export function hmmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${hmm(s)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * A spoken form of a duration, for titles and screen readers.
 *
 * @example
 * ```ts
 * durationWords(7260); // "2 hours 1 minute (7260 seconds)"
 * ```
 */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  return `${part(h, "hour")} ${part(m, "minute")} (${s} seconds)`;
}

/**
 * The time of day of instant `ms` in `timeZone`, e.g. `3:00 AM`.
 *
 * @example
 * ```ts
 * clockTime(Date.UTC(2026, 10, 2, 8, 0), "America/New_York"); // "3:00 AM"
 * ```
 */
export function clockTime(ms: number, timeZone: string): string {
  return formatter(timeZone, "time").format(ms);
}

/** Date and time of instant `ms` in `timeZone`, e.g. `Mon, Nov 2, 3:00 AM`. */
export function dateTime(ms: number, timeZone: string): string {
  return formatter(timeZone, "dateTime").format(ms);
}

/** Short date of instant `ms` in `timeZone`, e.g. `Mon, Nov 2`. */
export function shortDate(ms: number, timeZone: string): string {
  return formatter(timeZone, "date").format(ms);
}
