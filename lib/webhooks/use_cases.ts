/**
 * Webhooks as use cases: what the JSON API and the webhooks page call. Admins (or API keys with
 * `webhooks:write`; reads need `webhooks:read`) manage the organization's endpoints, on plans
 * with the `webhooks` feature (403 `feature_not_in_plan` / `feature_disabled`). Every URL is
 * checked by the SSRF guard at creation and change (422 `webhook_url_not_allowed`, with the
 * refusal's `reason`), and again before every delivery (`deliver.ts`).
 *
 * | use case | scope | input (schema) |
 * | --- | --- | --- |
 * | {@linkcode createWebhookUseCase} | `webhooks:write` | `webhookInput` → the endpoint and its `secret` (shown once) |
 * | {@linkcode listWebhooksUseCase} | `webhooks:read` | — |
 * | {@linkcode getWebhookUseCase} | `webhooks:read` | `{id}` |
 * | {@linkcode updateWebhookUseCase} | `webhooks:write` | `{id, patch: webhookPatch}` |
 * | {@linkcode deleteWebhookUseCase} | `webhooks:write` | `{id}` |
 * | {@linkcode testWebhookUseCase} | `webhooks:write` | `{id}` → the attempt of a `webhook.test` message |
 * | {@linkcode rotateWebhookSecretUseCase} | `webhooks:write` | `{id}` → the endpoint and its new `secret` |
 * | {@linkcode listDeliveriesUseCase} | `webhooks:read` | `{id, query: deliveryListQuery}` |
 * | {@linkcode retryDeliveryUseCase} | `webhooks:write` | `{id, deliveryId}` → the queued attempt |
 *
 * @module
 */

import { authorize, type RequestContext, requirePlanFeature, requireScope } from "../context.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../kv/mod.ts";
import { newJob } from "../jobs/jobs.ts";
import { MESSAGE_TTL_MS } from "../events/events.ts";
import { checkOutboundUrl } from "../net/ssrf.ts";
import { parseInput, type Unparsed } from "../validation.ts";
import type { Scope } from "../apikeys/scopes.ts";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
  viewEndpoint,
  type WebhookEndpointView,
} from "./endpoints.ts";
import { type DeliveryView, getDelivery, listDeliveries, viewDelivery } from "./deliveries.ts";
import { attemptDelivery, AUTOMATIC_ATTEMPTS } from "./deliver.ts";
import type { WebhookMessage } from "./signing.ts";
import { deliveryListQuery, webhookInput, webhookPatch } from "./schemas.ts";

/** The event type of test deliveries (not one a subscriber subscribes to). */
export const TEST_EVENT = "webhook.test";

/** The checks every webhook use case starts with: the key's scope, admins, the plan. */
function allow(ctx: RequestContext, scope: Scope): void {
  requireScope(ctx, scope);
  authorize(ctx, "admin");
  requirePlanFeature(ctx, "webhooks");
}

/** 422 `webhook_url_not_allowed` unless the SSRF guard admits `url`. */
async function assertUrlAllowed(ctx: RequestContext, url: string): Promise<void> {
  const check = await checkOutboundUrl(url, ctx.services.outbound.policy);
  if (!check.ok) {
    throw new DomainError("unprocessable", "webhook_url_not_allowed", check.message, {
      reason: check.reason,
    });
  }
}

/** An endpoint with its secret: the answer of creation and rotation (the only ones). */
export type WebhookWithSecret = WebhookEndpointView & { secret: string };

/**
 * Create an endpoint (enabled) with a fresh `whsec_` secret, returned only here. 409
 * `webhook_limit` beyond 20 endpoints; 422 `webhook_url_not_allowed` for a URL the SSRF guard
 * refuses.
 *
 * @example
 * ```ts
 * const { id, secret } = await createWebhookUseCase(ctx, {
 *   url: "https://hooks.example.com/clockflow",
 *   events: ["clock.in", "clock.out"],
 * });
 * ```
 */
export async function createWebhookUseCase(
  ctx: RequestContext,
  input: Unparsed<typeof webhookInput>,
): Promise<WebhookWithSecret> {
  allow(ctx, "webhooks:write");
  const parsed = parseInput(webhookInput, input);
  await assertUrlAllowed(ctx, parsed.url);
  const endpoint = await createEndpoint(ctx.scope, ctx.principal, parsed, ctx.now);
  return { ...viewEndpoint(endpoint, ctx.now), secret: endpoint.secret };
}

/** Every endpoint of the organization (at most 20), oldest first; never a secret. */
export async function listWebhooksUseCase(
  ctx: RequestContext,
): Promise<{ data: WebhookEndpointView[] }> {
  allow(ctx, "webhooks:read");
  const all = await listEndpoints(ctx.scope);
  return { data: all.map((e) => viewEndpoint(e, ctx.now)) };
}

/** One endpoint; 404 `not_found` for unknown ids and other organizations' ids. */
export async function getWebhookUseCase(
  ctx: RequestContext,
  input: { id: string },
): Promise<WebhookEndpointView> {
  allow(ctx, "webhooks:read");
  return viewEndpoint(await getEndpoint(ctx.scope, input.id), ctx.now);
}

/**
 * Change an endpoint's url, events, description or `enabled`. Switching it on clears its
 * failure state (`disabledReason`, `failingSince`). A new URL passes the SSRF guard first.
 */
export async function updateWebhookUseCase(
  ctx: RequestContext,
  input: { id: string; patch: Unparsed<typeof webhookPatch> },
): Promise<WebhookEndpointView> {
  allow(ctx, "webhooks:write");
  const patch = parseInput(webhookPatch, input.patch);
  if (patch.url !== undefined) {
    const current = await getEndpoint(ctx.scope, input.id);
    if (patch.url !== current.url) await assertUrlAllowed(ctx, patch.url);
  }
  const updated = await updateEndpoint(ctx.scope, ctx.principal, input.id, patch, ctx.now);
  return viewEndpoint(updated, ctx.now);
}

/** Delete an endpoint: nothing more is sent to it (queued attempts find it gone). */
export async function deleteWebhookUseCase(
  ctx: RequestContext,
  input: { id: string },
): Promise<void> {
  allow(ctx, "webhooks:write");
  await deleteEndpoint(ctx.scope, ctx.principal, input.id, ctx.now);
}

/**
 * Send a `webhook.test` message to the endpoint now (also when it is disabled, to check a fix
 * before switching it back on), through the same signing, SSRF check, HTTP call and log as
 * events, and answer with the attempt. A test is one attempt: it is not retried and does not
 * change the endpoint's failure state. The message is kept like an event's, so the attempt can
 * be retried by hand.
 */
export async function testWebhookUseCase(
  ctx: RequestContext,
  input: { id: string },
): Promise<DeliveryView> {
  allow(ctx, "webhooks:write");
  const endpoint = await getEndpoint(ctx.scope, input.id);
  const message: WebhookMessage = {
    id: `msg_${newId(ctx.now)}`,
    type: TEST_EVENT,
    timestamp: new Date(ctx.now).toISOString(),
    data: {
      endpointId: endpoint.id,
      message: "A test event from ClockFlow: your endpoint is reachable and verifies it.",
    },
  };
  await ctx.scope.atomic()
    .set(ctx.scope.key("webhook_message", message.id), message, { expireIn: MESSAGE_TTL_MS })
    .commit();
  const attempt = await attemptDelivery({
    scope: ctx.scope,
    outbound: ctx.services.outbound,
    now: () => ctx.now,
    jobs: ctx.jobs,
    publicUrl: ctx.services.publicUrl,
  }, { endpoint, message, attempt: 1, trigger: "test" });
  await ctx.jobs.dispatch();
  return viewDelivery(attempt);
}

/**
 * Give the endpoint a new secret, returned only here; the previous one keeps signing beside it
 * for 24 hours (`previousSecretExpiresAt`), so subscribers can switch without losing events.
 */
export async function rotateWebhookSecretUseCase(
  ctx: RequestContext,
  input: { id: string },
): Promise<WebhookWithSecret> {
  allow(ctx, "webhooks:write");
  const endpoint = await rotateSecret(ctx.scope, ctx.principal, input.id, ctx.now);
  return { ...viewEndpoint(endpoint, ctx.now), secret: endpoint.secret };
}

/** A page of the endpoint's delivery log, newest first (kept 30 days). */
export async function listDeliveriesUseCase(
  ctx: RequestContext,
  input: { id: string; query: Unparsed<typeof deliveryListQuery> },
): Promise<{ data: DeliveryView[]; nextCursor: string | null }> {
  allow(ctx, "webhooks:read");
  const q = parseInput(deliveryListQuery, input.query);
  const endpoint = await getEndpoint(ctx.scope, input.id);
  const page = await listDeliveries(ctx.scope, endpoint.id, q, ctx.now);
  return { data: page.data.map(viewDelivery), nextCursor: page.nextCursor };
}

/** What a manual retry queued. */
export interface QueuedRetry {
  endpointId: string;
  messageId: string;
  attempt: number;
  /** The job that makes the attempt (its record appears in the log when it ran). */
  jobId: string;
}

/**
 * Queue one more attempt of the delivery's message to the endpoint, now. It is a single attempt
 * (numbered after the automatic ones; a failure is not retried again). 409 `webhook_disabled`
 * when the endpoint is off (switch it on first); 409 `webhook_message_expired` when the message
 * is no longer kept.
 */
export async function retryDeliveryUseCase(
  ctx: RequestContext,
  input: { id: string; deliveryId: string },
): Promise<QueuedRetry> {
  allow(ctx, "webhooks:write");
  const endpoint = await getEndpoint(ctx.scope, input.id);
  const delivery = await getDelivery(ctx.scope, endpoint.id, input.deliveryId, ctx.now);
  if (!endpoint.enabled) {
    throw new DomainError(
      "conflict",
      "webhook_disabled",
      "The endpoint is disabled; switch it on before retrying",
    );
  }
  const messageKey = ctx.scope.key("webhook_message", delivery.messageId);
  const message = await ctx.scope.getKey<WebhookMessage>(messageKey);
  if (!message.value || Date.parse(message.value.timestamp) + MESSAGE_TTL_MS <= ctx.now) {
    throw new DomainError(
      "conflict",
      "webhook_message_expired",
      "This message is no longer kept (messages are kept 30 days)",
    );
  }
  const attempt = Math.min(Math.max(delivery.attempt, AUTOMATIC_ATTEMPTS) + 1, 100);
  const job = newJob("deliver_webhook", {
    orgId: ctx.scope.orgId,
    endpointId: endpoint.id,
    messageId: delivery.messageId,
    attempt,
  }, ctx.now);
  const op = ctx.scope.atomic().check(messageKey, message.versionstamp);
  ctx.jobs.add(op, job);
  if (!(await op.commit())) {
    throw new DomainError("conflict", "concurrent_change", "The message changed meanwhile; retry");
  }
  await ctx.jobs.dispatch();
  return { endpointId: endpoint.id, messageId: delivery.messageId, attempt, jobId: job.id };
}
