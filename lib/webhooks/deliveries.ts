/**
 * The delivery log: one record per attempt to deliver a message to an endpoint, at
 * `["org", orgId, "webhook_delivery", endpointId, deliveryId]`, kept {@linkcode DELIVERY_TTL_MS}
 * (`expireIn`, and the expiry is also checked from the value since KV expiry is lazy). Ids are
 * time-sortable, so the log of an endpoint lists newest first by reading backwards.
 *
 * @module
 */

import { type Atomic, decodeCursorParam, isId, type OrgScope } from "../kv/mod.ts";
import { notFound } from "../errors.ts";

/** How long attempts are kept. */
export const DELIVERY_TTL_MS = 30 * 24 * 3_600_000;

/**
 * What became of an attempt: `succeeded` (a 2xx answer), `pending` (it failed and the next
 * attempt is scheduled at `nextAttemptAt`) or `failed` (it failed and nothing more is scheduled:
 * the schedule is used up, the endpoint answered 410 or was disabled, the message expired, …).
 */
export type DeliveryStatus = "succeeded" | "failed" | "pending";

/**
 * Why the attempt was made: `event` (an event and its scheduled retries), `test` (the test
 * button or `POST …/test`), `manual` (`POST …/deliveries/{id}/retry`).
 */
export type DeliveryTrigger = "event" | "test" | "manual";

/** One attempt as stored. Instants are epoch ms. */
export interface DeliveryRecord {
  id: string;
  endpointId: string;
  /** The message id, sent as `webhook-id` (the same for every attempt of one message). */
  messageId: string;
  /** The event type (`clock.in`, `webhook.test`, …). */
  event: string;
  /** 1 for the first attempt of a message; manual retries come after the automatic ones. */
  attempt: number;
  trigger: DeliveryTrigger;
  status: DeliveryStatus;
  /** The HTTP status the endpoint answered, or null when no answer came. */
  responseStatus: number | null;
  /** How long the request took (ms), or null when none was made. */
  durationMs: number | null;
  /** Why it failed, for people (null on success). */
  error: string | null;
  /** The first 1 KB of the answer's body (UTF-8, possibly cut). */
  responseBody: string | null;
  attemptedAt: number;
  /** When the next attempt runs, when one is scheduled. */
  nextAttemptAt: number | null;
}

/** An attempt as the API shows it (instants as ISO 8601). */
export interface DeliveryView extends Omit<DeliveryRecord, "attemptedAt" | "nextAttemptAt"> {
  attemptedAt: string;
  nextAttemptAt: string | null;
}

/** The API view of `d`. */
export function viewDelivery(d: DeliveryRecord): DeliveryView {
  return {
    ...d,
    attemptedAt: new Date(d.attemptedAt).toISOString(),
    nextAttemptAt: d.nextAttemptAt === null ? null : new Date(d.nextAttemptAt).toISOString(),
  };
}

/** Add the record of attempt `d` to `op` (kept {@linkcode DELIVERY_TTL_MS}). */
export function putDelivery(op: Atomic, scope: OrgScope, d: DeliveryRecord): Atomic {
  return op.set(scope.key("webhook_delivery", d.endpointId, d.id), d, {
    expireIn: DELIVERY_TTL_MS,
  });
}

function live(d: DeliveryRecord, now: number): boolean {
  return d.attemptedAt + DELIVERY_TTL_MS > now;
}

/** A page of endpoint `endpointId`'s attempts, newest first (expired ones left out). */
export async function listDeliveries(
  scope: OrgScope,
  endpointId: string,
  options: { limit: number; cursor?: string | null },
  now: number,
): Promise<{ data: DeliveryRecord[]; nextCursor: string | null }> {
  const page = await scope.page<DeliveryRecord>(scope.key("webhook_delivery", endpointId), {
    limit: options.limit,
    cursor: decodeCursorParam(options.cursor),
    reverse: true,
  });
  return {
    data: page.items.map((e) => e.value).filter((d) => live(d, now)),
    nextCursor: page.nextCursor,
  };
}

/** Attempt `id` of endpoint `endpointId`, or 404 `not_found`. */
export async function getDelivery(
  scope: OrgScope,
  endpointId: string,
  id: string,
  now: number,
): Promise<DeliveryRecord> {
  if (!isId(endpointId) || !isId(id)) throw notFound("delivery");
  const found = (await scope.get<DeliveryRecord>("webhook_delivery", endpointId, id)).value;
  if (!found || !live(found, now)) throw notFound("delivery");
  return found;
}
