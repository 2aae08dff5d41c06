/**
 * The global (not per-organization) tables. Everything else lives under `["org", orgId, …]`.
 * Each table is here with the reason it cannot live inside one organization.
 *
 * @module
 */

import { type Key, makeKey } from "./key.ts";

/** Builders for every global key. */
export const globalKeys = {
  /** A person's login identity (`["user", userId]`): one person may belong to many orgs. */
  user: (userId: string): Key => makeKey(["user", userId]),
  /** Unique email → userId: sign-in looks a person up before any organization is known. */
  userByEmail: (email: string): Key => makeKey(["user_email", email]),
  /** userId → orgIds the person belongs to: the organization switcher and scope proofs. */
  userOrg: (userId: string, orgId?: string): Key =>
    makeKey(orgId === undefined ? ["user_org", userId] : ["user_org", userId, orgId]),
  /** Unique org slug → orgId: slugs are chosen across all tenants. */
  orgBySlug: (slug: string): Key => makeKey(["org_slug", slug]),
  /** Session token hash → session: a cookie arrives before an organization is chosen. */
  session: (tokenHash: string): Key => makeKey(["session", tokenHash]),
  /** userId → its sessions, so that all of a person's sessions can be revoked. */
  userSession: (userId: string, tokenHash?: string): Key =>
    makeKey(
      tokenHash === undefined ? ["user_session", userId] : ["user_session", userId, tokenHash],
    ),
  /**
   * Attempt counters per subject and window (sign-in per account and client, per client;
   * sign-up, password reset, verification mail): no organization is known yet.
   */
  signinFailures: (subject: string, window: number): Key =>
    makeKey(["signin_fail", subject, window]),
  /**
   * SHA-256 of an email verification link's token → `{userId, email, expiresAt}`: the link is
   * followed before anyone is signed in, so it is found by the token alone.
   */
  emailVerification: (tokenHash: string): Key => makeKey(["email_verification", tokenHash]),
  /** SHA-256 of a password reset link's token → `{userId, email, expiresAt}` (same reason). */
  passwordReset: (tokenHash: string): Key => makeKey(["password_reset", tokenHash]),
  /** Idempotency records of requests made before an organization exists (sign-up). */
  idempotency: (principal: string, key?: string): Key =>
    makeKey(key === undefined ? ["idem", principal] : ["idem", principal, key]),
  /** Applied schema migrations. */
  migration: (n?: number): Key =>
    makeKey(n === undefined ? ["meta", "migration"] : ["meta", "migration", n]),
  /**
   * The server's HMAC-SHA-256 key of unsubscribe links (`lib/notifications/unsubscribe.ts`),
   * created on first use: a mailed link is followed without signing in and names its
   * organization, person and kind itself, so the key that signs them serves every tenant.
   */
  unsubscribeKey: (): Key => makeKey(["meta", "unsubscribe_key"]),
  /** Lease held while migrations run, so concurrent starts apply each migration only once. */
  migrationLock: (): Key => makeKey(["meta", "migration_lock"]),
  /**
   * Stripe customer id → orgId: a Stripe webhook names only the customer, so the webhook finds
   * the tenant through this pointer (written with the customer id in the org's billing record).
   */
  stripeCustomer: (customerId: string): Key => makeKey(["stripe_customer", customerId]),
  /**
   * Applied Stripe event ids (kept ~30 days, expiry also in the value): Stripe delivers at least
   * once, and the dedupe must be found before the tenant is known; written in the same commit
   * as the event's effect.
   */
  stripeEvent: (eventId: string): Key => makeKey(["stripe_event", eventId]),
  /** Every organization id, for operators and migrations that must visit all tenants. */
  orgIndex: (orgId?: string): Key =>
    makeKey(orgId === undefined ? ["org_index"] : ["org_index", orgId]),
  /**
   * Jobs committed with the change that causes them, waiting for a transport (`lib/jobs/outbox.ts`):
   * one dispatcher drains every tenant's jobs, and mail can be caused before any organization
   * exists (sign-up, password reset).
   */
  outbox: (jobId?: string): Key => makeKey(jobId === undefined ? ["outbox"] : ["outbox", jobId]),
  /**
   * SHA-256 of an invitation token → `{orgId, invitationId}` (expiry also in the invitation):
   * the invitee follows the mailed link before they belong to the organization, often before
   * they have an account, so the link must find its tenant from the token alone. Written and
   * deleted in the same commits as the invitation (`lib/invitations`).
   */
  invitationToken: (tokenHash: string): Key => makeKey(["invitation_token", tokenHash]),
  /**
   * A job's run by id: `{state: "running", until}` while a handler holds it, `{state: "done"}`
   * after (expires in 7 days). Every transport delivers at least once; this makes each job id
   * run once (`lib/jobs/dispatcher.ts`). Jobs of every tenant and of none share one dispatcher.
   */
  jobRun: (jobId: string): Key => makeKey(["job_run", jobId]),
  /**
   * How many times QStash gave up on a job (`{count}`, expires with QStash's 90-day
   * deduplication window): a dead letter retried from `/ops` is published under a fresh
   * deduplication id, `{jobId}.{count}` (`lib/jobs/qstash.ts`). Jobs of every tenant and of none.
   */
  qstashRedelivery: (jobId: string): Key => makeKey(["qstash_redelivery", jobId]),
  /** Jobs that failed every delivery, kept for operators to read and retry (`/ops`). */
  deadJob: (jobId?: string): Key =>
    makeKey(jobId === undefined ? ["dead_job"] : ["dead_job", jobId]),
  /**
   * Mail kept by the embedded mail port (no `SMTP_URL`), for operators at `/ops/mail`: mail goes
   * to people, some of whom belong to no organization yet.
   */
  mail: (id?: string): Key => makeKey(id === undefined ? ["mail"] : ["mail", id]),
  /**
   * An API key's public prefix → `{orgId, keyId}`: a request with `Authorization: Bearer cf_…`
   * names no organization before its key is read, so the key finds its tenant from its prefix
   * alone. Written and deleted in the same commits as the key (`lib/apikeys/keys.ts`).
   */
  apiKeyPrefix: (prefix: string): Key => makeKey(["api_key_prefix", prefix]),
  /**
   * SHA-256 of a kiosk's pairing code → `{orgId, kioskId, expiresAt}` (expires with the code,
   * 10 minutes; expiry also in the value): a tablet enters the code before it belongs to any
   * organization, so the code alone must find its tenant. Written with the code and deleted by
   * the pairing that uses it, in the kiosk's own commits (`lib/kiosks/kiosks.ts`).
   */
  kioskPairing: (codeHash: string): Key => makeKey(["kiosk_pairing", codeHash]),
  /**
   * SHA-256 of a paired kiosk's device credential (the `cf_kiosk` cookie) → `{orgId, kioskId}`:
   * a device request names no organization before its cookie is read. Written by pairing,
   * deleted with the kiosk or by the next pairing, in the kiosk's own commits.
   */
  kioskDevice: (tokenHash: string): Key => makeKey(["kiosk_device", tokenHash]),
  /**
   * Rate limiter state (`lib/ratelimit/kv.ts`) by limiter key (`api:<orgId>`, `session:<userId>`):
   * the limit is checked before a request's organization is read, and a per-user abuse limit
   * spans every organization the person belongs to. Expires with its window.
   */
  rateLimit: (key: string): Key => makeKey(["ratelimit", key]),
  /**
   * A verified custom domain (lower-case hostname) → orgId: a request to `hours.acme.example`
   * names no organization but its `Host`, so the host finds its tenant through this pointer.
   * Written with `check(null)` when the organization proves the domain by DNS (so a domain
   * belongs to one organization at most), deleted when it removes or replaces it
   * (`lib/branding/domain.ts`).
   */
  customDomain: (domain: string): Key => makeKey(["custom_domain", domain]),
} as const;
