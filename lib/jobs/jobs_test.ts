/** Specification of the job transports. */

import assert from "node:assert/strict";
import { Store } from "../kv/mod.ts";
import { InlineTransport, isJob, type Job, KvQueueTransport, syncSeatsJob } from "./jobs.ts";

Deno.test("jobs carry a fresh id and are recognised by isJob", () => {
  const a = syncSeatsJob("ORG");
  const b = syncSeatsJob("ORG");
  assert.equal(a.kind, "sync_seats");
  assert.notEqual(a.id, b.id);
  assert.ok(isJob(a));
  for (
    const bad of [null, "x", {}, { kind: "other", id: "1", orgId: "o" }, { kind: "sync_seats" }]
  ) {
    assert.equal(isJob(bad), false, JSON.stringify(bad));
  }
});

Deno.test("the inline transport runs jobs at once and keeps failures from the caller", async () => {
  const ran: Job[] = [];
  const reported: unknown[] = [];
  const t = new InlineTransport((job) => {
    ran.push(job);
    return job.orgId === "bad" ? Promise.reject(new Error("boom")) : Promise.resolve();
  }, (f) => reported.push(f.error));
  await t.enqueue(syncSeatsJob("good"));
  await t.enqueue(syncSeatsJob("bad"));
  assert.deepEqual(ran.map((j) => j.orgId), ["good", "bad"]);
  assert.equal(t.failures.length, 1);
  assert.equal(t.failures[0].job.orgId, "bad");
  assert.equal(String(reported[0]), "Error: boom");
  assert.equal(t.enqueued.length, 2);
});

Deno.test("the KV queue transport delivers jobs to the listener and drops unknown messages", async () => {
  const store = await Store.open(":memory:");
  const seen: Job[] = [];
  let done!: () => void;
  const delivered = new Promise<void>((r) => (done = r));
  const t = new KvQueueTransport(store.queueHandle);
  const listening = t.listen((job) => {
    seen.push(job);
    if (seen.length === 2) done();
    return Promise.resolve();
  });
  const warn = console.warn;
  console.warn = () => {};
  try {
    await store.queueHandle.enqueue({ something: "else" });
    await t.enqueue(syncSeatsJob("A"));
    await t.enqueue(syncSeatsJob("B"));
    await delivered;
  } finally {
    console.warn = warn;
    store.close();
    await listening;
  }
  assert.deepEqual(seen.map((j) => j.orgId).sort(), ["A", "B"]);
});
