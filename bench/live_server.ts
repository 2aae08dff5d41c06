/**
 * The live bench's server: the real ClockFlow app built as `main.ts` builds it (default password
 * cost and throttle, the server clock, the KV limiter), on the KV file given as the first
 * argument, served on a free loopback port announced on stdout as `{"port": n}`. Two bench-only
 * differences: the per-person abuse limit of session traffic is lifted (the bench opens hundreds
 * of streams per manager, which is exactly what that limit exists to stop), and
 * `GET /__bench/memory` runs V8's garbage collector (start with `--v8-flags=--expose-gc`) and
 * answers `Deno.memoryUsage()` with the presence hub's subscriber and watcher counts.
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
import { KvRateLimiter } from "../lib/ratelimit/mod.ts";
import type { AppDeps } from "../routes/context.ts";
import { presenceHub } from "../routes/api/live.ts";
import { listenAndAnnounce } from "./serve.ts";

if (import.meta.main) {
  const config = loadConfig({ KV_PATH: Deno.args[0], HOSTNAME: "127.0.0.1", PORT: "0" });
  const store = await Store.open(config.kvPath);
  await runMigrations(store, MIGRATIONS);
  const deps: AppDeps = {
    store,
    config,
    now: Date.now,
    passwordIterations: DEFAULT_ITERATIONS,
    throttle: DEFAULT_THROTTLE,
    mailer: new KvMailbox(store, Date.now),
    log: () => {},
    rateLimit: {
      limiter: new KvRateLimiter(store, Date.now),
      sessionRule: { limit: 1_000_000_000, windowMs: 60_000 },
    },
  };
  const app = createApp(deps);
  const gc = (globalThis as { gc?: () => void }).gc;
  listenAndAnnounce((req, info) => {
    if (new URL(req.url).pathname === "/__bench/memory") {
      gc?.();
      gc?.();
      const hub = presenceHub(deps);
      return Response.json({
        ...Deno.memoryUsage(),
        gc: !!gc,
        subscribers: hub.subscriberCount(),
        watchers: hub.watcherCount,
      });
    }
    return app.fetch(req, info);
  }, () => store.close());
}
