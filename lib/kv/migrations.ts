/**
 * Numbered schema migrations, each applied once and recorded under `["meta", "migration", n]`.
 *
 * @module
 */

import { globalKeys } from "./global.ts";
import type { Store } from "./store.ts";

/** One schema change. `run` must be safe to re-run if the process dies half way. */
export interface Migration {
  n: number;
  name: string;
  run(store: Store): Promise<void>;
}

/**
 * Apply, in order, the migrations not yet recorded. Returns the numbers applied now.
 * Concurrent starts are safe: a migration is recorded with a check that nobody recorded it first.
 */
export async function runMigrations(store: Store, migrations: Migration[]): Promise<number[]> {
  const applied: number[] = [];
  const sorted = [...migrations].sort((a, b) => a.n - b.n);
  for (const m of sorted) {
    const done = await store.get(globalKeys.migration(m.n));
    if (done.versionstamp !== null) continue;
    await m.run(store);
    const ok = await store.atomic()
      .check(globalKeys.migration(m.n), null)
      .set(globalKeys.migration(m.n), { name: m.name, appliedAt: new Date().toISOString() })
      .commit();
    if (ok) applied.push(m.n);
  }
  return applied;
}
