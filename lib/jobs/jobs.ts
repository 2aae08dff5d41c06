/**
 * Background work: a small transport port and its two embedded adapters. Code that has
 * something to do later calls `enqueue(job)`; a handler (see `jobs/`) runs it, at least once.
 *
 * - {@linkcode KvQueueTransport}: Deno KV's queue (`enqueue` / `listenQueue`) on the store's
 *   queue handle, with retries on a backoff schedule. The production default.
 * - {@linkcode InlineTransport}: runs the handler right away, in the enqueuing request, and
 *   records failures instead of throwing them at the caller. For tests.
 *
 * Handlers must be idempotent: a job may run more than once.
 *
 * @module
 */

import { z } from "zod";
import { globalKeys, newId, rawKey } from "../kv/mod.ts";

/** A mail to one person (`lib/mail`). */
export const mailSchema = z.strictObject({
  to: z.string().min(3).max(254),
  subject: z.string().min(1).max(300),
  text: z.string().max(60_000),
  html: z.string().max(60_000).optional(),
  /**
   * Extra header fields (e.g. RFC 8058 `List-Unsubscribe` and `List-Unsubscribe-Post`). Names
   * are tokens, values one line.
   */
  headers: z.record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/),
    z.string().max(2_000).regex(/^[^\r\n]*$/),
  ).optional(),
});

/**
 * Every kind of job with its payload schema: the one registry of what may travel through a
 * transport. A message that does not match is dropped, never run.
 */
export const jobSchema = z.discriminatedUnion("kind", [
  /** Keep an organization's subscription quantity equal to its active members. */
  z.strictObject({ kind: z.literal("sync_seats"), id: z.string().min(1), orgId: z.string() }),
  /** Send one mail through the mail port. `orgId` is null for mail before any organization. */
  z.strictObject({
    kind: z.literal("send_mail"),
    id: z.string().min(1),
    orgId: z.string().nullable(),
    mail: mailSchema,
  }),
  /**
   * Deliver webhook message `messageId` (stored under the organization until it expires) to
   * endpoint `endpointId`; `attempt` counts from 1. A failed attempt schedules the next one as a
   * new job (`lib/webhooks`), keeping the message id, so the subscriber sees one `webhook-id`.
   */
  z.strictObject({
    kind: z.literal("deliver_webhook"),
    id: z.string().min(1),
    orgId: z.string(),
    endpointId: z.string().min(1),
    messageId: z.string().min(1),
    attempt: z.number().int().min(1).max(100),
  }),
  /** Build the file of export `exportId` (`lib/exports`). */
  z.strictObject({
    kind: z.literal("run_export"),
    id: z.string().min(1),
    orgId: z.string(),
    exportId: z.string().min(1),
  }),
  /** Tell the people who asked for it about an organization event (mail, Slack). */
  z.strictObject({
    kind: z.literal("notify"),
    id: z.string().min(1),
    orgId: z.string(),
    event: z.strictObject({
      id: z.string().min(1),
      type: z.string().min(1).max(100),
      timestamp: z.string(),
      data: z.unknown(),
    }),
  }),
  /** Post one message to the organization's Slack incoming webhook (`lib/notifications`). */
  z.strictObject({
    kind: z.literal("send_slack"),
    id: z.string().min(1),
    orgId: z.string(),
    text: z.string().min(1).max(4_000),
  }),
]);

/** Every kind of job. */
export type Job = z.infer<typeof jobSchema>;
/** Keep an organization's subscription quantity equal to its active members. */
export type SyncSeatsJob = Extract<Job, { kind: "sync_seats" }>;
/** Send one mail. */
export type SendMailJob = Extract<Job, { kind: "send_mail" }>;

/** Deliver one webhook message to one endpoint. */
export type DeliverWebhookJob = Extract<Job, { kind: "deliver_webhook" }>;
/** Build one export's file. */
export type RunExportJob = Extract<Job, { kind: "run_export" }>;
/** Notify people of an organization event. */
export type NotifyJob = Extract<Job, { kind: "notify" }>;
/** Post to the organization's Slack channel. */
export type SendSlackJob = Extract<Job, { kind: "send_slack" }>;
/** A job's kind. */
export type JobKind = Job["kind"];
/** Every job kind, in registry order. */
export const JOB_KINDS: readonly JobKind[] = jobSchema.options.map((o) => o.shape.kind.value);

/** Runs one job; throws to have it retried. */
export type JobHandler = (job: Job) => Promise<void>;

/** Where jobs are sent. */
export interface JobTransport {
  /** Send `job` for background processing (after `delayMs`, when given). */
  enqueue(job: Job, options?: { delayMs?: number }): Promise<void>;
}

/** A job of `kind` with a fresh id, for the kinds whose payload is just their fields. */
export function newJob<K extends JobKind>(
  kind: K,
  fields: Omit<Extract<Job, { kind: K }>, "kind" | "id">,
  now = Date.now(),
): Extract<Job, { kind: K }> {
  return { kind, id: newId(now), ...fields } as Extract<Job, { kind: K }>;
}

/** A `sync_seats` job for `orgId` with a fresh id. */
export function syncSeatsJob(orgId: string, now = Date.now()): SyncSeatsJob {
  return { kind: "sync_seats", id: newId(now), orgId };
}

/** A `send_mail` job with a fresh id. */
export function sendMailJob(
  orgId: string | null,
  mail: SendMailJob["mail"],
  now = Date.now(),
): SendMailJob {
  return { kind: "send_mail", id: newId(now), orgId, mail };
}

/**
 * Parse an untyped message (a queue message, a callback body) into a job of the registry, or
 * null when it is not one (it is then dropped, never run).
 */
export function parseJob(message: unknown): Job | null {
  const parsed = jobSchema.safeParse(message);
  return parsed.success ? parsed.data : null;
}

/** True when `value` is a job this version understands (queue messages are untyped). */
export function isJob(value: unknown): value is Job {
  return parseJob(value) !== null;
}

/** Retry delays of the KV queue (at most 5 × at most 1 h). */
export const BACKOFF_MS = [1_000, 10_000, 60_000, 600_000, 3_600_000];

/**
 * The KV queue transport. Queue wake-ups do not cross processes on the local SQLite backend,
 * so every process that enqueues also listens (`listen`, once per handle).
 *
 * @example
 * ```ts
 * const jobs = new KvQueueTransport(store.queueHandle);
 * jobs.listen(createJobHandler(deps));
 * await jobs.enqueue(syncSeatsJob(scope.orgId));
 * ```
 */
export class KvQueueTransport implements JobTransport {
  /**
   * @param queue the store's queue handle
   * @param backoffMs retry delays; `[]` dead-letters at the first failure (tests)
   */
  constructor(
    readonly queue: Pick<Deno.Kv, "enqueue" | "listenQueue">,
    readonly backoffMs: number[] = BACKOFF_MS,
  ) {}

  /**
   * Enqueue `job`. A job still failing after the last retry is written by KV itself to its
   * dead-letter key `["dead_job", jobId]` (listed on `/ops` with a retry).
   */
  async enqueue(job: Job, options: { delayMs?: number } = {}): Promise<void> {
    await this.queue.enqueue(job, {
      delay: options.delayMs,
      backoffSchedule: this.backoffMs,
      keysIfUndelivered: [rawKey(globalKeys.deadJob(job.id))],
    });
  }

  /**
   * Run `handler` for every message; unknown messages are logged and dropped. A handler that
   * throws has its job redelivered on the backoff schedule. Resolves when the store closes.
   */
  listen(handler: JobHandler): Promise<void> {
    return this.queue.listenQueue(async (message: unknown) => {
      const job = parseJob(message);
      if (!job) {
        console.warn("jobs: dropping an unknown queue message");
        return;
      }
      await handler(job);
    });
  }
}

/** A job that failed in an {@linkcode InlineTransport}. */
export interface JobFailure {
  job: Job;
  error: unknown;
}

/**
 * Runs each job immediately, inside `enqueue`. Failures never reach the enqueuing code (as with
 * a real queue); they are kept in `failures` and passed to `onError`.
 */
export class InlineTransport implements JobTransport {
  /** Every failed run, oldest first. */
  readonly failures: JobFailure[] = [];
  /** Every job enqueued, oldest first. */
  readonly enqueued: Job[] = [];
  /** Jobs enqueued with a delay, held until {@linkcode runDelayed} (tests advance time so). */
  readonly delayed: Job[] = [];
  #handler: JobHandler | null;

  constructor(
    handler: JobHandler | null = null,
    readonly onError: (failure: JobFailure) => void = () => {},
  ) {
    this.#handler = handler;
  }

  /** Set the handler (when it needs dependencies built after the transport). */
  setHandler(handler: JobHandler): void {
    this.#handler = handler;
  }

  async enqueue(job: Job, options: { delayMs?: number } = {}): Promise<void> {
    this.enqueued.push(job);
    if (options.delayMs && options.delayMs > 0) {
      this.delayed.push(job);
      return;
    }
    await this.#run(job);
  }

  /** Run the held delayed jobs (those of `kind`, when given) now; returns how many ran. */
  async runDelayed(kind?: JobKind): Promise<number> {
    const due = this.delayed.filter((j) => !kind || j.kind === kind);
    this.delayed.splice(0, this.delayed.length, ...this.delayed.filter((j) => !due.includes(j)));
    for (const job of due) await this.#run(job);
    return due.length;
  }

  async #run(job: Job): Promise<void> {
    if (!this.#handler) throw new Error("InlineTransport: no handler set");
    try {
      await this.#handler(job);
    } catch (error) {
      const failure = { job, error };
      this.failures.push(failure);
      this.onError(failure);
    }
  }
}
