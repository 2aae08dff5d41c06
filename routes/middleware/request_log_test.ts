/** Specification of the buffered log sink. */

import assert from "node:assert/strict";
import { bufferedLines } from "./request_log.ts";

function collector() {
  const writes: string[] = [];
  const decoder = new TextDecoder();
  return {
    writes,
    // Writes at most 7 bytes at a time, as a pipe may accept only part of a write.
    out: (bytes: Uint8Array) => {
      const n = Math.min(7, bytes.length);
      writes.push(decoder.decode(bytes.subarray(0, n)));
      return n;
    },
  };
}

Deno.test("buffered lines: gathered, then written together after the delay, whole and in order", async () => {
  const c = collector();
  const log = bufferedLines(c.out, { maxDelayMs: 20 });
  log('{"n":1}');
  log('{"n":2}');
  assert.equal(c.writes.length, 0, "nothing written per line");
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(c.writes.join(""), '{"n":1}\n{"n":2}\n');
  log.flush();
  assert.equal(c.writes.join(""), '{"n":1}\n{"n":2}\n', "an empty flush writes nothing");
});

Deno.test("buffered lines: a full buffer is written at once; flush writes what waits", () => {
  const c = collector();
  const log = bufferedLines(c.out, { maxDelayMs: 60_000, maxBytes: 20 });
  log("a".repeat(12));
  assert.equal(c.writes.length, 0);
  log("b".repeat(12));
  assert.equal(c.writes.join(""), `${"a".repeat(12)}\n${"b".repeat(12)}\n`);
  log("c");
  log.flush();
  assert.equal(c.writes.join(""), `${"a".repeat(12)}\n${"b".repeat(12)}\nc\n`);
});
