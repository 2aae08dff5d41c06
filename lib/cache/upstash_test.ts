/**
 * The Upstash cache adapter against a real `redis-server` through a loopback shim speaking
 * Upstash's REST protocol (`tests/fakes/upstash_rest.ts`).
 */

import assert from "node:assert/strict";
import { startUpstash } from "../../tests/fakes/upstash_rest.ts";
import { ReadThrough } from "./port.ts";
import { UpstashCache } from "./upstash.ts";

Deno.test("Upstash cache: JSON values round-trip through Redis with a TTL", async () => {
  const shim = await startUpstash();
  try {
    const cache = new UpstashCache({ url: shim.url, token: shim.token });
    const value = { name: "Zoë ✓", seconds: [1, 2.5, -3], nested: { ok: true, none: null } };
    assert.equal(await cache.get("org1:k"), undefined);
    await cache.set("org1:k", value, 60_000);
    assert.deepEqual(await cache.get("org1:k"), value);
    // Stored under the prefix, as JSON text, with a PX expiry.
    assert.equal(await shim.redis("GET", "cf:cache:org1:k"), JSON.stringify(value));
    const ttl = await shim.redis("PTTL", "cf:cache:org1:k") as number;
    assert.ok(ttl > 59_000 && ttl <= 60_000, `pttl ${ttl}`);
    // A string that looks like JSON or base64 stays a string.
    await cache.set("org1:s", "T0s=", 60_000);
    assert.equal(await cache.get("org1:s"), "T0s=");
  } finally {
    await shim.stop();
  }
});

Deno.test("Upstash cache: an entry is gone after its TTL", async () => {
  const shim = await startUpstash();
  try {
    const cache = new UpstashCache({ url: shim.url, token: shim.token });
    await cache.set("short", 1, 30);
    assert.equal(await cache.get("short"), 1);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await cache.get("short"), undefined);
  } finally {
    await shim.stop();
  }
});

Deno.test("Upstash cache: a wrong token or unreachable Redis fails open through ReadThrough", async () => {
  const shim = await startUpstash();
  try {
    const wrong = new UpstashCache({ url: shim.url, token: "nope" });
    await assert.rejects(() => wrong.get("k"));
    const errors: string[] = [];
    const cached = new ReadThrough(
      new UpstashCache({ url: shim.url, token: shim.token }),
      (op) => errors.push(op),
    );
    assert.equal(await cached.getOrCompute("k", 60_000, () => Promise.resolve(1)), 1);
    assert.equal(await cached.getOrCompute("k", 60_000, () => Promise.resolve(2)), 1);
    await shim.stopRedis();
    assert.equal(await cached.getOrCompute("k", 60_000, () => Promise.resolve(3)), 3);
    assert.deepEqual(errors, ["get", "set"]);
    assert.deepEqual(cached.stats, { hits: 1, misses: 2, computed: 2, errors: 2 });
  } finally {
    await shim.stop();
  }
});
