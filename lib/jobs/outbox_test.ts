/** Specification of the outbox's operations: dead letters and their retry. */

import assert from "node:assert/strict";
import { globalKeys, Store } from "../kv/mod.ts";
import {
  type Job,
  type JobTransport,
  KvQueueTransport,
  sendMailJob,
  syncSeatsJob,
} from "./jobs.ts";
import { LEASE_MS, MAX_HANDOFFS, Outbox } from "./outbox.ts";

/** A transport that refuses every hand-off while `down`, and records what it accepted. */
class FlakyTransport implements JobTransport {
  down = true;
  readonly accepted: Job[] = [];
  enqueue(job: Job): Promise<void> {
    if (this.down) return Promise.reject(new Error("transport unreachable"));
    this.accepted.push(job);
    return Promise.resolve();
  }
}

const mail = { to: "ada@example.com", subject: "Hi", text: "Hello" };

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const error = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = error;
  }
}

Deno.test("a job whose hand-off keeps failing becomes a dead letter after MAX_HANDOFFS, and a retry brings it back", async () => {
  const store = await Store.open(":memory:");
  let now = Date.UTC(2026, 10, 2, 8);
  const transport = new FlakyTransport();
  const outbox = new Outbox(store, transport, () => now);
  try {
    const jobs = outbox.port();
    const job = sendMailJob(null, mail, now);
    const op = store.atomic();
    jobs.add(op, job);
    assert.ok(await op.commit());
    await quietly(() => jobs.dispatch());
    assert.equal((await outbox.pending()).length, 1, "a failed hand-off stays in the outbox");
    assert.equal((await outbox.pending())[0].attempts, 1);
    for (let i = 1; i < MAX_HANDOFFS; i++) {
      now += LEASE_MS * 100; // past any backoff
      await quietly(() => outbox.sweep());
    }
    assert.deepEqual(await outbox.pending(), [], "no longer waiting");
    const dead = await outbox.dead();
    assert.equal(dead.length, 1);
    assert.equal(dead[0].job.id, job.id);
    assert.equal(dead[0].error, "transport unreachable");
    assert.equal(transport.accepted.length, 0);

    transport.down = false;
    assert.equal(await outbox.retryDead("no-such-job"), false);
    assert.equal(await outbox.retryDead(job.id), true);
    assert.deepEqual(transport.accepted.map((j) => j.id), [job.id]);
    assert.deepEqual(await outbox.dead(), []);
    assert.deepEqual(await outbox.pending(), []);
  } finally {
    store.close();
  }
});

Deno.test("the KV queue writes a job that fails every delivery to its dead-letter key", async () => {
  const store = await Store.open(":memory:");
  let runs = 0;
  let failed!: () => void;
  const ranOnce = new Promise<void>((r) => (failed = r));
  // No retries: the first failure is final, so the test does not wait for the backoff.
  const transport = new KvQueueTransport(store.queueHandle, []);
  const listening = transport.listen(() => {
    runs++;
    failed();
    return Promise.reject(new Error("handler failed"));
  });
  const outbox = new Outbox(store, transport, Date.now);
  try {
    const job = sendMailJob(null, mail);
    await transport.enqueue(job);
    await ranOnce;
    let dead = await outbox.dead();
    for (let i = 0; i < 100 && dead.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      dead = await outbox.dead();
    }
    assert.equal(runs, 1);
    assert.deepEqual(dead.map((d) => d.job.id), [job.id]);
    const raw = await store.get(globalKeys.deadJob(job.id));
    assert.deepEqual(raw.value, job, "KV stores the undelivered message itself");
  } finally {
    store.close();
    await listening;
  }
});

Deno.test("the KV queue transport names the dead-letter key of every job it enqueues", async () => {
  const seen: { value: unknown; options: unknown }[] = [];
  const queue = {
    enqueue(value: unknown, options: unknown) {
      seen.push({ value, options });
      return Promise.resolve({ ok: true as const, versionstamp: "0" });
    },
    listenQueue: () => Promise.resolve(),
  };
  const job = sendMailJob(null, mail);
  await new KvQueueTransport(queue).enqueue(job, { delayMs: 5 });
  assert.deepEqual(seen[0].options, {
    delay: 5,
    backoffSchedule: [1_000, 10_000, 60_000, 600_000, 3_600_000],
    keysIfUndelivered: [["dead_job", job.id]],
  });
});

Deno.test("a delayed job is handed to the transport with its remaining delay", async () => {
  const store = await Store.open(":memory:");
  try {
    let now = 1_000_000;
    const handed: { id: string; delayMs?: number }[] = [];
    const outbox = new Outbox(store, {
      enqueue: (job, options) => {
        handed.push({ id: job.id, delayMs: options?.delayMs });
        return Promise.resolve();
      },
    }, () => now);
    const port = outbox.port();
    const later = syncSeatsJob("ORG", now);
    const op = store.atomic();
    port.add(op, later, { delayMs: 5_000 });
    assert.ok(await op.commit());
    now += 1_000;
    await port.dispatch();
    assert.deepEqual(handed, [{ id: later.id, delayMs: 4_000 }]);
  } finally {
    store.close();
  }
});
