/**
 * Jobs through Upstash QStash: the transport that publishes each job, and the two halves of
 * its signed callbacks (verification, and the failure callback that turns a job QStash gave up
 * on into a dead letter).
 *
 * - {@linkcode QStashTransport} publishes a job with `@upstash/qstash` to
 *   `{PUBLIC_URL}/api/jobs/{kind}` (body = the job, deduplicated by job id, delayed, retried with
 *   QStash's own backoff, and a failure callback to `{PUBLIC_URL}/api/jobs/_failed`).
 * - {@linkcode CallbackVerifier} checks `Upstash-Signature` with the SDK's `Receiver` (current
 *   and next signing key) over the raw body and the URL QStash was told to call.
 * - {@linkcode parseFailureCallback} and {@linkcode recordQStashDeadLetter} read QStash's
 *   failure-callback body and write `["dead_job", jobId]` = `{job, error, failedAt}`, the shape
 *   the outbox writes, so `/ops` lists and retries it like any other dead letter.
 *
 * QStash keeps deduplication ids for 90 days, so a dead letter retried from `/ops` must not be
 * published under the id QStash already saw (it would be accepted and silently dropped): each
 * dead letter QStash reports bumps `["qstash_redelivery", jobId]`, and the next publish of that
 * job uses `{jobId}.{n}` as its deduplication id. Running a job twice is still impossible: the
 * dispatcher (`dispatcher.ts`) runs each job id once, whoever delivers it.
 *
 * @module
 */

import { Client, Receiver } from "@upstash/qstash";
import { z } from "zod";
import { globalKeys, type Store } from "../kv/mod.ts";
import { type Job, type JobKind, type JobTransport, parseJob } from "./jobs.ts";
import type { DeadJob } from "./outbox.ts";

/** QStash's own API address (`QSTASH_URL` replaces it). */
export const DEFAULT_QSTASH_URL = "https://qstash.upstash.io";
/** Path under which QStash calls jobs back (`routes/jobs.ts`). */
export const JOBS_CALLBACK_PATH = "/api/jobs";
/** The last segment of the failure-callback URL (not a job kind: kinds are snake_case words). */
export const FAILED_SEGMENT = "_failed";
/**
 * Retries QStash makes after the first delivery (its own backoff: 12 s, 2 m 28 s, 30 m 8 s).
 * Three is the most every QStash plan allows.
 */
export const DEFAULT_QSTASH_RETRIES = 3;
/** Seconds of clock difference tolerated on a signature's `nbf` / `exp`. */
export const SIGNATURE_CLOCK_TOLERANCE_S = 30;
/** How long QStash remembers a deduplication id (so how long a redelivery count matters). */
export const QSTASH_DEDUP_WINDOW_MS = 90 * 24 * 3_600_000;

/**
 * The URL QStash calls for jobs of `kind` (the signature's subject), under `publicUrl`, which
 * may carry a path prefix (`https://example.com/clockflow`).
 */
export function jobCallbackUrl(publicUrl: string, kind: JobKind | string): string {
  return `${publicUrl.replace(/\/+$/, "")}${JOBS_CALLBACK_PATH}/${encodeURIComponent(kind)}`;
}

/** The URL QStash calls when a job exhausted its retries. */
export function failureCallbackUrl(publicUrl: string): string {
  return jobCallbackUrl(publicUrl, FAILED_SEGMENT);
}

/** What {@linkcode QStashTransport} needs. */
export interface QStashTransportOptions {
  /** `QSTASH_TOKEN` (a secret). */
  token: string;
  /** `QSTASH_URL`; null or absent: Upstash's own. */
  baseUrl?: string | null;
  /** `PUBLIC_URL`: where QStash calls the jobs back. */
  publicUrl: string;
  /** The store, for redelivery counts of dead letters retried (see the module notes). */
  store: Store;
  /** Retries QStash makes per job; default {@linkcode DEFAULT_QSTASH_RETRIES}. */
  retries?: number;
  /**
   * Retries of the publish request itself by the SDK (network errors only); default 2. A
   * publish that still fails throws, and the outbox hands the job off again later.
   */
  publishRetries?: number;
}

/**
 * The QStash transport: each job is one QStash message to `{PUBLIC_URL}/api/jobs/{kind}`.
 *
 * @example
 * ```ts
 * const jobs = new QStashTransport({ ...config.qstash!, publicUrl: config.publicUrl!, store });
 * const outbox = new Outbox(store, jobs, Date.now);
 * ```
 */
export class QStashTransport implements JobTransport {
  readonly #client: Client;
  readonly #publicUrl: string;
  readonly #store: Store;
  readonly #retries: number;

  constructor(options: QStashTransportOptions) {
    const publishRetries = options.publishRetries ?? 2;
    this.#client = new Client({
      token: options.token,
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      retry: publishRetries > 0 ? { retries: publishRetries } : false,
      enableTelemetry: false,
      // Never the SDK's local dev server: this transport talks only to what it is given.
      devMode: false,
    });
    this.#publicUrl = options.publicUrl;
    this.#store = options.store;
    this.#retries = options.retries ?? DEFAULT_QSTASH_RETRIES;
  }

  /**
   * Publish `job` (after `delayMs`, rounded up to whole seconds). Throws when QStash refuses
   * or cannot be reached, so the outbox tries the hand-off again.
   */
  async enqueue(job: Job, options: { delayMs?: number } = {}): Promise<void> {
    const delay = options.delayMs && options.delayMs > 0
      ? Math.ceil(options.delayMs / 1000)
      : undefined;
    await this.#client.publishJSON({
      url: jobCallbackUrl(this.#publicUrl, job.kind),
      body: job,
      deduplicationId: await this.#deduplicationId(job.id),
      ...(delay ? { delay } : {}),
      retries: this.#retries,
      failureCallback: failureCallbackUrl(this.#publicUrl),
    });
  }

  /** `jobId`, or `jobId.n` after QStash reported `n` dead letters of it (see the module). */
  async #deduplicationId(jobId: string): Promise<string> {
    const found = await this.#store.get<Redeliveries>(globalKeys.qstashRedelivery(jobId));
    return found.value && found.value.count > 0 ? `${jobId}.${found.value.count}` : jobId;
  }
}

/** `["qstash_redelivery", jobId]`: how many times QStash gave up on the job. */
interface Redeliveries {
  count: number;
}

/** A signed request from QStash, as the route received it. */
export interface SignedRequest {
  /** The `Upstash-Signature` header, or null when missing. */
  signature: string | null;
  /** The raw body, exactly as received. */
  body: string;
  /** The URL QStash was told to call (computed from `PUBLIC_URL`, never from the request). */
  url: string;
}

/**
 * Checks QStash signatures with the SDK's `Receiver`: an HS256 JWT signed with the current or
 * the next signing key, issuer `Upstash`, subject the called URL, `body` the SHA-256 of the raw
 * body, within `nbf`/`exp`.
 *
 * @example
 * ```ts
 * const verifier = new CallbackVerifier(config.qstash!);
 * if (!await verifier.verify({ signature, body, url })) return unauthorized();
 * ```
 */
export class CallbackVerifier {
  readonly #receiver: Receiver;

  constructor(keys: { currentSigningKey: string; nextSigningKey: string }) {
    this.#receiver = new Receiver({
      currentSigningKey: keys.currentSigningKey,
      nextSigningKey: keys.nextSigningKey,
      devMode: false,
    });
  }

  /** True when the request is signed by QStash for this URL and body; never throws. */
  async verify(request: SignedRequest): Promise<boolean> {
    if (!request.signature) return false;
    try {
      return await this.#receiver.verify({
        signature: request.signature,
        body: request.body,
        url: request.url,
        clockTolerance: SIGNATURE_CLOCK_TOLERANCE_S,
      });
    } catch {
      return false;
    }
  }
}

/**
 * QStash's failure-callback body (documented at upstash.com/docs/qstash/features/callbacks):
 * the last answer of the destination (`status`, `header`, `body` base64) and the message that
 * failed (`sourceBody` base64, `sourceHeader`, `url`, `sourceMessageId`, `retried`,
 * `maxRetries`, `dlqId`, …). Only what is needed is required.
 */
const failureCallbackSchema = z.looseObject({
  status: z.number().int().optional(),
  body: z.string().optional(),
  sourceBody: z.string(),
  sourceMessageId: z.string().optional(),
  url: z.string().optional(),
  retried: z.number().int().optional(),
  maxRetries: z.number().int().optional(),
  dlqId: z.string().optional(),
});

/** A failure callback read: the job QStash gave up on and why. */
export interface FailedJob {
  job: Job;
  /** A one-line account for operators (status and the start of the last answer). */
  error: string;
}

/** Longest piece of the destination's last answer kept in a dead letter's error. */
const ERROR_SNIPPET = 300;

/**
 * Read QStash's failure-callback body. Null when it is not one, or when the message that failed
 * is not a job of the registry (nothing to record).
 */
export function parseFailureCallback(raw: string): FailedJob | null {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = failureCallbackSchema.safeParse(data);
  if (!parsed.success) return null;
  const source = decodeBase64(parsed.data.sourceBody);
  if (source === null) return null;
  let message: unknown;
  try {
    message = JSON.parse(source);
  } catch {
    return null;
  }
  const job = parseJob(message);
  if (!job) return null;
  const { status, body, retried, maxRetries } = parsed.data;
  const answer = lastAnswer(body);
  const tries = retried !== undefined ? `${retried + 1} deliveries` : "its retries";
  const limit = maxRetries !== undefined ? ` (${maxRetries} retries allowed)` : "";
  const last = status !== undefined ? `; last answer ${status}` : "";
  const snippet = answer ? `: ${answer.slice(0, ERROR_SNIPPET)}` : "";
  return { job, error: `QStash gave up after ${tries}${limit}${last}${snippet}` };
}

/**
 * Write the dead letter of a job QStash gave up on (`["dead_job", jobId]`, `{job, error,
 * failedAt}`) and count the redelivery (a retry from `/ops` then publishes under a fresh
 * deduplication id), in one commit. A job that has run meanwhile (a late, repeated failure
 * callback) is not recorded. Returns whether a dead letter was written.
 */
export async function recordQStashDeadLetter(
  store: Store,
  failed: FailedJob,
  now: number,
): Promise<boolean> {
  const id = failed.job.id;
  const redeliveryKey = globalKeys.qstashRedelivery(id);
  for (let attempt = 0; attempt < 5; attempt++) {
    const [run, redeliveries] = await store.getMany<unknown>([
      globalKeys.jobRun(id),
      redeliveryKey,
    ]);
    if ((run.value as { state?: string } | null)?.state === "done") return false;
    const count = ((redeliveries.value as Redeliveries | null)?.count ?? 0) + 1;
    const dead: DeadJob = { job: failed.job, error: failed.error, failedAt: now };
    const ok = await store.atomic()
      .check(globalKeys.jobRun(id), run.versionstamp)
      .check(redeliveryKey, redeliveries.versionstamp)
      .set(globalKeys.deadJob(id), dead)
      .set(redeliveryKey, { count } satisfies Redeliveries, { expireIn: QSTASH_DEDUP_WINDOW_MS })
      .commit();
    if (ok) return true;
  }
  throw new Error(`jobs: could not record the dead letter of ${id} (contention)`);
}

/**
 * The destination's last answer (base64 in the callback) on one line: the `error.message` of
 * our own JSON error answer, else the text itself.
 */
function lastAnswer(base64: string | undefined): string {
  const text = base64 ? decodeBase64(base64) ?? "" : "";
  let message: unknown;
  try {
    message = (JSON.parse(text) as { error?: { message?: unknown } })?.error?.message;
  } catch {
    message = undefined;
  }
  return (typeof message === "string" ? message : text).replace(/\s+/g, " ").trim();
}

/** UTF-8 text of standard base64 `value`, or null when it is not base64. */
function decodeBase64(value: string): string | null {
  try {
    const bytes = Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
