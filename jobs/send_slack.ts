/**
 * `send_slack` jobs. PLACEHOLDER until the notifications slice lands.
 *
 * @module
 */

import type { SendSlackJob } from "../lib/jobs/jobs.ts";
import type { JobDeps } from "./mod.ts";

/** Run one `send_slack` job. */
export function sendSlack(_deps: JobDeps, _job: SendSlackJob): Promise<void> {
  throw new Error("send_slack: not built yet");
}
