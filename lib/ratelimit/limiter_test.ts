/**
 * One behaviour table for both rate limiter adapters: the embedded KV limiter and the Upstash
 * adapter over a real redis-server behind the REST shim. Plus the KV limiter racing across two
 * store handles on one file, and the Upstash adapter failing open when Redis is unreachable.
 */
import assert from "node:assert/strict";
import { globalKeys, Store } from "../kv/mod.ts";
import { KvRateLimiter, LEASE_TTL_MS, MAX_LEASE_TOKENS, maxLeaseTokens } from "./kv.ts";
import { MemoryRateLimiter } from "./memory.ts";
import { FAIL_OPEN_LOG_INTERVAL_MS, UpstashRateLimiter } from "./upstash.ts";
import type { RateLimiter } from "./limiter.ts";
import { startUpstash } from "../../tests/fakes/upstash_rest.ts";

interface Adapter {
  limiter: RateLimiter;
  /** Let `ms` pass for the limiter. */
  wait(ms: number): Promise<void>;
  close(): Promise<void>;
}

async function kvAdapter(): Promise<Adapter> {
  const store = await Store.open(":memory:");
  let now = Date.UTC(2026, 11, 2, 9);
  return {
    limiter: new KvRateLimiter(store, () => now),
    wait: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    close: () => Promise.resolve(store.close()),
  };
}

async function upstashAdapter(): Promise<Adapter> {
  const fake = await startUpstash();
  return {
    limiter: new UpstashRateLimiter({ url: fake.url, token: fake.token }),
    wait: (ms) => new Promise((r) => setTimeout(r, ms)),
    close: () => fake.stop(),
  };
}

function memoryAdapter(): Promise<Adapter> {
  let now = Date.UTC(2026, 11, 2, 9);
  return Promise.resolve({
    limiter: new MemoryRateLimiter(() => now),
    wait: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  });
}

const ADAPTERS: [string, () => Promise<Adapter>][] = [
  ["kv", kvAdapter],
  ["memory", memoryAdapter],
  ["upstash", upstashAdapter],
];

for (const [name, make] of ADAPTERS) {
  Deno.test(`${name} limiter: the quota, the refusal, other keys and the next window`, async () => {
    const a = await make();
    try {
      const rule = { limit: 3, windowMs: 1000 };
      const key = `t:${crypto.randomUUID()}`;
      const first = [];
      for (let i = 0; i < 3; i++) first.push(await a.limiter.limit(key, rule));
      assert.deepEqual(first.map((d) => [d.allowed, d.limit, d.remaining]), [
        [true, 3, 2],
        [true, 3, 1],
        [true, 3, 0],
      ]);
      for (const d of first) assert.ok(d.resetMs > 0 && d.resetMs <= 1000, `reset ${d.resetMs}`);

      const refused = await a.limiter.limit(key, rule);
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.ok(refused.resetMs > 0 && refused.resetMs <= 1000, `reset ${refused.resetMs}`);

      const other = await a.limiter.limit(`t:${crypto.randomUUID()}`, rule);
      assert.deepEqual([other.allowed, other.remaining], [true, 2]);

      await a.wait(2100);
      const later = await a.limiter.limit(key, rule);
      assert.equal(later.allowed, true);
      assert.equal(later.remaining, 2);
    } finally {
      await a.close();
    }
  });

  Deno.test(`${name} limiter: 30 simultaneous requests against a limit of 10 → 10 allowed`, async () => {
    const a = await make();
    try {
      const rule = { limit: 10, windowMs: 60_000 };
      const key = `burst:${crypto.randomUUID()}`;
      const all = await Promise.all(
        Array.from({ length: 30 }, () => a.limiter.limit(key, rule)),
      );
      assert.equal(all.filter((d) => d.allowed).length, 10);
      assert.deepEqual(
        all.filter((d) => d.allowed).map((d) => d.remaining).sort((x, y) => x - y),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
    } finally {
      await a.close();
    }
  });
}

Deno.test("kv limiter: two processes' handles on one KV file share one quota", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/rl.sqlite3`;
  const one = await Store.open(path);
  const two = await Store.open(path);
  try {
    const now = () => Date.UTC(2026, 11, 2, 9);
    const a = new KvRateLimiter(one, now);
    const b = new KvRateLimiter(two, now);
    const rule = { limit: 25, windowMs: 60_000 };
    const all = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).limit("api:org-race", rule)),
    );
    assert.equal(all.filter((d) => d.allowed).length, 25);
    // Each limiter's in-memory state is stale after the other's writes; it must still refuse.
    assert.equal((await a.limit("api:org-race", rule)).allowed, false);
    assert.equal((await b.limit("api:org-race", rule)).allowed, false);
  } finally {
    one.close();
    two.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv limiter: refusals write nothing, so a refused client does not push its reset out", async () => {
  const store = await Store.open(":memory:");
  let now = Date.UTC(2026, 11, 2, 9);
  try {
    const limiter = new KvRateLimiter(store, () => now);
    const rule = { limit: 2, windowMs: 10_000 };
    await limiter.limit("k", rule);
    await limiter.limit("k", rule);
    const refused = [];
    for (let i = 0; i < 5; i++) refused.push(await limiter.limit("k", rule));
    assert.ok(refused.every((d) => !d.allowed && d.resetMs === 5000));
    now += 5000;
    assert.equal((await limiter.limit("k", rule)).allowed, true);
  } finally {
    store.close();
  }
});

Deno.test("upstash limiter: Redis unreachable → allowed, one log line per minute", async () => {
  const fake = await startUpstash();
  const lines: string[] = [];
  let now = Date.UTC(2026, 11, 2, 9);
  const limiter = new UpstashRateLimiter({
    url: fake.url,
    token: fake.token,
    log: (l) => lines.push(l),
    now: () => now,
  });
  try {
    const rule = { limit: 1, windowMs: 60_000 };
    assert.equal((await limiter.limit("down", rule)).allowed, true);
    assert.equal((await limiter.limit("down", rule)).allowed, false);
    await fake.pause();
    for (let i = 0; i < 3; i++) {
      // A key already refused stays refused from the adapter's in-memory cache (ephemeralCache);
      // every other key is allowed while Redis cannot answer.
      const d = await limiter.limit(`down:${i}`, rule);
      assert.deepEqual([d.allowed, d.remaining], [true, 1]);
    }
    assert.equal(lines.length, 1);
    assert.match(lines[0], /ratelimit: Upstash Redis unreachable, allowing requests \(fail open\)/);
    assert.ok(!lines[0].includes(fake.token), "the token is never logged");
    now += FAIL_OPEN_LOG_INTERVAL_MS;
    await limiter.limit("down:later", rule);
    assert.equal(lines.length, 2);
  } finally {
    await fake.stop();
  }
});

Deno.test("upstash limiter: a wrong token fails open too (and is logged)", async () => {
  const fake = await startUpstash();
  const lines: string[] = [];
  try {
    const limiter = new UpstashRateLimiter({
      url: fake.url,
      token: "wrong",
      log: (l) => lines.push(l),
    });
    assert.equal((await limiter.limit("x", { limit: 1, windowMs: 1000 })).allowed, true);
    assert.equal(lines.length, 1);
  } finally {
    await fake.stop();
  }
});

Deno.test("kv and memory limiters: a clock that went back more than a window starts afresh", async () => {
  const store = await Store.open(":memory:");
  try {
    let now = Date.UTC(2026, 11, 2, 9);
    for (const limiter of [new KvRateLimiter(store, () => now), new MemoryRateLimiter(() => now)]) {
      now = Date.UTC(2026, 11, 2, 9);
      const rule = { limit: 2, windowMs: 60_000 };
      await limiter.limit("back", rule);
      await limiter.limit("back", rule);
      assert.equal((await limiter.limit("back", rule)).allowed, false);
      now -= 30 * 24 * 3600 * 1000;
      const d = await limiter.limit("back", rule);
      assert.deepEqual([d.allowed, d.remaining], [true, 1]);
    }
  } finally {
    store.close();
  }
});

/** `store` counting the commits made through it. */
function countCommits(store: Store): { commits: number } {
  const counter = { commits: 0 };
  const atomic = store.atomic.bind(store);
  store.atomic = (...args: Parameters<Store["atomic"]>) => {
    const op = atomic(...args);
    const commit = op.commit.bind(op);
    op.commit = () => {
      counter.commits++;
      return commit();
    };
    return op;
  };
  return counter;
}

Deno.test("kv limiter leases: 1 % of the limit, at most 64 tokens, 1 under 200 a minute", () => {
  assert.deepEqual([60, 199, 200, 600, 6000, 100_000].map(maxLeaseTokens), [1, 1, 2, 6, 60, 64]);
  assert.equal(MAX_LEASE_TOKENS, 64);
});

Deno.test("kv limiter leases: a busy key commits far less than once per request, headers exact", async () => {
  const store = await Store.open(":memory:");
  try {
    const counter = countCommits(store);
    const now = () => Date.UTC(2026, 11, 2, 9);
    const kv = new KvRateLimiter(store, now);
    const exact = new MemoryRateLimiter(now);
    const rule = { limit: 6000, windowMs: 60_000 };
    for (let i = 0; i < 1000; i++) {
      const got = await kv.limit("busy", rule);
      // Within one process the lease answers exactly what plain GCRA answers.
      assert.deepEqual(got, await exact.limit("busy", rule), `request ${i}`);
    }
    // Leases of 1, 2, 4 … 32, then 60: far fewer commits than requests.
    assert.ok(counter.commits <= 25, `${counter.commits} commits for 1000 requests`);
    // Tokens are charged in KV before they are spent: the stored state covers every request.
    const stored = await store.get<{ tat: number }>(globalKeys.rateLimit("busy"));
    const charged = (stored.value!.tat - now()) / (rule.windowMs / rule.limit);
    assert.ok(charged >= 1000 && charged <= 1000 + maxLeaseTokens(rule.limit), `${charged}`);
  } finally {
    store.close();
  }
});

Deno.test("kv limiter leases: two handles on one file racing never allow more than the limit", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/rl.sqlite3`;
  const one = await Store.open(path);
  const two = await Store.open(path);
  try {
    const now = () => Date.UTC(2026, 11, 2, 9);
    const a = new KvRateLimiter(one, now);
    const b = new KvRateLimiter(two, now);
    const rule = { limit: 1000, windowMs: 60_000 }; // leases of up to 10
    const all = await Promise.all(
      Array.from({ length: 2500 }, (_, i) => (i % 2 ? a : b).limit("api:org-lease", rule)),
    );
    const allowed = all.filter((d) => d.allowed);
    assert.equal(allowed.length, 1000);
    // Every remaining count is told once at most per process, and never more than the limit.
    assert.ok(allowed.every((d) => d.remaining >= 0 && d.remaining < 1000));
    assert.equal((await a.limit("api:org-lease", rule)).allowed, false);
    assert.equal((await b.limit("api:org-lease", rule)).allowed, false);
  } finally {
    one.close();
    two.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv limiter leases: unspent tokens expire and the next lease shrinks to what was used", async () => {
  const store = await Store.open(":memory:");
  try {
    const counter = countCommits(store);
    let now = Date.UTC(2026, 11, 2, 9);
    const kv = new KvRateLimiter(store, () => now);
    const rule = { limit: 600, windowMs: 60_000 }; // 100 ms a token, leases of up to 6
    for (let i = 0; i < 7; i++) await kv.limit("k", rule); // leases of 1, 2, 4 (3 commits)
    assert.equal(counter.commits, 3);
    // The lease of 4 is used up; the next claim asks 8, gets the cap of 6, and spends 1.
    await kv.limit("k", rule);
    assert.equal(counter.commits, 4);
    now += LEASE_TTL_MS;
    // Expired with 5 unspent: forfeited (charged, never given); the next lease is 1 token.
    const d = await kv.limit("k", rule);
    assert.equal(counter.commits, 5);
    // Charged 1 + 2 + 4 + 6 + 1 = 14 tokens; the second that passed gave 10 back.
    assert.deepEqual([d.allowed, d.remaining], [true, 600 - 14 + 10]);
    await kv.limit("k", rule);
    assert.equal(counter.commits, 6, "a lease of 1 was used up: the next claim doubles");
  } finally {
    store.close();
  }
});

Deno.test("kv limiter without leases: one commit per allowed request", async () => {
  const store = await Store.open(":memory:");
  try {
    const counter = countCommits(store);
    const kv = new KvRateLimiter(store, () => Date.UTC(2026, 11, 2, 9), { leases: false });
    for (let i = 0; i < 50; i++) await kv.limit("k", { limit: 6000, windowMs: 60_000 });
    assert.equal(counter.commits, 50);
  } finally {
    store.close();
  }
});

Deno.test("kv limiter leases: over time two processes allow at most one block each above plain GCRA", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/rl.sqlite3`;
  const one = await Store.open(path);
  const two = await Store.open(path);
  try {
    let now = Date.UTC(2026, 11, 2, 9);
    const clock = () => now;
    const a = new KvRateLimiter(one, clock);
    const b = new KvRateLimiter(two, clock);
    const exact = new MemoryRateLimiter(clock);
    const rule = { limit: 1200, windowMs: 1000 }; // blocks of up to 12; 1.2 requests a ms allowed
    let leased = 0, plain = 0;
    // About 1.4 times the allowed rate for 6 simulated seconds, alternating processes.
    for (let i = 0; i < 10_800; i++) {
      if (i % 7 === 0) now += 2 + (i % 5);
      if ((await (i % 2 ? a : b).limit("api:org-time", rule)).allowed) leased++;
      if ((await exact.limit("api:org-time", rule)).allowed) plain++;
    }
    const bound = 2 * maxLeaseTokens(rule.limit);
    assert.ok(leased <= plain + bound, `leased ${leased}, plain GCRA ${plain}`);
    // Forfeited tokens cost some throughput, but little.
    assert.ok(leased >= plain * 0.9, `leased ${leased}, plain GCRA ${plain}`);
  } finally {
    one.close();
    two.close();
    await Deno.remove(dir, { recursive: true });
  }
});
