/**
 * `deliver_webhook` jobs. PLACEHOLDER until the webhooks slice lands.
 *
 * @module
 */

import type { DeliverWebhookJob } from "../lib/jobs/jobs.ts";
import type { JobDeps } from "./mod.ts";

/** Run one `deliver_webhook` job. */
export function deliverWebhook(_deps: JobDeps, _job: DeliverWebhookJob): Promise<void> {
  throw new Error("deliver_webhook: not built yet");
}
