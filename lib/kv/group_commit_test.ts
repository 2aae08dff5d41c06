/**
 * Specification of group commit: concurrent commits that do not touch are packed; every caller
 * gets the outcome it would have had alone; any interleaving ends in a state some serial order
 * of the accepted commits produces (property test).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { Store } from "./mod.ts";
import type { RecordedOp } from "./group_commit.ts";
import { keyString } from "./group_commit.ts";

Deno.test("concurrent commits on different keys are packed into few backend commits", async () => {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    const before = { ...store.committer.stats };
    const results = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          scope.atomic().check(scope.key("k", i), null).set(scope.key("k", i), i)
            .sum(scope.key("counter"), 1n).commit(),
      ),
    );
    assert.ok(results.every((vs) => typeof vs === "string"));
    const commits = store.committer.stats.commits - before.commits;
    assert.ok(commits < 50, `50 changes in ${commits} commits`);
    // Sums on one key commute: all 50 counted.
    const counter = await scope.get<Deno.KvU64>("counter");
    assert.equal(counter.value?.value, 50n);
    for (let i = 0; i < 50; i++) assert.equal((await scope.get<number>("k", i)).value, i);
  } finally {
    store.close();
  }
});

Deno.test("a failing check refuses only its own commit; conflicting writers keep their order", async () => {
  const store = await Store.open(":memory:");
  try {
    const scope = store.scopeForNewOrg();
    const seed = await scope.atomic().set(scope.key("x"), "v0").commit();
    assert.ok(seed);
    // Three concurrent: a writer of x checking the seed, a stale checker, an unrelated writer.
    const [a, b, c] = await Promise.all([
      scope.atomic().check(scope.key("x"), seed).set(scope.key("x"), "a").commit(),
      scope.atomic().check(scope.key("x"), seed).set(scope.key("x"), "b").commit(),
      scope.atomic().check(scope.key("y"), "00000000000000ff0000").set(scope.key("z"), 1).commit(),
    ]);
    assert.ok(a, "the first writer of x wins");
    assert.equal(b, null, "the second saw x changed");
    assert.equal(c, null, "a wrong check fails alone");
    assert.equal((await scope.get<string>("x")).value, "a");
    assert.equal((await scope.get("z")).versionstamp, null);
  } finally {
    store.close();
  }
});

Deno.test("packing off: every operation is its own commit", async () => {
  const store = await Store.open(":memory:", { enabled: false });
  try {
    const scope = store.scopeForNewOrg();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => scope.atomic().set(scope.key("k", i), i).commit()),
    );
    assert.equal(store.committer.stats.commits, 10);
  } finally {
    store.close();
  }
});

Deno.test("a packed commit over the backend's size is retried one by one, all applied", async () => {
  const store = await Store.open(":memory:", { maxBytes: 10_000_000 });
  try {
    const scope = store.scopeForNewOrg();
    const big = new Uint8Array(60_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => scope.atomic().set(scope.key("big", i), big).commit()),
    );
    assert.ok(results.every((vs) => typeof vs === "string"));
    assert.ok(store.committer.stats.unpacked >= 1, "the 1.2 MB pack was refused and split");
  } finally {
    store.close();
  }
});

/** A random operation over a small key space: checks against the seed or absence, writes. */
const KEYS = ["a", "b", "c", "d", "e", "f"];
type Gen = {
  checks: { key: string; expect: "seed" | "absent" }[];
  writes: { key: string; kind: "set" | "delete" | "sum"; value: number }[];
};
const genOp: fc.Arbitrary<Gen> = fc.record({
  checks: fc.array(
    fc.record({
      key: fc.constantFrom(...KEYS),
      expect: fc.constantFrom("seed" as const, "absent" as const),
    }),
    { maxLength: 2 },
  ),
  writes: fc.array(
    fc.record({
      key: fc.constantFrom(...KEYS),
      kind: fc.constantFrom("set" as const, "delete" as const, "sum" as const),
      value: fc.integer({ min: 1, max: 9 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

Deno.test("property: any interleaving equals a serial order of the accepted commits", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(genOp, { minLength: 2, maxLength: 24 }), async (gens) => {
      const store = await Store.open(":memory:");
      try {
        const scope = store.scopeForNewOrg();
        // Seed: a, b hold numbers (as KvU64 so sums apply), c holds a string; d, e, f absent.
        const seedOp = scope.atomic().set(scope.key("a"), new Deno.KvU64(1n))
          .set(scope.key("b"), new Deno.KvU64(2n)).set(scope.key("c"), "c0");
        const seed = await seedOp.commit();
        assert.ok(seed);
        const kind = (k: string) => (k === "c" ? "str" : "u64");
        // Keep generated ops well-typed: strings are never summed.
        const ops = gens.map((g) => ({
          ...g,
          writes: g.writes.map((
            w,
          ) => (w.kind === "sum" && kind(w.key) === "str" ? { ...w, kind: "set" as const } : w)),
        }));
        const order: { op: RecordedOp; applied: boolean }[] = [];
        store.committer.onCommitted = (group, applied) => {
          for (const op of group) order.push({ op, applied });
        };
        const built = ops.map((g) => {
          const op = scope.atomic();
          for (const c of g.checks) op.check(scope.key(c.key), c.expect === "seed" ? seed : null);
          for (const w of g.writes) {
            if (w.kind === "set") {
              op.set(
                scope.key(w.key),
                kind(w.key) === "str" ? `v${w.value}` : new Deno.KvU64(BigInt(w.value)),
              );
            } else if (w.kind === "delete") op.delete(scope.key(w.key));
            else op.sum(scope.key(w.key), BigInt(w.value));
          }
          return op;
        });
        const results = await Promise.all(built.map((op) => op.commit()));
        store.committer.onCommitted = undefined;

        // Replay in a pure model, in the order the committer settled each operation: each one's
        // checks hold in the model exactly when the store applied it, and it is applied then.
        const model = new Map<string, Cell>([
          ["a", { value: 1n, modified: false }],
          ["b", { value: 2n, modified: false }],
          ["c", { value: "c0", modified: false }],
        ]);
        assert.equal(order.length, ops.length, "every operation settled once");
        for (const { op, applied } of order) {
          const i = built.findIndex((b) => b.recorded === op);
          assert.ok(i >= 0, "one of ours");
          assert.equal(passes(ops[i], model), applied, "checks hold exactly when applied");
          assert.equal(results[i] !== null, applied, "the caller got that outcome");
          if (applied) applyModel(ops[i], model);
        }
        // The store ends exactly as the model.
        for (const k of KEYS) {
          const got = (await scope.get<unknown>(k)).value;
          const want = model.get(k)?.value ?? null;
          const norm = got instanceof Deno.KvU64 ? got.value : got;
          assert.deepEqual(norm, want, `key ${k}`);
        }
      } finally {
        store.close();
      }
    }),
    { numRuns: 60 },
  );
});

type Cell = { value: bigint | string | null; modified: boolean };

function passes(
  g: Gen,
  model: Map<string, Cell>,
): boolean {
  return g.checks.every((c) => {
    const cell = model.get(c.key);
    const present = cell !== undefined && cell.value !== null;
    if (c.expect === "absent") return !present;
    // The seed versionstamp holds only while the key was never written since (a, b, c).
    return present && !cell.modified && ["a", "b", "c"].includes(c.key);
  });
}

function applyModel(
  g: Gen,
  model: Map<string, Cell>,
): void {
  for (const w of g.writes) {
    const str = w.key === "c";
    if (w.kind === "set") {
      model.set(w.key, { value: str ? `v${w.value}` : BigInt(w.value), modified: true });
    } else if (w.kind === "delete") model.set(w.key, { value: null, modified: true });
    else {
      const cur = model.get(w.key)?.value;
      const base = typeof cur === "bigint" ? cur : 0n;
      model.set(w.key, { value: base + BigInt(w.value), modified: true });
    }
  }
}

// keyString is part of the packing decision: equal keys, equal strings; different, different.
Deno.test("key strings distinguish part types and values", () => {
  assert.equal(keyString(["a", 1]), keyString(["a", 1]));
  assert.notEqual(keyString(["a", 1]), keyString(["a", "1"]));
  assert.notEqual(keyString(["ab"]), keyString(["a", "b"]));
  assert.notEqual(keyString([1n]), keyString([1]));
});
