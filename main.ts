/**
 * Start ClockFlow: read the configuration, open the store, run migrations, serve.
 *
 * @module
 */

import { loadConfig } from "./config.ts";
import { createApp } from "./app.ts";
import { runMigrations, Store } from "./lib/kv/mod.ts";
import { MIGRATIONS } from "./lib/migrations.ts";
import { DEFAULT_ITERATIONS } from "./lib/identity/password.ts";
import { DEFAULT_THROTTLE } from "./lib/identity/throttle.ts";

if (import.meta.main) {
  const config = loadConfig();
  const store = await Store.open(config.kvPath);
  const applied = await runMigrations(store, MIGRATIONS);
  if (applied.length) console.log(`applied migrations ${applied.join(", ")}`);
  const app = createApp({
    store,
    config,
    now: Date.now,
    passwordIterations: DEFAULT_ITERATIONS,
    throttle: DEFAULT_THROTTLE,
  });
  Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: ({ port }) => console.log(`ClockFlow listening on http://localhost:${port}`),
  }, app.fetch);
}
