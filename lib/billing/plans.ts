/**
 * The plan catalog: what each plan includes and costs. The one source of truth for the server
 * (limits and feature gates), the pricing page and `docs/plans.md` (generated from it by
 * `deno task docs`; a test keeps them equal).
 *
 * @module
 */

/** Plan ids, cheapest first. */
export const PLAN_IDS = ["free", "team", "business", "enterprise"] as const;
/** A plan id. */
export type PlanId = (typeof PLAN_IDS)[number];

/**
 * Feature flags a plan may include. Some are not built yet (`lib/billing/catalog_text.ts`
 * `COMING_SOON` says which): their flags exist so plans and gates are ready, but nothing sells
 * them as included.
 */
export const FEATURES = [
  "geofencing",
  "overtimeRules",
  "pto",
  "timesheetApproval",
  "customReports",
  "api",
  "webhooks",
  "kiosk",
  "branding",
  "sso",
] as const;
/** A feature flag. */
export type Feature = (typeof FEATURES)[number];

/** What each feature means, for the pricing page and docs. */
export const FEATURE_LABELS: Record<Feature, string> = {
  geofencing: "Geofenced clock-in (position checked at job locations)",
  overtimeRules: "Overtime rules (FLSA, California, custom)",
  pto: "Paid time off with accrual",
  timesheetApproval: "Timesheet submission and approval",
  customReports: "Hours and pay reports",
  api: "API keys",
  webhooks: "Webhooks",
  kiosk: "Shared kiosk clock",
  branding: "Custom branding",
  sso: "Single sign-on",
};

/** Numeric limits; null means unlimited. */
export interface Limits {
  activeMembers: number | null;
  locations: number | null;
  storageBytes: number | null;
  apiRequestsPerMinute: number | null;
}

/** A limit's name. */
export type LimitName = keyof Limits;

/** File formats an export can be written in (`lib/exports`). */
export const EXPORT_FORMATS = ["csv", "xlsx", "pdf"] as const;
/** An export file format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What a plan offers for reporting: export file formats and scheduled (mailed) reports. */
export interface Reporting {
  /** Formats exports may be written in (another format: 403 `feature_not_in_plan`). */
  exportFormats: readonly ExportFormat[];
  /** Admins may schedule a weekly or per-pay-period report mailed with a download link. */
  scheduledReports: boolean;
}

/** One plan. Prices are in US cents; per-member plans charge per active member. */
export interface Plan {
  id: PlanId;
  name: string;
  tagline: string;
  limits: Limits;
  features: readonly Feature[];
  /** Export formats and scheduled reports. */
  reporting: Reporting;
  perMember: boolean;
  /** Price per month (per member when `perMember`), billed monthly. */
  monthlyCents: number;
  /** Price per year (per member when `perMember`), billed yearly. */
  yearlyCents: number;
  /** Sold through Stripe Checkout (enterprise is arranged with sales but also checkout-able). */
  selfServe: boolean;
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

/** Every plan, cheapest first. */
export const PLANS: Record<PlanId, Plan> = {
  free: {
    id: "free",
    name: "Free",
    tagline: "A time clock for a small crew",
    limits: { activeMembers: 5, locations: 1, storageBytes: 100 * MB, apiRequestsPerMinute: 0 },
    features: [],
    reporting: { exportFormats: ["csv"], scheduledReports: false },
    perMember: false,
    monthlyCents: 0,
    yearlyCents: 0,
    selfServe: false,
  },
  team: {
    id: "team",
    name: "Team",
    tagline: "Payroll-ready hours for growing teams",
    limits: { activeMembers: 50, locations: 5, storageBytes: 2 * GB, apiRequestsPerMinute: 60 },
    features: ["overtimeRules", "pto", "timesheetApproval", "customReports", "api"],
    reporting: { exportFormats: ["csv", "xlsx"], scheduledReports: false },
    perMember: true,
    monthlyCents: 400,
    yearlyCents: 4_000,
    selfServe: true,
  },
  business: {
    id: "business",
    name: "Business",
    tagline: "Job sites with geofenced clock-in",
    limits: {
      activeMembers: 500,
      locations: 100,
      storageBytes: 20 * GB,
      apiRequestsPerMinute: 600,
    },
    features: [
      "geofencing",
      "overtimeRules",
      "pto",
      "timesheetApproval",
      "customReports",
      "api",
      "webhooks",
      "kiosk",
      "branding",
    ],
    reporting: { exportFormats: EXPORT_FORMATS, scheduledReports: true },
    perMember: true,
    monthlyCents: 700,
    yearlyCents: 7_000,
    selfServe: true,
  },
  enterprise: {
    id: "enterprise",
    name: "Enterprise",
    tagline: "The highest limits, for large organizations",
    limits: {
      activeMembers: null,
      locations: null,
      storageBytes: null,
      apiRequestsPerMinute: 6000,
    },
    features: FEATURES,
    reporting: { exportFormats: EXPORT_FORMATS, scheduledReports: true },
    perMember: true,
    monthlyCents: 1_200,
    yearlyCents: 12_000,
    selfServe: true,
  },
};

/** True when `value` is a plan id. */
export function isPlanId(value: unknown): value is PlanId {
  return typeof value === "string" && (PLAN_IDS as readonly string[]).includes(value);
}

/** The cheapest plan that includes `feature`, or null. */
export function cheapestPlanWith(feature: Feature): PlanId | null {
  return PLAN_IDS.find((id) => PLANS[id].features.includes(feature)) ?? null;
}

/** The cheapest plan whose exports may be written as `format`, or null. */
export function cheapestPlanExporting(format: ExportFormat): PlanId | null {
  return PLAN_IDS.find((id) => PLANS[id].reporting.exportFormats.includes(format)) ?? null;
}

/** The cheapest plan with scheduled reports, or null. */
export function cheapestPlanScheduling(): PlanId | null {
  return PLAN_IDS.find((id) => PLANS[id].reporting.scheduledReports) ?? null;
}

/** The cheapest plan whose `limit` allows at least `needed`, or null. */
export function cheapestPlanAllowing(limit: LimitName, needed: number): PlanId | null {
  return PLAN_IDS.find((id) => {
    const max = PLANS[id].limits[limit];
    return max === null || max >= needed;
  }) ?? null;
}

/**
 * The monthly recurring revenue of a subscription in cents: yearly prices count a twelfth,
 * per-member plans multiply by the quantity.
 */
export function monthlyRecurringCents(
  plan: PlanId,
  interval: "monthly" | "yearly",
  quantity: number,
): number {
  const p = PLANS[plan];
  const unit = interval === "monthly" ? p.monthlyCents : Math.round(p.yearlyCents / 12);
  return p.perMember ? unit * Math.max(1, quantity) : unit;
}
