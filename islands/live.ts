/**
 * The browser side of the live board: follow a presence stream (`GET …/live` or `…/live/me`)
 * with `EventSource`, which reconnects by itself and sends `Last-Event-ID` when it does. Shared
 * by the Team board and the clock islands; it only talks HTTP (no `lib/` imports).
 *
 * @module
 */

/** A presence event as the stream sends it. */
export interface PresenceMessage {
  /** The event id (`Last-Event-ID` resumes after it). */
  id: string;
  userId: string;
  state: "in" | "break" | "out";
  /** ISO 8601 UTC. */
  since: string;
  entryId: string | null;
}

/** Where the connection stands, for a small status line. */
export type LiveStatus = "connecting" | "live" | "reconnecting" | "stopped";

/** What {@linkcode followPresence} reports. */
export interface PresenceHandlers {
  presence(event: PresenceMessage): void;
  /** The server cannot resume where this page stood: reload the snapshot. */
  reset?(lastEventId: string): void;
  status?(status: LiveStatus): void;
}

/**
 * Open `url` (with `?lastEventId=` when `after` is given: the page's own resume point) and
 * report its events until the returned function is called. A browser without `EventSource`
 * keeps the server-rendered page as it is.
 */
export function followPresence(
  url: string,
  after: string | null,
  handlers: PresenceHandlers,
): () => void {
  if (typeof EventSource === "undefined") {
    handlers.status?.("stopped");
    return () => {};
  }
  const full = after ? `${url}?lastEventId=${encodeURIComponent(after)}` : url;
  const source = new EventSource(full);
  handlers.status?.("connecting");
  source.addEventListener("open", () => handlers.status?.("live"));
  source.addEventListener("error", () => {
    // CLOSED: the server refused (signed out, no longer a manager); else the browser retries.
    handlers.status?.(source.readyState === EventSource.CLOSED ? "stopped" : "reconnecting");
  });
  source.addEventListener("presence", (e) => {
    const m = e as MessageEvent<string>;
    try {
      handlers.presence({ ...JSON.parse(m.data), id: m.lastEventId });
    } catch {
      // a malformed event is skipped
    }
  });
  source.addEventListener(
    "reset",
    (e) => handlers.reset?.((e as MessageEvent<string>).lastEventId),
  );
  return () => source.close();
}
