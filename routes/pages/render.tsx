/**
 * Rendering pages: a Preact tree to a full HTML response, with a fresh island collector per
 * render, and the shared bits of the layout taken from the request.
 *
 * @module
 */

import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, OrgContext } from "../context.ts";
import { IslandCollector, IslandsContext } from "../../components/islands.tsx";
import type { LayoutOrg, LayoutProps, NavSection } from "../../components/Layout.tsx";
import { flashMessage } from "../../components/flash.ts";
import { entitlements } from "../middleware/plan.ts";
import { PageBrandingContext } from "../../components/page_branding.ts";
import { pageBrandingOf } from "../middleware/custom_domain.ts";

/**
 * Render `page` (a `<Layout>` tree) as the response, `no-store` since pages are personal. The
 * layout shows the request's branding (the organization's pages, a custom domain's sign-in).
 */
export function renderPage(
  c: AppContext,
  page: VNode,
  status: ContentfulStatusCode = 200,
): Response {
  const collector = new IslandCollector();
  const html = renderToString(
    <IslandsContext.Provider value={collector}>
      <PageBrandingContext.Provider value={pageBrandingOf(c)}>{page}</PageBrandingContext.Provider>
    </IslandsContext.Provider>,
  );
  c.header("Cache-Control", "no-store");
  return c.html(`<!DOCTYPE html>${html}`, status);
}

/**
 * The organization of the request (when one was resolved), as the layout shows it: with the
 * features in force (navigation hides the others) and, for admins, the subscription notice —
 * both from the request's entitlements.
 */
export function layoutOrg(c: AppContext): LayoutOrg | null {
  const ctx = c.get("org") as OrgContext | undefined;
  if (!ctx) return null;
  const ent = entitlements(c);
  const banner = ent.standing.banner;
  return {
    id: ctx.org.id,
    name: ctx.org.name,
    role: ctx.role,
    features: ent.features,
    banner: banner && ctx.role === "admin"
      ? { ...banner, now: c.get("deps").now(), timeZone: ctx.org.timeZone }
      : null,
  };
}

/** Layout props from the request: the person, the organization, the flash message. */
export function chrome(
  c: AppContext,
  active?: NavSection,
): Pick<LayoutProps, "userName" | "org" | "active" | "flash"> {
  return {
    userName: c.get("user")?.name ?? null,
    org: layoutOrg(c),
    active,
    flash: flashMessage(c.req.query("ok")),
  };
}
