/**
 * The bridge from a request to the use-case layer: the {@linkcode RequestContext} of the
 * request's principal in its organization, built once per request from what `authenticate()`
 * and `requireOrg` / `orgMember` already read.
 *
 * @module
 */

import type { AppContext } from "./context.ts";
import type { RequestContext } from "../lib/context.ts";
import { DomainError } from "../lib/errors.ts";
import { entitlements } from "./middleware/plan.ts";
import type { Entitlements } from "../lib/billing/entitlements.ts";
import { storeAccess } from "../lib/members/access.ts";
import { LruCache, ReadThrough } from "../lib/cache/mod.ts";
import { eventPort } from "../lib/events/events.ts";
import { outboundOf } from "../app.ts";
import { dnsTxtResolver } from "../lib/branding/dns.ts";

const CONTEXTS = new WeakMap<Request, RequestContext>();
/** The in-process cache of each app built without `deps.cache`. */
const DEFAULT_CACHES = new WeakMap<object, ReadThrough>();

/** `deps.cache`, else one in-process LRU per app (its deps object). */
function cacheOf(deps: AppContext["var"]["deps"]): ReadThrough {
  if (deps.cache) return deps.cache;
  let made = DEFAULT_CACHES.get(deps);
  if (!made) DEFAULT_CACHES.set(deps, made = new ReadThrough(new LruCache()));
  return made;
}

/**
 * The use-case context of this request (after `requireOrg` or `orgMember`).
 *
 * @example
 * ```ts
 * .post("/in", async (c) => c.json(await clockInUseCase(requestContext(c), await readJson(c, clockInInput)), 201))
 * ```
 */
export function requestContext(c: AppContext): RequestContext {
  const known = CONTEXTS.get(c.req.raw);
  if (known) return known;
  const org = c.get("org");
  const principal = c.get("principal");
  if (!principal) throw new DomainError("unauthenticated", "unauthenticated", "Sign in first");
  const deps = c.get("deps");
  // Entitlements and the public origin cost a little to compute and many use cases never read
  // them (a listing), so they are computed on first read.
  let ent: Entitlements | undefined;
  const now = deps.now();
  const jobs = c.get("outbox").port();
  let origin: string | undefined;
  const ctx: RequestContext = {
    scope: org.scope,
    org: org.org,
    principal,
    member: principal.type === "user" && org.membership && org.membershipVersionstamp
      ? {
        membership: org.membership,
        membershipVersionstamp: org.membershipVersionstamp,
        timeline: org.ownTimeline,
      }
      : null,
    role: org.role,
    settings: org.settings,
    billing: org.billing,
    get entitlements() {
      return ent ??= entitlements(c);
    },
    now,
    jobs,
    events: eventPort(org.scope, org.subscriptions, jobs, now),
    services: {
      passwordIterations: deps.passwordIterations,
      billingEnabled: !!deps.billing,
      get publicUrl() {
        return origin ??= publicOrigin(c);
      },
      access: storeAccess(deps.store),
      cache: cacheOf(deps),
      outbound: outboundOf(deps),
      resolveTxt: dnsTxtResolver(deps.config.dnsNameServer),
    },
  };
  CONTEXTS.set(c.req.raw, ctx);
  return ctx;
}

/** The origin links in mail point to: `PUBLIC_URL`, else the request's own origin. */
export function publicOrigin(c: AppContext): string {
  const configured = c.get("deps").config.publicUrl;
  return configured ? new URL(configured).origin : new URL(c.req.url).origin;
}
