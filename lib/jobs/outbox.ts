/**
 * The transactional outbox: a job is written into the same atomic commit as the change that
 * causes it (`["outbox", jobId]`), so it exists exactly when the change does, and a dispatcher
 * hands it to the transport (KV queue, QStash, inline) after the commit. A job whose hand-off
 * fails is tried again with backoff; after {@linkcode MAX_HANDOFFS} failures it becomes a dead
 * letter (`["dead_job", jobId]`), listed for operators with a retry.
 *
 * Each outbox record is claimed with a short lease before it is handed off, so concurrent
 * dispatchers (every request that caused a job, the periodic sweep, other processes) hand each
 * job off once; a process that dies holding a lease leaves the job to the next sweep. A job can
 * still reach a transport twice (a crash after the hand-off, before the delete): handlers are
 * idempotent by job id.
 *
 * @module
 */

import { type Atomic, globalKeys, type Store } from "../kv/mod.ts";
import { isJob, type Job, type JobTransport } from "./jobs.ts";

/** An outbox record. */
interface OutboxRecord {
  job: Job;
  /** Failed hand-offs so far. */
  attempts: number;
  /** While in the future, one dispatcher holds the job. */
  leaseUntil: number;
  lastError: string | null;
  /** Epoch ms before which the job must not run (the transport delays it); 0 for now. */
  notBefore?: number;
}

/** A job that could not be delivered, as operators see it. */
export interface DeadJob {
  job: Job;
  error: string | null;
  failedAt: number | null;
}

/** A job waiting in the outbox, as operators see it. */
export interface PendingJob {
  job: Job;
  attempts: number;
  lastError: string | null;
}

/** How long a claim holds a job. */
export const LEASE_MS = 60_000;
/** Hand-offs tried before a job becomes a dead letter. */
export const MAX_HANDOFFS = 5;
const BACKOFF_MS = [1_000, 10_000, 60_000, 600_000];

/** What a use case uses: add jobs to its commit, then dispatch them. */
export interface JobPort {
  /**
   * Add `job` to `op`: it exists (and will run) only if `op` commits. With `delayMs` it runs
   * no sooner than that long after `now` (a retry schedule, a reminder).
   */
  add(op: Atomic, job: Job, options?: { delayMs?: number }): void;
  /** Hand the jobs added so far to the transport (call after the commit; never throws). */
  dispatch(): Promise<void>;
}

/**
 * The outbox of one store and its transport.
 *
 * @example
 * ```ts
 * const outbox = new Outbox(store, transport, Date.now);
 * const jobs = outbox.port();
 * const op = scope.atomic().set(...);
 * jobs.add(op, sendMailJob(scope.orgId, mail));
 * if (await op.commit()) await jobs.dispatch();
 * ```
 */
export class Outbox {
  constructor(
    readonly store: Store,
    readonly transport: JobTransport,
    readonly now: () => number,
  ) {}

  /** A port for one unit of work (a request or a job run). */
  port(): JobPort {
    const added: string[] = [];
    return {
      add: (op, job, options = {}) => {
        const notBefore = options.delayMs ? this.now() + options.delayMs : 0;
        const record: OutboxRecord = {
          job,
          attempts: 0,
          leaseUntil: 0,
          lastError: null,
          notBefore,
        };
        op.set(globalKeys.outbox(job.id), record);
        added.push(job.id);
      },
      dispatch: async () => {
        const ids = added.splice(0);
        for (const id of ids) await this.#deliver(id);
      },
    };
  }

  /** Hand off every job waiting in the outbox whose lease is free (the periodic sweep). */
  async sweep(): Promise<number> {
    let n = 0;
    for await (const e of this.store.list<OutboxRecord>(globalKeys.outbox())) {
      if (await this.#deliver(e.key[1] as string)) n++;
    }
    return n;
  }

  /** Jobs waiting in the outbox (for operators). */
  async pending(limit = 100): Promise<PendingJob[]> {
    const out: PendingJob[] = [];
    for await (const e of this.store.list<OutboxRecord>(globalKeys.outbox(), { limit })) {
      out.push({ job: e.value.job, attempts: e.value.attempts, lastError: e.value.lastError });
    }
    return out;
  }

  /** Dead letters, oldest first. */
  async dead(limit = 100): Promise<DeadJob[]> {
    const out: DeadJob[] = [];
    for await (const e of this.store.list<unknown>(globalKeys.deadJob(), { limit })) {
      const v = e.value as Partial<DeadJob> & Record<string, unknown>;
      // The KV queue stores the undelivered message itself; the outbox stores {job, error}.
      if (isJob(v)) {
        out.push({ job: v, error: "the queue gave up after its retries", failedAt: null });
      } else if (v && isJob(v.job)) {
        out.push({ job: v.job, error: v.error ?? null, failedAt: v.failedAt ?? null });
      }
    }
    return out;
  }

  /** Put dead letter `jobId` back into the outbox and hand it off. False when there is none. */
  async retryDead(jobId: string): Promise<boolean> {
    const dead = (await this.dead(1000)).find((d) => d.job.id === jobId);
    if (!dead) return false;
    const record: OutboxRecord = { job: dead.job, attempts: 0, leaseUntil: 0, lastError: null };
    const ok = await this.store.atomic().delete(globalKeys.deadJob(jobId))
      .set(globalKeys.outbox(jobId), record).commit();
    if (ok) await this.#deliver(jobId);
    return ok !== null;
  }

  /** Claim, hand off and delete one job. True when it was handed off now. */
  async #deliver(id: string): Promise<boolean> {
    const key = globalKeys.outbox(id);
    const found = await this.store.get<OutboxRecord>(key);
    const now = this.now();
    if (found.value === null || found.value.leaseUntil > now) return false;
    const claimed: OutboxRecord = { ...found.value, leaseUntil: now + LEASE_MS };
    const vs = await this.store.atomic().check(key, found.versionstamp).set(key, claimed).commit();
    if (!vs) return false;
    try {
      const delayMs = Math.max(0, (claimed.notBefore ?? 0) - now);
      await this.transport.enqueue(claimed.job, delayMs ? { delayMs } : undefined);
    } catch (err) {
      const attempts = claimed.attempts + 1;
      const error = err instanceof Error ? err.message : String(err);
      console.error(`jobs: hand-off of ${claimed.job.kind} ${id} failed (${attempts}):`, error);
      const op = this.store.atomic().check(key, vs);
      if (attempts >= MAX_HANDOFFS) {
        const dead: DeadJob = { job: claimed.job, error, failedAt: now };
        op.delete(key).set(globalKeys.deadJob(id), dead);
      } else {
        op.set(key, {
          ...claimed,
          attempts,
          lastError: error,
          leaseUntil: now + BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)],
        });
      }
      await op.commit();
      return false;
    }
    await this.store.atomic().check(key, vs).delete(key).commit();
    return true;
  }
}
