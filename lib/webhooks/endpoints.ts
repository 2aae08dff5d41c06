/**
 * Webhook endpoints of an organization: where its events are sent, which events, and the
 * secrets that sign them. Stored at `["org", orgId, "webhook_endpoint", id]`.
 *
 * Every change to an endpoint rewrites, in the same commit, the organization's subscription list
 * `["org", orgId, "webhook_subscriptions"]` = `{endpoints: [{endpointId, events, enabled}]}`,
 * which the event emitter (`lib/events`) reads with the organization at the start of each
 * request. Each commit checks the list's versionstamp (and the endpoint's), so concurrent
 * endpoint changes serialize and the list always equals the endpoints; a lost race reads again.
 *
 * Secrets are `whsec_` + base64 of 32 random bytes. They are needed in clear text to sign, so
 * they are stored (never hashed) but only ever returned at creation and rotation; every other
 * answer shows a masked hint. After a rotation the previous secret keeps signing beside the new
 * one for {@linkcode ROTATION_OVERLAP_MS}.
 *
 * @module
 */

import { DomainError, notFound } from "../errors.ts";
import { type Atomic, isId, type MaybeEntry, newId, type OrgScope } from "../kv/mod.ts";
import { addAudit } from "../audit/audit.ts";
import type { Principal } from "../principal.ts";
import {
  type EventType,
  type Subscription,
  type Subscriptions,
  SUBSCRIPTIONS_PARTS,
  subscriptionsFrom,
} from "../events/events.ts";

/** Endpoints one organization may have. */
export const MAX_ENDPOINTS = 20;
/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** The prefix of every signing secret (Standard Webhooks). */
export const SECRET_PREFIX = "whsec_";

/** Why an endpoint was switched off. */
export type DisabledReason =
  /** An admin (or a key) switched it off. */
  | "manual"
  /** The subscriber answered 410 Gone. */
  | "gone"
  /** Deliveries failed for 5 days without a success (`deliver.ts`). */
  | "failing";

/** A secret that still signs until `expiresAt` (epoch ms). */
export interface RetiringSecret {
  secret: string;
  expiresAt: number;
}

/** A stored endpoint. Instants are epoch ms. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: EventType[];
  description: string;
  enabled: boolean;
  disabledReason: DisabledReason | null;
  /** The signing secret in force. */
  secret: string;
  /** The secret before the last rotation, while it still signs. */
  previousSecret: RetiringSecret | null;
  /** When the current run of failed deliveries started (null: the last one succeeded). */
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
}

/** An endpoint as the API shows it: no secret, only a hint of it. */
export interface WebhookEndpointView {
  id: string;
  url: string;
  events: EventType[];
  description: string;
  enabled: boolean;
  disabledReason: DisabledReason | null;
  failingSince: string | null;
  /** `whsec_…` and the secret's last four characters. */
  secretHint: string;
  /** Until when the previous secret still signs beside the current one (ISO), or null. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A fresh signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return SECRET_PREFIX + btoa(String.fromCharCode(...bytes));
}

/**
 * The masked form of `secret` shown after creation.
 *
 * @example
 * ```ts
 * maskSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"); // "whsec_…LaSw"
 * ```
 */
export function maskSecret(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}

/** The secrets that sign at `now`: the current one, and the previous one during the overlap. */
export function liveSecrets(endpoint: WebhookEndpoint, now: number): string[] {
  const prev = endpoint.previousSecret;
  return prev && prev.expiresAt > now ? [endpoint.secret, prev.secret] : [endpoint.secret];
}

/** The API view of `e` at `now`. */
export function viewEndpoint(e: WebhookEndpoint, now: number): WebhookEndpointView {
  const prev = e.previousSecret && e.previousSecret.expiresAt > now ? e.previousSecret : null;
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    failingSince: e.failingSince === null ? null : new Date(e.failingSince).toISOString(),
    secretHint: maskSecret(e.secret),
    previousSecretExpiresAt: prev ? new Date(prev.expiresAt).toISOString() : null,
    createdAt: new Date(e.createdAt).toISOString(),
    updatedAt: new Date(e.updatedAt).toISOString(),
  };
}

/** What an audit record keeps of an endpoint (never a secret). */
function auditView(e: WebhookEndpoint | null): unknown {
  if (!e) return null;
  const { secret: _s, previousSecret: _p, ...rest } = e;
  return rest;
}

/** The subscription list with `endpoint` in it (or, when null, without `endpointId`). */
export function withSubscription(
  list: Subscriptions,
  endpointId: string,
  endpoint: WebhookEndpoint | null,
): Subscriptions {
  const others = list.endpoints.filter((s) => s.endpointId !== endpointId);
  if (!endpoint) return { endpoints: others };
  const entry: Subscription = {
    endpointId: endpoint.id,
    events: [...endpoint.events],
    enabled: endpoint.enabled,
  };
  const at = list.endpoints.findIndex((s) => s.endpointId === endpointId);
  const endpoints = [...others];
  endpoints.splice(at < 0 ? endpoints.length : at, 0, entry);
  return { endpoints };
}

/** The stored endpoint `id`, or null (also for malformed ids). */
export async function findEndpoint(
  scope: OrgScope,
  id: string,
): Promise<WebhookEndpoint | null> {
  if (!isId(id)) return null;
  return (await scope.get<WebhookEndpoint>("webhook_endpoint", id)).value;
}

/** The endpoint `id`, or 404 `not_found` (also another organization's id). */
export async function getEndpoint(scope: OrgScope, id: string): Promise<WebhookEndpoint> {
  const found = await findEndpoint(scope, id);
  if (!found) throw notFound("webhook endpoint");
  return found;
}

/** Every endpoint of the organization (at most {@linkcode MAX_ENDPOINTS}), oldest first. */
export async function listEndpoints(scope: OrgScope): Promise<WebhookEndpoint[]> {
  const out: WebhookEndpoint[] = [];
  for await (const e of scope.list<WebhookEndpoint>(scope.key("webhook_endpoint"))) {
    out.push(e.value);
  }
  return out;
}

/** What a change sees: the endpoint (null when absent) and the subscription list. */
export interface EndpointState {
  endpoint: WebhookEndpoint | null;
  subscriptions: Subscriptions;
}

/**
 * What a change decides: the endpoint afterwards (null: deleted), or `unchanged` to write
 * nothing; `extra` adds more writes to the same commit (an audit record, a delivery, jobs).
 */
export type EndpointPlan =
  | { endpoint: WebhookEndpoint | null; extra?: (op: Atomic) => void }
  | "unchanged";

/** Commits tried before a change gives up with 409 `concurrent_change`. */
const COMMIT_TRIES = 8;

/**
 * Change endpoint `id` (null: a new one) with `plan`, rewriting the subscription list in the
 * same commit. The commit checks the endpoint's and the list's versionstamps; a lost race reads
 * both again and plans again. Returns what `plan` decided.
 *
 * @example
 * ```ts
 * await changeEndpoint(scope, id, ({ endpoint }) => ({ endpoint: { ...endpoint!, enabled: false } }));
 * ```
 */
export async function changeEndpoint(
  scope: OrgScope,
  id: string | null,
  plan: (state: EndpointState) => EndpointPlan,
): Promise<EndpointPlan> {
  const listKey = scope.key(...SUBSCRIPTIONS_PARTS);
  for (let attempt = 0; attempt < COMMIT_TRIES; attempt++) {
    const endpointKey = id ? scope.key("webhook_endpoint", id) : null;
    const [list, found] = await scope.getMany<unknown>(
      endpointKey ? [listKey, endpointKey] : [listKey],
    ) as [MaybeEntry<unknown>, MaybeEntry<WebhookEndpoint> | undefined];
    const state: EndpointState = {
      endpoint: (found?.value as WebhookEndpoint | null | undefined) ?? null,
      subscriptions: subscriptionsFrom(list.value),
    };
    const decided = plan(state);
    if (decided === "unchanged") return decided;
    const targetId = decided.endpoint?.id ?? id;
    if (!targetId) throw new TypeError("changeEndpoint: nothing to change");
    const key = scope.key("webhook_endpoint", targetId);
    const op = scope.atomic()
      .check(listKey, list.versionstamp)
      .check(key, found ? found.versionstamp : null);
    if (decided.endpoint) op.set(key, decided.endpoint);
    else op.delete(key);
    op.set(listKey, withSubscription(state.subscriptions, targetId, decided.endpoint));
    decided.extra?.(op);
    if (await op.commit()) return decided;
  }
  throw new DomainError("conflict", "concurrent_change", "Webhooks changed meanwhile; retry");
}

/** What creating an endpoint takes (validated). */
export interface NewEndpoint {
  url: string;
  events: EventType[];
  description: string;
}

/**
 * Create an endpoint with a fresh secret; audited. 409 `webhook_limit` beyond
 * {@linkcode MAX_ENDPOINTS}. Returns the endpoint (its `secret` is shown to the caller once).
 */
export async function createEndpoint(
  scope: OrgScope,
  principal: Principal,
  input: NewEndpoint,
  now: number,
): Promise<WebhookEndpoint> {
  const endpoint: WebhookEndpoint = {
    id: newId(now),
    url: input.url,
    events: input.events,
    description: input.description,
    enabled: true,
    disabledReason: null,
    secret: newSecret(),
    previousSecret: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  await changeEndpoint(scope, null, ({ subscriptions }) => {
    if (subscriptions.endpoints.length >= MAX_ENDPOINTS) {
      throw new DomainError(
        "conflict",
        "webhook_limit",
        `An organization can have at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`,
        { limit: MAX_ENDPOINTS },
      );
    }
    return {
      endpoint,
      extra: (op) =>
        addAudit(op, scope, {
          principal,
          action: "webhook.create",
          entity: { kind: "webhook_endpoint", id: endpoint.id },
          before: null,
          after: auditView(endpoint),
        }, now),
    };
  });
  return endpoint;
}

/** The fields an update may change (validated). */
export interface EndpointPatch {
  url?: string;
  events?: EventType[];
  description?: string;
  enabled?: boolean;
}

/**
 * Change an endpoint's url, events, description or enabled flag; audited. Switching it on
 * clears its failure state; switching it off records `manual`. A change that changes nothing
 * writes nothing. 404 `not_found` for unknown ids.
 */
export async function updateEndpoint(
  scope: OrgScope,
  principal: Principal,
  id: string,
  patch: EndpointPatch,
  now: number,
): Promise<WebhookEndpoint> {
  if (!isId(id)) throw notFound("webhook endpoint");
  let result: WebhookEndpoint | null = null;
  await changeEndpoint(scope, id, ({ endpoint }) => {
    if (!endpoint) throw notFound("webhook endpoint");
    const next: WebhookEndpoint = {
      ...endpoint,
      url: patch.url ?? endpoint.url,
      events: patch.events ?? endpoint.events,
      description: patch.description ?? endpoint.description,
    };
    if (patch.enabled === true && !endpoint.enabled) {
      Object.assign(next, { enabled: true, disabledReason: null, failingSince: null });
    } else if (patch.enabled === false && endpoint.enabled) {
      Object.assign(next, { enabled: false, disabledReason: "manual" });
    }
    if (JSON.stringify(next) === JSON.stringify(endpoint)) {
      result = endpoint;
      return "unchanged";
    }
    next.updatedAt = now;
    result = next;
    return {
      endpoint: next,
      extra: (op) =>
        addAudit(op, scope, {
          principal,
          action: "webhook.update",
          entity: { kind: "webhook_endpoint", id },
          before: auditView(endpoint),
          after: auditView(next),
        }, now),
    };
  });
  return result!;
}

/** Delete an endpoint for good (its delivery log expires on its own); audited. */
export async function deleteEndpoint(
  scope: OrgScope,
  principal: Principal,
  id: string,
  now: number,
): Promise<void> {
  if (!isId(id)) throw notFound("webhook endpoint");
  await changeEndpoint(scope, id, ({ endpoint }) => {
    if (!endpoint) throw notFound("webhook endpoint");
    return {
      endpoint: null,
      extra: (op) =>
        addAudit(op, scope, {
          principal,
          action: "webhook.delete",
          entity: { kind: "webhook_endpoint", id },
          before: auditView(endpoint),
          after: null,
        }, now),
    };
  });
}

/**
 * Give an endpoint a new secret; the current one keeps signing beside it for
 * {@linkcode ROTATION_OVERLAP_MS} (an older retiring secret is dropped). Audited without the
 * secrets. Returns the endpoint with its new `secret`.
 */
export async function rotateSecret(
  scope: OrgScope,
  principal: Principal,
  id: string,
  now: number,
): Promise<WebhookEndpoint> {
  if (!isId(id)) throw notFound("webhook endpoint");
  let result: WebhookEndpoint | null = null;
  await changeEndpoint(scope, id, ({ endpoint }) => {
    if (!endpoint) throw notFound("webhook endpoint");
    const next: WebhookEndpoint = {
      ...endpoint,
      secret: newSecret(),
      previousSecret: { secret: endpoint.secret, expiresAt: now + ROTATION_OVERLAP_MS },
      updatedAt: now,
    };
    result = next;
    return {
      endpoint: next,
      extra: (op) =>
        addAudit(op, scope, {
          principal,
          action: "webhook.rotate_secret",
          entity: { kind: "webhook_endpoint", id },
          before: { secretHint: maskSecret(endpoint.secret) },
          after: {
            secretHint: maskSecret(next.secret),
            previousSecretExpiresAt: now + ROTATION_OVERLAP_MS,
          },
        }, now),
    };
  });
  return result!;
}
