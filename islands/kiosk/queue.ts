/**
 * The kiosk's queue of punches that could not be sent (the device is offline or the server
 * failed): what to do with an answer, and the flush that sends them in order. Storage is a port
 * ({@linkcode QueueStore}): IndexedDB in the browser (`idb_store.ts`), memory in unit tests.
 *
 * The rules, from the kiosk contract:
 * - any 2xx removes the item: `{status: "applied"}` is done, `{status: "conflict"}` was recorded
 *   for managers by the server;
 * - 401 `kiosk_unpaired` keeps everything and stops: the device must be paired again, and the
 *   punches are sent once it is (to the same organization);
 * - 429 keeps the item and stops until the next attempt;
 * - any other 4xx removes the item and reports its error (it will never apply);
 * - 5xx and network failures keep the item and stop (order is kept: the next punch of a member
 *   must not overtake an earlier one).
 *
 * Every item carries its own `idempotencyKey`, so sending one twice (two tabs, a retry after an
 * answer lost on the way back) applies it once on the server.
 *
 * @module
 */

/** What a punch does. */
export type KioskAction = "in" | "out" | "break_start" | "break_end";

/** A punch waiting to be sent, exactly the body it will be sent with plus where it belongs. */
export interface QueuedPunch {
  /** Random UUID; the server applies each key once per device. */
  idempotencyKey: string;
  pin: string;
  action: KioskAction;
  /** When it was punched (ISO 8601, UTC, server-corrected device time). */
  at: string;
  /** The organization the device was paired to when the punch was made. */
  orgId: string;
  /** Order of the queue (epoch ms of queuing; ties keep insertion order). */
  queuedAt: number;
}

/** The answer of `POST /api/v1/kiosk/punch`, or null when the request did not get one. */
export interface PunchAnswer {
  status: number;
  body: unknown;
}

/** What the queue does with an item after an attempt. */
export type Outcome =
  /** 2xx applied: remove. */
  | "applied"
  /** 2xx `{status:"conflict"}`: remove (the server recorded it for managers). */
  | "conflict"
  /** A 4xx that will never apply: remove and report. */
  | "rejected"
  /** 401: keep all, stop until paired again. */
  | "unpaired"
  /** 429, 5xx or no answer: keep, stop until the next attempt. */
  | "retry";

/**
 * Decide what an attempt's answer means for the queued item.
 *
 * @example
 * ```ts
 * outcomeOf({ status: 200, body: { status: "conflict" } }); // "conflict"
 * outcomeOf({ status: 503, body: null }); // "retry"
 * outcomeOf(null); // "retry" (network failure)
 * ```
 */
export function outcomeOf(answer: PunchAnswer | null): Outcome {
  if (!answer) return "retry";
  const { status, body } = answer;
  if (status >= 200 && status < 300) {
    return (body as { status?: unknown } | null)?.status === "conflict" ? "conflict" : "applied";
  }
  if (status === 401) return "unpaired";
  if (status === 429) return "retry";
  if (status >= 400 && status < 500) return "rejected";
  return "retry";
}

/** The error message of an API answer (`{error: {message}}`), or a generic one. */
export function errorMessageOf(answer: PunchAnswer | null): string {
  const message = (answer?.body as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof message === "string" && message) return message;
  return answer ? `The server answered ${answer.status}` : "No answer from the server";
}

/** Where queued punches are kept, in queue order. */
export interface QueueStore {
  /** Every item, oldest first. */
  all(): Promise<QueuedPunch[]>;
  /** Add an item (a key already queued is replaced). */
  add(item: QueuedPunch): Promise<void>;
  /** Remove the item with this key (nothing when absent). */
  remove(idempotencyKey: string): Promise<void>;
}

/** Sort queue items oldest first (stable for equal `queuedAt`). */
export function inQueueOrder(items: readonly QueuedPunch[]): QueuedPunch[] {
  return items.map((item, i) => ({ item, i }))
    .sort((a, b) => a.item.queuedAt - b.item.queuedAt || a.i - b.i)
    .map(({ item }) => item);
}

/** A queue kept in memory (unit tests; browsers without IndexedDB keep the queue per page). */
export class MemoryQueueStore implements QueueStore {
  #items: QueuedPunch[] = [];

  /** Every item, oldest first. */
  all(): Promise<QueuedPunch[]> {
    return Promise.resolve(inQueueOrder(this.#items));
  }

  /** Add an item (a key already queued is replaced). */
  add(item: QueuedPunch): Promise<void> {
    this.#items = this.#items.filter((i) => i.idempotencyKey !== item.idempotencyKey);
    this.#items.push({ ...item });
    return Promise.resolve();
  }

  /** Remove the item with this key. */
  remove(idempotencyKey: string): Promise<void> {
    this.#items = this.#items.filter((i) => i.idempotencyKey !== idempotencyKey);
    return Promise.resolve();
  }
}

/** What one flush did. */
export interface FlushReport {
  applied: number;
  conflicts: number;
  /** Items removed because they will never apply, with the server's message. */
  rejected: { item: QueuedPunch; message: string }[];
  /** Why the flush stopped early (items remain), or null when it emptied what it could. */
  stoppedBy: "unpaired" | "retry" | null;
  /** Items still queued. */
  remaining: number;
}

/** Sends one queued punch; resolves null when no answer came (network failure). */
export type SendPunch = (item: QueuedPunch) => Promise<PunchAnswer | null>;

/**
 * Send the queued punches of organization `orgId` in order until one must wait. Items queued for
 * another organization (the device was paired elsewhere since) are removed as rejected: their
 * PINs mean nothing there, or someone else.
 */
export async function flushQueue(
  store: QueueStore,
  orgId: string,
  send: SendPunch,
): Promise<FlushReport> {
  const report: FlushReport = {
    applied: 0,
    conflicts: 0,
    rejected: [],
    stoppedBy: null,
    remaining: 0,
  };
  const tried = new Set<string>();
  for (;;) {
    const next = (await store.all()).find((i) => !tried.has(i.idempotencyKey));
    if (!next) break;
    tried.add(next.idempotencyKey);
    if (next.orgId !== orgId) {
      await store.remove(next.idempotencyKey);
      report.rejected.push({
        item: next,
        message: "Saved while this device was paired to another organization; not sent",
      });
      continue;
    }
    let answer: PunchAnswer | null;
    try {
      answer = await send(next);
    } catch {
      answer = null;
    }
    const outcome = outcomeOf(answer);
    if (outcome === "unpaired" || outcome === "retry") {
      report.stoppedBy = outcome;
      break;
    }
    await store.remove(next.idempotencyKey);
    if (outcome === "applied") report.applied++;
    else if (outcome === "conflict") report.conflicts++;
    else report.rejected.push({ item: next, message: errorMessageOf(answer) });
  }
  report.remaining = (await store.all()).length;
  return report;
}

/** Runs `task` while holding a lock shared by every tab of this origin (Web Locks), if any. */
export type WithLock = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Runs flushes one at a time: a flush asked for while one runs joins it (gets its report)
 * instead of starting a second sender, and `withLock` keeps other tabs' flushers out.
 */
export class Flusher {
  #running: Promise<FlushReport> | null = null;

  /** @param run one flush (usually {@linkcode flushQueue} with its store and sender) */
  constructor(
    private readonly run: () => Promise<FlushReport>,
    private readonly withLock: WithLock = (task) => task(),
  ) {}

  /** Flush now, or join the flush that is running. */
  flush(): Promise<FlushReport> {
    if (!this.#running) {
      this.#running = this.withLock(this.run).finally(() => {
        this.#running = null;
      });
    }
    return this.#running;
  }
}
