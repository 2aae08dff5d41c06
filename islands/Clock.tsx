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
 * Position: when the organization requires a location, the island asks the browser for the
 * device's position as soon as it is hydrated (and again at a punch when the fix is older than a
 * minute) and sends `latitude`, `longitude` and `accuracy` with clock-in and clock-out; a refusal
 * or failure is explained before any request is made. When a location is not required, a
 * position is sent only if the person already allowed this site to read it (no prompt). With
 * several active locations a picker is shown; it defaults to the nearest one once the position
 * is known ("Automatic" lets the server choose). The server's 422 answers (`outside_geofence`,
 * …) are shown as they come, e.g. "You are 340 m from Main St. Warehouse (fence 100 m)".
 *
 * Without the plan's `geofencing` ({@linkcode useFeature}, from the page's `enabledFeatures`)
 * the position is never read; the picker still tags the entry with a job location.
 *
 * @module
 */

import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { workedSecondsWithin } from "../lib/time/week.ts";
import { distanceMeters } from "../lib/locations/geo.ts";
import { clockTime, durationWords, hmm, hmmss } from "../components/format.ts";
import { type FeatureProps, useFeature } from "./features.ts";
import { followPresence, type PresenceMessage } from "./live.ts";

/** Where the member stands. */
export type ClockState = "out" | "in" | "break";

/** A running entry as the island needs it (epoch ms). */
export interface ClockEntry {
  /** The entry's id (matches a presence event's `entryId`). */
  id?: string;
  start: number;
  end: number | null;
  breaks: { start: number; end: number | null }[];
  /** The job location the entry was clocked in at. */
  locationId?: string | null;
}

/** An active job location as the clock offers it. */
export interface ClockLocation {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  radiusMeters: number;
}

/** Props of {@linkcode Clock} (JSON data, serialized into the page). */
export interface ClockProps extends FeatureProps {
  orgId: string;
  timeZone: string;
  state: ClockState;
  /** The open entry, null when clocked out. */
  entry: ClockEntry | null;
  /** The server's clock when the page was rendered (epoch ms). */
  serverNow: number;
  /** Today in the organization's time zone, and worked seconds of today's closed entries. */
  today: { start: number; end: number; closedSeconds: number };
  /** The organization requires a position inside a location's geofence to clock in. */
  requireLocation?: boolean;
  /** Active job locations (a picker is shown when there are several). */
  locations?: ClockLocation[];
  /** The location preselected in the picker ("" or absent: automatic). */
  pickedLocationId?: string;
  /** The organization's break types (a picker is shown beside "Start break" when there are any). */
  breakTypes?: { id: string; name: string; paid: boolean }[];
  /**
   * Where the member's own presence stream (`…/live/me`) continues from, read before the state
   * above; absent: the island does not follow punches made elsewhere.
   */
  liveAfter?: string;
}

/** A position reported by the device. */
interface Fix {
  latitude: number;
  longitude: number;
  accuracy: number;
  at: number;
}

/** Where finding the device's position stands. */
type GeoStatus = "idle" | "asking" | "ok" | "denied" | "unavailable" | "unsupported";

/** A fix older than this is refreshed before a punch. */
const FIX_MAX_AGE_MS = 60_000;

/** A distance for people: meters below 1 km, else km with one decimal. */
function distanceText(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

/** What to say when the position could not be read. */
function geoProblem(status: GeoStatus): string {
  if (status === "denied") {
    return "Location access is blocked for this site. Allow it in your browser's site " +
      "settings, then try again.";
  }
  if (status === "unsupported") {
    return "This browser cannot share its position, which clocking in here requires.";
  }
  return "Your position could not be found. Check that location services are on and try again.";
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
  id: string;
  start: string;
  end: string | null;
  breaks: { start: string; end: string | null }[];
  durationSeconds: number;
  updatedAt: string;
  locationId?: string | null;
}

function fromJson(e: EntryJson): ClockEntry {
  const ms = (s: string | null) => (s === null ? null : Date.parse(s));
  return {
    id: e.id,
    start: Date.parse(e.start),
    end: ms(e.end),
    breaks: e.breaks.map((b) => ({ start: Date.parse(b.start), end: ms(b.end) })),
    locationId: e.locationId ?? null,
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

function statusText(
  state: ClockState,
  entry: ClockEntry | null,
  tz: string,
  note: string,
  place: string | null,
) {
  if (state === "in" && entry) {
    return `Clocked in${place ? ` at ${place}` : ""} since ${clockTime(entry.start, tz)}`;
  }
  if (state === "break" && entry) {
    return `On a break since ${clockTime(entry.breaks.at(-1)!.start, tz)}`;
  }
  return note || "You are clocked out";
}

/** The time clock. */
export function Clock(props: ClockProps) {
  const { orgId, timeZone, today } = props;
  const geofencing = useFeature("geofencing");
  const requireLocation = geofencing && (props.requireLocation ?? false);
  const locations = props.locations ?? [];
  const breakTypes = props.breakTypes ?? [];
  const [breakType, setBreakType] = useState("");
  const [entry, setEntry] = useState<ClockEntry | null>(props.entry);
  const [closedSeconds, setClosedSeconds] = useState(today.closedSeconds);
  /**
   * Entries already added to today's total: a clock-out is learned twice when made here (the
   * answer and the member's own stream, in either order) and must count once.
   */
  const counted = useRef(new Set<string>());
  const addClosed = (closed: ClockEntry, at: number) => {
    if (closed.id !== undefined) {
      if (counted.current.has(closed.id)) return;
      counted.current.add(closed.id);
    }
    setClosedSeconds((s) => s + workedSecondsWithin(closed, today.start, today.end, at));
  };
  const [now, setNow] = useState(props.serverNow);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<JSX.Element | string | null>(null);
  const [note, setNote] = useState("");
  const offset = useRef(0);
  const form = useRef<HTMLFormElement>(null);
  const moveFocus = useRef(false);
  const state = stateOf(entry);
  const [fix, setFix] = useState<Fix | null>(null);
  const [geoStatus, setGeoState] = useState<GeoStatus>("idle");
  /** The latest status, for code running in a closure made before it changed. */
  const geoNow = useRef<GeoStatus>("idle");
  const setGeoStatus = (s: GeoStatus) => {
    geoNow.current = s;
    setGeoState(s);
  };
  const [picked, setPicked] = useState(props.pickedLocationId ?? "");
  const pickedByPerson = useRef(Boolean(props.pickedLocationId));
  /** May we read the position without prompting (or must we, because it is required)? */
  const geoAllowed = useRef(requireLocation);

  /** Read the device's position; resolves null (with the reason in `geoStatus`) on failure. */
  function locate(): Promise<Fix | null> {
    if (!("geolocation" in navigator)) {
      setGeoStatus("unsupported");
      return Promise.resolve(null);
    }
    setGeoStatus("asking");
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (p) => {
          const next: Fix = {
            latitude: p.coords.latitude,
            longitude: p.coords.longitude,
            accuracy: Math.max(0, p.coords.accuracy),
            at: Date.now(),
          };
          setFix(next);
          setGeoStatus("ok");
          resolve(next);
        },
        (err) => {
          setGeoStatus(err.code === err.PERMISSION_DENIED ? "denied" : "unavailable");
          resolve(null);
        },
        { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
      );
    });
  }

  useEffect(() => {
    if (requireLocation) {
      locate();
      return;
    }
    if (locations.length === 0 || !("geolocation" in navigator) || !navigator.permissions) return;
    // Not required: use the position only when this site may already read it (no prompt).
    navigator.permissions.query({ name: "geolocation" }).then((p) => {
      if (p.state !== "granted") return;
      geoAllowed.current = true;
      locate();
    }).catch(() => {});
  }, []);

  // Once the position is known, preselect the nearest location (unless the person chose one).
  useEffect(() => {
    if (!fix || pickedByPerson.current || locations.length < 2) return;
    let best: ClockLocation | null = null;
    let bestD = Infinity;
    for (const l of locations) {
      const d = distanceMeters(fix, l);
      if (d < bestD) [best, bestD] = [l, d];
    }
    if (best) setPicked(best.id);
  }, [fix]);

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

  // Punches made elsewhere (another tab, a kiosk, a manager's correction) arrive on the
  // member's own presence stream: a clock-out closes the shift here; anything else reloads it.
  const entryNow = useRef(entry);
  entryNow.current = entry;
  useEffect(() => {
    if (props.liveAfter === undefined) return;
    const onPresence = (e: PresenceMessage) => {
      const current = entryNow.current;
      if (e.state === "out") {
        if (!current || current.id !== e.entryId) return;
        const end = Date.parse(e.since);
        const closed: ClockEntry = {
          ...current,
          end,
          breaks: current.breaks.map((b) => (b.end === null ? { ...b, end } : b)),
        };
        addClosed(closed, end);
        setNote(`Clocked out at ${clockTime(end, timeZone)}`);
        setEntry(null);
        return;
      }
      if (current && current.id === e.entryId && stateOf(current) === e.state) return;
      void refresh();
    };
    return followPresence(
      `/api/v1/orgs/${encodeURIComponent(orgId)}/live/me`,
      props.liveAfter,
      { presence: onPresence },
    );
  }, []);

  useEffect(() => {
    if (!moveFocus.current) return;
    moveFocus.current = false;
    form.current?.querySelector("button")?.focus();
  }, [state]);

  /** Bumped by every punch answered here: a reload started before one is stale. */
  const punches = useRef(0);

  function apply(json: EntryJson) {
    punches.current++;
    const serverNow = Date.parse(json.updatedAt);
    offset.current = serverNow - Date.now();
    setNow(serverNow);
    const next = fromJson(json);
    if (next.end !== null) {
      addClosed(next, serverNow);
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
    const before = punches.current;
    const res = await fetch(`/api/v1/orgs/${encodeURIComponent(orgId)}/clock`, {
      headers: { accept: "application/json" },
    });
    if (!res.ok) return;
    const body = await res.json() as { entry: EntryJson | null };
    if (punches.current !== before) return;
    setEntry(body.entry ? fromJson(body.entry) : null);
  }

  /** The position to send with a clock-in or clock-out (fresh enough), or null. */
  async function positionFor(): Promise<Fix | null> {
    if (fix && Date.now() - fix.at < FIX_MAX_AGE_MS) return fix;
    if (!geoAllowed.current) return null;
    return await locate();
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
      const payload: Record<string, unknown> = {};
      if (action === "in" || action === "out") {
        const at = await positionFor();
        if (!at && requireLocation && action === "in") return setError(geoProblem(geoNow.current));
        if (at) {
          payload.latitude = at.latitude;
          payload.longitude = at.longitude;
          payload.accuracy = Math.min(100_000, Math.round(at.accuracy * 10) / 10);
        }
      }
      if (action === "in") {
        headers["idempotency-key"] = randomKey();
        if (picked) payload.locationId = picked;
      }
      if (action === "break_start" && breakType) payload.typeId = breakType;
      const res = await fetch(
        `/api/v1/orgs/${encodeURIComponent(orgId)}/clock/${CLOCK_ACTIONS[action].path}`,
        { method: "POST", headers, body: JSON.stringify(payload) },
      );
      const body = await res.json().catch(() => null);
      if (res.ok) return apply(body as EntryJson);
      if (res.status === 422 && body?.error?.code === "outside_geofence") {
        const accuracy = Number(body.error.details?.accuracyMeters ?? 0);
        return setError(
          `${body.error.message}.` +
            (accuracy > 50
              ? ` Your position is only accurate to ±${Math.round(accuracy)} m; ` +
                "stepping outside or near a window may help."
              : ""),
        );
      }
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
  const place = entry?.locationId
    ? locations.find((l) => l.id === entry.locationId)?.name ?? null
    : null;
  const showPicker = state === "out" && locations.length >= 2;
  const showBreakTypes = state === "in" && breakTypes.length > 0;
  const geoLine = geoStatus === "asking"
    ? "Finding your position…"
    : geoStatus === "ok" && fix
    ? `Position found (±${distanceText(fix.accuracy)})`
    : geoStatus === "idle"
    ? (requireLocation ? "Clocking in needs your position; your browser will ask for it." : "")
    : requireLocation
    ? geoProblem(geoStatus)
    : "";

  return (
    <section class="clock" data-state={state} aria-labelledby="clock-status">
      <p id="clock-status" class="clock-status" role="status">
        <span class="dot" aria-hidden="true" />
        {statusText(state, entry, timeZone, note, place)}
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
        {showPicker && (
          <div class="field clock-location">
            <label for="clock-location">Location</label>
            <select
              id="clock-location"
              name="locationId"
              value={picked}
              onChange={(e) => {
                pickedByPerson.current = true;
                setPicked(e.currentTarget.value);
              }}
            >
              <option value="">Automatic (nearest)</option>
              {locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {fix ? `${l.name} · ${distanceText(distanceMeters(fix, l))}` : l.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {showBreakTypes && (
          <div class="field clock-break-type">
            <label for="clock-break-type">Break type</label>
            <select
              id="clock-break-type"
              name="typeId"
              value={breakType}
              onChange={(e) => setBreakType(e.currentTarget.value)}
            >
              <option value="">Unpaid break</option>
              {breakTypes.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.paid ? "paid" : "unpaid"})
                </option>
              ))}
            </select>
          </div>
        )}
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
      {(requireLocation || fix) && (
        <p class="clock-geo hint" aria-live="polite" data-geo={geoStatus}>{geoLine}</p>
      )}
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
