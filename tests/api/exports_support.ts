/**
 * Helpers of the export tests: entries through the API, a job transport that holds jobs until
 * the test runs them, and reading a download's bytes.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Client, TestApp } from "../helpers.ts";
import { HOUR, iso } from "./support.ts";
import type { Job, JobTransport } from "../../lib/jobs/jobs.ts";
import { Outbox } from "../../lib/jobs/outbox.ts";
import { createJobHandler } from "../../jobs/mod.ts";
import { billingMode } from "../../routes/middleware/plan.ts";

/** A transport that keeps every job until {@linkcode HeldTransport.take}. */
export class HeldTransport implements JobTransport {
  readonly held: Job[] = [];
  enqueue(job: Job): Promise<void> {
    this.held.push(job);
    return Promise.resolve();
  }
  /** Remove and return the held jobs of `kind`. */
  take(kind: Job["kind"]): Job[] {
    const out = this.held.filter((j) => j.kind === kind);
    this.held.splice(0, this.held.length, ...this.held.filter((j) => j.kind !== kind));
    return out;
  }
}

/** Create a closed manual entry of `userId` from `startUtc` for `hours`, with `note`. */
export async function addEntry(
  admin: Client,
  orgId: string,
  userId: string,
  startUtc: number,
  hours: number,
  note: string | null = null,
): Promise<string> {
  const res = await admin.json("POST", `/api/v1/orgs/${orgId}/time-entries`, {
    userId,
    start: iso(startUtc),
    end: iso(startUtc + hours * HOUR),
    note,
    reason: "test fixture",
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** The body of `res` as text, without dropping a byte order mark. */
export async function bytesText(res: Response): Promise<string> {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
}

/** Ask for an export and expect 202. */
export async function createExport(
  client: Client,
  orgId: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await client.json("POST", `/api/v1/orgs/${orgId}/exports`, body);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.deepEqual(Object.keys(res.body).sort(), ["id", "status"]);
  assert.equal(res.body.status, "queued");
  return res.body.id;
}

/**
 * The job handler of `app` as `main.ts` builds it, with an outbox over `transport` (so jobs the
 * export causes — its mail — are held there too).
 */
export function handlerOf(app: TestApp, transport: JobTransport) {
  return createJobHandler({
    store: app.store,
    mailer: app.deps.mailer,
    now: app.clock.now,
    outbox: new Outbox(app.store, transport, app.clock.now),
    billingMode: billingMode(app.deps),
  });
}
