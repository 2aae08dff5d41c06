import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";

Deno.test("config: Upstash Redis is configured by URL and token together, or not at all", () => {
  assert.equal(loadConfig({}).upstash, null);
  assert.deepEqual(
    loadConfig({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: "t" })
      .upstash,
    { url: "https://eu1.upstash.io", token: "t" },
  );
  assert.throws(
    () => loadConfig({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io" }),
    /UPSTASH_REDIS_REST_TOKEN: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN together/,
  );
  assert.throws(() => loadConfig({ UPSTASH_REDIS_REST_TOKEN: "t" }), /together/);
  assert.throws(
    () => loadConfig({ UPSTASH_REDIS_REST_URL: "redis://x", UPSTASH_REDIS_REST_TOKEN: "t" }),
    /UPSTASH_REDIS_REST_URL/,
  );
});
