/**
 * `notify` jobs: tell the people an organization event concerns, by mail and Slack, as they
 * chose (`lib/notifications/notify.ts`).
 *
 * @module
 */

import type { NotifyJob } from "../lib/jobs/jobs.ts";
import { runNotification } from "../lib/notifications/notify.ts";
import type { JobDeps } from "./mod.ts";

/** Run one `notify` job (throws to have it retried). */
export async function notify(deps: JobDeps, job: NotifyJob): Promise<void> {
  await runNotification(deps, job);
}
