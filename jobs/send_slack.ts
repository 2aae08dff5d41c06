/**
 * `send_slack` jobs: post one line to the organization's Slack incoming webhook
 * (`lib/notifications/slack.ts`).
 *
 * @module
 */

import type { SendSlackJob } from "../lib/jobs/jobs.ts";
import { postToSlack } from "../lib/notifications/slack.ts";
import type { JobDeps } from "./mod.ts";

/** Run one `send_slack` job (throws to have it retried). */
export async function sendSlack(deps: JobDeps, job: SendSlackJob): Promise<void> {
  if (!deps.outbound) throw new Error("send_slack: no outbound policy configured");
  await postToSlack({ store: deps.store, outbound: deps.outbound }, job);
}
