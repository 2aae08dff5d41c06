/**
 * A small server-sent events client for tests and the live bench: opens a stream with `fetch`
 * (cookies or a Bearer key, `Last-Event-ID`), parses it per the HTML standard's rules (fields
 * `id`, `event`, `data`, `retry`; comment lines) and hands out events one by one.
 *
 * @module
 */

/** One dispatched event (or a comment, `event: ":"`, kept so tests can see keepalives). */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
  /** When the event's last line arrived (performance.now()). */
  at: number;
}

/** An open stream. */
export interface SseStream {
  /** The answer's status and headers (a refusal's JSON body is in `errorBody`). */
  status: number;
  headers: Headers;
  errorBody: unknown;
  /** The `retry:` value received, if any. */
  retry(): number | null;
  /** The next event (comments skipped unless `comments`), or throws after `timeoutMs`. */
  next(timeoutMs?: number, comments?: boolean): Promise<SseEvent>;
  /** Events that arrive within `ms` (none expected: an empty list). */
  drain(ms: number): Promise<SseEvent[]>;
  /** Disconnect. */
  close(): Promise<void>;
}

/** Open `url` as an event stream with `headers` (cookie, authorization, last-event-id). */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  const queue: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let retry: number | null = null;
  let ended = false;
  let errorBody: unknown = null;
  const wake = () => waiters.splice(0).forEach((w) => w());
  if (!/^text\/event-stream/.test(res.headers.get("content-type") ?? "")) {
    const text = await res.text();
    try {
      errorBody = JSON.parse(text);
    } catch {
      errorBody = text;
    }
    ended = true;
  } else {
    (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      let id: string | null = null;
      let event = "";
      let data: string[] = [];
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let nl: number;
          while ((nl = buf.search(/\r\n|\n|\r/)) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
            if (line === "") {
              if (data.length) {
                queue.push({
                  id,
                  event: event || "message",
                  data: data.join("\n"),
                  at: performance.now(),
                });
                wake();
              }
              event = "";
              data = [];
              continue;
            }
            if (line.startsWith(":")) {
              queue.push({
                id: null,
                event: ":",
                data: line.slice(1).trim(),
                at: performance.now(),
              });
              wake();
              continue;
            }
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "id") id = val;
            else if (field === "event") event = val;
            else if (field === "data") data.push(val);
            else if (field === "retry" && /^\d+$/.test(val)) retry = Number(val);
          }
        }
      } catch {
        // aborted
      } finally {
        ended = true;
        wake();
      }
    })();
  }

  async function take(timeoutMs: number, comments: boolean): Promise<SseEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = queue.findIndex((e) => comments || e.event !== ":");
      if (i >= 0) {
        const [e] = queue.splice(0, i + 1).slice(-1);
        return e;
      }
      if (ended) throw new Error("the stream ended");
      const left = deadline - Date.now();
      if (left <= 0) return null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((r) => {
        waiters.push(r);
        timer = setTimeout(r, left);
      });
      clearTimeout(timer);
    }
  }

  return {
    status: res.status,
    headers: res.headers,
    errorBody,
    retry: () => retry,
    async next(timeoutMs = 5_000, comments = false) {
      const e = await take(timeoutMs, comments);
      if (!e) throw new Error(`no event within ${timeoutMs} ms`);
      return e;
    },
    async drain(ms) {
      const out: SseEvent[] = [];
      const deadline = Date.now() + ms;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) return out;
        try {
          const e = await take(left, false);
          if (!e) return out;
          out.push(e);
        } catch {
          return out;
        }
      }
    },
    async close() {
      abort.abort();
      await res.body?.cancel().catch(() => {});
    },
  };
}

/** The cookie header of a test client's jar. */
export function cookieHeader(cookies: Map<string, string>): Record<string, string> {
  return { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
}
