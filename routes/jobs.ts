/**
 * QStash's callbacks, mounted at `/api/jobs` (outside `/api/v1`; no session, cookie or CSRF:
 * the signature is the authentication). They exist only with QStash configured; otherwise
 * every path answers 404.
 *
 * - `POST /api/jobs/_failed`: QStash's failure callback → the job's dead letter (200).
 * - `POST /api/jobs/:kind`: one job → the one dispatcher (`createJobHandler`): 200 when it ran
 *   or had already run, 500 when the handler threw (QStash then retries).
 *
 * Both answer 401 `invalid_signature` to anything not signed by QStash for that very URL and
 * body; the URL is rebuilt from `PUBLIC_URL` (what QStash was told to call), never from the
 * request, which a proxy may have rewritten. Bodies up to 1 MiB (a failure callback carries the
 * job base64-encoded beside the last answer).
 *
 * @module
 */

import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppContext, AppEnv } from "./context.ts";
import { errorResponse, onNotFound } from "./middleware/errors.ts";
import type { JobHandler } from "../lib/jobs/jobs.ts";
import { parseJob } from "../lib/jobs/jobs.ts";
import {
  CallbackVerifier,
  FAILED_SEGMENT,
  failureCallbackUrl,
  jobCallbackUrl,
  parseFailureCallback,
  recordQStashDeadLetter,
} from "../lib/jobs/qstash.ts";

/** Largest callback body accepted. */
export const MAX_JOB_CALLBACK_BYTES = 1024 * 1024;
/** Longest handler error message echoed to QStash (it becomes the dead letter's error). */
const MAX_ERROR_ECHO = 500;

/**
 * The callback routes around `handler` (the same job handler the KV queue would use).
 *
 * @example
 * ```ts
 * app.route("/api/jobs", jobCallbacks(createJobHandler(jobDeps)));
 * ```
 */
export function jobCallbacks(handler: JobHandler): Hono<AppEnv> {
  let verifier: CallbackVerifier | null = null;

  /** The verified raw body, or the answer to give instead (404 off, 401 bad signature). */
  const signedBody = async (c: AppContext, url: (publicUrl: string) => string) => {
    const config = c.get("deps").config;
    if (!config.qstash || !config.publicUrl) return { answer: onNotFound(c) };
    verifier ??= new CallbackVerifier(config.qstash);
    const body = await c.req.text();
    const ok = await verifier.verify({
      signature: c.req.header("upstash-signature") ?? null,
      body,
      url: url(config.publicUrl),
    });
    if (!ok) {
      return {
        answer: errorResponse(c, 401, "invalid_signature", "The QStash signature is not valid"),
      };
    }
    return { body };
  };

  return new Hono<AppEnv>()
    .use(
      "*",
      bodyLimit({
        maxSize: MAX_JOB_CALLBACK_BYTES,
        onError: (c) => errorResponse(c, 413, "payload_too_large", "The body is too large"),
      }),
    )
    .post(`/${FAILED_SEGMENT}`, async (c) => {
      const signed = await signedBody(c, failureCallbackUrl);
      if (signed.answer) return signed.answer;
      const failed = parseFailureCallback(signed.body);
      if (!failed) {
        return errorResponse(
          c,
          400,
          "invalid_failure_callback",
          "The body is not a QStash failure callback of a known job",
        );
      }
      const deps = c.get("deps");
      const recorded = await recordQStashDeadLetter(deps.store, failed, deps.now());
      if (recorded) {
        console.error(`jobs: ${failed.job.kind} ${failed.job.id} is a dead letter:`, failed.error);
      }
      return c.json({ received: true, recorded });
    })
    .post("/:kind", async (c) => {
      const kind = c.req.param("kind");
      const signed = await signedBody(c, (publicUrl) => jobCallbackUrl(publicUrl, kind));
      if (signed.answer) return signed.answer;
      let message: unknown;
      try {
        message = JSON.parse(signed.body);
      } catch {
        return errorResponse(c, 400, "invalid_json", "The body is not valid JSON");
      }
      const job = parseJob(message);
      if (!job) return errorResponse(c, 400, "invalid_job", "The body is not a known job");
      if (job.kind !== kind) {
        return errorResponse(c, 400, "job_kind_mismatch", `This path takes ${kind} jobs only`);
      }
      try {
        await handler(job);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        console.error(`jobs: ${job.kind} ${job.id} failed:`, message);
        return errorResponse(c, 500, "job_failed", message.slice(0, MAX_ERROR_ECHO));
      }
      return c.json({ received: true });
    });
}
