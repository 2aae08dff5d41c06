/**
 * Group commit: atomic operations that are committed while another commit is in flight (or in
 * the same tick) are packed into one `Deno.AtomicOperation`, the way PostgreSQL packs concurrent
 * transactions into one WAL flush. On this machine one commit costs about the same whether it
 * carries one logical change or twenty-five (issue #11: 2,100 vs 18,800 changes/s), so packing
 * is how throughput grows with concurrency.
 *
 * Packing is safe only for operations that do not touch: a member may join a batch when no key
 * it checks, sets or deletes is set or deleted by another member, and no key it sums is set,
 * deleted or checked by another (sums on the same key commute, so they pack). The packed
 * operation also stays within Deno KV's limits (checks, mutations, total and key bytes;
 * remote backends allow fewer checks: {@linkcode GroupCommitOptions.maxChecks}).
 *
 * Outcomes are exactly those of committing alone: a packed commit whose check fails (or that the
 * backend refuses for its size) applies nothing, and its members are then committed one by one,
 * so only the member whose check really failed sees `null`. A caller's promise settles only
 * after its batch is durable (the backend's commit returned). Members of one packed commit share
 * its versionstamp; nothing in ClockFlow orders by versionstamp (audit records, cursors and
 * idempotency records are keyed by time-ordered ids).
 *
 * Up to {@linkcode GroupCommitOptions.maxInFlight} batches are in flight per store, and a batch
 * never touches a key of another batch in flight, so they commute; operations that conflict with
 * the batch being formed (or one in flight) wait for a later one, and an operation never
 * overtakes an earlier conflicting one (keys touched by a waiting member are reserved), so
 * per-key arrival order is kept.
 *
 * @module
 */

/** One mutation, as recorded by `Atomic`. */
export type Mutation =
  | { type: "set"; key: Deno.KvKey; value: unknown; expireIn?: number }
  | { type: "delete"; key: Deno.KvKey }
  | { type: "sum"; key: Deno.KvKey; n: bigint };

/** A recorded atomic operation: its checks and mutations, in order. */
export interface RecordedOp {
  checks: { key: Deno.KvKey; versionstamp: string | null }[];
  mutations: Mutation[];
}

/** How the committer packs. */
export interface GroupCommitOptions {
  /** Pack concurrent commits (false: every operation commits alone, as before). */
  enabled: boolean;
  /** Checks per atomic operation the backend accepts (100 locally, 10 over KV Connect). */
  maxChecks: number;
  /** Mutations per atomic operation (Deno KV: 1,000). */
  maxMutations: number;
  /** Estimated bytes of keys and values per packed operation (Deno KV refuses above 800 KiB). */
  maxBytes: number;
  /** Bytes of keys per packed operation (Deno KV: 80 KiB). */
  maxKeyBytes: number;
  /** Members per packed operation. */
  maxMembers: number;
  /** Batches committed at once (they never touch each other's keys). */
  maxInFlight: number;
}

/** Defaults for the local SQLite backend. */
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = {
  enabled: true,
  maxChecks: 100,
  maxMutations: 1000,
  maxBytes: 600 * 1024,
  maxKeyBytes: 64 * 1024,
  maxMembers: 64,
  maxInFlight: 4,
};

/** What happened to each commit (for tests and benchmarks). */
export interface GroupCommitStats {
  /** Backend commits made. */
  commits: number;
  /** Logical operations committed (accepted or refused). */
  operations: number;
  /** Packed commits (two members or more) that were refused and retried one by one. */
  unpacked: number;
}

interface Pending {
  op: RecordedOp;
  /** Key strings this member sets or deletes, sums, and checks. */
  writes: Set<string>;
  sums: Set<string>;
  checks: Set<string>;
  bytes: number;
  keyBytes: number;
  resolve: (versionstamp: string | null) => void;
  reject: (err: unknown) => void;
}

/** A committer bound to one `Deno.Kv` handle. */
export class GroupCommitter {
  readonly #kv: Deno.Kv;
  readonly #options: GroupCommitOptions;
  readonly #commitOnce: (
    op: Deno.AtomicOperation,
  ) => Promise<Deno.KvCommitResult | Deno.KvCommitError>;
  #queue: Pending[] = [];
  #draining = false;
  #inFlight = 0;
  /** Keys of the batches in flight, with how many batches hold each. */
  readonly #busy = new Map<string, number>();
  /** Counters since the store opened. */
  readonly stats: GroupCommitStats = { commits: 0, operations: 0, unpacked: 0 };
  /**
   * Test hook: called for every backend commit that settled its members, in commit order, with
   * whether they were applied (a packed commit that failed is not reported: its members are then
   * reported one by one).
   */
  onCommitted?: (ops: RecordedOp[], applied: boolean) => void;

  /**
   * @param kv the writing handle
   * @param options packing limits
   * @param commitOnce commits one backend operation (the store's retry of "database is locked")
   */
  constructor(
    kv: Deno.Kv,
    options: GroupCommitOptions,
    commitOnce: (op: Deno.AtomicOperation) => Promise<Deno.KvCommitResult | Deno.KvCommitError>,
  ) {
    this.#kv = kv;
    this.#options = options;
    this.#commitOnce = commitOnce;
  }

  /** Commit `op` (packed with concurrent ones when possible): its versionstamp, or null. */
  commit(op: RecordedOp): Promise<string | null> {
    if (!this.#options.enabled) return this.#alone(op);
    return new Promise((resolve, reject) => {
      this.#queue.push(analyze(op, resolve, reject));
      if (!this.#draining) this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    // Operations committed in the same tick as this one join its batch.
    await Promise.resolve();
    this.#draining = false;
    this.#launch();
  }

  /**
   * Start batches while fewer than {@linkcode GroupCommitOptions.maxInFlight} are in flight. A
   * batch never touches a key of a batch still in flight (those keys are reserved), so batches in
   * flight together commute and the backend may apply them in any order; pipelining them keeps
   * the database busy while JavaScript settles the previous batch.
   */
  #launch(): void {
    while (this.#queue.length && this.#inFlight < this.#options.maxInFlight) {
      const batch = this.#takeBatch();
      if (batch.length === 0) return;
      this.#inFlight++;
      const keys = batch.flatMap((p) => [...p.writes, ...p.sums, ...p.checks]);
      for (const k of keys) this.#busy.set(k, (this.#busy.get(k) ?? 0) + 1);
      const run = batch.length === 1 ? this.#settleAlone(batch[0]) : this.#commitPacked(batch);
      run.finally(() => {
        this.#inFlight--;
        for (const k of keys) {
          const n = this.#busy.get(k)! - 1;
          if (n === 0) this.#busy.delete(k);
          else this.#busy.set(k, n);
        }
        this.#launch();
      });
    }
  }

  /** The next batch: compatible members in arrival order, within the limits. */
  #takeBatch(): Pending[] {
    const o = this.#options;
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const writes = new Set<string>();
    const sums = new Set<string>();
    const checks = new Set<string>();
    /** Keys of members left waiting: later members touching them wait too. */
    const reserved = new Set<string>();
    const busy = this.#busy;
    let nChecks = 0, nMutations = 0, bytes = 0, keyBytes = 0;
    for (const p of this.#queue) {
      const fits = batch.length < o.maxMembers &&
        nChecks + p.op.checks.length <= o.maxChecks &&
        nMutations + p.op.mutations.length <= o.maxMutations &&
        bytes + p.bytes <= o.maxBytes &&
        keyBytes + p.keyBytes <= o.maxKeyBytes;
      const inFlightTouched = busy.size > 0 && (touchesMap(p.writes, busy) ||
        touchesMap(p.sums, busy) || touchesMap(p.checks, busy));
      const compatible = !inFlightTouched && (batch.length === 0 || (fits &&
        !touches(p.writes, writes, sums, checks) &&
        !touches(p.sums, writes, null, checks) &&
        !touches(p.checks, writes, sums, null) &&
        !touchesAny(p, reserved)));
      if (!compatible) {
        rest.push(p);
        for (const k of p.writes) reserved.add(k);
        for (const k of p.sums) reserved.add(k);
        for (const k of p.checks) reserved.add(k);
        continue;
      }
      batch.push(p);
      for (const k of p.writes) writes.add(k);
      for (const k of p.sums) sums.add(k);
      for (const k of p.checks) checks.add(k);
      nChecks += p.op.checks.length;
      nMutations += p.op.mutations.length;
      bytes += p.bytes;
      keyBytes += p.keyBytes;
    }
    this.#queue = rest;
    return batch;
  }

  async #commitPacked(batch: Pending[]): Promise<void> {
    const packed = this.#kv.atomic();
    for (const p of batch) apply(packed, p.op);
    let result: Deno.KvCommitResult | Deno.KvCommitError | null = null;
    try {
      result = await this.#commitOnce(packed);
    } catch {
      // Refused as a whole (its size, a backend limit): nothing was applied; go one by one.
    }
    if (result?.ok) {
      this.stats.commits++;
      this.stats.operations += batch.length;
      this.onCommitted?.(batch.map((p) => p.op), true);
      for (const p of batch) p.resolve(result.versionstamp);
      return;
    }
    // A check failed (or the backend refused the packed size): nothing of it was applied.
    // Committed alone, each member gets exactly the outcome it would have had.
    this.stats.unpacked++;
    for (const p of batch) await this.#settleAlone(p);
  }

  async #settleAlone(p: Pending): Promise<void> {
    try {
      p.resolve(await this.#alone(p.op));
    } catch (err) {
      p.reject(err);
    }
  }

  async #alone(op: RecordedOp): Promise<string | null> {
    const atomic = this.#kv.atomic();
    apply(atomic, op);
    const result = await this.#commitOnce(atomic);
    this.stats.commits++;
    this.stats.operations++;
    this.onCommitted?.([op], result.ok);
    return result.ok ? result.versionstamp : null;
  }
}

/** Add `op`'s checks and mutations to `atomic`. */
function apply(atomic: Deno.AtomicOperation, op: RecordedOp): void {
  for (const c of op.checks) atomic.check(c);
  for (const m of op.mutations) {
    if (m.type === "set") {
      atomic.set(m.key, m.value, m.expireIn === undefined ? undefined : { expireIn: m.expireIn });
    } else if (m.type === "delete") atomic.delete(m.key);
    else atomic.sum(m.key, m.n);
  }
}

function touches(
  mine: Set<string>,
  a: Set<string> | null,
  b: Set<string> | null,
  c: Set<string> | null,
): boolean {
  for (const k of mine) {
    if (a?.has(k) || b?.has(k) || c?.has(k)) return true;
  }
  return false;
}

function touchesMap(mine: Set<string>, busy: Map<string, number>): boolean {
  for (const k of mine) if (busy.has(k)) return true;
  return false;
}

function touchesAny(p: Pending, reserved: Set<string>): boolean {
  if (reserved.size === 0) return false;
  return touches(p.writes, reserved, null, null) || touches(p.sums, reserved, null, null) ||
    touches(p.checks, reserved, null, null);
}

function analyze(
  op: RecordedOp,
  resolve: Pending["resolve"],
  reject: Pending["reject"],
): Pending {
  const writes = new Set<string>();
  const sums = new Set<string>();
  const checks = new Set<string>();
  let bytes = 0;
  let keyBytes = 0;
  for (const c of op.checks) {
    const k = keyString(c.key);
    checks.add(k);
    keyBytes += k.length;
  }
  for (const m of op.mutations) {
    const k = keyString(m.key);
    keyBytes += k.length;
    bytes += k.length;
    if (m.type === "sum") sums.add(k);
    else writes.add(k);
    if (m.type === "set") bytes += valueBytes(m.value);
  }
  return { op, writes, sums, checks, bytes: bytes + keyBytes, keyBytes, resolve, reject };
}

/** A stable text form of a key (for sets of keys; also a size estimate). */
export function keyString(key: Deno.KvKey): string {
  let out = "";
  for (const part of key) {
    if (typeof part === "string") out += `s${part.length}:${part}`;
    else if (typeof part === "number") out += `n:${part};`;
    else if (typeof part === "bigint") out += `b:${part};`;
    else if (typeof part === "boolean") out += part ? "t;" : "f;";
    else if (part instanceof Uint8Array) {
      out += `u${part.length}:${Array.from(part, (x) => x.toString(16)).join(",")};`;
    } else out += `y:${String(part)};`;
  }
  return out;
}

/**
 * A cheap estimate of a value's serialized size, without serializing it: bytes for byte arrays,
 * UTF-16 for strings, and 1 KiB for any other object (ClockFlow's records are smaller; a value
 * is at most 64 KiB in any case). An underestimate only means the backend refuses the packed
 * operation for its size, and its members are then committed one by one.
 */
export function valueBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength + 16;
  if (typeof value === "string") return 2 * value.length + 16;
  if (value !== null && typeof value === "object") return 1024;
  return 16;
}
