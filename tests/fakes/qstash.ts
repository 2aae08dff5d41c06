/**
 * A loopback fake of Upstash QStash speaking its wire protocol, for testing the QStash transport
 * and its callbacks offline.
 *
 * Publishing (what `@upstash/qstash`'s `Client.publish`/`publishJSON` send):
 * `POST /v2/publish/{destination URL}` with `Authorization: Bearer <token>` (401 otherwise), the
 * raw body, and the headers `Upstash-Delay` (`<n>s`/`m`/`h`/`d`), `Upstash-Retries`,
 * `Upstash-Deduplication-Id`, `Upstash-Failure-Callback`, `Upstash-Callback`, `Upstash-Method`
 * and `Upstash-Forward-*` (forwarded without the prefix). Answers 201 `{messageId}`, or
 * `{messageId, deduplicated: true}` for a deduplication id seen before (the message is then
 * not delivered again).
 *
 * Delivery (what QStash sends): the destination is called with the body as published, its
 * `Content-Type`, the forwarded headers, `User-Agent: Upstash-QStash`, `Upstash-Message-Id`,
 * `Upstash-Retried` and `Upstash-Signature`: an HS256 JWT made with Web Crypto from the
 * current signing key (or the next one, {@linkcode FakeQStash.signWith}), claims `iss`
 * "Upstash", `sub` the URL called, `iat`/`nbf`/`exp` (+5 min), `jti`, and `body` the
 * base64url SHA-256 of the body. A non-2xx answer (or no answer) is retried up to `retries`
 * times, without waiting (the backoff QStash would wait, `min(86400, e^(2.5 n))` s, is recorded);
 * then the failure callback, if any, is called, signed the same way, with QStash's
 * failure-callback body (`status`, `header`, `body` base64, `retried`, `maxRetries`,
 * `sourceMessageId`, `url`, `method`, `sourceHeader`, `sourceBody` base64, `dlqId`, …).
 *
 * Timing is the test's: a message without a delay is delivered right after the publish is
 * answered (await {@linkcode FakeQStash.idle}); a delayed one is held (its delay recorded) until
 * {@linkcode FakeQStash.flush}. {@linkcode FakeQStash.redeliver} delivers a message once more,
 * as QStash's at-least-once delivery may.
 *
 * @module
 */

/** Signing keys and token of a fake QStash account. */
export interface FakeQStashKeys {
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
}

/** One call of a destination. */
export interface DeliveryAttempt {
  url: string;
  /** The answer's status, or 0 when the call failed. */
  status: number;
  /** Seconds QStash would wait before the next try (none after the last). */
  backoffSeconds: number | null;
}

/** A message as the fake holds it. */
export interface FakeMessage {
  messageId: string;
  destination: string;
  body: string;
  contentType: string | null;
  /** Headers to forward to the destination (prefix removed). */
  forward: Record<string, string>;
  delaySeconds: number;
  retries: number;
  deduplicationId: string | null;
  failureCallback: string | null;
  method: string;
  createdAt: number;
  state: "held" | "delivering" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
  /** Status of the failure callback call, when one was made. */
  failureCallbackStatus: number | null;
}

/** QStash's default retries when `Upstash-Retries` is absent. */
const DEFAULT_RETRIES = 3;

/** The fake server. Start with {@linkcode FakeQStash.start}. */
export class FakeQStash {
  /** Every accepted (non-deduplicated) message, in publish order. */
  readonly messages: FakeMessage[] = [];
  /** Publish requests refused for a bad or missing token. */
  unauthorized = 0;
  /** Publishes answered `deduplicated: true`. */
  deduplicated = 0;
  /** Which key signs deliveries (key rotation tests). */
  signWith: "current" | "next" = "current";
  /** When true, publishes are answered 500 (QStash unavailable). */
  failPublishes = false;
  #server: Deno.HttpServer | null = null;
  #inflight = new Set<Promise<void>>();
  #dedup = new Set<string>();
  #seq = 0;

  constructor(readonly keys: FakeQStashKeys) {}

  /** Serve on a free loopback port; returns the base URL (for `QSTASH_URL`). */
  start(): string {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => this.#handle(req),
    );
    const addr = this.#server.addr as Deno.NetAddr;
    return `http://127.0.0.1:${addr.port}`;
  }

  /** Wait for deliveries under way (and those they cause) to finish. */
  async idle(): Promise<void> {
    while (this.#inflight.size) await Promise.all([...this.#inflight]);
  }

  /** Deliver every held (delayed) message now, then wait for them. Returns how many. */
  async flush(): Promise<number> {
    const held = this.messages.filter((m) => m.state === "held");
    for (const m of held) this.#track(this.#deliver(m));
    await this.idle();
    return held.length;
  }

  /** Deliver `messageId` once more (at-least-once delivery), then wait for it. */
  async redeliver(messageId: string): Promise<void> {
    const m = this.messages.find((x) => x.messageId === messageId);
    if (!m) throw new Error(`no message ${messageId}`);
    this.#track(this.#deliver(m));
    await this.idle();
  }

  /** Stop serving (after the deliveries under way). */
  async close(): Promise<void> {
    await this.idle();
    await this.#server?.shutdown();
    this.#server = null;
  }

  #track(p: Promise<void>): void {
    this.#inflight.add(p);
    p.finally(() => this.#inflight.delete(p));
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const prefix = "/v2/publish/";
    if (req.method !== "POST" || !url.pathname.startsWith(prefix)) {
      return Response.json({ error: "not found" }, { status: 404 });
    }
    if (req.headers.get("authorization") !== `Bearer ${this.keys.token}`) {
      this.unauthorized++;
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    if (this.failPublishes) {
      return Response.json({ error: "service unavailable" }, { status: 500 });
    }
    const destination = url.pathname.slice(prefix.length) + url.search;
    if (!/^https?:\/\//.test(destination)) {
      return Response.json({ error: `invalid destination: ${destination}` }, { status: 400 });
    }
    const body = await req.text();
    const h = req.headers;
    const dedupId = h.get("upstash-deduplication-id");
    const messageId = `msg_${++this.#seq}_${crypto.randomUUID().slice(0, 8)}`;
    if (dedupId && this.#dedup.has(dedupId)) {
      this.deduplicated++;
      return Response.json({ messageId, deduplicated: true }, { status: 201 });
    }
    if (dedupId) this.#dedup.add(dedupId);
    const forward: Record<string, string> = {};
    for (const [k, v] of h) {
      if (k.startsWith("upstash-forward-")) forward[k.slice("upstash-forward-".length)] = v;
    }
    const message: FakeMessage = {
      messageId,
      destination,
      body,
      contentType: h.get("content-type"),
      forward,
      delaySeconds: parseDelay(h.get("upstash-delay")),
      retries: h.has("upstash-retries") ? Number(h.get("upstash-retries")) : DEFAULT_RETRIES,
      deduplicationId: dedupId,
      failureCallback: h.get("upstash-failure-callback"),
      method: h.get("upstash-method") ?? "POST",
      createdAt: Date.now(),
      state: parseDelay(h.get("upstash-delay")) === 0 ? "delivering" : "held",
      attempts: [],
      failureCallbackStatus: null,
    };
    this.messages.push(message);
    if (message.delaySeconds === 0) {
      // Deliver after the publish has been answered, as QStash does.
      this.#track(new Promise((r) => setTimeout(r, 0)).then(() => this.#deliver(message)));
    }
    return Response.json({ messageId }, { status: 201 });
  }

  async #deliver(m: FakeMessage): Promise<void> {
    m.state = "delivering";
    let last: { status: number; headers: Headers; body: string } | null = null;
    for (let retried = 0; retried <= m.retries; retried++) {
      last = await this.#call(m.destination, m.method, m.body, {
        ...m.forward,
        ...(m.contentType ? { "content-type": m.contentType } : {}),
        "upstash-message-id": m.messageId,
        "upstash-retried": String(retried),
      });
      const ok = last.status >= 200 && last.status < 300;
      const backoffSeconds = ok || retried === m.retries
        ? null
        : Math.min(86400, Math.round(Math.exp(2.5 * (retried + 1))));
      m.attempts.push({ url: m.destination, status: last.status, backoffSeconds });
      if (ok) {
        m.state = "delivered";
        return;
      }
    }
    m.state = "failed";
    if (!m.failureCallback || !last) return;
    const callbackBody = JSON.stringify({
      status: last.status,
      header: Object.fromEntries([...last.headers].map(([k, v]) => [k, [v]])),
      body: toBase64(last.body),
      retried: m.retries,
      maxRetries: m.retries,
      dlqId: `dlq_${m.messageId}`,
      sourceMessageId: m.messageId,
      url: m.destination,
      method: m.method,
      sourceHeader: Object.fromEntries(
        Object.entries({ ...m.forward, "content-type": m.contentType ?? "" })
          .map(([k, v]) => [k, [v]]),
      ),
      sourceBody: toBase64(m.body),
      notBefore: m.createdAt + m.delaySeconds * 1000,
      createdAt: m.createdAt,
      callerIP: "127.0.0.1",
    });
    for (let retried = 0; retried <= m.retries; retried++) {
      const answer = await this.#call(m.failureCallback, "POST", callbackBody, {
        "content-type": "application/json",
        "upstash-message-id": `${m.messageId}_failure`,
        "upstash-retried": String(retried),
      });
      m.failureCallbackStatus = answer.status;
      if (answer.status >= 200 && answer.status < 300) return;
    }
  }

  async #call(
    url: string,
    method: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: string }> {
    const key = this.signWith === "current"
      ? this.keys.currentSigningKey
      : this.keys.nextSigningKey;
    try {
      const res = await fetch(url, {
        method,
        body,
        headers: {
          ...headers,
          "user-agent": "Upstash-QStash",
          "upstash-signature": await signQStash({ key, url, body }),
        },
        redirect: "manual",
      });
      return { status: res.status, headers: res.headers, body: await res.text() };
    } catch {
      return { status: 0, headers: new Headers(), body: "" };
    }
  }
}

/** Seconds of an `Upstash-Delay` value (`10s`, `5m`, `2h`, `1d`); 0 when absent. */
function parseDelay(value: string | null): number {
  if (!value) return 0;
  const m = /^(\d+)([smhd])$/.exec(value.trim());
  if (!m) throw new Error(`bad Upstash-Delay: ${value}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
}

const enc = new TextEncoder();

function toBase64(text: string): string {
  let bin = "";
  for (const b of enc.encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

function base64url(bytes: Uint8Array, pad = false): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  const s = btoa(bin).replaceAll("+", "-").replaceAll("/", "_");
  return pad ? s : s.replace(/=+$/, "");
}

/** Options of {@linkcode signQStash}: what QStash puts into `Upstash-Signature`. */
export interface SignOptions {
  /** The signing key (the string itself is the HMAC key). */
  key: string;
  /** The URL being called (claim `sub`). */
  url: string;
  /** The raw body (claim `body` = its base64url SHA-256). */
  body: string;
  /** Issued-at, epoch seconds; default now. */
  iat?: number;
  /** Lifetime in seconds; default 300. */
  ttlSeconds?: number;
  /** Issuer; default "Upstash". */
  iss?: string;
}

/**
 * An `Upstash-Signature` as QStash makes it: a compact HS256 JWT, signed with Web Crypto.
 *
 * @example
 * ```ts
 * const signature = await signQStash({ key: "sig_current", url, body });
 * ```
 */
export async function signQStash(options: SignOptions): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(options.body)));
  const header = { alg: "HS256", typ: "JWT" };
  const claims = {
    iss: options.iss ?? "Upstash",
    sub: options.url,
    exp: iat + (options.ttlSeconds ?? 300),
    nbf: iat,
    iat,
    jti: `jwt_${crypto.randomUUID().replaceAll("-", "")}`,
    // QStash sends the hash base64url-encoded with its padding.
    body: base64url(digest, true),
  };
  const input = `${base64url(enc.encode(JSON.stringify(header)))}.${
    base64url(enc.encode(JSON.stringify(claims)))
  }`;
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(options.key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(input)));
  return `${input}.${base64url(mac)}`;
}
