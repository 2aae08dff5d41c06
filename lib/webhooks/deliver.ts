/**
 * Delivering webhook messages: one HTTP attempt, its record, and what it does to the endpoint.
 *
 * An attempt loads the endpoint and the message, re-checks the URL with the SSRF guard right
 * before the call (a host may resolve elsewhere than at creation: DNS rebinding), signs with
 * every live secret (`signing.ts`) and POSTs with `redirect: "manual"` (a 3xx is a failure,
 * never followed) and a {@linkcode DELIVERY_TIMEOUT_MS} timeout. A 2xx succeeds. Then one commit
 * holds, together:
 *
 * - the attempt's record (`deliveries.ts`, kept 30 days) and, when a request was made, one
 *   `webhookDeliveries` usage count;
 * - the endpoint's failure state: a success clears `failingSince`; a failure sets it when unset;
 *   a 410 disables the endpoint at once (`gone`); a failure of an endpoint failing since
 *   {@linkcode FAILING_DISABLE_MS} or longer disables it (`failing`) and mails its admins — once,
 *   since the commit checks the endpoint's versionstamp and a disabled endpoint is not called
 *   again; disabling rewrites the subscription list too;
 * - after a failed event attempt, the next attempt as a new `deliver_webhook` job (same message,
 *   `attempt + 1`) delayed by {@linkcode RETRY_DELAYS_MS}; after the last one nothing more.
 *
 * Test deliveries (`trigger: "test"`) use the same path but leave the endpoint's state alone and
 * are not retried. Manual retries are single attempts numbered after the automatic ones.
 *
 * @module
 */

import { type Atomic, newId, type OrgScope } from "../kv/mod.ts";
import { checkOutboundUrl, type Outbound } from "../net/ssrf.ts";
import type { JobPort } from "../jobs/outbox.ts";
import { type DeliverWebhookJob, newJob, sendMailJob } from "../jobs/jobs.ts";
import { addUsage } from "../billing/usage.ts";
import { addAudit } from "../audit/audit.ts";
import { systemPrincipal } from "../principal.ts";
import type { BillingMode } from "../billing/lifecycle.ts";
import { billingFrom, enabled, entitlementsOf } from "../billing/entitlements.ts";
import { SETTINGS_PARTS, settingsFrom } from "../settings/repository.ts";
import type { Organization } from "../orgs/orgs.ts";
import type { Membership } from "../members/members.ts";
import type { User } from "../identity/users.ts";
import { MESSAGE_TTL_MS, SUBSCRIPTIONS_PARTS, subscriptionsFrom } from "../events/events.ts";
import { liveSecrets, type WebhookEndpoint, withSubscription } from "./endpoints.ts";
import { type DeliveryRecord, type DeliveryTrigger, putDelivery } from "./deliveries.ts";
import { messageBody, signedHeaders, type WebhookMessage } from "./signing.ts";

/** Delays before attempts 2 to 8 (Standard Webhooks' schedule, cut at 10 h). */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];
/** Attempts of one message made on the schedule (the first and one per delay). */
export const AUTOMATIC_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a subscriber has to answer (including the first 1 KB of its body). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Failing this long without a success disables an endpoint. */
export const FAILING_DISABLE_MS = 5 * 24 * 3_600_000;
/** How much of an answer's body the log keeps. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** The delay before the attempt after failed attempt `attempt`, or null when none follows. */
export function retryDelayAfter(attempt: number): number | null {
  return attempt >= 1 && attempt <= RETRY_DELAYS_MS.length ? RETRY_DELAYS_MS[attempt - 1] : null;
}

/** What an attempt needs: the organization, how to call out, the clock and the job port. */
export interface DeliveryDeps {
  scope: OrgScope;
  outbound: Outbound;
  now: () => number;
  /** Where retries and admin mails go (in the attempt's commit). */
  jobs: JobPort;
  /** The public origin for the link in the admins' mail, when known. */
  publicUrl?: string | null;
}

/** What came of the HTTP part of an attempt. */
type HttpOutcome =
  | { sent: true; status: number; body: string; durationMs: number }
  | { sent: true; status: null; error: string; durationMs: number }
  | { sent: false; error: string };

/** Read at most {@linkcode RESPONSE_EXCERPT_BYTES} of `res`'s body, then stop reading. */
async function excerpt(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
    }
  } catch {
    // A body cut off (timeout, reset) keeps what arrived.
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(n, RESPONSE_EXCERPT_BYTES));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, all.length - at);
    all.set(part, at);
    at += part.length;
    if (at >= all.length) break;
  }
  return new TextDecoder().decode(all);
}

/** POST `body` to `url`: check the address first, never follow a redirect, time out. */
async function send(
  outbound: Outbound,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<HttpOutcome> {
  const check = await checkOutboundUrl(url, outbound.policy);
  if (!check.ok) return { sent: false, error: `refused (${check.reason}): ${check.message}` };
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const res = await outbound.fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const text = await excerpt(res);
    return { sent: true, status: res.status, body: text, durationMs: took() };
  } catch (err) {
    const timedOut = err instanceof Error && err.name === "TimeoutError";
    const error = timedOut
      ? `timed out after ${DELIVERY_TIMEOUT_MS / 1000} s`
      : `request failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
    return { sent: true, status: null, error, durationMs: took() };
  }
}

/** Why an answer counts as a failure (null: success). */
function failureOf(status: number): string | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return `redirect (${status}) not followed`;
  return `the endpoint answered ${status}`;
}

/** One attempt to make. */
export interface AttemptInput {
  endpoint: WebhookEndpoint;
  message: WebhookMessage;
  attempt: number;
  trigger: DeliveryTrigger;
}

/**
 * Make one attempt to deliver `message` to `endpoint` and record it (see the module doc for
 * everything the record's commit carries). Returns the attempt's record; the caller dispatches
 * `deps.jobs` afterwards.
 *
 * @example
 * ```ts
 * const jobs = outbox.port();
 * const record = await attemptDelivery({ scope, outbound, now, jobs }, {
 *   endpoint, message, attempt: 1, trigger: "event",
 * });
 * await jobs.dispatch();
 * ```
 */
export async function attemptDelivery(
  deps: DeliveryDeps,
  input: AttemptInput,
): Promise<DeliveryRecord> {
  const { endpoint, message } = input;
  const body = messageBody(message);
  const sentAt = deps.now();
  const headers = signedHeaders(message.id, body, liveSecrets(endpoint, sentAt), sentAt);
  const outcome = await send(deps.outbound, endpoint.url, headers, body);
  const base = {
    id: newId(sentAt),
    endpointId: endpoint.id,
    messageId: message.id,
    event: message.type,
    attempt: input.attempt,
    trigger: input.trigger,
    attemptedAt: sentAt,
  };
  if (outcome.sent && outcome.status !== null) {
    const error = failureOf(outcome.status);
    return await record(deps, input, {
      ...base,
      status: error ? "failed" : "succeeded",
      responseStatus: outcome.status,
      durationMs: outcome.durationMs,
      error,
      responseBody: outcome.body,
      nextAttemptAt: null,
    }, true);
  }
  return await record(deps, input, {
    ...base,
    status: "failed",
    responseStatus: null,
    durationMs: outcome.sent ? outcome.durationMs : null,
    error: outcome.error,
    responseBody: null,
    nextAttemptAt: null,
  }, outcome.sent);
}

/** Record an attempt that was not made (endpoint off, message gone, plan), with `error`. */
export async function recordSkipped(
  deps: Pick<DeliveryDeps, "scope" | "now">,
  job: Pick<DeliverWebhookJob, "endpointId" | "messageId" | "attempt">,
  event: string,
  error: string,
): Promise<DeliveryRecord> {
  const now = deps.now();
  const d: DeliveryRecord = {
    id: newId(now),
    endpointId: job.endpointId,
    messageId: job.messageId,
    event,
    attempt: job.attempt,
    trigger: job.attempt > AUTOMATIC_ATTEMPTS ? "manual" : "event",
    status: "failed",
    responseStatus: null,
    durationMs: null,
    error,
    responseBody: null,
    attemptedAt: now,
    nextAttemptAt: null,
  };
  await putDelivery(deps.scope.atomic(), deps.scope, d).commit();
  return d;
}

/** Commits tried before giving up on recording (the attempt's job then runs again). */
const RECORD_TRIES = 8;

/**
 * Commit `d` with what it does to the endpoint (failure state, disabling, mails, the next
 * attempt). The endpoint is read again so the decision is made on its latest state, and the
 * commit checks it (and the subscription list when the endpoint is disabled).
 */
async function record(
  deps: DeliveryDeps,
  input: AttemptInput,
  d: DeliveryRecord,
  requestMade: boolean,
): Promise<DeliveryRecord> {
  const { scope } = deps;
  const endpointKey = scope.key("webhook_endpoint", input.endpoint.id);
  const listKey = scope.key(...SUBSCRIPTIONS_PARTS);
  const failed = d.status !== "succeeded";
  const delay = failed && input.trigger === "event" ? retryDelayAfter(input.attempt) : null;
  const retry = delay === null ? null : newJob("deliver_webhook", {
    orgId: scope.orgId,
    endpointId: input.endpoint.id,
    messageId: input.message.id,
    attempt: input.attempt + 1,
  }, d.attemptedAt);
  for (let tries = 0; tries < RECORD_TRIES; tries++) {
    const [list, found] = await scope.getMany<unknown>([listKey, endpointKey]);
    const current = found.value as WebhookEndpoint | null;
    const now = deps.now();
    let next: WebhookEndpoint | null = null;
    let disabledNow: "gone" | "failing" | null = null;
    if (current && input.trigger !== "test") {
      if (!failed) {
        if (current.failingSince !== null) next = { ...current, failingSince: null };
      } else if (current.enabled && d.responseStatus === 410) {
        disabledNow = "gone";
      } else if (current.enabled) {
        const since = current.failingSince ?? d.attemptedAt;
        if (now - since >= FAILING_DISABLE_MS) disabledNow = "failing";
        else if (current.failingSince === null) next = { ...current, failingSince: since };
      }
      if (disabledNow) {
        next = {
          ...current,
          enabled: false,
          disabledReason: disabledNow,
          failingSince: current.failingSince ?? d.attemptedAt,
          updatedAt: now,
        };
      }
    }
    const scheduled = retry && !disabledNow && current?.enabled;
    const rec: DeliveryRecord = {
      ...d,
      status: failed ? (scheduled ? "pending" : "failed") : "succeeded",
      nextAttemptAt: scheduled ? d.attemptedAt + delay! : null,
      error: disabledNow
        ? `${d.error}; the endpoint was disabled (${
          disabledNow === "gone" ? "410 Gone" : "failing for 5 days"
        })`
        : d.error,
    };
    const op = scope.atomic().check(endpointKey, found.versionstamp);
    putDelivery(op, scope, rec);
    if (requestMade) addUsage(op, scope, "webhookDeliveries", 1, d.attemptedAt);
    if (next && current) {
      op.set(endpointKey, next);
      if (next.enabled !== current.enabled) {
        op.check(listKey, list.versionstamp);
        op.set(listKey, withSubscription(subscriptionsFrom(list.value), next.id, next));
        addAudit(op, scope, {
          principal: systemPrincipal("deliver_webhook"),
          action: "webhook.disable",
          entity: { kind: "webhook_endpoint", id: next.id },
          reason: disabledNow === "gone"
            ? "the endpoint answered 410 Gone"
            : "deliveries failed for 5 days",
          before: { enabled: true },
          after: { enabled: false, disabledReason: next.disabledReason },
        }, now);
      }
    }
    if (disabledNow === "failing") await mailAdmins(deps, op, next!, now);
    if (scheduled) deps.jobs.add(op, retry!, { delayMs: delay! });
    if (await op.commit()) return rec;
  }
  throw new Error("webhooks: could not record a delivery attempt (too many concurrent changes)");
}

/** Add a `send_mail` job per active admin saying `endpoint` was disabled. */
async function mailAdmins(
  deps: DeliveryDeps,
  op: Atomic,
  endpoint: WebhookEndpoint,
  now: number,
): Promise<void> {
  const { scope } = deps;
  const admins: string[] = [];
  for await (const e of scope.list<Membership>(scope.key("member"))) {
    if (e.value.active && e.value.role === "admin") admins.push(e.value.userId);
  }
  const people = await scope.people<User>(admins);
  const link = deps.publicUrl
    ? `\n\nCheck the endpoint and switch it back on at ${
      new URL(deps.publicUrl).origin
    }/o/${scope.orgId}/webhooks`
    : "";
  for (const person of people) {
    if (!person.email) continue;
    deps.jobs.add(
      op,
      sendMailJob(scope.orgId, {
        to: person.email,
        subject: "A webhook endpoint was disabled",
        text: `Deliveries to the webhook endpoint ${endpoint.url} have failed for 5 days, so ` +
          `ClockFlow stopped sending to it. Events from now on are not delivered to it.${link}`,
      }, now),
    );
  }
}

/** Where a job's attempt stands before any request. */
export type JobReading =
  | { go: true; endpoint: WebhookEndpoint; message: WebhookMessage }
  | { go: false; event: string; why: string | null };

/**
 * Read what job `job` needs in one round trip (the endpoint, the message, the billing record,
 * profile and settings) and decide whether to make the attempt: not when the endpoint is gone
 * (nothing to record: nobody can see its log) or disabled, the message expired, or the
 * organization's plan lost `webhooks` (`why` says which).
 */
export async function readForJob(
  scope: OrgScope,
  job: DeliverWebhookJob,
  now: number,
  mode: BillingMode,
): Promise<JobReading> {
  const [endpointE, messageE, billingE, profileE, settingsE] = await scope.getMany<unknown>([
    scope.key("webhook_endpoint", job.endpointId),
    scope.key("webhook_message", job.messageId),
    scope.key("billing"),
    scope.key("profile"),
    scope.key(...SETTINGS_PARTS),
  ]);
  const endpoint = endpointE.value as WebhookEndpoint | null;
  const message = messageE.value as WebhookMessage | null;
  const org = profileE.value as Organization | null;
  const event = message?.type ?? "unknown";
  if (!endpoint || !org) return { go: false, event, why: null };
  if (!message || Date.parse(message.timestamp) + MESSAGE_TTL_MS <= now) {
    return { go: false, event, why: "the message expired (messages are kept 30 days)" };
  }
  if (!endpoint.enabled) {
    return { go: false, event, why: `the endpoint is disabled (${endpoint.disabledReason})` };
  }
  const ent = entitlementsOf(
    billingFrom(billingE, org).record,
    settingsFrom(org, settingsE.value).settings.disabledFeatures,
    now,
    mode,
  );
  if (!enabled(ent, "webhooks")) {
    return { go: false, event, why: "webhooks are switched off or not in the organization's plan" };
  }
  return { go: true, endpoint, message };
}

/**
 * Run one `deliver_webhook` job: decide with {@linkcode readForJob}, record why when skipped,
 * else make the attempt. Returns the attempt's record (null when nothing was recorded).
 */
export async function deliverJob(
  deps: DeliveryDeps & { mode: BillingMode },
  job: DeliverWebhookJob,
): Promise<DeliveryRecord | null> {
  const reading = await readForJob(deps.scope, job, deps.now(), deps.mode);
  if (!reading.go) {
    if (reading.why === null) return null;
    return await recordSkipped(deps, job, reading.event, reading.why);
  }
  return await attemptDelivery(deps, {
    endpoint: reading.endpoint,
    message: reading.message,
    attempt: job.attempt,
    trigger: job.attempt > AUTOMATIC_ATTEMPTS ? "manual" : "event",
  });
}
