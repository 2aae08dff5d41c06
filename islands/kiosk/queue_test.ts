/**
 * The kiosk queue's rules (islands/kiosk/queue.ts) on a memory store: what each answer does to
 * an item, order, the organization guard and one flush at a time. The IndexedDB store is tested
 * in Chromium (tests/e2e/kiosk_test.ts).
 */

import assert from "node:assert/strict";
import {
  errorMessageOf,
  Flusher,
  flushQueue,
  inQueueOrder,
  MemoryQueueStore,
  outcomeOf,
  type PunchAnswer,
  type QueuedPunch,
} from "./queue.ts";

let n = 0;
function punch(over: Partial<QueuedPunch> = {}): QueuedPunch {
  n++;
  return {
    idempotencyKey: `key-${n}`,
    pin: "1234",
    action: "in",
    at: new Date(Date.UTC(2026, 0, 5, 9, 0, n)).toISOString(),
    orgId: "org-a",
    queuedAt: 1_000 + n,
    ...over,
  };
}

Deno.test("queue: each answer decides whether the item stays", () => {
  const table: [PunchAnswer | null, string][] = [
    [{ status: 201, body: { status: "applied" } }, "applied"],
    [{ status: 200, body: { status: "applied" } }, "applied"],
    [{ status: 200, body: { status: "conflict", conflict: { id: "c" } } }, "conflict"],
    [{ status: 204, body: null }, "applied"],
    [{ status: 401, body: { error: { code: "kiosk_unpaired" } } }, "unpaired"],
    [{ status: 429, body: { error: { code: "too_many_attempts" } } }, "retry"],
    [{ status: 404, body: { error: { code: "unknown_pin" } } }, "rejected"],
    [{ status: 422, body: { error: { code: "punch_time_out_of_range" } } }, "rejected"],
    [{ status: 409, body: { error: { code: "already_clocked_in" } } }, "rejected"],
    [{ status: 500, body: null }, "retry"],
    [{ status: 503, body: "down" }, "retry"],
    [null, "retry"],
  ];
  for (const [answer, expected] of table) {
    assert.equal(outcomeOf(answer), expected, JSON.stringify(answer));
  }
});

Deno.test("queue: the server's error message is what a rejected item reports", () => {
  assert.equal(
    errorMessageOf({ status: 422, body: { error: { message: "Too late" } } }),
    "Too late",
  );
  assert.equal(errorMessageOf({ status: 418, body: "teapot" }), "The server answered 418");
  assert.equal(errorMessageOf(null), "No answer from the server");
});

Deno.test("queue: items are kept oldest first, ties in insertion order", async () => {
  const a = punch({ queuedAt: 5 });
  const b = punch({ queuedAt: 3 });
  const c = punch({ queuedAt: 5 });
  assert.deepEqual(inQueueOrder([a, b, c]).map((i) => i.idempotencyKey), [
    b.idempotencyKey,
    a.idempotencyKey,
    c.idempotencyKey,
  ]);
  const store = new MemoryQueueStore();
  for (const i of [a, b, c]) await store.add(i);
  await store.add({ ...a, pin: "9999" }); // the same key again replaces, keeps one
  const all = await store.all();
  assert.equal(all.length, 3);
  assert.equal(all.find((i) => i.idempotencyKey === a.idempotencyKey)?.pin, "9999");
});

Deno.test("queue: a flush sends in order and removes applied, conflicting and rejected items", async () => {
  const store = new MemoryQueueStore();
  const items = [punch(), punch({ action: "out" }), punch({ action: "in" }), punch()];
  for (const i of items) await store.add(i);
  const answers: PunchAnswer[] = [
    { status: 201, body: { status: "applied" } },
    { status: 200, body: { status: "conflict", conflict: { id: "c1" } } },
    { status: 422, body: { error: { message: "older than 72 hours" } } },
    { status: 200, body: { status: "applied" } },
  ];
  const sent: string[] = [];
  const report = await flushQueue(store, "org-a", (item) => {
    sent.push(item.idempotencyKey);
    return Promise.resolve(answers[sent.length - 1]);
  });
  assert.deepEqual(sent, items.map((i) => i.idempotencyKey));
  assert.equal(report.applied, 2);
  assert.equal(report.conflicts, 1);
  assert.deepEqual(report.rejected.map((r) => [r.item.idempotencyKey, r.message]), [
    [items[2].idempotencyKey, "older than 72 hours"],
  ]);
  assert.equal(report.stoppedBy, null);
  assert.equal(report.remaining, 0);
  assert.deepEqual(await store.all(), []);
});

Deno.test("queue: a network failure, a 5xx or a 429 keeps the item and everything after it", async () => {
  for (const failure of [null, { status: 502, body: null }, { status: 429, body: {} }]) {
    const store = new MemoryQueueStore();
    const items = [punch(), punch(), punch()];
    for (const i of items) await store.add(i);
    let calls = 0;
    const report = await flushQueue(store, "org-a", () => {
      calls++;
      return Promise.resolve(calls === 1 ? { status: 201, body: { status: "applied" } } : failure);
    });
    assert.equal(calls, 2, "stops at the first failure, never skips ahead");
    assert.equal(report.applied, 1);
    assert.equal(report.stoppedBy, "retry");
    assert.equal(report.remaining, 2);
    assert.deepEqual((await store.all()).map((i) => i.idempotencyKey), [
      items[1].idempotencyKey,
      items[2].idempotencyKey,
    ]);
  }
});

Deno.test("queue: a sender that throws counts as no answer", async () => {
  const store = new MemoryQueueStore();
  await store.add(punch());
  const report = await flushQueue(store, "org-a", () => Promise.reject(new TypeError("offline")));
  assert.equal(report.stoppedBy, "retry");
  assert.equal(report.remaining, 1);
});

Deno.test("queue: an unpaired device keeps every item until it is paired again", async () => {
  const store = new MemoryQueueStore();
  for (const i of [punch(), punch()]) await store.add(i);
  const report = await flushQueue(
    store,
    "org-a",
    () => Promise.resolve({ status: 401, body: { error: { code: "kiosk_unpaired" } } }),
  );
  assert.equal(report.stoppedBy, "unpaired");
  assert.equal(report.remaining, 2);
});

Deno.test("queue: punches saved for another organization are never sent", async () => {
  const store = new MemoryQueueStore();
  const other = punch({ orgId: "org-b" });
  const mine = punch();
  await store.add(other);
  await store.add(mine);
  const sent: string[] = [];
  const report = await flushQueue(store, "org-a", (item) => {
    sent.push(item.idempotencyKey);
    return Promise.resolve({ status: 201, body: { status: "applied" } });
  });
  assert.deepEqual(sent, [mine.idempotencyKey]);
  assert.equal(report.rejected.length, 1);
  assert.equal(report.rejected[0].item.idempotencyKey, other.idempotencyKey);
  assert.equal(report.remaining, 0);
});

Deno.test("queue: items queued during a flush are sent by that flush", async () => {
  const store = new MemoryQueueStore();
  await store.add(punch());
  const late = punch({ queuedAt: 99_999 });
  const sent: string[] = [];
  const report = await flushQueue(store, "org-a", async (item) => {
    sent.push(item.idempotencyKey);
    if (sent.length === 1) await store.add(late);
    return { status: 201, body: { status: "applied" } };
  });
  assert.equal(sent.length, 2);
  assert.equal(sent[1], late.idempotencyKey);
  assert.equal(report.applied, 2);
});

Deno.test("queue: a flush asked for twice at once runs once, under the lock", async () => {
  const store = new MemoryQueueStore();
  for (const i of [punch(), punch()]) await store.add(i);
  const sent: string[] = [];
  let locks = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const flusher = new Flusher(
    () =>
      flushQueue(store, "org-a", async (item) => {
        await gate;
        sent.push(item.idempotencyKey);
        return { status: 201, body: { status: "applied" } };
      }),
    (task) => {
      locks++;
      return task();
    },
  );
  const first = flusher.flush();
  const second = flusher.flush();
  assert.equal(first, second, "the second request joins the running flush");
  release();
  const report = await first;
  assert.equal(report.applied, 2);
  assert.equal(sent.length, 2);
  assert.equal(new Set(sent).size, 2, "no item sent twice");
  assert.equal(locks, 1);
  // Once done, a new flush runs again (and finds nothing).
  const again = await flusher.flush();
  assert.equal(again.applied, 0);
  assert.equal(locks, 2);
});
