/**
 * Handlers of background jobs, by kind. The transport (`lib/jobs`) delivers; this dispatches,
 * each job id once (`lib/jobs/dispatcher.ts`), whichever transport brought it.
 *
 * @module
 */

import type { Store } from "../lib/kv/mod.ts";
import type { Job, JobHandler } from "../lib/jobs/jobs.ts";
import type { Outbox } from "../lib/jobs/outbox.ts";
import { onceById } from "../lib/jobs/dispatcher.ts";
import type { BillingGateway } from "../lib/billing/gateway.ts";
import type { MailPort } from "../lib/mail/mail.ts";
import type { Outbound } from "../lib/net/ssrf.ts";
import type { BillingMode } from "../lib/billing/lifecycle.ts";
import { syncSeats } from "./sync_seats.ts";
import { deliverWebhook } from "./deliver_webhook.ts";
import { runExport } from "./run_export.ts";
import { notify } from "./notify.ts";
import { sendSlack } from "./send_slack.ts";
import { orgMailer } from "../lib/branding/mail.ts";

/** What job handlers may use. */
export interface JobDeps {
  store: Store;
  billing?: BillingGateway | null;
  /** Where `send_mail` jobs hand their mail. */
  mailer: MailPort;
  /** The server clock (epoch ms). */
  now?: () => number;
  /** The outbox, for jobs a handler causes (a webhook retry, a completion mail). */
  outbox?: Outbox;
  /** The public origin for links in mail (`PUBLIC_URL`), when known. */
  publicUrl?: string | null;
  /** How tenant-supplied URLs (webhooks, Slack) are checked and called. */
  outbound?: Outbound;
  /**
   * Billing on/off and `DEFAULT_PLAN`, for jobs that check a plan feature (webhook delivery).
   * Absent: billing is on exactly when `billing` is set, and the default plan is `enterprise`
   * (the configuration's default).
   */
  billingMode?: BillingMode;
}

/** Run `job` by its kind (no idempotency: see {@linkcode createJobHandler}). */
export async function runJob(deps: JobDeps, job: Job): Promise<void> {
  switch (job.kind) {
    case "sync_seats":
      await syncSeats({ store: deps.store, billing: deps.billing ?? null }, job);
      return;
    case "send_mail":
      // An organization's mail is branded (an HTML part with its logo and accent colour).
      await (job.orgId ? orgMailerOf(deps, job.orgId) : deps.mailer).send(job.id, job.mail);
      return;
    case "deliver_webhook":
      return await deliverWebhook(deps, job);
    case "run_export":
      return await runExport(deps, job);
    case "notify":
      return await notify({ ...deps, mailer: orgMailerOf(deps, job.orgId) }, job);
    case "send_slack":
      return await sendSlack(deps, job);
  }
}

/** The mail port of organization `orgId`: its mail branded (`lib/branding/mail.ts`). */
function orgMailerOf(deps: JobDeps, orgId: string) {
  return orgMailer({
    store: deps.store,
    mailer: deps.mailer,
    publicUrl: deps.publicUrl,
    now: deps.now,
    billingMode: deps.billingMode ?? { enabled: deps.billing != null, defaultPlan: "enterprise" },
  }, orgId);
}

/**
 * The handler of every job kind, running each job id once however often it is delivered.
 *
 * @example
 * ```ts
 * const jobs = new KvQueueTransport(store.queueHandle);
 * jobs.listen(createJobHandler({ store, billing, mailer }));
 * ```
 */
export function createJobHandler(deps: JobDeps): JobHandler {
  const once = onceById(deps.store, (job) => runJob(deps, job), deps.now ?? Date.now);
  return async (job: Job) => {
    await once(job);
  };
}
