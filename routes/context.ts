/**
 * Typed Hono context shared by every route: the dependencies and what middleware resolved.
 *
 * @module
 */

import type { Outbound } from "../lib/net/ssrf.ts";
import type { Subscriptions } from "../lib/events/events.ts";
import type { TimelineKeys } from "../lib/entries/repository.ts";
import type { VersionedSettings } from "../lib/settings/repository.ts";
import type { BillingRecord } from "../lib/billing/lifecycle.ts";
import type { Context } from "hono";
import type { Config } from "../config.ts";
import type { OrgScope, Store } from "../lib/kv/mod.ts";
import type { User } from "../lib/identity/users.ts";
import type { Membership, Role } from "../lib/members/members.ts";
import type { VerifiedApiKey } from "../lib/apikeys/keys.ts";
import type { VerifiedKiosk } from "../lib/kiosks/kiosks.ts";
import type { Organization } from "../lib/orgs/orgs.ts";
import type { ThrottlePolicy } from "../lib/identity/throttle.ts";
import type { Entitlements } from "../lib/billing/entitlements.ts";
import type { BillingGateway } from "../lib/billing/gateway.ts";
import type { JobHandler, JobTransport } from "../lib/jobs/jobs.ts";
import type { Outbox } from "../lib/jobs/outbox.ts";
import type { MailPort } from "../lib/mail/mail.ts";
import type { Principal } from "../lib/principal.ts";
import type { ReadThrough } from "../lib/cache/port.ts";
import type { RateLimiter, RateRule } from "../lib/ratelimit/limiter.ts";

/** What the app is built from. Tests inject their own clock and cheaper password hashing. */
export interface AppDeps {
  store: Store;
  config: Config;
  /** The server clock, epoch ms. */
  now: () => number;
  /** PBKDF2 iterations for new password hashes. */
  passwordIterations: number;
  throttle: ThrottlePolicy;
  /**
   * The billing provider (Stripe), or null/absent when billing is off (no `STRIPE_SECRET_KEY`).
   * Tests inject the Stripe adapter pointed at a loopback fake.
   */
  billing?: BillingGateway | null;
  /**
   * Where background jobs are sent (KV queue, or QStash when configured). Absent: jobs run inline,
   * right after the commit that caused them (tests, scripts).
   */
  jobs?: JobTransport | null;
  /**
   * The job outbox over `jobs`, when the caller needs it too (`main.ts` sweeps it). Absent:
   * `createApp` builds it.
   */
  outbox?: Outbox;
  /**
   * The one job handler (`createJobHandler` in `jobs/mod.ts`), which QStash's callbacks
   * (`/api/jobs/:kind`) run; `main.ts` passes the one its KV queue listener would use. Absent:
   * `createApp` builds it over `outbox`.
   */
  jobHandler?: JobHandler;
  /**
   * How tenant-supplied URLs (webhooks, Slack) are checked and called. Absent: `fetch` under
   * the SSRF policy of `config.allowPrivateWebhooks`.
   */
  outbound?: Outbound;
  /** Where mail goes (SMTP, or the embedded KV mailbox). */
  mailer: MailPort;
  /** Where request log lines go (one JSON object per call); standard output when absent. */
  log?: (line: string) => void;
  /**
   * The read-through cache of expensive reads (`lib/cache`): `main.ts` picks Upstash Redis when
   * configured. Absent: an in-process LRU of this app.
   */
  cache?: ReadThrough;
  /**
   * Rate limits (`routes/middleware/rate_limit.ts`): the limiter of plan quotas (absent: the KV
   * limiter over `store`; `main.ts` passes the Upstash one when configured), the per-person abuse
   * limit of session traffic (absent: 600 a minute) and its limiter (absent: process memory).
   */
  rateLimit?: { limiter?: RateLimiter; sessionRule?: RateRule; sessionLimiter?: RateLimiter };
}

/** The organization a request acts in, after authorization. */
export interface OrgContext {
  scope: OrgScope;
  org: Organization;
  /** The acting person's membership; null for an API key (it acts for the organization). */
  membership: Membership | null;
  membershipVersionstamp: string | null;
  /** The role the principal acts with: the membership's, `admin` for a key (scopes limit it). */
  role: Role;
  /** The organization's settings as read with the membership (one round trip per request). */
  settings: VersionedSettings;
  /** The billing record as read with the membership. */
  billing: { record: BillingRecord; versionstamp: string | null };
  /** The member's own timeline keys as read with the membership (for the clock; empty for keys). */
  ownTimeline: TimelineKeys;
  /** The organization's webhook subscriptions as read with the membership (`lib/events`). */
  subscriptions: Subscriptions;
}

/** Hono environment of this app. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    /** This request's id, echoed as `X-Request-Id` (`middleware/request_log.ts`). */
    requestId: string;
    /** The job outbox of this app (`lib/jobs/outbox.ts`). */
    outbox: Outbox;
    /** Who acts, resolved by `authenticate()`; null for anonymous requests. */
    principal: Principal | null;
    user: User | null;
    sessionToken: string | null;
    /** The API key of a Bearer request, as verified by `authenticate()`; else null. */
    apiKey: VerifiedApiKey | null;
    /** The paired kiosk of the request's `cf_kiosk` cookie, as verified by `authenticate()`. */
    kiosk: VerifiedKiosk | null;
    org: OrgContext;
    /** The organization's entitlements, computed once per request (`middleware/plan.ts`). */
    entitlements: Entitlements;
  };
}

/** The Hono context of this app. */
export type AppContext = Context<AppEnv>;
