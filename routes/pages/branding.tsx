/**
 * `/o/:orgId/branding` (admins): the accent colour (through `updateOrgSettings`, the same use
 * case as `PATCH …/settings`), the logo (a multipart form, `POST …/branding/logo`, handed to the
 * same `uploadLogo` as `PUT …/branding/logo`) and the custom domain. Forms post to the page with
 * an `intent`; errors show on the form that caused them.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import {
  brandingView,
  removeDomain,
  removeLogo,
  setDomain,
  uploadLogo,
  verifyDomain,
} from "../../lib/branding/use_cases.ts";
import { updateOrgSettings } from "../../lib/settings/use_cases.ts";
import { BrandingPage, type BrandingPageProps } from "../../components/views/branding.tsx";
import { fieldError, formFailure, readForm } from "./forms.ts";
import { requestContext } from "../request_context.ts";
import { chrome, renderPage } from "./render.tsx";
import { forgetCustomDomain } from "../middleware/custom_domain.ts";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = {
  accent_saved: "The accent colour is saved.",
  accent_cleared: "Your pages use ClockFlow's colour again.",
  logo_saved: "The logo is saved.",
  logo_removed: "The logo is removed.",
  domain_saved: "Create the TXT record below, then verify the domain.",
  domain_verified: "The domain is verified.",
  domain_removed: "The custom domain is removed.",
};

async function brandingPage(
  c: AppContext,
  failed: BrandingPageProps["failed"] = null,
  status?: ContentfulStatusCode,
) {
  const base = chrome(c, "branding");
  return renderPage(
    c,
    <BrandingPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      view={await brandingView(requestContext(c))}
      failed={failed}
    />,
    status,
  );
}

/** A domain error about a logo, shown on the logo field. */
function onLogoField(err: unknown): unknown {
  if (!(err instanceof DomainError) || err.code === "validation_failed") return err;
  if (err.kind === "forbidden" || err.kind === "not_found") return err;
  return new DomainError(err.kind, err.code, err.message, [{ path: "logo", message: err.message }]);
}

/** The colour form adapted to the settings patch (`branding.accentColor`, `version`). */
function accentPatch(values: Record<string, string>) {
  const version = /^\d{1,9}$/.test(values.version ?? "") ? Number(values.version) : undefined;
  return { branding: { accentColor: values.accentColor ?? "" }, version };
}

/** `settings` validation paths (`branding.accentColor`) renamed to the form's field. */
function onAccentField(err: unknown): unknown {
  if (!(err instanceof DomainError)) return err;
  if (err.code === "validation_failed" && Array.isArray(err.details)) {
    const details = (err.details as { path: string; message: string }[]).map((d) =>
      d.path.startsWith("branding") ? { ...d, path: "accentColor" } : d
    );
    return new DomainError(err.kind, err.code, err.message, details);
  }
  if (err.code === "insufficient_contrast") {
    return new DomainError(err.kind, err.code, err.message, [
      { path: "accentColor", message: err.message },
    ]);
  }
  return err;
}

/** The Branding page (mounted under `/o/:orgId`). */
export const brandingPages = new Hono<AppEnv>()
  .get("/branding", (c) => brandingPage(c))
  .post("/branding/logo", async (c) => {
    const ctx = requestContext(c);
    try {
      const type = c.req.header("content-type") ?? "";
      if (!/^multipart\/form-data\b/i.test(type)) throw fieldError("logo", "Choose an image file");
      const form = await c.req.parseBody();
      const file = form.logo;
      if (!(file instanceof File) || file.size === 0) {
        throw fieldError("logo", "Choose an image file");
      }
      await uploadLogo(ctx, {
        contentType: file.type || null,
        bytes: new Uint8Array(await file.arrayBuffer()),
      });
      return c.redirect(`/o/${ctx.org.id}/branding?ok=logo_saved`, 303);
    } catch (err) {
      const f = formFailure(onLogoField(err), {});
      if (f.status === 403 || f.status === 404) throw err;
      return brandingPage(c, { form: "logo", values: {}, error: f.error }, f.status);
    }
  })
  .post("/branding", async (c) => {
    const values = await readForm(c);
    const ctx = requestContext(c);
    const intent = values.intent ?? "";
    const form = intent === "accent" || intent === "clear_accent"
      ? "accent"
      : intent === "remove_logo"
      ? "logo"
      : "domain";
    const done = (ok: string) => c.redirect(`/o/${ctx.org.id}/branding?ok=${ok}`, 303);
    try {
      switch (intent) {
        case "accent":
          await updateOrgSettings(ctx, accentPatch(values));
          return done("accent_saved");
        case "clear_accent":
          await updateOrgSettings(ctx, { branding: { accentColor: null } });
          return done("accent_cleared");
        case "remove_logo":
          await removeLogo(ctx);
          return done("logo_removed");
        case "domain": {
          const set = await setDomain(ctx, { domain: values.domain ?? "" });
          forgetCustomDomain(c.get("deps"), set.released);
          return done("domain_saved");
        }
        case "verify_domain": {
          const verified = await verifyDomain(ctx);
          forgetCustomDomain(c.get("deps"), verified.domain);
          return done("domain_verified");
        }
        case "remove_domain":
          forgetCustomDomain(c.get("deps"), await removeDomain(ctx));
          return done("domain_removed");
        default:
          throw fieldError("intent", "Choose what to save");
      }
    } catch (err) {
      if (err instanceof DomainError && ["not_found", "forbidden"].includes(err.kind)) {
        if (!(err.kind === "not_found" && intent === "verify_domain")) throw err;
      }
      const f = formFailure(form === "accent" ? onAccentField(err) : err, values);
      return brandingPage(c, { form, values: f.values, error: f.error }, f.status);
    }
  });
