/**
 * The plan's reporting gates: export formats and scheduled reports (`Plan.reporting`,
 * `lib/billing/plans.ts`). Refusals are 403 `feature_not_in_plan`, like feature gates, with
 * the cheapest plan that allows it.
 *
 * @module
 */

import { DomainError } from "../errors.ts";
import type { Entitlements } from "../billing/entitlements.ts";
import {
  cheapestPlanExporting,
  cheapestPlanScheduling,
  type ExportFormat,
  PLANS,
} from "../billing/plans.ts";
import { EXPORT_FORMAT_LABELS } from "../billing/catalog_text.ts";

/** Throw 403 `feature_not_in_plan` (details `{format, plan, upgradeTo}`) unless allowed. */
export function assertExportFormat(
  ent: Pick<Entitlements, "plan" | "reporting">,
  format: ExportFormat,
): void {
  if (ent.reporting.exportFormats.includes(format)) return;
  const upgradeTo = cheapestPlanExporting(format);
  throw new DomainError(
    "forbidden",
    "feature_not_in_plan",
    `${EXPORT_FORMAT_LABELS[format]} exports are not part of the ${PLANS[ent.plan].name} plan${
      upgradeTo ? `; upgrade to ${PLANS[upgradeTo].name} to use them` : ""
    }`,
    { feature: "exportFormats", format, plan: ent.plan, upgradeTo },
  );
}

/** Throw 403 `feature_not_in_plan` unless the plan has scheduled reports. */
export function assertScheduledReports(ent: Pick<Entitlements, "plan" | "reporting">): void {
  if (ent.reporting.scheduledReports) return;
  const upgradeTo = cheapestPlanScheduling();
  throw new DomainError(
    "forbidden",
    "feature_not_in_plan",
    `Scheduled reports are not part of the ${PLANS[ent.plan].name} plan${
      upgradeTo ? `; upgrade to ${PLANS[upgradeTo].name} to use them` : ""
    }`,
    { feature: "scheduledReports", plan: ent.plan, upgradeTo },
  );
}
