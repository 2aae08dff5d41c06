/**
 * The time clock island: the member's state (out / in / on break), the worked time of the
 * running shift ticking each second (breaks excluded), today's total, and the punch buttons.
 *
 * The server renders it with the state from the store, so a reload shows the truth. Without
 * JavaScript the buttons submit a plain form (`action=in|break_start|break_end|out`) to the page.
 * Hydrated, the same buttons call the JSON API with `fetch` and update from the returned entry.
 * Time is the server's: elapsed time is derived from server-provided instants and an offset
 * between the server clock and this device's, so a skewed phone clock does not matter.
 *
 * @module
 */

import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { workedSecondsWithin } from "../lib/time/week.ts";
import { clockTime, durationWords, hmm, hmmss } from "../components/format.ts";

/** Where the member stands. */
export type ClockState = "out" | "in" | "break";

/** A running entry as the island needs it (epoch ms). */
export interface ClockEntry {
  start: number;
  end: number | null;
  breaks: { start: number; end: number | null }[];
}

/** Props of {@linkcode Clock} (JSON data, serialized into the page). */
export interface ClockProps {
  orgId: string;
  timeZone: string;
  state: ClockState;
  /** The open entry, null when clocked out. */
  entry: ClockEntry | null;
  /** The server's clock when the page was rendered (epoch ms). */
  serverNow: number;
  /** Today in the organization's time zone, and worked seconds of today's closed entries. */
  today: { start: number; end: number; closedSeconds: number };
}

/** A punch: the form value, the API path under `/clock/`, the button label. */
export const CLOCK_ACTIONS = {
  in: { path: "in", label: "Clock in" },
  break_start: { path: "break/start", label: "Start break" },
  break_end: { path: "break/end", label: "End break" },
  out: { path: "out", label: "Clock out" },
} as const;

/** A punch name (`in`, `break_start`, `break_end`, `out`). */
export type ClockAction = keyof typeof CLOCK_ACTIONS;

/** The punches offered in each state, main one first. */
export const ACTIONS_BY_STATE: Record<ClockState, ClockAction[]> = {
  out: ["in"],
  in: ["break_start", "out"],
  break: ["break_end", "out"],
};

interface EntryJson {
  start: string;
  end: string | null;
  breaks: { start: string; end: string | null }[];
  durationSeconds: number;
  updatedAt: string;
}

function fromJson(e: EntryJson): ClockEntry {
  const ms = (s: string | null) => (s === null ? null : Date.parse(s));
  return {
    start: Date.parse(e.start),
    end: ms(e.end),
    breaks: e.breaks.map((b) => ({ start: Date.parse(b.start), end: ms(b.end) })),
  };
}

function stateOf(entry: ClockEntry | null): ClockState {
  if (!entry || entry.end !== null) return "out";
  const last = entry.breaks.at(-1);
  return last && last.end === null ? "break" : "in";
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function statusText(state: ClockState, entry: ClockEntry | null, tz: string, note: string) {
  if (state === "in" && entry) return `Clocked in since ${clockTime(entry.start, tz)}`;
  if (state === "break" && entry) {
    return `On a break since ${clockTime(entry.breaks.at(-1)!.start, tz)}`;
  }
  return note || "You are clocked out";
}

/** The time clock. */
export function Clock(props: ClockProps) {
  const { orgId, timeZone, today } = props;
  const [entry, setEntry] = useState<ClockEntry | null>(props.entry);
  const [closedSeconds, setClosedSeconds] = useState(today.closedSeconds);
  const [now, setNow] = useState(props.serverNow);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<JSX.Element | string | null>(null);
  const [note, setNote] = useState("");
  const offset = useRef(0);
  const form = useRef<HTMLFormElement>(null);
  const moveFocus = useRef(false);
  const state = stateOf(entry);

  useEffect(() => {
    offset.current = props.serverNow - Date.now();
    const tick = () => setNow(Date.now() + offset.current);
    const timer = setInterval(tick, 1000);
    document.addEventListener("visibilitychange", tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", tick);
    };
  }, []);

  useEffect(() => {
    if (!moveFocus.current) return;
    moveFocus.current = false;
    form.current?.querySelector("button")?.focus();
  }, [state]);

  function apply(json: EntryJson) {
    const serverNow = Date.parse(json.updatedAt);
    offset.current = serverNow - Date.now();
    setNow(serverNow);
    const next = fromJson(json);
    if (next.end !== null) {
      setClosedSeconds((s) => s + workedSecondsWithin(next, today.start, today.end, serverNow));
      setNote(
        `Clocked out at ${clockTime(next.end, timeZone)}: ${hmm(json.durationSeconds)} worked`,
      );
      setEntry(null);
    } else {
      setNote("");
      setEntry(next);
    }
  }

  async function refresh() {
    const res = await fetch(`/api/v1/orgs/${encodeURIComponent(orgId)}/clock`, {
      headers: { accept: "application/json" },
    });
    if (!res.ok) return;
    const body = await res.json() as { entry: EntryJson | null };
    setEntry(body.entry ? fromJson(body.entry) : null);
  }

  async function punch(action: ClockAction) {
    setBusy(true);
    setError(null);
    moveFocus.current = true;
    try {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json",
      };
      if (action === "in") headers["idempotency-key"] = randomKey();
      const res = await fetch(
        `/api/v1/orgs/${encodeURIComponent(orgId)}/clock/${CLOCK_ACTIONS[action].path}`,
        { method: "POST", headers, body: "{}" },
      );
      const body = await res.json().catch(() => null);
      if (res.ok) return apply(body as EntryJson);
      if (res.status === 401) {
        return setError(
          <>
            Your session has ended. <a href="/signin">Sign in again</a> to continue.
          </>,
        );
      }
      setError(body?.error?.message ?? "That did not work. Try again.");
      if (res.status === 409) await refresh();
    } catch {
      setError("No connection to ClockFlow. Check your network and try again.");
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(e: JSX.TargetedSubmitEvent<HTMLFormElement>) {
    const value = (e.submitter as HTMLButtonElement | null)?.value;
    if (!value || !(value in CLOCK_ACTIONS)) return;
    e.preventDefault();
    if (!busy) punch(value as ClockAction);
  }

  const shift = entry ? workedSecondsWithin(entry, -Infinity, Infinity, now) : 0;
  const todaySeconds = closedSeconds +
    (entry ? workedSecondsWithin(entry, today.start, today.end, now) : 0);
  const lastBreak = entry?.breaks.at(-1);
  const breakSeconds = state === "break" && lastBreak
    ? Math.max(0, Math.floor((now - lastBreak.start) / 1000))
    : 0;
  const big = state === "out" ? todaySeconds : shift;

  return (
    <section class="clock" data-state={state} aria-labelledby="clock-status">
      <p id="clock-status" class="clock-status" role="status">
        <span class="dot" aria-hidden="true" />
        {statusText(state, entry, timeZone, note)}
      </p>
      <div class="clock-face">
        <p class="clock-label" id="clock-label">
          {state === "out" ? "Worked today" : "Worked this shift"}
        </p>
        <p
          class="clock-timer"
          role="timer"
          aria-labelledby="clock-label"
          data-seconds={big}
          title={durationWords(big)}
        >
          {hmmss(big)}
        </p>
        {state === "break" && (
          <p class="clock-break">
            Break <span role="timer" data-seconds={breakSeconds}>{hmmss(breakSeconds)}</span>
          </p>
        )}
      </div>
      <form
        ref={form}
        class="clock-actions"
        method="post"
        action={`/o/${orgId}/clock`}
        onSubmit={onSubmit}
        aria-busy={busy}
      >
        {ACTIONS_BY_STATE[state].map((a, i) => (
          <button
            key={a}
            type="submit"
            name="action"
            value={a}
            class={`btn btn-xl btn-${a.replace("_", "-")}${i === 0 ? " btn-main" : ""}`}
            disabled={busy}
          >
            {CLOCK_ACTIONS[a].label}
          </button>
        ))}
      </form>
      {error && <p class="alert alert-error" role="alert">{error}</p>}
      {state !== "out" && (
        <p class="clock-today">
          Today{" "}
          <strong data-seconds={todaySeconds} title={durationWords(todaySeconds)}>
            {hmm(todaySeconds)}
          </strong>
        </p>
      )}
    </section>
  );
}
