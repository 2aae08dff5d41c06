/**
 * The ClockFlow application: middleware, the JSON API and the pages, built from injected
 * dependencies so tests run the very same app on `:memory:` KV with their own clock.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppDeps, AppEnv } from "./routes/context.ts";
import { onError, onNotFound } from "./routes/middleware/errors.ts";
import { authenticate } from "./routes/middleware/auth.ts";
import { InlineTransport } from "./lib/jobs/jobs.ts";
import { Outbox } from "./lib/jobs/outbox.ts";
import { createJobHandler } from "./jobs/mod.ts";
import type { Outbound } from "./lib/net/ssrf.ts";
import { sameOriginForCookies, securityHeaders } from "./routes/middleware/security.ts";
import { bodyLimits } from "./routes/middleware/body.ts";
import { billingMode } from "./routes/middleware/plan.ts";
import { requestId, requestLog } from "./routes/middleware/request_log.ts";
import { apiV1 } from "./routes/api/mod.ts";
import { pages } from "./routes/pages/mod.ts";
import { staticFiles } from "./routes/static.ts";
import { stripeWebhook } from "./routes/webhooks/stripe.ts";
import { jobCallbacks } from "./routes/jobs.ts";
import { brandingAssets } from "./routes/branding_assets.ts";
import { customDomains } from "./routes/middleware/custom_domain.ts";

/** `deps.outbound`, else `fetch` under the configured SSRF policy. */
export function outboundOf(deps: Pick<AppDeps, "outbound" | "config">): Outbound {
  return deps.outbound ??
    { policy: { allowPrivate: deps.config.allowPrivateWebhooks }, fetch: globalThis.fetch };
}

/** Build the app around `deps`. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const inline = deps.jobs ? null : new InlineTransport(
    null,
    ({ job, error }) => console.error(`jobs: ${job.kind} ${job.id} failed:`, error),
  );
  const outbox = deps.outbox ?? new Outbox(deps.store, deps.jobs ?? inline!, deps.now);
  const jobHandler = deps.jobHandler ?? createJobHandler({
    store: deps.store,
    billing: deps.billing,
    mailer: deps.mailer,
    now: deps.now,
    outbox,
    publicUrl: deps.config.publicUrl,
    outbound: outboundOf(deps),
    billingMode: billingMode(deps),
  });
  inline?.setHandler(jobHandler);
  app.onError(onError);
  app.notFound(onNotFound);
  app.use("*", async (c, next) => {
    c.set("deps", deps);
    c.set("outbox", outbox);
    await next();
  });
  app.use("*", requestId());
  app.use("*", requestLog());
  app.use("*", securityHeaders());
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.route("/static", staticFiles());
  // Public logos and accent stylesheets (mails, the kiosk, custom domains): no session needed.
  app.route("/branding", brandingAssets);
  // QStash's signed callbacks: before the 64 KiB limit (they set their own), the session and
  // the cookie origin check, none of which apply to them.
  app.route("/api/jobs", jobCallbacks(jobHandler));
  // 64 KiB everywhere; 1 MiB on the Stripe webhook only.
  app.use("*", bodyLimits());
  app.use("*", authenticate());
  // A verified custom domain ties its requests (sign-in, the kiosk) to its organization.
  app.use("*", customDomains());
  app.use("*", sameOriginForCookies());
  app.route("/api/stripe", stripeWebhook);
  app.route("/api/v1", apiV1);
  app.route("/", pages);
  return app;
}
