/** Specification of the once-by-id dispatcher. */

import assert from "node:assert/strict";
import { Store } from "../kv/mod.ts";
import { newJob, parseJob } from "./jobs.ts";
import { onceById } from "./dispatcher.ts";

Deno.test("a job id runs once however often it is delivered", async () => {
  const store = await Store.open(":memory:");
  try {
    let runs = 0;
    const once = onceById(store, () => {
      runs++;
      return Promise.resolve();
    });
    const job = newJob("sync_seats", { orgId: "O" });
    assert.equal(await once(job), "ran");
    assert.equal(await once(job), "duplicate");
    assert.equal(await once({ ...job }), "duplicate");
    assert.equal(runs, 1);
    assert.equal(await once(newJob("sync_seats", { orgId: "O" })), "ran");
    assert.equal(runs, 2);
  } finally {
    store.close();
  }
});

Deno.test("a delivery while the same job runs is acknowledged; a failure lets the retry run", async () => {
  const store = await Store.open(":memory:");
  try {
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    let runs = 0;
    let fail = true;
    const once = onceById(store, async () => {
      runs++;
      await gate;
      if (fail) throw new Error("boom");
    });
    const job = newJob("sync_seats", { orgId: "O" });
    const first = once(job);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(await once(job), "busy");
    release();
    await assert.rejects(first, /boom/);
    fail = false;
    assert.equal(await once(job), "ran");
    assert.equal(runs, 2);
  } finally {
    store.close();
  }
});

Deno.test("parseJob keeps registry jobs and drops anything else", () => {
  const job = newJob("run_export", { orgId: "O", exportId: "E" });
  assert.deepEqual(parseJob(JSON.parse(JSON.stringify(job))), job);
  assert.equal(parseJob({ kind: "run_export", id: "x" }), null);
  assert.equal(parseJob({ ...job, kind: "rm_rf" }), null);
  assert.equal(parseJob("nope"), null);
});
