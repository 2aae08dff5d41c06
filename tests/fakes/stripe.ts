/**
 * A fake Stripe API on a loopback port, speaking Stripe's wire protocol for exactly what
 * ClockFlow uses, so tests run the real `stripe` SDK against it (`STRIPE_API_BASE`):
 *
 * | request | |
 * | --- | --- |
 * | `POST /v1/customers`, `GET /v1/customers/:id` | customers (metadata kept) |
 * | `POST /v1/checkout/sessions` | subscription-mode Checkout sessions |
 * | `POST /v1/billing_portal/sessions` | portal sessions, with `flow_data` |
 * | `GET /v1/subscriptions` | list by `customer` and `status` (newest first) |
 * | `GET /v1/subscriptions/:id`, `POST /v1/subscriptions/:id` | retrieve; items' quantity / price |
 *
 * Requests need `Authorization: Bearer <secret key>`; bodies are form-encoded with qs-style
 * brackets (`items[0][quantity]=3`); `Idempotency-Key` is recorded and a repeat with the same
 * body replays the first answer (another body: 400 `idempotency_error`), as Stripe does; unknown
 * ids answer Stripe's 404 `resource_missing` error.
 *
 * Test helpers play Stripe's side: complete a Checkout session, fail or pay an invoice, cancel at
 * period end, end a subscription. Each returns the events Stripe would send, built the way
 * Stripe builds them (`evt_…`, `api_version`, `data.object`, `previous_attributes`, `request`) and
 * signed with `stripe.webhooks.generateTestHeaderStringAsync`.
 *
 * @module
 */

import Stripe from "stripe";

/** The API version the SDK pins (and this fake answers as). */
export const API_VERSION = "2026-10-28.endive";

/** A price the fake knows. */
export interface FakePrice {
  unitAmount: number;
  interval: "month" | "year";
  /** Product name, for the price's product object. */
  product: string;
}

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  // deno-lint-ignore no-explicit-any
  params: Record<string, any>;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  /** True when the answer was a replay of an earlier request with the same idempotency key. */
  replayed: boolean;
}

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

/** A Stripe event as delivered to webhooks. */
export interface FakeEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: Obj; previous_attributes?: Obj };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** Options of {@linkcode FakeStripe.start}. */
export interface FakeStripeOptions {
  secretKey?: string;
  webhookSecret?: string;
  /** The clock objects and events are stamped with (epoch ms). */
  now?: () => number;
  prices?: Record<string, FakePrice>;
}

let seq = 0;
function stripeId(prefix: string): string {
  const rand = crypto.randomUUID().replaceAll("-", "").slice(0, 14);
  return `${prefix}_${(++seq).toString(36).padStart(4, "0")}${rand}`;
}

/**
 * Decode a form body with qs-style brackets into nested objects; objects whose keys are all
 * indices become arrays.
 *
 * @example
 * ```ts
 * decodeForm("items[0][id]=si_1&items[0][quantity]=3&metadata[orgId]=x");
 * // { items: [{ id: "si_1", quantity: "3" }], metadata: { orgId: "x" } }
 * ```
 */
export function decodeForm(body: string): Obj {
  const root: Obj = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.split("[").map((p, i) => (i === 0 ? p : p.replace(/\]$/, "")));
    let node = root;
    parts.forEach((part, i) => {
      const key = part === "" ? String(Object.keys(node).length) : part;
      if (i === parts.length - 1) node[key] = value;
      else node = node[key] ??= {};
    });
  }
  const arrays = (v: unknown): unknown => {
    if (!v || typeof v !== "object") return v;
    const o = v as Obj;
    const keys = Object.keys(o);
    const fixed: Obj = {};
    for (const k of keys) fixed[k] = arrays(o[k]);
    if (keys.length && keys.every((k, i) => k === String(i))) return keys.map((k) => fixed[k]);
    return fixed;
  };
  return arrays(root) as Obj;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const missing = (kind: string, id: string, param = "id") =>
  new ApiError(404, "invalid_request_error", `No such ${kind}: '${id}'`, "resource_missing", param);

/** The fake Stripe server. */
export class FakeStripe {
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly now: () => number;
  readonly prices: Record<string, FakePrice>;
  readonly requests: RecordedRequest[] = [];
  readonly customers = new Map<string, Obj>();
  readonly subscriptions = new Map<string, Obj>();
  readonly checkoutSessions = new Map<string, Obj>();
  readonly portalSessions = new Map<string, Obj>();
  readonly invoices = new Map<string, Obj>();
  /** Every event built so far, oldest first. */
  readonly events: FakeEvent[] = [];
  /** Answer every API request with this status (e.g. 500) while set. */
  failWith: number | null = null;
  readonly #idempotent = new Map<string, { fingerprint: string; status: number; body: string }>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #sdk = new Stripe("sk_test_fake_signer");

  private constructor(options: FakeStripeOptions) {
    this.secretKey = options.secretKey ?? "sk_test_fake_0123456789";
    this.webhookSecret = options.webhookSecret ?? "whsec_fake_0123456789abcdef";
    this.now = options.now ?? Date.now;
    this.prices = options.prices ?? {};
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => this.#handle(req),
    );
  }

  /** Start a fake on a free loopback port. */
  static start(options: FakeStripeOptions = {}): FakeStripe {
    return new FakeStripe(options);
  }

  /** `http://127.0.0.1:<port>`, for `STRIPE_API_BASE`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Stop serving. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  /** The requests made to `method path` (path with ids, e.g. `/v1/customers`). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) =>
      r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path))
    );
  }

  #seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const text = req.method === "GET" ? url.search.slice(1) : await req.text();
    const params = decodeForm(text);
    const key = req.headers.get("idempotency-key");
    const record: RecordedRequest = {
      method: req.method,
      path: url.pathname,
      params,
      idempotencyKey: key,
      stripeVersion: req.headers.get("stripe-version"),
      replayed: false,
    };
    this.requests.push(record);
    const requestId = stripeId("req");
    const headers = { "content-type": "application/json", "request-id": requestId };
    if (req.headers.get("authorization") !== `Bearer ${this.secretKey}`) {
      return this.#error(
        new ApiError(401, "invalid_request_error", "Invalid API Key provided"),
        headers,
      );
    }
    if (this.failWith) {
      return this.#error(new ApiError(this.failWith, "api_error", "Fake outage"), headers);
    }
    const fingerprint = `${req.method} ${url.pathname}\n${text}`;
    if (key && req.method === "POST") {
      const seen = this.#idempotent.get(key);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          return this.#error(
            new ApiError(
              400,
              "idempotency_error",
              "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            ),
            headers,
          );
        }
        record.replayed = true;
        return new Response(seen.body, {
          status: seen.status,
          headers: { ...headers, "idempotent-replayed": "true" },
        });
      }
    }
    let status = 200;
    let body: string;
    try {
      body = JSON.stringify(this.#route(req.method, url.pathname, params, { requestId, key }));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      status = err.status;
      body = JSON.stringify(this.#errorBody(err));
    }
    if (key && req.method === "POST" && status < 500) {
      this.#idempotent.set(key, { fingerprint, status, body });
    }
    return new Response(body, { status, headers });
  }

  #errorBody(err: ApiError): Obj {
    return {
      error: {
        type: err.type,
        message: err.message,
        ...(err.code ? { code: err.code } : {}),
        ...(err.param ? { param: err.param } : {}),
      },
    };
  }

  #error(err: ApiError, headers: Record<string, string>): Response {
    return new Response(JSON.stringify(this.#errorBody(err)), { status: err.status, headers });
  }

  #route(
    method: string,
    path: string,
    p: Obj,
    ctx: { requestId: string; key: string | null },
  ): Obj {
    let m: RegExpMatchArray | null;
    if (method === "POST" && path === "/v1/customers") return this.#createCustomer(p);
    if (method === "GET" && (m = path.match(/^\/v1\/customers\/([^/]+)$/))) {
      const c = this.customers.get(decodeURIComponent(m[1]));
      if (!c) throw missing("customer", m[1]);
      return c;
    }
    if (method === "POST" && path === "/v1/checkout/sessions") return this.#createCheckout(p);
    if (method === "POST" && path === "/v1/billing_portal/sessions") return this.#createPortal(p);
    if (method === "GET" && path === "/v1/subscriptions") return this.#listSubscriptions(p);
    if ((m = path.match(/^\/v1\/subscriptions\/([^/]+)$/))) {
      const id = decodeURIComponent(m[1]);
      const sub = this.subscriptions.get(id);
      if (!sub) throw missing("subscription", id);
      if (method === "GET") return sub;
      if (method === "POST") return this.#updateSubscriptionByApi(sub, p, ctx);
    }
    throw new ApiError(
      404,
      "invalid_request_error",
      `Unrecognized request URL (${method}: ${path}).`,
    );
  }

  /** `GET /v1/subscriptions?customer=…&status=…&limit=…`, newest first, as Stripe lists them. */
  #listSubscriptions(p: Obj): Obj {
    const status = typeof p.status === "string" ? p.status : "active";
    const limit = Math.min(100, Number(p.limit ?? 10) || 10);
    const data = [...this.subscriptions.values()]
      .filter((sub) => p.customer === undefined || sub.customer === p.customer)
      .filter((sub) => status === "all" || sub.status === status)
      .sort((a, b) => Number(b.created) - Number(a.created))
      .slice(0, limit);
    return { object: "list", data, has_more: false, url: "/v1/subscriptions" };
  }

  #createCustomer(p: Obj): Obj {
    const c = {
      id: stripeId("cus"),
      object: "customer",
      address: null,
      balance: 0,
      created: this.#seconds(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: p.description ?? null,
      email: p.email ?? null,
      invoice_prefix: stripeId("").slice(1, 9).toUpperCase(),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: p.metadata ?? {},
      name: p.name ?? null,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: "none",
      test_clock: null,
    };
    this.customers.set(c.id, c);
    return c;
  }

  #customer(id: unknown, param = "customer"): Obj {
    const c = typeof id === "string" ? this.customers.get(id) : undefined;
    if (!c || c.deleted) throw missing("customer", String(id), param);
    return c;
  }

  #price(id: unknown, param: string): Obj {
    const price = typeof id === "string" ? this.prices[id] : undefined;
    if (!price) throw missing("price", String(id), param);
    return {
      id,
      object: "price",
      active: true,
      billing_scheme: "per_unit",
      created: 1_700_000_000,
      currency: "usd",
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: `prod_${price.product}`,
      recurring: {
        interval: price.interval,
        interval_count: 1,
        meter: null,
        usage_type: "licensed",
      },
      tax_behavior: "unspecified",
      tiers_mode: null,
      transform_quantity: null,
      type: "recurring",
      unit_amount: price.unitAmount,
      unit_amount_decimal: String(price.unitAmount),
    };
  }

  #createCheckout(p: Obj): Obj {
    if (p.mode !== "subscription") {
      throw new ApiError(
        400,
        "invalid_request_error",
        "Only subscription mode is faked",
        undefined,
        "mode",
      );
    }
    const customer = this.#customer(p.customer);
    const items = (p.line_items ?? []) as Obj[];
    if (!items.length) {
      throw new ApiError(
        400,
        "invalid_request_error",
        "Missing line_items",
        undefined,
        "line_items",
      );
    }
    items.forEach((li, i) => this.#price(li.price, `line_items[${i}][price]`));
    for (const k of ["success_url", "cancel_url"]) {
      if (typeof p[k] !== "string" || !/^https?:\/\//.test(p[k])) {
        throw new ApiError(400, "invalid_request_error", `Not a valid URL`, "url_invalid", k);
      }
    }
    const id = stripeId("cs_test");
    const session = {
      id,
      object: "checkout.session",
      cancel_url: p.cancel_url,
      client_reference_id: p.client_reference_id ?? null,
      created: this.#seconds(),
      currency: "usd",
      customer: customer.id,
      expires_at: this.#seconds() + 24 * 3600,
      invoice: null,
      livemode: false,
      metadata: p.metadata ?? {},
      mode: "subscription",
      payment_status: "unpaid",
      status: "open",
      subscription: null,
      success_url: p.success_url,
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    this.checkoutSessions.set(id, session);
    // Kept out of the answer (Stripe does not return them unless expanded).
    Object.defineProperty(session, "_lineItems", { value: items, enumerable: false });
    Object.defineProperty(session, "_subscriptionData", {
      value: p.subscription_data ?? {},
      enumerable: false,
    });
    return session;
  }

  #createPortal(p: Obj): Obj {
    const customer = this.#customer(p.customer);
    const flow = p.flow_data ?? null;
    if (flow?.type === "subscription_update_confirm") {
      const c = flow.subscription_update_confirm ?? {};
      const sub = this.subscriptions.get(c.subscription);
      if (!sub) {
        throw missing(
          "subscription",
          String(c.subscription),
          "flow_data[subscription_update_confirm][subscription]",
        );
      }
      for (const [i, item] of ((c.items ?? []) as Obj[]).entries()) {
        if (!sub.items.data.some((x: Obj) => x.id === item.id)) {
          throw missing(
            "subscription item",
            String(item.id),
            `flow_data[subscription_update_confirm][items][${i}][id]`,
          );
        }
        if (item.price) {
          this.#price(item.price, `flow_data[subscription_update_confirm][items][${i}][price]`);
        }
      }
    }
    const id = stripeId("bps");
    const session = {
      id,
      object: "billing_portal.session",
      configuration: "bpc_fake_default",
      created: this.#seconds(),
      customer: customer.id,
      flow: flow,
      livemode: false,
      locale: null,
      on_behalf_of: null,
      return_url: p.return_url ?? null,
      url: `https://billing.stripe.com/p/session/test_${id}`,
    };
    this.portalSessions.set(id, session);
    return session;
  }

  #updateSubscriptionByApi(sub: Obj, p: Obj, ctx: { requestId: string; key: string | null }): Obj {
    const before = structuredClone(sub);
    for (const [i, change] of ((p.items ?? []) as Obj[]).entries()) {
      const item = sub.items.data.find((x: Obj) => x.id === change.id);
      if (!item) throw missing("subscription item", String(change.id), `items[${i}][id]`);
      if (change.quantity !== undefined) item.quantity = Number(change.quantity);
      if (change.price !== undefined) {
        item.price = this.#price(change.price, `items[${i}][price]`);
        item.plan = this.#planOf(item.price);
      }
    }
    if (p.cancel_at_period_end !== undefined) {
      sub.cancel_at_period_end = p.cancel_at_period_end === "true";
    }
    if (p.metadata) sub.metadata = { ...sub.metadata, ...p.metadata };
    this.#emit("customer.subscription.updated", sub, diff(before, sub), {
      id: ctx.requestId,
      idempotency_key: ctx.key,
    });
    return sub;
  }

  #planOf(price: Obj): Obj {
    return {
      id: price.id,
      object: "plan",
      active: true,
      amount: price.unit_amount,
      currency: "usd",
      interval: price.recurring.interval,
      interval_count: 1,
      product: price.product,
      usage_type: "licensed",
    };
  }

  #periodEnd(start: number, interval: "month" | "year"): number {
    const d = new Date(start * 1000);
    if (interval === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCFullYear(d.getUTCFullYear() + 1);
    return Math.floor(d.getTime() / 1000);
  }

  // ---- helpers playing Stripe's side -------------------------------------------------------

  /**
   * Create a subscription as Stripe would for `customerId` (status `active` unless told).
   * Returns it; the `customer.subscription.created` event is added to {@linkcode events}.
   */
  createSubscription(
    customerId: string,
    options: {
      price: string;
      quantity?: number;
      status?: string;
      metadata?: Record<string, string>;
      trialEnd?: number | null;
    },
  ): { subscription: Obj; events: FakeEvent[] } {
    this.#customer(customerId);
    const now = this.#seconds();
    const price = this.#price(options.price, "items[0][price]");
    const id = stripeId("sub");
    const end = options.trialEnd ?? this.#periodEnd(now, price.recurring.interval);
    const sub: Obj = {
      id,
      object: "subscription",
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: now,
      billing_cycle_anchor_config: null,
      billing_mode: { flexible: null, type: "classic" },
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      collection_method: "charge_automatically",
      created: now,
      currency: "usd",
      customer: customerId,
      days_until_due: null,
      default_payment_method: stripeId("pm"),
      default_source: null,
      description: null,
      discounts: [],
      ended_at: null,
      invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
      items: {
        object: "list",
        data: [{
          id: stripeId("si"),
          object: "subscription_item",
          billing_thresholds: null,
          created: now,
          current_period_end: end,
          current_period_start: now,
          discounts: [],
          metadata: {},
          plan: this.#planOf(price),
          price,
          quantity: options.quantity ?? 1,
          subscription: id,
          tax_rates: [],
        }],
        has_more: false,
        total_count: 1,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      latest_invoice: null,
      livemode: false,
      metadata: options.metadata ?? {},
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: "off",
      },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: now,
      status: options.status ?? (options.trialEnd ? "trialing" : "active"),
      test_clock: null,
      transfer_data: null,
      trial_end: options.trialEnd ?? null,
      trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
      trial_start: options.trialEnd ? now : null,
    };
    this.subscriptions.set(id, sub);
    const invoice = this.#invoice(sub, "paid");
    sub.latest_invoice = invoice.id;
    const events = [this.#emit("customer.subscription.created", sub)];
    return { subscription: sub, events };
  }

  /**
   * The customer paid on the Checkout page: the subscription is created from the session's line
   * items and `subscription_data.metadata`, and the session completes. Returns the events in
   * Stripe's order (`customer.subscription.created`, `invoice.paid`,
   * `checkout.session.completed`).
   */
  completeCheckout(sessionId: string): { session: Obj; subscription: Obj; events: FakeEvent[] } {
    const session = this.checkoutSessions.get(sessionId);
    if (!session) throw new Error(`no checkout session ${sessionId}`);
    const items = (session as { _lineItems: Obj[] })._lineItems;
    const data = (session as { _subscriptionData: Obj })._subscriptionData;
    const created = this.createSubscription(session.customer, {
      price: items[0].price,
      quantity: Number(items[0].quantity ?? 1),
      metadata: data.metadata ?? {},
    });
    const sub = created.subscription;
    session.status = "complete";
    session.payment_status = "paid";
    session.subscription = sub.id;
    session.invoice = sub.latest_invoice;
    const paid = this.#emit("invoice.paid", this.invoices.get(sub.latest_invoice)!);
    const completed = this.#emit("checkout.session.completed", session);
    return { session, subscription: sub, events: [...created.events, paid, completed] };
  }

  /**
   * The period ended and Stripe billed the next one: the items move to the next period and the
   * renewal invoice is paid (`invoice.paid`) or its payment fails (`invoice.payment_failed`, and
   * the subscription goes past due).
   */
  renew(subscriptionId: string, options: { paid: boolean }): FakeEvent[] {
    const sub = this.#sub(subscriptionId);
    const before = structuredClone(sub);
    for (const item of sub.items.data) {
      item.current_period_start = item.current_period_end;
      item.current_period_end = this.#periodEnd(
        item.current_period_start,
        item.price.recurring.interval,
      );
    }
    const invoice = this.#invoice(sub, options.paid ? "paid" : "open");
    sub.latest_invoice = invoice.id;
    if (!options.paid) sub.status = "past_due";
    return [
      this.#emit(options.paid ? "invoice.paid" : "invoice.payment_failed", invoice),
      this.#emit("customer.subscription.updated", sub, diff(before, sub)),
    ];
  }

  /** The open invoice was paid (a retry or a new card): the subscription is active again. */
  payInvoice(subscriptionId: string): FakeEvent[] {
    const sub = this.#sub(subscriptionId);
    const invoice = this.invoices.get(sub.latest_invoice);
    if (!invoice) throw new Error(`no invoice for ${subscriptionId}`);
    const before = structuredClone(sub);
    invoice.status = "paid";
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.attempt_count += 1;
    invoice.status_transitions.paid_at = this.#seconds();
    sub.status = "active";
    return [
      this.#emit("invoice.paid", invoice),
      this.#emit("customer.subscription.updated", sub, diff(before, sub)),
    ];
  }

  /** Change a subscription as the dashboard or portal would (status, cancel at period end, …). */
  updateSubscription(
    subscriptionId: string,
    patch: { status?: string; cancel_at_period_end?: boolean; price?: string; quantity?: number },
  ): FakeEvent[] {
    const sub = this.#sub(subscriptionId);
    const before = structuredClone(sub);
    if (patch.status) sub.status = patch.status;
    if (patch.cancel_at_period_end !== undefined) {
      sub.cancel_at_period_end = patch.cancel_at_period_end;
      sub.canceled_at = patch.cancel_at_period_end ? this.#seconds() : null;
      sub.cancellation_details = patch.cancel_at_period_end
        ? { comment: null, feedback: null, reason: "cancellation_requested" }
        : { comment: null, feedback: null, reason: null };
    }
    const item = sub.items.data[0];
    if (patch.price) {
      item.price = this.#price(patch.price, "items[0][price]");
      item.plan = this.#planOf(item.price);
    }
    if (patch.quantity !== undefined) item.quantity = patch.quantity;
    return [this.#emit("customer.subscription.updated", sub, diff(before, sub))];
  }

  /** Stripe warns three days before the subscription's own trial ends. */
  trialWillEnd(subscriptionId: string): FakeEvent[] {
    return [this.#emit("customer.subscription.trial_will_end", this.#sub(subscriptionId))];
  }

  /** The subscription ended (period over after cancel at period end, or cancelled now). */
  endSubscription(subscriptionId: string): FakeEvent[] {
    const sub = this.#sub(subscriptionId);
    sub.status = "canceled";
    sub.ended_at = this.#seconds();
    sub.canceled_at ??= this.#seconds();
    return [this.#emit("customer.subscription.deleted", sub)];
  }

  /** Delete a customer (its later retrieves answer `{deleted: true}`). */
  deleteCustomer(customerId: string): void {
    this.customers.set(customerId, { id: customerId, object: "customer", deleted: true });
  }

  #sub(id: string): Obj {
    const sub = this.subscriptions.get(id);
    if (!sub) throw new Error(`no subscription ${id}`);
    return sub;
  }

  #invoice(sub: Obj, status: "paid" | "open"): Obj {
    const item = sub.items.data[0];
    const amount = item.price.unit_amount * (item.quantity ?? 1);
    const now = this.#seconds();
    const id = stripeId("in");
    const invoice = {
      id,
      object: "invoice",
      account_country: "US",
      account_name: "ClockFlow (fake)",
      amount_due: amount,
      amount_overpaid: 0,
      amount_paid: status === "paid" ? amount : 0,
      amount_remaining: status === "paid" ? 0 : amount,
      amount_shipping: 0,
      attempt_count: 1,
      attempted: true,
      auto_advance: status !== "paid",
      billing_reason: sub.latest_invoice ? "subscription_cycle" : "subscription_create",
      collection_method: "charge_automatically",
      created: now,
      currency: "usd",
      customer: sub.customer,
      customer_email: null,
      customer_name: null,
      description: null,
      discounts: [],
      due_date: null,
      hosted_invoice_url: `https://invoice.stripe.com/i/fake_${id}`,
      invoice_pdf: `https://pay.stripe.com/invoice/fake_${id}/pdf`,
      lines: {
        object: "list",
        data: [{
          id: stripeId("il"),
          object: "line_item",
          amount,
          currency: "usd",
          description: `${item.quantity ?? 1} × ${item.price.product}`,
          invoice: id,
          livemode: false,
          metadata: {},
          parent: {
            type: "subscription_item_details",
            invoice_item_details: null,
            subscription_item_details: {
              invoice_item: null,
              proration: false,
              proration_details: { credited_items: null },
              subscription: sub.id,
              subscription_item: item.id,
            },
          },
          period: { start: item.current_period_start, end: item.current_period_end },
          pricing: {
            price_details: { price: item.price.id, product: item.price.product },
            type: "price_details",
            unit_amount_decimal: String(item.price.unit_amount),
          },
          quantity: item.quantity ?? 1,
        }],
        has_more: false,
        total_count: 1,
        url: `/v1/invoices/${id}/lines`,
      },
      livemode: false,
      metadata: {},
      next_payment_attempt: status === "paid" ? null : now + 3 * 24 * 3600,
      number: `FAKE-${seq}`,
      parent: {
        type: "subscription_details",
        quote_details: null,
        subscription_details: { metadata: sub.metadata, subscription: sub.id },
      },
      period_end: item.current_period_end,
      period_start: item.current_period_start,
      status,
      status_transitions: {
        finalized_at: now,
        marked_uncollectible_at: null,
        paid_at: status === "paid" ? now : null,
        voided_at: null,
      },
      subtotal: amount,
      total: amount,
    };
    this.invoices.set(id, invoice);
    return invoice;
  }

  #emit(
    type: string,
    object: Obj,
    previous?: Obj,
    request: { id: string | null; idempotency_key: string | null } = {
      id: null,
      idempotency_key: null,
    },
  ): FakeEvent {
    const event = this.buildEvent(type, object, { previous, request });
    this.events.push(event);
    return event;
  }

  /**
   * An event as Stripe builds it, around a snapshot of `object` taken now. `created` defaults to
   * the fake's clock.
   */
  buildEvent(
    type: string,
    object: Obj,
    options: {
      previous?: Obj;
      created?: number;
      request?: { id: string | null; idempotency_key: string | null };
    } = {},
  ): FakeEvent {
    return {
      id: stripeId("evt"),
      object: "event",
      api_version: API_VERSION,
      created: options.created ?? this.#seconds(),
      data: {
        object: structuredClone(object),
        ...(options.previous && Object.keys(options.previous).length
          ? { previous_attributes: options.previous }
          : {}),
      },
      livemode: false,
      pending_webhooks: 1,
      request: options.request ?? { id: null, idempotency_key: null },
      type,
    };
  }

  /**
   * The body and `Stripe-Signature` header of delivering `event`, signed with the webhook secret
   * (or `secret`) at `timestamp` (default: the fake's clock).
   */
  async sign(
    event: FakeEvent | string,
    options: { secret?: string; timestamp?: number } = {},
  ): Promise<{ payload: string; signature: string }> {
    const payload = typeof event === "string" ? event : JSON.stringify(event, null, 2);
    const signature = await this.#sdk.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: options.secret ?? this.webhookSecret,
      timestamp: options.timestamp ?? this.#seconds(),
    });
    return { payload, signature };
  }
}

/** Stripe's `previous_attributes`: the top-level fields of `before` that changed. */
function diff(before: Obj, after: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(after)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = before[k];
  }
  return out;
}
