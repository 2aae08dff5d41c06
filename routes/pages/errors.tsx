/**
 * Error handling for pages: failures become HTML pages (sign-in redirect, 403, 404, …) rather
 * than the API's JSON.
 *
 * @module
 */

import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { statusOf } from "../middleware/errors.ts";
import { DomainError } from "../../lib/errors.ts";
import { StatusPage } from "../../components/StatusPage.tsx";
import { layoutOrg, renderPage } from "./render.tsx";

/** Codes of refusals by the organization's plan (see `lib/billing/gates.ts`, `limits.ts`). */
const PLAN_CODES = new Set(["feature_not_in_plan", "feature_disabled", "plan_limit"]);

/** Render the failure page for `status`. */
export function statusPage(
  c: AppContext,
  status: ContentfulStatusCode,
  message?: string,
  code?: string,
) {
  // A 404 must not reveal the organization the id belongs to; show it only when resolved.
  const org = layoutOrg(c);
  const plan = code && PLAN_CODES.has(code) && message
    ? { message, billingHref: org?.role === "admin" ? `/o/${org.id}/billing` : null }
    : undefined;
  return renderPage(
    c,
    <StatusPage
      status={status}
      message={message}
      userName={c.get("user")?.name}
      org={org}
      plan={plan}
    />,
    status,
  );
}

/** Hono `onError` for the pages router. */
export function onPageError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof DomainError) {
    if (err.kind === "unauthenticated") return c.redirect("/signin", 303);
    return statusPage(c, statusOf(err), err.message, err.code);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return statusPage(c, err.status as ContentfulStatusCode);
  }
  console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, err);
  return statusPage(c, 500);
}
