import assert from "node:assert/strict";
import { Store } from "../kv/mod.ts";
import { addUsage, readUsage, setGauge, usageDay, UsageMeter, usageMeter } from "./usage.ts";

const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2026, 10, 2, 23, 30);

Deno.test("usage days are UTC days", () => {
  assert.equal(usageDay(T0), "2026-11-02");
  assert.equal(usageDay(T0 + 31 * 60 * 1000), "2026-11-03");
});

Deno.test("readUsage: 30 days oldest first; counters per day, gauges carried forward", async () => {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    const op = store.atomic();
    addUsage(op, scope, "entriesCreated", 3, T0 - 2 * DAY);
    addUsage(op, scope, "entriesCreated", 2, T0 - 2 * DAY);
    setGauge(op, scope, "activeMembers", 7, T0 - 2 * DAY);
    addUsage(op, scope, "apiRequests", 9, T0);
    addUsage(op, scope, "apiRequests", 1, T0 - 40 * DAY); // outside the window
    await op.commit();
    const days = await readUsage(scope, T0);
    assert.equal(days.length, 30);
    assert.equal(days[0].date, usageDay(T0 - 29 * DAY));
    assert.equal(days.at(-1)!.date, "2026-11-02");
    assert.deepEqual(days.at(-3), {
      date: "2026-10-31",
      activeMembers: 7,
      entriesCreated: 5,
      apiRequests: 0,
      storageBytes: null,
      webhookDeliveries: 0,
    });
    assert.equal(days.at(-1)!.activeMembers, 7, "a gauge keeps its last value");
    assert.equal(days.at(-1)!.apiRequests, 9);
    assert.equal(days.at(-4)!.activeMembers, null);
    assert.equal(days.reduce((n, d) => n + d.apiRequests, 0), 9);
  } finally {
    store.close();
  }
});

Deno.test("the meter keeps every increment, sharing commits, and readers see them all", async () => {
  const store = await Store.open(":memory:");
  try {
    const a = store.scopeForNewOrg();
    const b = store.scopeForNewOrg();
    const meter = usageMeter(store);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => meter.count(i % 5 ? a : b, "apiRequests", 1, T0)),
    );
    // Counted in memory; a reader flushes first and sees all of them.
    assert.equal((await readUsage(a, T0)).at(-1)!.apiRequests, 40);
    assert.equal((await readUsage(b, T0)).at(-1)!.apiRequests, 10);
    assert.equal(usageMeter(store), usageMeter(store), "one meter per store");
  } finally {
    store.close();
  }
});

Deno.test("the meter keeps its counts when a commit fails, and commits them with the next flush", async () => {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    const meter = new UsageMeter(store);
    // The next commit fails (a full disk, a closed connection): inject it at the store's atomic.
    const real = store.atomic.bind(store);
    let failing = true;
    store.atomic = (orgId?: string | null) => {
      const op = real(orgId);
      if (failing) op.commit = () => Promise.reject(new Error("disk full"));
      return op;
    };
    await meter.count(scope, "apiRequests", 2, T0);
    await meter.count(scope, "apiRequests", 1, T0);
    await assert.rejects(() => meter.flush(), /disk full/);
    await meter.count(scope, "apiRequests", 4, T0);
    failing = false;
    await meter.flush();
    const today = (await readUsage(scope, T0)).at(-1)!;
    assert.equal(today.apiRequests, 7, "nothing counted before the failure was lost");
    await meter.flush();
    assert.equal((await readUsage(scope, T0)).at(-1)!.apiRequests, 7, "nor counted twice");
  } finally {
    store.close();
  }
});
