/**
 * Start ClockFlow: read the configuration, check and open the store, run migrations, start the
 * background work (the KV queue listener, or QStash when configured; outbox sweep, daily seat
 * reconciliation, the still-clocked-in sweep every 15 minutes, hourly scheduled reports), serve.
 *
 * A bad configuration or a damaged KV file ends the process at once with one clear message and
 * exit code 1 (no stack trace).
 *
 * @module
 */

import { type Config, loadConfig } from "./config.ts";
import { createApp, outboundOf } from "./app.ts";
import { LruCache, ReadThrough } from "./lib/cache/mod.ts";
import { UpstashCache } from "./lib/cache/upstash.ts";
import { runMigrations, Store, StoreIntegrityError } from "./lib/kv/mod.ts";
import { MIGRATIONS } from "./lib/migrations.ts";
import { DEFAULT_ITERATIONS } from "./lib/identity/password.ts";
import { DEFAULT_THROTTLE } from "./lib/identity/throttle.ts";
import { createStripeGateway } from "./lib/billing/stripe.ts";
import { type JobTransport, KvQueueTransport } from "./lib/jobs/jobs.ts";
import { DEFAULT_QSTASH_URL, JOBS_CALLBACK_PATH, QStashTransport } from "./lib/jobs/qstash.ts";
import { Outbox } from "./lib/jobs/outbox.ts";
import { createJobHandler } from "./jobs/mod.ts";
import { reconcileSeats } from "./jobs/reconcile_seats.ts";
import {
  STILL_CLOCKED_IN_CRON,
  sweepStillClockedIn,
} from "./lib/notifications/clocked_in_sweep.ts";
import { runScheduledReports } from "./lib/exports/schedule.ts";
import { KvMailbox, type MailPort } from "./lib/mail/mail.ts";
import { redactSmtpUrl, SmtpMailer } from "./lib/mail/smtp.ts";
import { KvRateLimiter, type RateLimiter, UpstashRateLimiter } from "./lib/ratelimit/mod.ts";

/** How often the outbox is swept for jobs whose hand-off has not happened yet. */
export const OUTBOX_SWEEP_MS = 10_000;
/** When the daily seat reconciliation runs (UTC, cron syntax). */
export const RECONCILE_SEATS_CRON = "17 3 * * *";
/** When scheduled reports are looked for (hourly: a period ends at each organization's midnight). */
export const SCHEDULED_REPORTS_CRON = "7 * * * *";

/** Print `message` and end the process with exit code 1. */
function fail(message: string): never {
  console.error(message);
  Deno.exit(1);
}

/** The configuration, or exit with its problems listed. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

/** The store at `path`, checked, or exit naming the damaged file. */
async function storeOrExit(path: string, groupCommit: Config["groupCommit"]): Promise<Store> {
  try {
    return await Store.open(path, groupCommit);
  } catch (err) {
    if (err instanceof StoreIntegrityError) fail(err.message);
    throw err;
  }
}

/** Sweep `outbox` now and then every {@linkcode OUTBOX_SWEEP_MS}; a failed sweep is logged. */
function startOutboxSweep(outbox: Outbox): void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await outbox.sweep();
    } catch (err) {
      console.error("jobs: the outbox sweep failed:", err instanceof Error ? err.message : err);
    } finally {
      running = false;
    }
  };
  sweep();
  setInterval(sweep, OUTBOX_SWEEP_MS);
}

if (import.meta.main) {
  const config = configOrExit();
  const store = await storeOrExit(config.kvPath, config.groupCommit);
  const applied = await runMigrations(store, MIGRATIONS);
  if (applied.length) console.log(`applied migrations ${applied.join(", ")}`);
  // Billing is on with STRIPE_SECRET_KEY; without it every organization has DEFAULT_PLAN.
  const billing = config.stripe ? createStripeGateway(config.stripe) : null;
  const mailer: MailPort = config.smtp
    ? new SmtpMailer(config.smtp)
    : new KvMailbox(store, Date.now);
  // Jobs through QStash when configured (it calls /api/jobs/* back), else the KV queue.
  const jobs: JobTransport = config.qstash
    ? new QStashTransport({ ...config.qstash, publicUrl: config.publicUrl!, store })
    : new KvQueueTransport(store.queueHandle);
  const outbox = new Outbox(store, jobs, Date.now);
  const outbound = outboundOf({ config });
  const jobHandler = createJobHandler({
    store,
    billing,
    mailer,
    now: Date.now,
    outbox,
    publicUrl: config.publicUrl,
    outbound,
    billingMode: { enabled: billing !== null, defaultPlan: config.defaultPlan },
  });
  if (jobs instanceof KvQueueTransport) {
    jobs.listen(jobHandler).catch((err) => console.error("jobs: the queue listener stopped:", err));
  }
  // The read cache: shared through Upstash Redis when configured, else in this process.
  const cache = new ReadThrough(
    config.upstash ? new UpstashCache(config.upstash) : new LruCache(),
  );
  // Rate limits in Upstash Redis when configured (failing open if it is unreachable), else KV.
  const limiter: RateLimiter = config.upstash
    ? new UpstashRateLimiter(config.upstash)
    : new KvRateLimiter(store, Date.now);
  const app = createApp({
    store,
    config,
    now: Date.now,
    passwordIterations: DEFAULT_ITERATIONS,
    throttle: DEFAULT_THROTTLE,
    billing,
    jobs,
    outbox,
    jobHandler,
    outbound,
    mailer,
    cache,
    rateLimit: { limiter },
  });
  startOutboxSweep(outbox);
  Deno.cron("reconcile seats", RECONCILE_SEATS_CRON, async () => {
    const orgs = await reconcileSeats({
      store,
      billingEnabled: billing !== null,
      jobs: outbox.port(),
      now: Date.now(),
    });
    if (orgs.length) console.log(`billing: seat reconciliation queued for ${orgs.length} orgs`);
  });
  Deno.cron("still clocked in", STILL_CLOCKED_IN_CRON, async () => {
    const n = await sweepStillClockedIn({ store, outbox, now: Date.now() });
    if (n) console.log(`notifications: ${n} still-clocked-in reminders queued`);
  });
  Deno.cron("scheduled reports", SCHEDULED_REPORTS_CRON, async () => {
    const made = await runScheduledReports({
      store,
      now: Date.now(),
      jobs: outbox.port(),
      publicUrl: config.publicUrl,
      billingMode: { enabled: billing !== null, defaultPlan: config.defaultPlan },
    });
    if (made.length) console.log(`exports: ${made.length} scheduled reports queued`);
  });
  console.log(
    billing
      ? `billing: Stripe${config.stripe?.apiBase ? ` at ${config.stripe.apiBase}` : ""}`
      : `billing: off (every organization has the ${config.defaultPlan} plan)`,
  );
  console.log(
    config.smtp
      ? `mail: SMTP at ${redactSmtpUrl(config.smtp.url)} from ${config.smtp.from}`
      : "mail: kept in KV (operators read it at /ops/mail) and printed as MAIL lines",
  );
  console.log(
    config.qstash
      ? `jobs: QStash at ${new URL(config.qstash.baseUrl ?? DEFAULT_QSTASH_URL).host}, ` +
        `called back at ${config.publicUrl!.replace(/\/+$/, "")}${JOBS_CALLBACK_PATH}/:kind`
      : "jobs: Deno KV queue (this process listens)",
  );
  console.log(
    config.upstash
      ? `rate limits: Upstash Redis at ${new URL(config.upstash.url).host}`
      : "rate limits: Deno KV",
  );
  Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: ({ port }) => console.log(`ClockFlow listening on http://localhost:${port}`),
  }, app.fetch);
}
