/**
 * Handlers of background jobs, by kind. The transport (`lib/jobs`) delivers; this dispatches.
 *
 * @module
 */

import type { Store } from "../lib/kv/mod.ts";
import type { Job, JobHandler } from "../lib/jobs/jobs.ts";
import type { BillingGateway } from "../lib/billing/gateway.ts";
import type { MailPort } from "../lib/mail/mail.ts";
import { syncSeats } from "./sync_seats.ts";

/** What job handlers may use. */
export interface JobDeps {
  store: Store;
  billing?: BillingGateway | null;
  /** Where `send_mail` jobs hand their mail. */
  mailer: MailPort;
}

/**
 * The handler of every job kind.
 *
 * @example
 * ```ts
 * const jobs = new KvQueueTransport(store.queueHandle);
 * jobs.listen(createJobHandler({ store, billing, mailer }));
 * ```
 */
export function createJobHandler(deps: JobDeps): JobHandler {
  return async (job: Job) => {
    switch (job.kind) {
      case "sync_seats":
        await syncSeats({ store: deps.store, billing: deps.billing ?? null }, job);
        return;
      case "send_mail":
        await deps.mailer.send(job.id, job.mail);
        return;
    }
  };
}
