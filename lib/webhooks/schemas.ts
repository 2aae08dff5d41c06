/**
 * Input schemas of the webhook use cases (`use_cases.ts`): the JSON API validates bodies with
 * them and the webhooks page adapts its form to them. Whether a URL may be called (https, a
 * public address) is the SSRF guard's decision (`lib/net/ssrf.ts`), made by the use case; the
 * schema only requires something that parses as an http(s) URL.
 *
 * @module
 */

import { z } from "zod";
import { EVENT_TYPES } from "../events/events.ts";
import { hasUnsafeText, paging } from "../validation.ts";

/** Longest endpoint URL accepted. */
export const MAX_URL_LENGTH = 2_000;

/** An endpoint URL: parses, http(s), no spaces. */
export const endpointUrl = z.string().trim().min(1, "enter the URL of your endpoint")
  .max(MAX_URL_LENGTH, `use at most ${MAX_URL_LENGTH} characters`)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && !/\s/.test(s);
    } catch {
      return false;
    }
  }, "enter a full URL, like https://example.com/webhooks");

/** The events an endpoint receives: at least one, each once, from `EVENT_TYPES`. */
export const endpointEvents = z.array(
  z.enum(EVENT_TYPES, { error: `use event types from: ${EVENT_TYPES.join(", ")}` }),
).min(1, "choose at least one event")
  .max(EVENT_TYPES.length)
  .refine((e) => new Set(e).size === e.length, "name each event once");

/** A note saying what the endpoint is for. */
export const endpointDescription = z.string().trim().max(500, "use at most 500 characters")
  .refine((s) => !hasUnsafeText(s), "remove control and direction-override characters");

/** Creating an endpoint (`description` defaults to ""). */
export const webhookInput = z.strictObject({
  url: endpointUrl,
  events: endpointEvents,
  description: endpointDescription.default(""),
});
/** An endpoint to create. */
export type WebhookInput = z.infer<typeof webhookInput>;

/** Changing an endpoint: any of its fields, at least one. */
export const webhookPatch = z.strictObject({
  url: endpointUrl.optional(),
  events: endpointEvents.optional(),
  description: endpointDescription.optional(),
  enabled: z.boolean().optional(),
}).refine((b) => Object.keys(b).length > 0, "change at least one field");
/** Changes to an endpoint. */
export type WebhookPatch = z.infer<typeof webhookPatch>;

/** A page of an endpoint's delivery log (newest first). */
export const deliveryListQuery = z.strictObject(paging);
/** A page of the delivery log. */
export type DeliveryListQuery = z.infer<typeof deliveryListQuery>;

/** An empty body (test, rotate, retry). */
export const emptyWebhookBody = z.strictObject({});
