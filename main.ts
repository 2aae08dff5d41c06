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
import { createStripeGateway } from "./lib/billing/stripe.ts";
import { KvQueueTransport } from "./lib/jobs/jobs.ts";
import { createJobHandler } from "./jobs/mod.ts";
import { KvMailbox } from "./lib/mail/mail.ts";

if (import.meta.main) {
  const config = loadConfig();
  const store = await Store.open(config.kvPath);
  const applied = await runMigrations(store, MIGRATIONS);
  if (applied.length) console.log(`applied migrations ${applied.join(", ")}`);
  // Billing is on with STRIPE_SECRET_KEY; without it every organization has DEFAULT_PLAN.
  const billing = config.stripe ? createStripeGateway(config.stripe) : null;
  const mailer = new KvMailbox(store, Date.now);
  const jobs = new KvQueueTransport(store.queueHandle);
  jobs.listen(createJobHandler({ store, billing, mailer })).catch((err) =>
    console.error("jobs: the queue listener stopped:", err)
  );
  const app = createApp({
    store,
    config,
    now: Date.now,
    passwordIterations: DEFAULT_ITERATIONS,
    throttle: DEFAULT_THROTTLE,
    billing,
    jobs,
    mailer,
  });
  console.log(
    billing
      ? `billing: Stripe${config.stripe?.apiBase ? ` at ${config.stripe.apiBase}` : ""}`
      : `billing: off (every organization has the ${config.defaultPlan} plan)`,
  );
  Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen: ({ port }) => console.log(`ClockFlow listening on http://localhost:${port}`),
  }, app.fetch);
}
