/**
 * `run_export` jobs. PLACEHOLDER until the exports slice lands.
 *
 * @module
 */

import type { RunExportJob } from "../lib/jobs/jobs.ts";
import type { JobDeps } from "./mod.ts";

/** Run one `run_export` job. */
export function runExport(_deps: JobDeps, _job: RunExportJob): Promise<void> {
  throw new Error("run_export: not built yet");
}
