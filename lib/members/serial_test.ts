import assert from "node:assert/strict";
import { serialPerOrg } from "./serial.ts";

const tick = () => new Promise((r) => setTimeout(r, 1));

Deno.test("serialPerOrg runs one organization's work one at a time, in order", async () => {
  const log: string[] = [];
  let running = 0;
  const work = (i: number) => async () => {
    running++;
    assert.equal(running, 1, "never two at once");
    log.push(`start ${i}`);
    await tick();
    log.push(`end ${i}`);
    running--;
    return i;
  };
  const results = await Promise.all([0, 1, 2].map((i) => serialPerOrg("ORG-A", work(i))));
  assert.deepEqual(results, [0, 1, 2]);
  assert.deepEqual(log, ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
});

Deno.test("serialPerOrg: a failure reaches its caller only; other organizations run alongside", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const slow = serialPerOrg("ORG-B", async () => {
    await gate;
    throw new Error("boom");
  });
  const next = serialPerOrg("ORG-B", () => Promise.resolve("after"));
  const other = await serialPerOrg("ORG-C", () => Promise.resolve("other org"));
  assert.equal(other, "other org", "not held up by ORG-B");
  release();
  await assert.rejects(slow, /boom/);
  assert.equal(await next, "after", "the queue goes on after a failure");
});
