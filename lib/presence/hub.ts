/**
 * One watcher per organization per process, shared by every open live stream of that
 * organization (`GET …/live`, `GET …/live/me`): a `watch` of the organization's `presence_seq`
 * counter (written in the same commit as every punch, `presence.ts`). On each change the watcher
 * lists the presence events after the newest id it has seen — starting
 * {@linkcode PRESENCE_OVERLAP_MS} earlier and skipping ids it already delivered, because ids made
 * by concurrent requests may commit out of id order — and hands them to every subscriber.
 *
 * The watcher starts with the first subscriber of its organization and stops (its watch
 * cancelled) when the last one leaves, so a process holds one `kv.watch` per organization with
 * someone watching, never one per stream.
 *
 * @module
 */

import type { OrgScope } from "../kv/mod.ts";
import { PRESENCE_OVERLAP_MS, PRESENCE_SEQ_PARTS, type PresenceEvent } from "./presence.ts";
import { idFloor, idTime, latestPresenceId, presenceEventsFrom } from "./log.ts";

/** What a subscriber is told. */
export interface PresenceSubscriber {
  /** New events of the organization, in id order within one call. */
  events(events: PresenceEvent[]): void;
  /** The watcher stopped for good (the store closed or failed): end the stream. */
  ended(reason: unknown): void;
}

/** One organization's shared watcher. */
class OrgWatcher {
  readonly subscribers = new Set<PresenceSubscriber>();
  /** Resolves once the watcher knows where the log stood when it started. */
  readonly ready: Promise<void>;
  /** Ids delivered (or present at start) within the overlap window, with their time. */
  readonly #seen = new Map<string, number>();
  #newest: string | null = null;
  #reader: ReadableStreamDefaultReader<unknown> | null = null;
  #stopped = false;

  constructor(readonly scope: OrgScope, private readonly onStop: () => void) {
    this.ready = this.#start();
  }

  async #start(): Promise<void> {
    // Watch first, then read the log: a commit landing between the two is listed by the
    // watch's first wake-up (which comes at once) and, being unseen, delivered.
    this.#reader = this.scope.watch([this.scope.key(...PRESENCE_SEQ_PARTS)]).getReader();
    const newest = await latestPresenceId(this.scope);
    if (newest) {
      for (
        const e of await presenceEventsFrom(
          this.scope,
          idFloor(idTime(newest) - PRESENCE_OVERLAP_MS),
        )
      ) {
        this.#remember(e.id);
      }
    }
    this.#loop();
  }

  async #loop(): Promise<void> {
    try {
      while (!this.#stopped) {
        const { done } = await this.#reader!.read();
        if (done || this.#stopped) break;
        await this.#pull();
      }
    } catch (err) {
      if (!this.#stopped) this.#fail(err);
      return;
    }
    if (!this.#stopped) this.#fail(new Error("the presence watch ended"));
  }

  /** List what is new since the newest id seen and hand it out. */
  async #pull(): Promise<void> {
    const from = this.#newest ? idFloor(idTime(this.#newest) - PRESENCE_OVERLAP_MS) : null;
    const fresh: PresenceEvent[] = [];
    for (const e of await presenceEventsFrom(this.scope, from)) {
      if (this.#seen.has(e.id)) continue;
      this.#remember(e.id);
      fresh.push(e);
    }
    this.#forget();
    if (fresh.length === 0 || this.#stopped) return;
    for (const s of [...this.subscribers]) s.events(fresh);
  }

  #remember(id: string): void {
    this.#seen.set(id, idTime(id));
    if (this.#newest === null || id > this.#newest) this.#newest = id;
  }

  /** Drop ids too old to be listed again. */
  #forget(): void {
    if (this.#newest === null) return;
    const horizon = idTime(this.#newest) - 2 * PRESENCE_OVERLAP_MS;
    for (const [id, t] of this.#seen) if (t < horizon) this.#seen.delete(id);
  }

  #fail(err: unknown): void {
    const subscribers = [...this.subscribers];
    this.stop();
    for (const s of subscribers) s.ended(err);
  }

  /** Cancel the watch; the hub forgets this watcher. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.subscribers.clear();
    this.#reader?.cancel().catch(() => {});
    this.onStop();
  }
}

/**
 * The process's presence watchers, one per organization with subscribers.
 *
 * @example
 * ```ts
 * const hub = new PresenceHub();
 * const leave = await hub.subscribe(scope, {
 *   events: (events) => console.log(events),
 *   ended: () => console.log("watch ended"),
 * });
 * leave(); // the last subscriber leaving stops the organization's watch
 * ```
 */
export class PresenceHub {
  readonly #watchers = new Map<string, OrgWatcher>();

  /**
   * Follow `scope`'s presence events from now on. Resolves, once the organization's watcher has
   * its starting point, to the function that unsubscribes (idempotent). Every event committed
   * after this resolves is delivered exactly once; events committed shortly before may be too.
   */
  async subscribe(scope: OrgScope, subscriber: PresenceSubscriber): Promise<() => void> {
    let watcher = this.#watchers.get(scope.orgId);
    if (!watcher) {
      const made: OrgWatcher = new OrgWatcher(scope, () => {
        if (this.#watchers.get(scope.orgId) === made) this.#watchers.delete(scope.orgId);
      });
      this.#watchers.set(scope.orgId, made);
      watcher = made;
    }
    watcher.subscribers.add(subscriber);
    const leave = () => {
      if (!watcher.subscribers.delete(subscriber)) return;
      if (watcher.subscribers.size === 0) watcher.stop();
    };
    try {
      await watcher.ready;
    } catch (err) {
      leave();
      watcher.stop();
      throw err;
    }
    return leave;
  }

  /** Open subscriptions (of `orgId`, or of every organization). */
  subscriberCount(orgId?: string): number {
    if (orgId !== undefined) return this.#watchers.get(orgId)?.subscribers.size ?? 0;
    let n = 0;
    for (const w of this.#watchers.values()) n += w.subscribers.size;
    return n;
  }

  /** Organizations watched right now (one KV watch each). */
  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Stop every watcher (server shutdown); their subscribers are told it ended. */
  close(): void {
    for (const w of [...this.#watchers.values()]) {
      const subscribers = [...w.subscribers];
      w.stop();
      for (const s of subscribers) s.ended(new Error("the server is shutting down"));
    }
  }
}
