/**
 * The real ClockFlow app, built exactly as `main.ts` builds it (default password cost and
 * throttle, the server clock), on the KV file given as the first argument, served on a free
 * loopback port announced on stdout as `{"port": n}`.
 *
 * With `BENCH_KV_STATS=1` it also counts KV calls (see `kv_stats.ts`) and answers
 * `GET /__bench/kv-stats` with the totals since the previous call.
 *
 * ```sh
 * deno run -A bench/app_server.ts /tmp/app.sqlite3
 * ```
 *
 * @module
 */

import { KvMailbox } from "../lib/mail/mail.ts";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { runMigrations, Store } from "../lib/kv/mod.ts";
import { MIGRATIONS } from "../lib/migrations.ts";
import { DEFAULT_ITERATIONS } from "../lib/identity/password.ts";
import { DEFAULT_THROTTLE } from "../lib/identity/throttle.ts";
import { instrumentKv } from "./kv_stats.ts";
import { listenAndAnnounce } from "./serve.ts";

if (import.meta.main) {
  const stats = Deno.env.get("BENCH_KV_STATS") === "1" ? instrumentKv() : null;
  const config = loadConfig({
    KV_PATH: Deno.args[0],
    HOSTNAME: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: Deno.env.get("LOG_LEVEL"),
  });
  const store = await Store.open(config.kvPath);
  await runMigrations(store, MIGRATIONS);
  const app = createApp({
    store,
    config,
    now: Date.now,
    passwordIterations: DEFAULT_ITERATIONS,
    throttle: DEFAULT_THROTTLE,
    mailer: new KvMailbox(store, Date.now),
  });
  const handler: Deno.ServeHandler<Deno.NetAddr> = !stats ? app.fetch : async (req, info) => {
    if (new URL(req.url).pathname === "/__bench/kv-stats") return Response.json(stats.take());
    const t = performance.now();
    try {
      return await app.fetch(req, info);
    } finally {
      stats.record(performance.now() - t);
    }
  };
  listenAndAnnounce(handler, () => store.close());
}
