import assert from "node:assert/strict";
import { LruCache } from "./lru.ts";
import { ReadThrough } from "./port.ts";
import { cacheKey } from "./keys.ts";

Deno.test("LRU: evicts the least recently used entry past the entry bound", async () => {
  const lru = new LruCache({ maxEntries: 2 });
  await lru.set("a", 1, 60_000);
  await lru.set("b", 2, 60_000);
  assert.equal(await lru.get("a"), 1); // a is now the most recent
  await lru.set("c", 3, 60_000);
  assert.equal(await lru.get("b"), undefined);
  assert.equal(await lru.get("a"), 1);
  assert.equal(await lru.get("c"), 3);
  assert.equal(lru.size, 2);
});

Deno.test("LRU: evicts by bytes and refuses a value larger than the whole bound", async () => {
  const lru = new LruCache({ maxBytes: 200 });
  await lru.set("x", "a".repeat(40), 60_000); // 2 × (1 + 42) = 86 bytes
  await lru.set("y", "b".repeat(40), 60_000);
  assert.equal(lru.bytes, 172);
  await lru.set("z", "c".repeat(40), 60_000); // 258 > 200: x goes
  assert.equal(await lru.get("x"), undefined);
  assert.equal(await lru.get("y"), "b".repeat(40));
  assert.equal(lru.bytes, 172);
  await lru.set("big", "d".repeat(200), 60_000);
  assert.equal(await lru.get("big"), undefined);
  assert.equal(await lru.get("z"), "c".repeat(40), "a refused value evicts nothing");
});

Deno.test("LRU: an entry expires after its time to live, and replacing it keeps the byte count", async () => {
  let now = 1_000;
  const lru = new LruCache({ now: () => now });
  await lru.set("k", { n: 1 }, 500);
  now += 499;
  assert.deepEqual(await lru.get("k"), { n: 1 });
  now += 1;
  assert.equal(await lru.get("k"), undefined);
  assert.equal(lru.size, 0);
  assert.equal(lru.bytes, 0);
  await lru.set("k", { n: 1 }, 500);
  await lru.set("k", { n: 22 }, 500);
  assert.equal(lru.size, 1);
  assert.equal(lru.bytes, 2 * (1 + JSON.stringify({ n: 22 }).length));
});

Deno.test("LRU: callers get copies, so mutating an answer never changes the next one", async () => {
  const lru = new LruCache();
  const value = { list: [1, 2] };
  await lru.set("k", value, 60_000);
  value.list.push(3);
  const first = await lru.get<{ list: number[] }>("k");
  first!.list.push(4);
  assert.deepEqual(await lru.get("k"), { list: [1, 2] });
});

Deno.test("ReadThrough: computes once per key, never caches a null key", async () => {
  const cached = new ReadThrough(new LruCache());
  let runs = 0;
  const compute = () => Promise.resolve({ run: ++runs });
  assert.deepEqual(await cached.getOrCompute("k", 60_000, compute), { run: 1 });
  assert.deepEqual(await cached.getOrCompute("k", 60_000, compute), { run: 1 });
  assert.deepEqual(await cached.getOrCompute(null, 60_000, compute), { run: 2 });
  assert.deepEqual(await cached.getOrCompute(null, 60_000, compute), { run: 3 });
  assert.deepEqual(cached.stats, { hits: 1, misses: 1, computed: 3, errors: 0 });
});

Deno.test("ReadThrough: a failing cache fails open (computes, reports the error)", async () => {
  const errors: string[] = [];
  const broken = {
    get: () => Promise.reject(new Error("connection refused")),
    set: () => Promise.reject(new Error("connection refused")),
  };
  const cached = new ReadThrough(broken, (op, e) => errors.push(`${op}: ${(e as Error).message}`));
  assert.equal(await cached.getOrCompute("k", 1_000, () => Promise.resolve(7)), 7);
  assert.deepEqual(errors, ["get: connection refused", "set: connection refused"]);
  assert.deepEqual(cached.stats, { hits: 0, misses: 1, computed: 1, errors: 2 });
});

Deno.test("cacheKey: per organization, and any change of the inputs changes the key", async () => {
  const a = await cacheKey("org1", "pto_balances", ["u1", "00000001"]);
  assert.match(a, /^org1:pto_balances:[0-9a-f]{64}$/);
  assert.equal(a, await cacheKey("org1", "pto_balances", ["u1", "00000001"]));
  assert.notEqual(a, await cacheKey("org2", "pto_balances", ["u1", "00000001"]));
  assert.notEqual(a, await cacheKey("org1", "pto_balances", ["u1", "00000002"]));
  assert.notEqual(a, await cacheKey("org1", "hours_report", ["u1", "00000001"]));
});

Deno.test("ReadThrough: concurrent misses of one key compute once, each caller gets its own copy", async () => {
  const cached = new ReadThrough(new LruCache());
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const compute = async () => {
    runs++;
    await gate;
    return { list: [1] };
  };
  const all = Promise.all([1, 2, 3].map(() => cached.getOrCompute("k", 60_000, compute)));
  release();
  const [a, b, c] = await all;
  assert.equal(runs, 1);
  assert.deepEqual([a, b, c], [{ list: [1] }, { list: [1] }, { list: [1] }]);
  a.list.push(2);
  assert.deepEqual(b, { list: [1] });
  assert.notEqual(b, c);
  assert.deepEqual(cached.stats, { hits: 2, misses: 1, computed: 1, errors: 0 });
});

Deno.test("ReadThrough: a failed computation is not cached and the next read computes again", async () => {
  const cached = new ReadThrough(new LruCache());
  await assert.rejects(() =>
    cached.getOrCompute("k", 60_000, () => Promise.reject(new Error("x")))
  );
  assert.equal(await cached.getOrCompute("k", 60_000, () => Promise.resolve(5)), 5);
});
