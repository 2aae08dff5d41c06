/**
 * `/ops` and `/ops/orgs/:orgId`: the operator view, read-only, for signed-in people whose email
 * is listed in `OPERATOR_EMAILS`. Everyone else — signed out included — gets 404, so the pages'
 * existence is not revealed. The figures come from `lib/billing/ops.ts`, which visits every
 * organization (see its cost note).
 *
 * @module
 */

import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { renderPage } from "./render.tsx";
import { billingMode } from "../middleware/plan.ts";
import { DomainError } from "../../lib/errors.ts";
import { operatorOrgDetail, operatorOverview } from "../../lib/billing/ops.ts";
import { OpsOrgPage, OpsPage } from "../../components/views/ops.tsx";
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
    return renderPage(c, <OpsPage overview={overview} userName={c.get("user")!.name} />);
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
