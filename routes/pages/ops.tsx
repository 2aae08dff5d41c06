/**
 * `/ops`, `/ops/orgs/:orgId` and `/ops/mail`: the operator view, for signed-in people whose email
 * is listed in `OPERATOR_EMAILS`. Everyone else — signed out included — gets 404, so the pages'
 * existence is not revealed. The figures come from `lib/billing/ops.ts`, which visits every
 * organization (see its cost note). `/ops` also lists the job outbox's dead letters, each with
 * a retry (`POST /ops/jobs/:jobId/retry`, a plain form: the cross-origin refusal of every
 * cookie-carrying POST protects it), and the jobs waiting; `/ops/mail` lists the embedded
 * mailbox (no `SMTP_URL`), newest first.
 *
 * @module
 */

import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { renderPage } from "./render.tsx";
import { billingMode } from "../middleware/plan.ts";
import { DomainError } from "../../lib/errors.ts";
import { operatorOrgDetail, operatorOverview } from "../../lib/billing/ops.ts";
import { OpsMailPage, OpsOrgPage, OpsPage } from "../../components/views/ops.tsx";
import { KvMailbox } from "../../lib/mail/mail.ts";
import { getUser, isOperator } from "../../lib/identity/users.ts";

/**
 * Let through only operators: a verified email listed in `OPERATOR_EMAILS` (the person is read
 * fresh, not from the in-process cache); 404 for everyone else.
 */
export function operatorOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const signedIn = c.get("user");
    const user = signedIn ? await getUser(c.get("deps").store, signedIn.id) : null;
    if (!isOperator(user, c.get("deps").config.operatorEmails)) {
      throw new DomainError("not_found", "not_found", "No such page");
    }
    c.header("X-Robots-Tag", "noindex");
    await next();
  };
}

/** The operator pages. */
export const opsPages = new Hono<AppEnv>()
  .use("/ops", operatorOnly())
  .use("/ops/*", operatorOnly())
  .get("/ops", async (c) => {
    const deps = c.get("deps");
    const overview = await operatorOverview(deps.store, deps.now(), billingMode(deps));
    const outbox = c.get("outbox");
    const jobs = { dead: await outbox.dead(), pending: await outbox.pending() };
    return renderPage(
      c,
      <OpsPage overview={overview} jobs={jobs} userName={c.get("user")!.name} />,
    );
  })
  .post("/ops/jobs/:jobId/retry", async (c) => {
    const jobId = c.req.param("jobId");
    if (jobId.length > 64 || !(await c.get("outbox").retryDead(jobId))) {
      throw new DomainError("not_found", "not_found", "No such dead letter");
    }
    return c.redirect("/ops#ops-jobs", 303);
  })
  .get("/ops/mail", async (c) => {
    const mailer = c.get("deps").mailer;
    const mail = mailer instanceof KvMailbox ? await mailer.list(100) : null;
    return renderPage(c, <OpsMailPage mail={mail} userName={c.get("user")!.name} />);
  })
  .get("/ops/orgs/:orgId", async (c) => {
    const deps = c.get("deps");
    const detail = await operatorOrgDetail(
      deps.store,
      c.req.param("orgId"),
      deps.now(),
      billingMode(deps),
    );
    if (!detail) throw new DomainError("not_found", "not_found", "No such organization");
    return renderPage(c, <OpsOrgPage detail={detail} userName={c.get("user")!.name} />);
  });
