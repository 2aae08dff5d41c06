/**
 * The Branding page of an organization (admins): the accent colour with its contrast, the logo
 * (upload with preview, remove) and the custom domain (the TXT record to create, Verify,
 * remove). Plain forms; the colour picker is an island that shows the contrast as it changes.
 *
 * @module
 */

import { Layout, type LayoutProps } from "../Layout.tsx";
import { island } from "../islands.tsx";
import { ErrorSummary, Field, type FormError, PageHeader } from "../forms.tsx";
import type { BrandingView } from "../../lib/branding/use_cases.ts";
import { LOGO_TYPES, MAX_LOGO_BYTES } from "../../lib/branding/image.ts";

const AccentPicker = island("AccentPicker");

/** The forms of the page (a failed post names its form). */
export type BrandingForm = "accent" | "logo" | "domain";

/** Props of {@linkcode BrandingPage}. */
export interface BrandingPageProps extends Pick<LayoutProps, "userName" | "org" | "flash"> {
  view: BrandingView;
  failed?: { form: BrandingForm; values: Record<string, string>; error: FormError } | null;
}

/** The Branding page. */
export function BrandingPage({ view, failed, ...chrome }: BrandingPageProps) {
  const base = `/o/${chrome.org!.id}/branding`;
  const errorOf = (form: BrandingForm) => (failed?.form === form ? failed.error : null);
  const accentError = errorOf("accent");
  const domain = view.customDomain;
  return (
    <Layout title="Branding" active="branding" {...chrome}>
      <PageHeader
        title="Branding"
        lead="Your logo and colour on your organization's pages, the kiosk, emails and PDF exports."
      />
      {!view.featureEnabled && (
        <p class="alert" role="status" id="branding-off">
          Custom branding is not part of your plan (or is switched off in the settings): what is
          stored here is not shown.
        </p>
      )}
      <section class="card" aria-labelledby="accent-heading">
        <h2 id="accent-heading">Accent colour</h2>
        <ErrorSummary error={accentError} />
        <form method="post" action={base} class="stack" id="accent-form">
          <input type="hidden" name="intent" value="accent" />
          <input type="hidden" name="version" value={String(view.settingsVersion)} />
          <AccentPicker
            value={failed?.form === "accent" && failed.values.accentColor
              ? failed.values.accentColor
              : view.accentColor ?? "#0f766e"}
            error={accentError?.fields.accentColor ?? null}
          />
        </form>
        {view.accentColor && (
          <form method="post" action={base} class="stack">
            <input type="hidden" name="intent" value="clear_accent" />
            <p id="accent-current">
              Current colour: <code>{view.accentColor}</code> (contrast {view.contrast}:1).
            </p>
            <div>
              <button type="submit" class="btn btn-quiet">Use ClockFlow's colour</button>
            </div>
          </form>
        )}
      </section>

      <section class="card" aria-labelledby="logo-heading">
        <h2 id="logo-heading">Logo</h2>
        <ErrorSummary error={errorOf("logo")} />
        {view.logoUrl
          ? (
            <figure class="logo-preview">
              <img src={view.logoUrl} alt="Your current logo" id="logo-preview" height={64} />
              <figcaption class="hint">Your current logo</figcaption>
            </figure>
          )
          : <p class="hint" id="no-logo">No logo yet.</p>}
        <form
          method="post"
          action={`${base}/logo`}
          enctype="multipart/form-data"
          class="stack"
          id="logo-form"
        >
          <div class={`field${errorOf("logo")?.fields.logo ? " field-invalid" : ""}`}>
            <label for="logo">{view.logoUrl ? "Replace the logo" : "Upload a logo"}</label>
            <p class="hint" id="logo-hint">
              PNG, JPEG or WebP, at most {MAX_LOGO_BYTES / 1024}{" "}
              KB. A wide logo about 64 pixels high looks best. (PDF exports show PNG and JPEG
              logos.)
            </p>
            <input
              id="logo"
              name="logo"
              type="file"
              accept={LOGO_TYPES.join(",")}
              required
              aria-describedby="logo-hint"
            />
          </div>
          <div>
            <button type="submit" class="btn btn-primary">Upload logo</button>
          </div>
        </form>
        {view.logoUrl && (
          <form method="post" action={base}>
            <input type="hidden" name="intent" value="remove_logo" />
            <button type="submit" class="btn btn-quiet" id="remove-logo">Remove the logo</button>
          </form>
        )}
      </section>

      <section class="card" aria-labelledby="domain-heading">
        <h2 id="domain-heading">Custom domain</h2>
        <p class="hint">
          Your people can sign in and use the kiosk at your own address, such as hours.example.com,
          with your logo and colour. Point it at ClockFlow (a CNAME record), then prove it is yours
          with a TXT record.
        </p>
        <ErrorSummary error={errorOf("domain")} />
        {domain && (
          <div class="stack" id="domain-status" data-status={domain.status}>
            <p>
              <strong>{domain.domain}</strong> —{" "}
              {domain.status === "verified" ? "verified" : "waiting for verification"}
            </p>
            {domain.status === "pending" && (
              <>
                <p>Create this TXT record with your DNS provider, then verify:</p>
                <dl class="facts">
                  <dt>Name</dt>
                  <dd>
                    <code id="txt-name">{domain.txtName}</code>
                  </dd>
                  <dt>Value</dt>
                  <dd>
                    <code id="txt-value">{domain.txtValue}</code>
                  </dd>
                </dl>
                <form method="post" action={base}>
                  <input type="hidden" name="intent" value="verify_domain" />
                  <button type="submit" class="btn btn-primary" id="verify-domain">Verify</button>
                </form>
              </>
            )}
            <form method="post" action={base}>
              <input type="hidden" name="intent" value="remove_domain" />
              <button type="submit" class="btn btn-quiet">Remove the domain</button>
            </form>
          </div>
        )}
        <form method="post" action={base} class="stack" id="domain-form">
          <input type="hidden" name="intent" value="domain" />
          <Field
            id="domain"
            name="domain"
            label={domain ? "Use another domain" : "Domain"}
            value={failed?.form === "domain" ? failed.values.domain : undefined}
            required
            autocomplete="off"
            error={errorOf("domain")}
          />
          <div>
            <button type="submit" class="btn">Set domain</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
