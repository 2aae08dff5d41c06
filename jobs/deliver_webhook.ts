/**
 * `deliver_webhook` jobs: one attempt to deliver a webhook message to one endpoint
 * (`lib/webhooks/deliver.ts` decides, calls, records and schedules the next attempt).
 *
 * @module
 */

import type { DeliverWebhookJob } from "../lib/jobs/jobs.ts";
import { deliverJob } from "../lib/webhooks/deliver.ts";
import type { JobDeps } from "./mod.ts";

/**
 * Run one `deliver_webhook` job. An organization that no longer exists drops the job; an
 * attempt that fails over HTTP is recorded and retried as a new job, so only a failure to
 * record it throws (and the transport retries the job).
 */
export async function deliverWebhook(deps: JobDeps, job: DeliverWebhookJob): Promise<void> {
  if (!deps.outbox || !deps.outbound) {
    throw new Error("deliver_webhook: the job deps lack the outbox or the outbound policy");
  }
  const scope = await deps.store.scopeForJob(job.orgId);
  if (!scope) return;
  const jobs = deps.outbox.port();
  await deliverJob({
    scope,
    outbound: deps.outbound,
    now: deps.now ?? Date.now,
    jobs,
    publicUrl: deps.publicUrl,
    mode: deps.billingMode ?? { enabled: !!deps.billing, defaultPlan: "enterprise" },
  }, job);
  await jobs.dispatch();
}
