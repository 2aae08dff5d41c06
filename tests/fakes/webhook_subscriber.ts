/**
 * A webhook subscriber on a loopback port (`Deno.serve` on port 0) that checks every request
 * the way a real subscriber would: with the official `standardwebhooks` library's
 * `Webhook.verify`. Tests choose how it answers (`respond`) and read what it received.
 *
 * `Webhook.verify` compares `webhook-timestamp` with `Date.now()` (5 minutes' tolerance); the
 * app under test runs on a test clock, so verification runs with `Date.now` reading that clock
 * for the duration of the (synchronous) call: the subscriber's clock is the test's clock.
 *
 * @module
 */

import { Webhook } from "standardwebhooks";

/** One request as the subscriber saw it. */
export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The test clock when it arrived (epoch ms). */
  at: number;
  /** True when `Webhook.verify` accepted it with the subscriber's `secret` at `at`. */
  verified: boolean;
}

/** How the subscriber answers a request (after verifying it). */
export type Responder = (req: ReceivedWebhook) => Response | Promise<Response>;

/** Run `fn` with `Date.now` reading `ms` (for a synchronous library call). */
export function atClock<T>(ms: number, fn: () => T): T {
  const real = Date.now;
  Date.now = () => ms;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

/**
 * True when `Webhook.verify` (the official library) accepts `req` with `secret` at the time it
 * arrived (or at `atMs`).
 */
export function verifies(req: ReceivedWebhook, secret: string, atMs = req.at): boolean {
  try {
    atClock(atMs, () => new Webhook(secret).verify(req.body, req.headers));
    return true;
  } catch {
    return false;
  }
}

/** A running loopback subscriber. */
export class WebhookSubscriber {
  readonly received: ReceivedWebhook[] = [];
  /** The secret requests are verified with (set it from the creation answer). */
  secret: string | null = null;
  /** How to answer; default 204 for verified requests, 401 for others. */
  respond: Responder = (req) => new Response(null, { status: req.verified ? 204 : 401 });
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  private constructor(readonly now: () => number) {
    this.#server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      async (request) => {
        const url = new URL(request.url);
        const headers: Record<string, string> = {};
        request.headers.forEach((v, k) => headers[k] = v);
        const received: ReceivedWebhook = {
          method: request.method,
          path: url.pathname,
          headers,
          body: await request.text(),
          at: this.now(),
          verified: false,
        };
        received.verified = this.secret !== null && verifies(received, this.secret);
        this.received.push(received);
        return await this.respond(received);
      },
    );
  }

  /** Start a subscriber whose clock is `now` (the test app's clock). */
  static start(now: () => number): WebhookSubscriber {
    return new WebhookSubscriber(now);
  }

  /** The URL of `path` on this subscriber. */
  url(path = "/hook"): string {
    return `http://127.0.0.1:${this.#server.addr.port}${path}`;
  }

  /** Stop listening (open requests are answered first). */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }
}
