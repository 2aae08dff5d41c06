/**
 * Specification of the store: only keys made by `lib/kv` reach Deno KV, tenant scopes come only
 * from a proof, paging by opaque cursor, and numbered migrations applied exactly once.
 */

import assert from "node:assert/strict";
import { DomainError } from "../errors.ts";
import { commitRetryingLocked, LOCKED_RETRIES } from "./store.ts";
import {
  decodeCursorParam,
  globalKeys,
  isId,
  type Key,
  type Migration,
  newId,
  OrgScope,
  pageViaIndex,
  runMigrations,
  Store,
} from "./mod.ts";

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await Store.open(":memory:");
  try {
    await fn(store);
  } finally {
    store.close();
  }
}

/** Give `userId` a membership link to `orgId`, the proof `scopeForMember` asks for. */
async function link(store: Store, userId: string, orgId: string): Promise<void> {
  assert.ok(await store.atomic().set(globalKeys.userOrg(userId, orgId), 0).commit());
}

function refusesKey(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TypeError, `a TypeError, got ${err}`);
    assert.match(err.message, /not made by lib\/kv/);
    return true;
  });
}

async function refusesKeyAsync(fn: () => Promise<unknown>): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(err instanceof TypeError, `a TypeError, got ${err}`);
    assert.match(err.message, /not made by lib\/kv/);
    return true;
  });
}

Deno.test("keys not made by lib/kv are refused at runtime, even when cast", async () => {
  await withStore(async (store) => {
    const forged = ["org", newId(), "entry", newId()] as unknown as Key;
    await refusesKeyAsync(() => store.get(forged));
    await refusesKeyAsync(() => store.getMany([forged]));
    await refusesKeyAsync(() => store.page(forged, { limit: 1 }));
    await refusesKeyAsync(async () => {
      for await (const _ of store.list(forged)) break;
    });
    refusesKey(() => store.atomic().set(forged, 1));
    refusesKey(() => store.atomic().check(forged, null));
    refusesKey(() => store.atomic().delete(forged));
    refusesKey(() => store.atomic().sum(forged, 1n));
  });
});

Deno.test("a copy of a made key is not a made key, and made keys cannot be changed", async () => {
  await withStore(async (store) => {
    const made = globalKeys.user(newId());
    assert.equal((await store.get(made)).versionstamp, null, "a made key is accepted");
    const copy = [...made] as unknown as Key;
    await refusesKeyAsync(() => store.get(copy));
    assert.throws(() => (made as unknown as string[]).push("x"), TypeError);
    assert.throws(() => {
      (made as unknown as string[])[0] = "org";
    }, TypeError);
    assert.equal(made[0], "user");
  });
});

Deno.test("an OrgScope cannot be constructed outside the store", async () => {
  await withStore((store) => {
    assert.throws(
      () => new OrgScope(Symbol("OrgScope"), store, newId()),
      /made by the store only/,
    );
    return Promise.resolve();
  });
});

Deno.test("scopeForMember needs the user_org link as proof", async () => {
  await withStore(async (store) => {
    const userId = newId();
    const orgId = newId();
    const otherOrg = newId();
    assert.equal(await store.scopeForMember(userId, orgId), null, "no link, no scope");
    await link(store, userId, orgId);
    const scope = await store.scopeForMember(userId, orgId);
    assert.ok(scope);
    assert.equal(scope.orgId, orgId);
    assert.equal(await store.scopeForMember(userId, otherOrg), null, "only the linked org");
    assert.equal(await store.scopeForMember(newId(), orgId), null, "only the linked user");
    assert.equal(await store.scopeForMember(userId, "x".repeat(65)), null, "oversized ids");
  });
});

Deno.test("a scope builds every key under its own organization", async () => {
  await withStore(async (store) => {
    const [u, a, b] = [newId(), newId(), newId()];
    await link(store, u, a);
    await link(store, u, b);
    const scopeA = (await store.scopeForMember(u, a))!;
    const scopeB = (await store.scopeForMember(u, b))!;
    assert.deepEqual([...scopeA.key("entry", "x")], ["org", a, "entry", "x"]);
    assert.deepEqual([...scopeA.key()], ["org", a]);
    assert.ok(await store.atomic().set(scopeA.key("entry", "same-id"), "A's").commit());
    assert.equal((await scopeA.get("entry", "same-id")).value, "A's");
    assert.equal((await scopeB.get("entry", "same-id")).value, null, "B cannot see A's data");
    const listedInB = [];
    for await (const e of store.list(scopeB.key())) listedInB.push(e);
    assert.deepEqual(listedInB, []);
  });
});

Deno.test("scopeForNewOrg makes a fresh organization id; allOrgScopes visits indexed orgs", async () => {
  await withStore(async (store) => {
    const s1 = store.scopeForNewOrg();
    const s2 = store.scopeForNewOrg();
    assert.ok(isId(s1.orgId) && isId(s2.orgId));
    assert.notEqual(s1.orgId, s2.orgId);
    await store.atomic().set(globalKeys.orgIndex(s1.orgId), 1).set(globalKeys.orgIndex(s2.orgId), 2)
      .commit();
    const seen: string[] = [];
    for await (const s of store.allOrgScopes()) seen.push(s.orgId);
    assert.deepEqual(seen.sort(), [s1.orgId, s2.orgId].sort());
  });
});

Deno.test("getMany reads more than ten keys in order, missing ones as null", async () => {
  await withStore(async (store) => {
    const ids = Array.from({ length: 23 }, () => newId());
    const op = store.atomic();
    ids.forEach((id, i) => i % 3 !== 0 && op.set(globalKeys.user(id), i));
    assert.ok(await op.commit());
    const got = await store.getMany<number>(ids.map((id) => globalKeys.user(id)));
    assert.deepEqual(got.map((e) => e.value), ids.map((_, i) => (i % 3 !== 0 ? i : null)));
  });
});

Deno.test("listAll yields every entry, global and per tenant", async () => {
  await withStore(async (store) => {
    const scope = store.scopeForNewOrg();
    await store.atomic().set(globalKeys.user("u1"), 1).set(scope.key("profile"), { a: 1 }).commit();
    const keys = [];
    for await (const e of store.listAll()) keys.push(e.key);
    assert.deepEqual(keys, [["org", scope.orgId, "profile"], ["user", "u1"]]);
  });
});

/** Write `n` entities with an index of pointers, like the repositories do. */
async function seedIndexed(scope: OrgScope, n: number): Promise<{ id: string; at: number }[]> {
  const rows: { id: string; at: number }[] = [];
  for (let i = 0; i < n; i++) {
    const at = 1_000_000 + i * 10;
    const id = newId(at);
    rows.push({ id, at });
    assert.ok(
      await scope.atomic()
        .set(scope.key("thing", id), { id, at })
        .set(scope.key("thing_by_at", at, id), id)
        .commit(),
    );
  }
  return rows;
}

Deno.test("pageViaIndex pages through every entity exactly once, in index order", async () => {
  await withStore(async (store) => {
    const scope = store.scopeForNewOrg();
    const rows = await seedIndexed(scope, 23);
    for (const limit of [1, 5, 10, 23, 50]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { data: { id: string }[]; nextCursor: string | null } = await pageViaIndex<
          { id: string }
        >(scope, ["thing_by_at"], "thing", { limit, cursor });
        assert.ok(page.data.length <= limit);
        seen.push(...page.data.map((d) => d.id));
        cursor = page.nextCursor;
        assert.ok(++pages <= 30, "paging terminates");
      } while (cursor);
      assert.deepEqual(seen, rows.map((r) => r.id), `limit ${limit}`);
    }
  });
});

Deno.test("pageViaIndex honours start and end bounds together with the cursor", async () => {
  await withStore(async (store) => {
    const scope = store.scopeForNewOrg();
    const rows = await seedIndexed(scope, 20);
    const from = rows[4].at;
    const to = rows[15].at;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; nextCursor: string | null } = await pageViaIndex<
        { id: string }
      >(scope, ["thing_by_at"], "thing", { limit: 3, cursor, startParts: [from], endParts: [to] });
      seen.push(...page.data.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, rows.slice(4, 15).map((r) => r.id), "[from, to)");
    const reversed = await pageViaIndex<{ id: string }>(scope, ["thing_by_at"], "thing", {
      limit: 100,
      reverse: true,
    });
    assert.deepEqual(reversed.data.map((d) => d.id), rows.map((r) => r.id).reverse());
  });
});

Deno.test("pageViaIndex skips dangling pointers", async () => {
  await withStore(async (store) => {
    const scope = store.scopeForNewOrg();
    const rows = await seedIndexed(scope, 3);
    await store.atomic().delete(scope.key("thing", rows[1].id)).commit();
    const page = await pageViaIndex<{ id: string }>(scope, ["thing_by_at"], "thing", {
      limit: 10,
    });
    assert.deepEqual(page.data.map((d) => d.id), [rows[0].id, rows[2].id]);
    assert.equal(page.nextCursor, null);
  });
});

Deno.test("an invalid cursor is a DomainError invalid_cursor, not a crash", async () => {
  await withStore(async (store) => {
    const scope = store.scopeForNewOrg();
    await seedIndexed(scope, 3);
    for (const cursor of ["!!!", "AA", "A", "not a cursor", "%%"]) {
      await assert.rejects(
        () => pageViaIndex(scope, ["thing_by_at"], "thing", { limit: 2, cursor }),
        (err: unknown) => {
          assert.ok(err instanceof DomainError, `${cursor}: a DomainError, got ${err}`);
          assert.equal(err.code, "invalid_cursor");
          assert.equal(err.kind, "invalid");
          return true;
        },
      );
    }
  });
});

Deno.test("decodeCursorParam accepts store cursors and refuses anything else", async () => {
  await withStore(async (store) => {
    const scope = store.scopeForNewOrg();
    await seedIndexed(scope, 3);
    const page = await store.page(scope.key("thing_by_at"), { limit: 1 });
    assert.ok(page.nextCursor);
    assert.equal(decodeCursorParam(page.nextCursor), page.nextCursor);
  });
  assert.equal(decodeCursorParam(undefined), null);
  assert.equal(decodeCursorParam(null), null);
  assert.equal(decodeCursorParam(""), null);
  for (const bad of ["a b", "abc!", "../..", "x".repeat(1025), "ab=c", "é"]) {
    assert.throws(
      () => decodeCursorParam(bad),
      (e: unknown) => e instanceof DomainError && e.code === "invalid_cursor",
      bad,
    );
  }
});

Deno.test("Atomic counts checks and mutations and reports failed checks as null", async () => {
  await withStore(async (store) => {
    const key = globalKeys.orgBySlug("acme");
    const op = store.atomic().check(key, null).set(key, "1").sum(
      globalKeys.signinFailures(
        "x",
        1,
      ),
      1n,
    );
    assert.deepEqual(op.size, { checks: 1, mutations: 2 });
    const stamp = await op.commit();
    assert.equal(typeof stamp, "string");
    assert.equal(await store.atomic().check(key, null).set(key, "2").commit(), null);
    assert.equal((await store.get(key)).value, "1");
  });
});

/** Migrations that record the order they run in and can be made slow. */
function recordingMigrations(log: number[], ns: number[], gate?: Promise<void>): Migration[] {
  return ns.map((n) => ({
    n,
    name: `migration ${n}`,
    async run(store: Store) {
      log.push(n);
      if (gate) await gate;
      // A real migration writes something; make the run take a few store round trips.
      for (let i = 0; i < 3; i++) await store.get(globalKeys.migration(n));
    },
  }));
}

Deno.test("runMigrations applies each migration once, in order of its number", async () => {
  await withStore(async (store) => {
    const log: number[] = [];
    const first = await runMigrations(store, recordingMigrations(log, [3, 1, 2]));
    assert.deepEqual(first, [1, 2, 3]);
    assert.deepEqual(log, [1, 2, 3]);
    const again = await runMigrations(store, recordingMigrations(log, [1, 2, 3]));
    assert.deepEqual(again, [], "nothing is applied twice");
    assert.deepEqual(log, [1, 2, 3]);
    const more = await runMigrations(store, recordingMigrations(log, [1, 2, 3, 4]));
    assert.deepEqual(more, [4], "only the new one");
    assert.deepEqual(log, [1, 2, 3, 4]);
    for (const n of [1, 2, 3, 4]) {
      const rec = await store.get<{ name: string }>(globalKeys.migration(n));
      assert.equal(rec.value?.name, `migration ${n}`);
    }
  });
});

Deno.test("runMigrations run concurrently still applies each migration exactly once", async () => {
  await withStore(async (store) => {
    const log: number[] = [];
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runMigrations(store, recordingMigrations(log, [1, 2, 3]))),
    );
    assert.deepEqual(log, [1, 2, 3], `each run once and in order, ran: ${log}`);
    assert.deepEqual(runs.flat().sort(), [1, 2, 3], "each reported applied by exactly one run");
  });
});

Deno.test("a concurrent start waits for a slow migration instead of running it too", async () => {
  await withStore(async (store) => {
    const log: number[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = runMigrations(store, recordingMigrations(log, [1], gate));
    await new Promise((r) => setTimeout(r, 20));
    const second = runMigrations(store, recordingMigrations(log, [1]));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(log, [1], "the second start did not run migration 1 meanwhile");
    open();
    assert.deepEqual(await slow, [1]);
    assert.deepEqual(await second, []);
    assert.deepEqual(log, [1]);
  });
});

Deno.test("a failing migration is not recorded, stops the run, and runs again next time", async () => {
  await withStore(async (store) => {
    const log: string[] = [];
    let fail = true;
    const migrations: Migration[] = [
      { n: 1, name: "one", run: () => Promise.resolve(void log.push("1")) },
      {
        n: 2,
        name: "two",
        run: () => {
          log.push("2");
          return fail ? Promise.reject(new Error("boom")) : Promise.resolve();
        },
      },
      { n: 3, name: "three", run: () => Promise.resolve(void log.push("3")) },
    ];
    await assert.rejects(() => runMigrations(store, migrations), /boom/);
    assert.deepEqual(log, ["1", "2"]);
    assert.equal((await store.get(globalKeys.migration(2))).versionstamp, null);
    fail = false;
    assert.deepEqual(await runMigrations(store, migrations), [2, 3]);
    assert.deepEqual(log, ["1", "2", "2", "3"]);
  });
});

Deno.test("a lease left behind by a crashed runner is taken over once it expires", async () => {
  await withStore(async (store) => {
    const lock = globalKeys.migrationLock();
    await store.atomic().set(lock, { owner: "crashed", expiresAt: Date.now() - 1 }).commit();
    const log: number[] = [];
    assert.deepEqual(await runMigrations(store, recordingMigrations(log, [1])), [1]);
    assert.deepEqual(log, [1]);
    assert.equal((await store.get(lock)).versionstamp, null, "the lease is released");
  });
});

Deno.test("runMigrations refuses two migrations with the same number", async () => {
  await withStore(async (store) => {
    const log: number[] = [];
    await assert.rejects(
      () => runMigrations(store, recordingMigrations(log, [1, 2, 2])),
      /two migrations are numbered 2/,
    );
    assert.deepEqual(log, []);
  });
});

Deno.test("a file store reads on its own connection and sees every commit at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clockflow-store-" });
  const store = await Store.open(`${dir}/kv.sqlite3`);
  try {
    const scope = store.scopeForNewOrg();
    for (let i = 0; i < 200; i++) {
      const vs = await store.atomic().set(scope.key("counter"), i).commit();
      const got = await scope.get<number>("counter");
      assert.equal(got.value, i);
      assert.equal(got.versionstamp, vs);
    }
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a commit the local database refused as locked is committed again; other errors are not", async () => {
  let calls = 0;
  const busyTwice = {
    commit() {
      calls++;
      return calls <= 2
        ? Promise.reject(new TypeError("database is locked"))
        : Promise.resolve({ ok: true, versionstamp: "00000000000000010000" });
    },
  } as unknown as Deno.AtomicOperation;
  assert.deepEqual(await commitRetryingLocked(busyTwice), {
    ok: true,
    versionstamp: "00000000000000010000",
  });
  assert.equal(calls, 3);

  const broken = {
    commit: () => Promise.reject(new TypeError("value too large")),
  } as unknown as Deno.AtomicOperation;
  await assert.rejects(() => commitRetryingLocked(broken), /value too large/);

  let forever = 0;
  const alwaysBusy = {
    commit: () => (forever++, Promise.reject(new TypeError("database is locked"))),
  } as unknown as Deno.AtomicOperation;
  await assert.rejects(() => commitRetryingLocked(alwaysBusy), /database is locked/);
  assert.equal(forever, LOCKED_RETRIES + 1, "every retry, then the error");
});
