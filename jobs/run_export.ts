/**
 * `run_export` jobs: build the file of one export (`lib/exports/run.ts`).
 *
 * @module
 */

import type { RunExportJob } from "../lib/jobs/jobs.ts";
import { runExportJob } from "../lib/exports/run.ts";
import type { JobDeps } from "./mod.ts";

/** Run one `run_export` job. */
export async function runExport(deps: JobDeps, job: RunExportJob): Promise<void> {
  await runExportJob(deps, job);
}
