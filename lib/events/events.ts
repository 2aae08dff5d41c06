/**
 * Organization events: the one way a change tells the outside world about itself. A use case
 * emits an event into the atomic commit of its change (`ctx.events.emit(op, type, data)`), and
 * the commit carries, with the change:
 *
 * - for each enabled webhook endpoint subscribed to the type: the message
 *   (`["org", orgId, "webhook_message", id]`, kept 30 days) and one `deliver_webhook` job
 *   (`lib/webhooks` delivers, retries and logs);
 * - for the types people are notified of ({@linkcode NOTIFYING_EVENTS}): one `notify` job
 *   (`lib/notifications` decides who hears of it, by mail or Slack).
 *
 * An event therefore exists exactly when its change does. Nothing is read at emit time: the
 * organization's subscriptions (`["org", orgId, "webhook_subscriptions"]`, a small list kept by
 * `lib/webhooks` in the same commits as its endpoints) are read with the organization at the
 * start of the request. The caller dispatches `ctx.jobs` after the commit.
 *
 * @module
 */

import type { Atomic, OrgScope } from "../kv/mod.ts";
import { newId } from "../kv/mod.ts";
import type { JobPort } from "../jobs/outbox.ts";
import { newJob } from "../jobs/jobs.ts";

/** Every event type a subscriber can receive (the public contract; keep names exactly). */
export const EVENT_TYPES = [
  "time_entry.created",
  "time_entry.updated",
  "time_entry.deleted",
  "clock.in",
  "clock.out",
  "break.started",
  "break.ended",
  "timesheet.submitted",
  "timesheet.approved",
  "timesheet.rejected",
  "timesheet.reopened",
  "pto_request.created",
  "pto_request.approved",
  "pto_request.rejected",
  "pto_request.cancelled",
  "member.added",
  "member.updated",
  "member.deactivated",
  "export.completed",
] as const;
/** An event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The events that may notify people (`lib/notifications` decides whom). */
export const NOTIFYING_EVENTS: readonly EventType[] = [
  "pto_request.created",
  "pto_request.approved",
  "pto_request.rejected",
  "timesheet.rejected",
];

/** The key parts (after the org prefix) of the subscription list. */
export const SUBSCRIPTIONS_PARTS = ["webhook_subscriptions"] as const;

/** One endpoint as the emitter sees it. */
export interface Subscription {
  endpointId: string;
  events: EventType[];
  enabled: boolean;
}

/** The organization's webhook subscriptions (absent key: none). */
export interface Subscriptions {
  endpoints: Subscription[];
}

/** No subscriptions. */
export const NO_SUBSCRIPTIONS: Subscriptions = Object.freeze({ endpoints: [] });

/** Read the stored subscription list (`null` or malformed → none). */
export function subscriptionsFrom(stored: unknown): Subscriptions {
  const s = stored as Partial<Subscriptions> | null;
  return s && Array.isArray(s.endpoints) ? { endpoints: s.endpoints } : NO_SUBSCRIPTIONS;
}

/** An event as stored and as sent (Standard Webhooks body: `{type, timestamp, data}`). */
export interface OrgEvent {
  /** `msg_…`: the `webhook-id` every delivery of it carries. */
  id: string;
  type: EventType;
  /** ISO 8601 UTC. */
  timestamp: string;
  data: unknown;
}

/** How long a webhook message is kept (its deliveries are retried within this). */
export const MESSAGE_TTL_MS = 30 * 24 * 3_600_000;

/** What a use case uses to emit events. */
export interface EventPort {
  /** Add event `type` with `data` to `op`; it happens only if `op` commits. */
  emit(op: Atomic, type: EventType, data: unknown): OrgEvent;
}

/**
 * The event port of one request or job: `subscriptions` as read with the organization, `jobs`
 * the unit of work's job port, `now` its clock.
 *
 * @example
 * ```ts
 * const op = scope.atomic().set(...);
 * ctx.events.emit(op, "pto_request.created", view);
 * if (await op.commit()) await ctx.jobs.dispatch();
 * ```
 */
export function eventPort(
  scope: OrgScope,
  subscriptions: Subscriptions,
  jobs: JobPort,
  now: number,
): EventPort {
  return {
    emit(op, type, data) {
      const event: OrgEvent = {
        id: `msg_${newId(now)}`,
        type,
        timestamp: new Date(now).toISOString(),
        data,
      };
      const targets = subscriptions.endpoints.filter((e) => e.enabled && e.events.includes(type));
      if (targets.length) {
        op.set(scope.key("webhook_message", event.id), event, { expireIn: MESSAGE_TTL_MS });
        for (const t of targets) {
          jobs.add(
            op,
            newJob("deliver_webhook", {
              orgId: scope.orgId,
              endpointId: t.endpointId,
              messageId: event.id,
              attempt: 1,
            }, now),
          );
        }
      }
      if (NOTIFYING_EVENTS.includes(type)) {
        jobs.add(op, newJob("notify", { orgId: scope.orgId, event }, now));
      }
      return event;
    },
  };
}
