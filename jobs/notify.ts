/**
 * `notify` jobs. PLACEHOLDER until the notifications slice lands.
 *
 * @module
 */

import type { NotifyJob } from "../lib/jobs/jobs.ts";
import type { JobDeps } from "./mod.ts";

/** Run one `notify` job. */
export function notify(_deps: JobDeps, _job: NotifyJob): Promise<void> {
  throw new Error("notify: not built yet");
}
