import assert from "node:assert/strict";
import { Store } from "../kv/mod.ts";
import { queuedMembers, serializePerMember } from "./member_lock.ts";

const tick = () => new Promise((r) => setTimeout(r, 1));

Deno.test("writes of one member run one after another, in arrival order", async () => {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    const log: string[] = [];
    let running = 0;
    const work = (i: number) =>
      serializePerMember(scope, "member-a", async (waited) => {
        running++;
        assert.equal(running, 1, "never two at once");
        assert.equal(waited, i > 0, "only the first did not wait");
        log.push(`start ${i}`);
        await tick();
        log.push(`end ${i}`);
        running--;
        return i;
      });
    assert.deepEqual(await Promise.all([0, 1, 2, 3].map(work)), [0, 1, 2, 3]);
    assert.deepEqual(log, [0, 1, 2, 3].flatMap((i) => [`start ${i}`, `end ${i}`]));
    assert.equal(queuedMembers(), 0, "the queue is gone once drained");
  } finally {
    store.close();
  }
});

Deno.test("different members do not wait for each other; a failure releases the queue", async () => {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    let releaseA!: () => void;
    const a = serializePerMember(scope, "a", () => new Promise<void>((r) => (releaseA = r)));
    const b = await serializePerMember(scope, "b", (waited) => Promise.resolve(waited));
    assert.equal(b, false, "b ran while a was still busy");
    releaseA();
    await a;
    await assert.rejects(
      serializePerMember(scope, "a", () => Promise.reject(new Error("refused"))),
      /refused/,
    );
    assert.equal(await serializePerMember(scope, "a", () => Promise.resolve("next")), "next");
    assert.equal(queuedMembers(), 0);
  } finally {
    store.close();
  }
});
