/**
 * The live team board over server-sent events: `GET …/live` (the organization's presence, for
 * managers and admins), `GET …/live/me` (the acting member's own) and `GET …/live/snapshot` (the
 * board to start from). A stream is parse → open the feed use case → write its items as SSE:
 *
 * ```text
 * retry: 2000
 *
 * id: 01JD…
 * event: presence
 * data: {"userId":"…","state":"in","since":"2026-11-02T08:00:00.000Z","entryId":"…"}
 *
 * : keepalive
 * ```
 *
 * Refusals (401, 403, 404, 400) are answered as JSON before any stream starts. A stream ends
 * when the client disconnects (its feed leaves the organization's shared watcher), when the
 * client reads too slowly ({@linkcode MAX_QUEUED} events waiting: it reconnects with
 * `Last-Event-ID` and misses nothing), or when the watcher stops.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppDeps, AppEnv } from "../context.ts";
import { readQuery, validate } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import { PresenceHub } from "../../lib/presence/hub.ts";
import { liveFeedInput, liveSnapshotQuery } from "../../lib/presence/schemas.ts";
import {
  type FeedItem,
  type FeedSink,
  type LiveFeed,
  liveSnapshotUseCase,
  openOwnFeedUseCase,
  openTeamFeedUseCase,
} from "../../lib/presence/use_cases.ts";
import type { RequestContext } from "../../lib/context.ts";
import type { LiveFeedInput } from "../../lib/presence/schemas.ts";

/** A comment line every so often keeps proxies and the browser from closing an idle stream. */
export const KEEPALIVE_MS = 15_000;
/** How long a browser waits before reconnecting (the stream's `retry:`). */
export const RETRY_MS = 2_000;
/** Chunks a stream may hold for a slow client before it is closed (the client resumes). */
export const MAX_QUEUED = 1_000;

const HUBS = new WeakMap<AppDeps, PresenceHub>();

/**
 * The presence hub of the app built from `deps` (one per app, so one watcher per organization per
 * process); tests read its subscriber count.
 */
export function presenceHub(deps: AppDeps): PresenceHub {
  let hub = HUBS.get(deps);
  if (!hub) HUBS.set(deps, hub = new PresenceHub());
  return hub;
}

/** One item as SSE text. */
function frame(item: FeedItem): string {
  if (item.kind === "reset") {
    return `id: ${item.lastEventId}\nevent: reset\ndata: ${
      JSON.stringify({ lastEventId: item.lastEventId })
    }\n\n`;
  }
  const { id, userId, state, since, entryId } = item.event;
  return `id: ${id}\nevent: presence\ndata: ${
    JSON.stringify({ userId, state, since, entryId })
  }\n\n`;
}

type OpenFeed = (
  ctx: RequestContext,
  hub: PresenceHub,
  input: LiveFeedInput,
  sink: FeedSink,
) => Promise<LiveFeed>;

/** Answer with the event stream of the feed `open` makes (or its refusal, as JSON). */
async function eventStream(c: AppContext, open: OpenFeed): Promise<Response> {
  const query = readQuery(c, liveFeedInput);
  const header = c.req.header("last-event-id");
  const input = header === undefined ? query : validate(liveFeedInput, { lastEventId: header });
  const ctx = requestContext(c);
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let feed: LiveFeed | null = null;
  const keepalive: { timer?: ReturnType<typeof setInterval> } = {};
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(keepalive.timer);
    feed?.close();
    try {
      controller.close();
    } catch { /* already closed or cancelled */ }
  };
  const write = (text: string) => {
    if (done) return;
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED) return finish();
    controller.enqueue(encoder.encode(text));
  };
  const body = new ReadableStream<Uint8Array>({
    start: (ctrl) => {
      controller = ctrl;
    },
    cancel: finish,
  });
  write(`retry: ${RETRY_MS}\n\n`);
  feed = await open(ctx, presenceHub(c.get("deps")), input, {
    push: (item) => write(frame(item)),
    end: finish,
  });
  if (done) feed.close();
  else keepalive.timer = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
  return c.body(body, 200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no",
  });
}

/** Routes mounted at `/api/v1/orgs/:orgId/live` (after `requireOrg`). */
export const liveApi = new Hono<AppEnv>()
  .get("/", (c) => eventStream(c, openTeamFeedUseCase))
  .get("/me", (c) => eventStream(c, openOwnFeedUseCase))
  .get("/snapshot", async (c) => {
    readQuery(c, liveSnapshotQuery);
    return c.json(await liveSnapshotUseCase(requestContext(c)));
  });
