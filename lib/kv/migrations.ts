/**
 * Numbered schema migrations, each applied once and recorded under `["meta", "migration", n]`.
 * While migrations run, the runner holds a lease (`["meta", "migration_lock"]`), so processes
 * starting at the same time apply each migration once, in order: the others wait for the lease
 * and then find the migrations recorded.
 *
 * @module
 */

import { globalKeys } from "./global.ts";
import { newId } from "./ids.ts";
import type { Store } from "./store.ts";

/** One schema change. `run` must be safe to re-run if the process dies half way. */
export interface Migration {
  n: number;
  name: string;
  run(store: Store): Promise<void>;
}

/** How long a lease lasts without renewal (a crashed runner blocks others at most this long). */
const LEASE_MS = 30_000;
/** How often a waiting runner looks at the lease again. */
const POLL_MS = 25;

interface Lease {
  owner: string;
  expiresAt: number;
}

/**
 * Apply, in order, the migrations not yet recorded. Returns the numbers applied now (empty when
 * another process applied them). Concurrent starts are safe: they take turns holding a lease,
 * and each migration is recorded with a check that nobody recorded it first.
 *
 * @example
 * ```ts
 * const applied = await runMigrations(store, MIGRATIONS); // e.g. [4, 5]
 * ```
 *
 * @throws Error when two migrations share a number, or whatever a failing migration throws (that
 * migration and the later ones stay unrecorded and run again next time).
 */
export async function runMigrations(store: Store, migrations: Migration[]): Promise<number[]> {
  const sorted = [...migrations].sort((a, b) => a.n - b.n);
  sorted.forEach((m, i) => {
    if (i > 0 && sorted[i - 1].n === m.n) throw new Error(`two migrations are numbered ${m.n}`);
  });
  const pending = async () => {
    const out: Migration[] = [];
    for (const m of sorted) {
      if ((await store.get(globalKeys.migration(m.n))).versionstamp === null) out.push(m);
    }
    return out;
  };
  if ((await pending()).length === 0) return [];
  return await withLease(store, async () => {
    const applied: number[] = [];
    for (const m of await pending()) {
      await m.run(store);
      const ok = await store.atomic()
        .check(globalKeys.migration(m.n), null)
        .set(globalKeys.migration(m.n), { name: m.name, appliedAt: new Date().toISOString() })
        .commit();
      if (ok) applied.push(m.n);
    }
    return applied;
  });
}

/** Run `fn` while holding the migration lease, renewing it until `fn` settles. */
async function withLease<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  const key = globalKeys.migrationLock();
  const owner = newId();
  const take = async (): Promise<boolean> => {
    const cur = await store.get<Lease>(key);
    if (cur.value && cur.value.owner !== owner && cur.value.expiresAt > Date.now()) return false;
    const lease: Lease = { owner, expiresAt: Date.now() + LEASE_MS };
    return (await store.atomic().check(key, cur.versionstamp).set(key, lease, {
      expireIn: LEASE_MS,
    }).commit()) !== null;
  };
  while (!(await take())) await new Promise((r) => setTimeout(r, POLL_MS));
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(take).catch(() => false);
  }, LEASE_MS / 3);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    await renewing;
    const cur = await store.get<Lease>(key);
    if (cur.value?.owner === owner) {
      await store.atomic().check(key, cur.versionstamp).delete(key).commit();
    }
  }
}
