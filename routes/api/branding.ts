/**
 * An organization's branding (admins, or API keys with `settings:read|write`; changes need the
 * plan's `branding`). The accent colour is a settings section (`PATCH …/settings
 * {branding: {accentColor}}`); the rules live in `lib/branding/use_cases.ts`; this door parses,
 * calls and presents.
 *
 * | method and path | body | answer |
 * | --- | --- | --- |
 * | `GET …/branding` | | accent colour, contrast, logo URL, custom domain |
 * | `PUT …/branding/logo` | the image itself (`Content-Type: image/png\|jpeg\|webp`, ≤ 256 KiB) | `{logoUrl}` |
 * | `DELETE …/branding/logo` | | 204 |
 * | `PUT …/branding/domain` | `{domain}` | `{domain, status: "pending", txtName, txtValue}` |
 * | `POST …/branding/domain/verify` | | `{domain, status: "verified"}` or 422 `domain_not_verified` |
 * | `DELETE …/branding/domain` | | 204 |
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import { forgetCustomDomain } from "../middleware/custom_domain.ts";
import {
  brandingView,
  type DomainView,
  removeDomain,
  removeLogo,
  setDomain,
  uploadLogo,
  verifyDomain,
} from "../../lib/branding/use_cases.ts";

/** Any JSON body: the use case validates it after authorizing. */
const body = z.any();

const presentDomain = (d: DomainView) => ({
  domain: d.domain,
  status: d.status,
  txtName: d.txtName,
  txtValue: d.txtValue,
  verifiedAt: d.verifiedAt,
});

/** Routes mounted at `/api/v1/orgs/:orgId/branding` (after `requireOrg`). */
export const brandingApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { settingsVersion: _, ...view } = await brandingView(requestContext(c));
    return c.json(view);
  })
  .put("/logo", async (c) => {
    const ctx = requestContext(c);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return c.json(
      await uploadLogo(ctx, { contentType: c.req.header("content-type") ?? null, bytes }),
    );
  })
  .delete("/logo", async (c) => {
    await removeLogo(requestContext(c));
    return c.body(null, 204);
  })
  .put("/domain", async (c) => {
    const ctx = requestContext(c);
    const set = await setDomain(ctx, await readJson(c, body));
    forgetCustomDomain(c.get("deps"), set.released);
    return c.json(presentDomain(set));
  })
  .post("/domain/verify", async (c) => {
    const verified = await verifyDomain(requestContext(c));
    forgetCustomDomain(c.get("deps"), verified.domain);
    return c.json(presentDomain(verified));
  })
  .delete("/domain", async (c) => {
    forgetCustomDomain(c.get("deps"), await removeDomain(requestContext(c)));
    return c.body(null, 204);
  });
