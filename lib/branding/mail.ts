/**
 * Branded mail: an organization's mail gets an HTML part with its logo and its accent colour
 * in the header, beside the unchanged text part. Everything taken from the mail or the
 * organization is HTML-escaped; URLs in the text become links only when they are http(s).
 * Images are referenced by absolute URL on `PUBLIC_URL` (mail clients fetch them; the logo URL
 * is public and names no secret).
 *
 * @module
 */

import type { Mail, MailPort } from "../mail/mail.ts";
import type { Store } from "../kv/mod.ts";
import type { BillingMode } from "../billing/lifecycle.ts";
import { type Branding, brandingForOrg } from "./branding.ts";

/** ClockFlow's own teal, for a branded mail with a logo but no accent colour. */
const DEFAULT_ACCENT = "#0f766e";

/**
 * `text` with `& < > " '` escaped, safe in element content and quoted attributes.
 *
 * @example
 * ```ts
 * escapeHtml(`<a href="x">`); // "&lt;a href=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"')]+/g;

/** Plain text as HTML: escaped, http(s) URLs as links (line breaks kept by `pre-wrap`). */
export function textToHtml(text: string): string {
  let out = "";
  let at = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    out += escapeHtml(text.slice(at, m.index));
    const url = escapeHtml(m[0]);
    out += `<a href="${url}" style="color:inherit">${url}</a>`;
    at = m.index! + m[0].length;
  }
  return out + escapeHtml(text.slice(at));
}

/**
 * `mail` with an HTML part showing `orgName`, the logo and the accent colour (an `#RRGGBB`
 * checked when it was stored; checked again here before it goes into a style). A mail that
 * already has HTML, or an organization without branding, is returned unchanged.
 */
export function brandMail(
  mail: Mail,
  org: { orgName: string; branding: Branding },
  origin: string,
): Mail {
  const { accentColor, logoUrl } = org.branding;
  if (mail.html !== undefined || (accentColor === null && logoUrl === null)) return mail;
  const accent = accentColor && /^#[0-9a-f]{6}$/i.test(accentColor) ? accentColor : DEFAULT_ACCENT;
  const name = escapeHtml(org.orgName);
  const logo = logoUrl
    ? `<img src="${escapeHtml(new URL(logoUrl, origin).href)}" alt="${name}" height="40" ` +
      `style="height:40px;max-width:200px;vertical-align:middle;margin-right:12px;` +
      `background:#ffffff;border-radius:6px;padding:4px">`
    : "";
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(mail.subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f6f8">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse">
<tr><td data-accent="${accent}" style="background:${accent};color:#ffffff;padding:16px 24px;font:600 18px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif">${logo}<span style="vertical-align:middle">${name}</span></td></tr>
<tr><td style="background:#ffffff;color:#16202a;padding:24px;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;white-space:pre-wrap">${
    textToHtml(mail.text)
  }</td></tr>
</table>
</body></html>`;
  return { ...mail, html };
}

/** What an organization's mailer needs. */
export interface OrgMailerDeps {
  store: Store;
  mailer: MailPort;
  /** `PUBLIC_URL` (links and images in mail point there); a fallback when unset. */
  publicUrl?: string | null;
  billingMode?: BillingMode;
  now?: () => number;
}

/** Where images point when `PUBLIC_URL` is not set (development), as notification links do. */
const FALLBACK_ORIGIN = "http://localhost:8000";

/**
 * A mail port that brands every mail it sends for organization `orgId` ({@linkcode brandMail}),
 * reading the branding once (one `getMany`) on its first mail.
 *
 * @example
 * ```ts
 * await orgMailer(deps, job.orgId).send(job.id, job.mail);
 * ```
 */
export function orgMailer(deps: OrgMailerDeps, orgId: string): MailPort {
  let branding: ReturnType<typeof brandingForOrg> | undefined;
  const origin = deps.publicUrl ? new URL(deps.publicUrl).origin : FALLBACK_ORIGIN;
  const mode = deps.billingMode ?? { enabled: false, defaultPlan: "enterprise" as const };
  return {
    async send(id, mail) {
      branding ??= brandingForOrg(deps.store, orgId, mode, (deps.now ?? Date.now)());
      const org = await branding;
      await deps.mailer.send(id, org ? brandMail(mail, org, origin) : mail);
    },
  };
}
