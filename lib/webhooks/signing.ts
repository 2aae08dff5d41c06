/**
 * Standard Webhooks signing (https://www.standardwebhooks.com), with the `standardwebhooks`
 * library subscribers verify with: the body is `{"type","timestamp","data"}`, and the headers
 * are `webhook-id` (the message id, the same on every retry), `webhook-timestamp` (seconds of
 * this attempt) and `webhook-signature`: one `v1,<base64 HMAC-SHA256 of id.timestamp.body>`
 * per live secret, separated by spaces (two during a rotation's overlap).
 *
 * @module
 */

import { Webhook } from "standardwebhooks";

/** A message as stored and sent. */
export interface WebhookMessage {
  /** `msg_…`, sent as `webhook-id`. */
  id: string;
  type: string;
  /** When the event happened (ISO 8601 UTC). */
  timestamp: string;
  data: unknown;
}

/** The exact body sent for `message`. */
export function messageBody(message: WebhookMessage): string {
  return JSON.stringify({ type: message.type, timestamp: message.timestamp, data: message.data });
}

/**
 * The headers of one attempt of `message` with `body`, signed at `nowMs` with each of
 * `secrets`.
 *
 * @example
 * ```ts
 * const body = messageBody(message);
 * const headers = signedHeaders(message.id, body, [endpoint.secret], Date.now());
 * new Webhook(endpoint.secret).verify(body, headers); // the parsed body
 * ```
 */
export function signedHeaders(
  messageId: string,
  body: string,
  secrets: string[],
  nowMs: number,
): Record<string, string> {
  const at = new Date(Math.floor(nowMs / 1000) * 1000);
  const signature = secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(" ");
  return {
    "content-type": "application/json",
    "user-agent": "ClockFlow-Webhooks/1",
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(nowMs / 1000)),
    "webhook-signature": signature,
  };
}
