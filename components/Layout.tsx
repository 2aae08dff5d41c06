/**
 * The page shell: document head, skip link, header with the organization and its navigation,
 * the main landmark with the flash area, and the islands scripts (only on pages with islands).
 *
 * @module
 */

import type { ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import { accentStylesheet, PageBrandingContext } from "./page_branding.ts";
import { IslandScripts } from "./islands.tsx";
import { type Feature, PLANS } from "../lib/billing/plans.ts";
import { TRIAL_PLAN } from "../lib/billing/lifecycle.ts";

/** The organization a page is about, as the header shows it. */
export interface LayoutOrg {
  id: string;
  name: string;
  role: "admin" | "manager" | "employee";
  /**
   * Features in force for the organization (the server's `enabled()` decision); navigation to
   * a feature that is off is hidden. Absent: nothing is hidden.
   */
  features?: readonly Feature[];
  /** A subscription notice for admins (trial, past due, canceling), shown on every page. */
  banner?: PlanBanner | null;
}

/** A notice about the subscription, shown to admins on every page. */
export interface PlanBanner {
  kind: "trial" | "past_due" | "canceling";
  /** When the trial, the grace period or the subscription ends (epoch ms). */
  until: number;
  /** The server clock (epoch ms), to count the days left. */
  now: number;
  /** The organization's time zone, to show the date. */
  timeZone: string;
}

/** A section of the organization navigation. */
export type NavSection =
  | "clock"
  | "week"
  | "timesheets"
  | "pto"
  | "team"
  | "reports"
  | "exports"
  | "members"
  | "locations"
  | "api-keys"
  | "notifications"
  | "webhooks"
  | "kiosks"
  | "settings"
  | "branding"
  | "billing";

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  /** The page title (without the product name). */
  title: string;
  /** The signed-in person's name, when signed in. */
  userName?: string | null;
  org?: LayoutOrg | null;
  /** The navigation entry to mark as current. */
  active?: NavSection;
  /** A success message (already resolved from a known flash code). */
  flash?: string | null;
  /** A narrow, centered column (sign-in forms). */
  narrow?: boolean;
  children: ComponentChildren;
}

/** The feature each navigation entry needs (entries not listed need none). */
const NAV_FEATURE: Partial<Record<NavSection, Feature>> = {
  pto: "pto",
  reports: "customReports",
  "api-keys": "api",
  webhooks: "webhooks",
  kiosks: "kiosk",
  branding: "branding",
};

function navItems(org: LayoutOrg): { key: NavSection; href: string; label: string }[] {
  const base = `/o/${org.id}`;
  const items: { key: NavSection; href: string; label: string }[] = [
    { key: "clock", href: `${base}/clock`, label: "Clock" },
    { key: "week", href: `${base}/week`, label: "My week" },
    { key: "timesheets", href: `${base}/timesheets`, label: "Timesheets" },
    { key: "pto", href: `${base}/pto`, label: "Time off" },
    { key: "notifications", href: `${base}/notifications`, label: "Notifications" },
    { key: "exports", href: `${base}/exports`, label: "Exports" },
  ];
  if (org.role === "admin" || org.role === "manager") {
    items.push({ key: "team", href: `${base}/team`, label: "Team" });
    items.push({ key: "reports", href: `${base}/reports/hours`, label: "Reports" });
  }
  if (org.role === "admin") {
    items.push({ key: "members", href: `${base}/members`, label: "Members" });
    items.push({ key: "locations", href: `${base}/locations`, label: "Locations" });
    items.push({ key: "api-keys", href: `${base}/api-keys`, label: "API keys" });
    items.push({ key: "webhooks", href: `${base}/webhooks`, label: "Webhooks" });
    items.push({ key: "kiosks", href: `${base}/kiosks`, label: "Kiosks" });
    items.push({ key: "settings", href: `${base}/settings`, label: "Settings" });
    items.push({ key: "branding", href: `${base}/branding`, label: "Branding" });
    items.push({ key: "billing", href: `${base}/billing`, label: "Billing" });
  }
  const features = org.features;
  if (!features) return items;
  return items.filter((i) => {
    const needs = NAV_FEATURE[i.key];
    return !needs || features.includes(needs);
  });
}

const DAY_MS = 24 * 3600 * 1000;

/** The admins' subscription notice, with a link to the billing page. */
function Banner({ banner, orgId }: { banner: PlanBanner; orgId: string }) {
  const date = new Date(banner.until).toLocaleDateString("en-US", {
    timeZone: banner.timeZone,
    month: "short",
    day: "numeric",
    year: "numeric",
  });
  const days = Math.max(0, Math.ceil((banner.until - banner.now) / DAY_MS));
  const left = `${days} day${days === 1 ? "" : "s"} left`;
  const text = banner.kind === "trial"
    ? `Your trial of the ${PLANS[TRIAL_PLAN].name} plan ends on ${date} (${left}).`
    : banner.kind === "past_due"
    ? `The last payment failed. Your plan stays active until ${date} (${left}); update the payment method to keep it.`
    : `Your subscription is canceled and ends on ${date} (${left}).`;
  return (
    <p
      class={`alert plan-banner plan-banner-${banner.kind.replace("_", "-")}`}
      role="status"
      data-banner={banner.kind}
    >
      {text} <a href={`/o/${orgId}/billing`}>Billing</a>
    </p>
  );
}

/**
 * A full HTML document around `children`. With the request's branding (`PageBrandingContext`),
 * the header shows the organization's logo and the accent colour's stylesheet sets `--accent`.
 */
export function Layout(props: LayoutProps) {
  const { org, userName } = props;
  const branding = useContext(PageBrandingContext);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="theme-color" content={branding?.accentColor ?? "#0f766e"} />
        <title>{`${props.title} · ClockFlow`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/app.css" />
        {branding?.accentColor && (
          <link rel="stylesheet" href={accentStylesheet(branding.accentColor)} data-accent />
        )}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to main content</a>
        <header class="site-header">
          <div class="bar">
            {branding?.logoUrl && (
              <img
                class="org-logo"
                src={branding.logoUrl}
                alt={`${branding.orgName} logo`}
                height={32}
              />
            )}
            <a class="brand" href={userName ? "/app" : "/"}>
              <span class="brand-mark" aria-hidden="true" />
              <span class={org ? "brand-text brand-text-optional" : "brand-text"}>ClockFlow</span>
            </a>
            {org && (
              <a class="org" href="/app/orgs" title="Switch organization">
                <span class="org-name">{org.name}</span>
                <span class="chevron" aria-hidden="true" />{" "}
                <span class="visually-hidden">(switch organization)</span>
              </a>
            )}
            {userName && (
              <form class="signout" method="post" action="/signout">
                <a class="btn btn-quiet btn-small" href="/account">Account</a>{" "}
                <button type="submit" class="btn btn-quiet btn-small">Sign out</button>
              </form>
            )}
          </div>
          {org && (
            <nav class="nav" aria-label="Main">
              <ul>
                {navItems(org).map((item) => (
                  <li key={item.key}>
                    <a
                      href={item.href}
                      aria-current={props.active === item.key ? "page" : undefined}
                    >
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </header>
        <main id="main" tabindex={-1} class={props.narrow ? "narrow" : undefined}>
          {org?.banner && <Banner banner={org.banner} orgId={org.id} />}
          {props.flash && <p class="alert alert-ok" role="status">{props.flash}</p>}
          {props.children}
        </main>
        <IslandScripts />
      </body>
    </html>
  );
}
