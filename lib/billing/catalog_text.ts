/**
 * The plan catalog in words: prices, limits and features as people read them. One wording for
 * the pricing page, the billing page and `docs/plans.md` ({@linkcode plansMarkdown}, written by
 * `deno task docs`; a test keeps the committed file equal to it), so they cannot disagree with
 * each other or with the catalog in `plans.ts`.
 *
 * @module
 */

import {
  type ExportFormat,
  type Feature,
  FEATURE_LABELS,
  FEATURES,
  type LimitName,
  type Plan,
  PLAN_IDS,
  PLANS,
  type Reporting,
} from "./plans.ts";
import { GRACE_MS, TRIAL_MS, TRIAL_PLAN } from "./lifecycle.ts";
import { MAX_LOCATIONS } from "../locations/limits.ts";

/**
 * Features whose flags exist in the catalog but which are not built yet. They are never shown
 * as included: the pricing page, the billing page and `docs/plans.md` list them as coming soon,
 * with the plans they are planned for. Remove a feature from here the day it ships.
 */
export const COMING_SOON: readonly Feature[] = ["sso"];

/** True when `feature` is built and may be sold as included. */
export function isAvailable(feature: Feature): boolean {
  return !COMING_SOON.includes(feature);
}

/** Built features, in catalog order. */
export const AVAILABLE_FEATURES: readonly Feature[] = FEATURES.filter(isAvailable);

/** Features not built yet, in catalog order. */
export const COMING_FEATURES: readonly Feature[] = FEATURES.filter((f) => !isAvailable(f));

/** The wording of a feature that is coming ("API keys (coming soon)"), else its label. */
export function featureText(feature: Feature): string {
  return isAvailable(feature)
    ? FEATURE_LABELS[feature]
    : `${FEATURE_LABELS[feature]} (coming soon)`;
}

/**
 * US cents as dollars: whole dollars without decimals.
 *
 * @example
 * ```ts
 * dollars(400); // "$4"
 * dollars(1250); // "$12.50"
 * ```
 */
export function dollars(cents: number): string {
  const whole = cents % 100 === 0;
  return `$${
    (cents / 100).toLocaleString("en-US", {
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: whole ? 0 : 2,
    })
  }`;
}

/**
 * Bytes in binary units (KB, MB, GB), at most one decimal.
 *
 * @example
 * ```ts
 * byteSize(100 * 1024 * 1024); // "100 MB"
 * ```
 */
export function byteSize(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  const text = u === 0 ? String(n) : String(Math.round(n * 10) / 10);
  return `${text} ${units[u]}`;
}

/** The monthly price of `plan` in words ("$4 per member per month", "Free"). */
export function monthlyPriceText(plan: Plan): string {
  if (plan.monthlyCents === 0) return "Free";
  return `${dollars(plan.monthlyCents)} ${plan.perMember ? "per member " : ""}per month`;
}

/** The yearly price of `plan` in words ("$40 per member per year", "Free"). */
export function yearlyPriceText(plan: Plan): string {
  if (plan.yearlyCents === 0) return "Free";
  return `${dollars(plan.yearlyCents)} ${plan.perMember ? "per member " : ""}per year`;
}

/** Names of the limits, for tables. */
export const LIMIT_LABELS: Record<LimitName, string> = {
  activeMembers: "Active members",
  locations: "Job locations",
  storageBytes: "Storage",
  apiRequestsPerMinute: "API requests per minute (with API keys, coming soon)",
};

/**
 * The value of limit `name` in words ("5", "Unlimited", "100 MB", "None"). A plan without a
 * `locations` limit still has the cap every organization has: "Up to 500".
 */
export function limitText(name: LimitName, value: number | null): string {
  if (value === null && name === "locations") return `Up to ${MAX_LOCATIONS}`;
  if (value === null) return "Unlimited";
  if (name === "storageBytes") return byteSize(value);
  if (value === 0) return "None";
  return value.toLocaleString("en-US");
}

/** How an export format is named for people. */
export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  csv: "CSV",
  xlsx: "Excel (XLSX)",
  pdf: "PDF",
};

/** The reporting rows of the catalog: a label and each plan's value in words. */
export const REPORTING_ROWS: readonly {
  key: keyof Reporting;
  label: string;
  text(p: Plan): string;
}[] = [
  {
    key: "exportFormats",
    label: "Export formats",
    text: (p) => p.reporting.exportFormats.map((f) => EXPORT_FORMAT_LABELS[f]).join(", "),
  },
  {
    key: "scheduledReports",
    label: "Scheduled reports (mailed weekly or per pay period)",
    text: (p) => (p.reporting.scheduledReports ? "yes" : "—"),
  },
];

/** Whether `plan` includes `feature` today (a feature that is coming is included nowhere). */
export function planHas(plan: Plan, feature: Feature): boolean {
  return isAvailable(feature) && plan.features.includes(feature);
}

/** Whether `feature`, not built yet, is planned for `plan`. */
export function planPlans(plan: Plan, feature: Feature): boolean {
  return !isAvailable(feature) && plan.features.includes(feature);
}

/** `text` wrapped at 100 columns, as `deno fmt` wraps Markdown prose. */
function wrap(text: string, width = 100): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(head),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...rows.map(line),
  ];
}

/**
 * `docs/plans.md`: the catalog as Markdown (already in `deno fmt` form). Generated by
 * `scripts/plans_doc.ts` (`deno task docs`).
 */
export function plansMarkdown(): string {
  const plans = PLAN_IDS.map((id) => PLANS[id]);
  const days = (ms: number) => Math.round(ms / (24 * 3600 * 1000));
  const lines = [
    "# Plans",
    "",
    "<!-- Generated from lib/billing/plans.ts by `deno task docs`; do not edit by hand. -->",
    "",
    ...wrap(
      `A new organization tries the ${PLANS[TRIAL_PLAN].name} plan for ${
        days(TRIAL_MS)
      } days without a card, then has the ${PLANS.free.name} plan unless it subscribed. ` +
        `A past-due subscription keeps its plan for a ${days(GRACE_MS)}-day grace period. ` +
        "Prices are in US dollars; per-member plans charge per active member. Without billing " +
        "configured (no `STRIPE_SECRET_KEY`), every organization has the plan named by " +
        "`DEFAULT_PLAN` (default: Enterprise).",
    ),
    "",
    "## Prices",
    "",
    ...table(
      ["Plan", "Monthly", "Yearly", "For"],
      plans.map((p) => [p.name, monthlyPriceText(p), yearlyPriceText(p), p.tagline]),
    ),
    "",
    "## Limits",
    "",
    ...table(
      ["Limit", ...plans.map((p) => p.name)],
      (Object.keys(LIMIT_LABELS) as LimitName[]).map((name) => [
        LIMIT_LABELS[name],
        ...plans.map((p) => limitText(name, p.limits[name])),
      ]),
    ),
    "",
    ...wrap(
      "Adding or reactivating a member or a location beyond the limit answers 402 `plan_limit`; " +
        "nothing is ever deleted for being over a limit. Whatever the plan, an organization has " +
        `at most ${MAX_LOCATIONS} job locations (active or not).`,
    ),
    "",
    "## Features",
    "",
    ...table(
      ["Feature", "Flag", ...plans.map((p) => p.name)],
      AVAILABLE_FEATURES.map((f) => [
        FEATURE_LABELS[f],
        `\`${f}\``,
        ...plans.map((p) => (planHas(p, f) ? "yes" : "—")),
      ]),
    ),
    "",
    ...wrap(
      "A feature outside the plan answers 403 `feature_not_in_plan`; admins may switch included " +
        "features off for their organization (403 `feature_disabled`).",
    ),
    "",
    "## Reporting",
    "",
    ...table(
      ["Reporting", ...plans.map((p) => p.name)],
      REPORTING_ROWS.map((r) => [r.label, ...plans.map((p) => r.text(p))]),
    ),
    "",
    ...wrap(
      "An export in a format outside the plan, or a report schedule without scheduled reports, " +
        "answers 403 `feature_not_in_plan` (details name the format or `scheduledReports`).",
    ),
    "",
    "## Coming soon",
    "",
    ...wrap(
      "These are not built yet and no plan includes them today. Their flags exist so that plans " +
        "are ready for them; the table shows the plans they are planned for.",
    ),
    "",
    ...table(
      ["Feature", "Flag", ...plans.map((p) => p.name)],
      COMING_FEATURES.map((f) => [
        FEATURE_LABELS[f],
        `\`${f}\``,
        ...plans.map((p) => (planPlans(p, f) ? "planned" : "—")),
      ]),
    ),
    "",
  ];
  return lines.join("\n");
}
