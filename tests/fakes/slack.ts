/**
 * A loopback Slack incoming webhook: `POST /services/…` with a JSON body `{"text": …}`, as Slack
 * accepts it (200 `ok` as text; 400 `invalid_payload` for a body without `text`). Tests read what
 * it received and can make it fail (`failWith`).
 *
 * @module
 */

/** One message the fake received. */
export interface SlackPost {
  path: string;
  contentType: string | null;
  body: unknown;
}

/** A running fake Slack webhook. */
export class FakeSlack {
  readonly received: SlackPost[] = [];
  /** Answer this status instead of 200 (a Slack outage). */
  failWith: number | null = null;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  private constructor() {
    this.#server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen: () => {} },
      (req) => this.#handle(req),
    );
  }

  /** Start on a free loopback port. */
  static start(): FakeSlack {
    return new FakeSlack();
  }

  /** The incoming-webhook URL of this fake. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}/services/T000/B000/XXXXsecret`;
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.method !== "POST" || !url.pathname.startsWith("/services/")) {
      return new Response("no_service", { status: 404 });
    }
    const text = await req.text();
    if (this.failWith !== null) return new Response("server_error", { status: this.failWith });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return new Response("invalid_payload", { status: 400 });
    }
    if (typeof (body as { text?: unknown })?.text !== "string") {
      return new Response("invalid_payload", { status: 400 });
    }
    this.received.push({
      path: url.pathname,
      contentType: req.headers.get("content-type"),
      body,
    });
    return new Response("ok", { status: 200, headers: { "content-type": "text/plain" } });
  }

  /** Stop the server. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }
}
