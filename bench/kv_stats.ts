/**
 * Counting what a server asks of Deno KV, for profiling only: patches `Deno.Kv` and
 * `Deno.AtomicOperation` in the current process so every `get`, `getMany`, `list` and `commit`
 * is counted and the time spent waiting for it is summed.
 *
 * @module
 */

/** Totals since the last reset. */
export interface KvStats {
  /** Requests served. */
  requests: number;
  /** Wall time inside the request handler, summed over requests (ms). */
  handlerMs: number;
  /** Calls per operation (`list` counts one per listing, however many batches). */
  calls: Record<string, number>;
  /** Time spent waiting for each operation, summed (ms). */
  waitMs: Record<string, number>;
}

function empty(): KvStats {
  return { requests: 0, handlerMs: 0, calls: {}, waitMs: {} };
}

/**
 * Patch KV in this process and return a reader of the totals (reading resets them). Call it
 * before opening the store.
 */
export function instrumentKv(): { take(): KvStats; record(ms: number): void } {
  let stats = empty();
  const note = (op: string, ms: number) => {
    stats.calls[op] = (stats.calls[op] ?? 0) + 1;
    stats.waitMs[op] = (stats.waitMs[op] ?? 0) + ms;
  };
  const timed = <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    async function (this: unknown, ...args: A): Promise<R> {
      const t = performance.now();
      try {
        return await fn.apply(this, args);
      } finally {
        note(op, performance.now() - t);
      }
    };
  const kv = Deno.Kv.prototype;
  kv.get = timed("get", kv.get) as typeof kv.get;
  kv.getMany = timed("getMany", kv.getMany) as typeof kv.getMany;
  const atomic = Deno.AtomicOperation.prototype;
  atomic.commit = timed("commit", atomic.commit);
  const list = kv.list;
  kv.list = function <T>(this: Deno.Kv, ...args: Parameters<Deno.Kv["list"]>) {
    const iter = list.apply(this, args) as Deno.KvListIterator<T>;
    stats.calls.list = (stats.calls.list ?? 0) + 1;
    const next = iter.next.bind(iter);
    iter.next = async () => {
      const t = performance.now();
      try {
        return await next();
      } finally {
        stats.waitMs.list = (stats.waitMs.list ?? 0) + performance.now() - t;
      }
    };
    return iter;
  };
  return {
    take() {
      const s = stats;
      stats = empty();
      return s;
    },
    record(ms: number) {
      stats.requests++;
      stats.handlerMs += ms;
    },
  };
}
