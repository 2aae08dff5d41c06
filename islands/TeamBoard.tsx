/**
 * The Team page's board: who is working, on a break or out, with how long each has been so.
 * Rendered by the server with the state from the store (and without JavaScript that is all);
 * hydrated, it follows the organization's presence stream (`GET …/live`, from the resume point
 * read before the board) and applies each event without reloading, the durations ticking each
 * second. A `reset` (the stream could not resume) reloads the board from `GET …/live/snapshot`.
 *
 * @module
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { clockTime, durationWords, hmmss } from "../components/format.ts";
import { followPresence, type LiveStatus, type PresenceMessage } from "./live.ts";

/** Where a member stands. */
export type BoardState = "in" | "break" | "out";

/** A member's line (epoch ms). */
export interface BoardRow {
  id: string;
  name: string;
  role: string;
  state: BoardState;
  /** When the state began, when in or on a break; null when out. */
  since: number | null;
}

/** Props of {@linkcode TeamBoard} (JSON data, serialized into the page). */
export interface TeamBoardProps {
  orgId: string;
  timeZone: string;
  /** Today's local date, for the week links. */
  date: string;
  /** The server's clock when the page was rendered (epoch ms). */
  serverNow: number;
  /** Where the live stream continues from (read before the rows). */
  lastEventId: string;
  rows: BoardRow[];
}

const STATE_LABEL = { in: "Working", break: "On a break", out: "Clocked out" } as const;
const ORDER: Record<BoardState, number> = { in: 0, break: 1, out: 2 };
const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: "Connecting to live updates…",
  live: "Live",
  reconnecting: "Reconnecting…",
  stopped: "Live updates stopped; reload the page to see changes.",
};

function sorted(rows: BoardRow[]): BoardRow[] {
  return [...rows].sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.name.localeCompare(b.name));
}

/** The board with one presence event applied (unknown members: unchanged, null). */
export function applyPresence(rows: BoardRow[], e: PresenceMessage): BoardRow[] | null {
  if (!rows.some((r) => r.id === e.userId)) return null;
  return sorted(
    rows.map((r) =>
      r.id === e.userId
        ? { ...r, state: e.state, since: e.state === "out" ? null : Date.parse(e.since) }
        : r
    ),
  );
}

interface SnapshotRow {
  userId: string;
  name: string;
  role: string;
  state: BoardState;
  since: string | null;
}

/** Who is in, on a break or out, live. */
export function TeamBoard(props: TeamBoardProps) {
  const { orgId, timeZone, date } = props;
  const [rows, setRowsState] = useState<BoardRow[]>(props.rows);
  /** The rows as last set, for handlers made before the latest render. */
  const rowsNow = useRef(props.rows);
  const setRows = (next: BoardRow[]) => {
    rowsNow.current = next;
    setRowsState(next);
  };
  const [now, setNow] = useState(props.serverNow);
  const [status, setStatus] = useState<LiveStatus | null>(null);
  const offset = useRef(0);
  /** Newest event id applied per member: an older one arriving late is ignored. */
  const applied = useRef(new Map<string, string>());

  useEffect(() => {
    offset.current = props.serverNow - Date.now();
    const timer = setInterval(() => setNow(Date.now() + offset.current), 1000);
    const api = `/api/v1/orgs/${encodeURIComponent(orgId)}/live`;
    let loading: PresenceMessage[] | null = null;
    const apply = (e: PresenceMessage) => {
      if (loading) return void loading.push(e);
      if ((applied.current.get(e.userId) ?? "") >= e.id) return;
      applied.current.set(e.userId, e.id);
      const next = applyPresence(rowsNow.current, e);
      if (next) setRows(next);
      else void reload(); // a member the page did not know: reload names and roles
    };
    /** Replace the board with a fresh snapshot; events arriving meanwhile are applied after. */
    const reload = async () => {
      if (loading) return;
      loading = [];
      try {
        const res = await fetch(`${api}/snapshot`, { headers: { accept: "application/json" } });
        if (res.ok) {
          const body = await res.json() as { data: SnapshotRow[]; lastEventId: string };
          applied.current.clear();
          setRows(sorted(body.data.map((r) => ({
            id: r.userId,
            name: r.name,
            role: r.role,
            state: r.state,
            since: r.since === null ? null : Date.parse(r.since),
          }))));
        }
      } catch {
        // keep the board; the next event or reset tries again
      } finally {
        const waiting = loading ?? [];
        loading = null;
        waiting.forEach(apply);
      }
    };
    const stop = followPresence(api, props.lastEventId, {
      presence: apply,
      reset: () => void reload(),
      status: setStatus,
    });
    return () => {
      clearInterval(timer);
      stop();
    };
  }, []);

  const count = (s: BoardState) => rows.filter((r) => r.state === s).length;
  return (
    <div class="team-board" data-live={status ?? "off"}>
      {status && (
        <p class="live-status hint" role="status" data-live-status={status}>
          <span class="dot" aria-hidden="true" /> {STATUS_TEXT[status]}
        </p>
      )}
      <ul class="stats" aria-label="Summary">
        <li data-state="in">
          <strong>{count("in")}</strong> working
        </li>
        <li data-state="break">
          <strong>{count("break")}</strong> on a break
        </li>
        <li data-state="out">
          <strong>{count("out")}</strong> out
        </li>
      </ul>
      <ul class="team" aria-label="Members">
        {rows.map((r) => {
          const seconds = r.since === null ? 0 : Math.max(0, Math.floor((now - r.since) / 1000));
          return (
            <li key={r.id} class="team-row" data-state={r.state} data-user-id={r.id}>
              <div class="team-who">
                <span class="team-name">{r.name}</span>
                <span class="team-role">{r.role}</span>
              </div>
              <p class="team-state">
                <span class={`badge badge-${r.state}`}>{STATE_LABEL[r.state]}</span>
                {r.since !== null && (
                  <span class="since">
                    since{" "}
                    <time datetime={new Date(r.since).toISOString()}>
                      {clockTime(r.since, timeZone)}
                    </time>{" "}
                    · <span class="team-for" title={durationWords(seconds)}>{hmmss(seconds)}</span>
                  </span>
                )}
              </p>
              <a class="btn btn-quiet btn-small" href={`/o/${orgId}/team/${r.id}?date=${date}`}>
                Week<span class="visually-hidden">{` of ${r.name}`}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
