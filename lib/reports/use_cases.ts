/**
 * The reports, as use cases: every door (the JSON API, the report page, later API keys) calls
 * these with its {@linkcode RequestContext} and an input checked by `lib/reports/schemas.ts`, so
 * the plan gate, who may see whose hours and the pay rules are decided once.
 *
 * | use case | who |
 * | --- | --- |
 * | {@linkcode hoursReportUseCase} | managers and admins: anyone; employees: themselves (`userId`) |
 * | {@linkcode explainedHoursReportUseCase} | the same, with each day's overtime explanation and names |
 * | {@linkcode reportChoicesUseCase} | managers and admins: what the report form offers |
 *
 * All need the plan's `customReports` (403 `feature_not_in_plan` / `feature_disabled`); without
 * `overtimeRules` the figures are computed with the overtime preset `none` ({@linkcode payRules}).
 *
 * @module
 */

import { authorize, type RequestContext, requirePlanFeature, requireScope } from "../context.ts";
import { enabled } from "../billing/entitlements.ts";
import { DomainError } from "../errors.ts";
import { memberUsers } from "../identity/users.ts";
import { activeMemberships, isManager } from "../members/members.ts";
import { userIdOf } from "../principal.ts";
import type { Settings } from "../settings/schema.ts";
import type { OvertimeRules } from "../overtime/engine.ts";
import { periodContaining } from "../time/periods.ts";
import { localDateOf } from "../time/week.ts";
import { CACHE_TTL_MS } from "../cache/mod.ts";
import {
  type HoursReport,
  hoursReport,
  hoursRow,
  type HoursTotals,
  type MemberHours,
  payRules,
} from "./hours.ts";
import { hoursReportCacheKey } from "./hours_cache.ts";
import type { HoursReportInput } from "./schemas.ts";

/** True when the plan lets the pay engine apply the organization's overtime rules. */
export function overtimeOn(ctx: Pick<RequestContext, "entitlements">): boolean {
  return enabled(ctx.entitlements, "overtimeRules");
}

/** The settings the pay engine applies for this request (overtime `none` when off). */
export function payingSettings(ctx: Pick<RequestContext, "settings" | "entitlements">): Settings {
  return payRules(ctx.settings.settings, overtimeOn(ctx));
}

/** Plan gate and access: managers and admins see anyone, employees only themselves. */
function authorizeReport(ctx: RequestContext, input: HoursReportInput): void {
  requirePlanFeature(ctx, "customReports");
  if (isManager(ctx.role)) return;
  const self = userIdOf(ctx.principal);
  if (!self || input.userId !== self) {
    throw new DomainError(
      "forbidden",
      "forbidden",
      "Employees can see only their own hours (add userId=<your id>)",
    );
  }
}

/**
 * The report, cached under the revisions of everything it reads (`hours_cache.ts`): a write to
 * any input is seen by the next read.
 */
async function run(
  ctx: RequestContext,
  input: HoursReportInput,
  withDays: boolean,
): Promise<HoursReport> {
  const q = {
    from: Temporal.PlainDate.from(input.from),
    to: Temporal.PlainDate.from(input.to),
    userIds: input.userId ? [input.userId] : null,
    withDays,
    settings: payingSettings(ctx),
  };
  const key = await hoursReportCacheKey(ctx.scope, q);
  return await ctx.services.cache.getOrCompute(
    key,
    CACHE_TTL_MS,
    () => hoursReport(ctx.scope, { ...q, now: ctx.now }),
  );
}

/**
 * The hours report's totals per member (`GET …/reports/hours`). Throws 403 `forbidden` /
 * `feature_not_in_plan` / `feature_disabled` and 404 `not_found` (a `userId` that is not a
 * member of this organization).
 */
export async function hoursReportUseCase(
  ctx: RequestContext,
  input: HoursReportInput,
): Promise<{ data: (HoursTotals & { userId: string })[] }> {
  requireScope(ctx, "reports:read");
  authorizeReport(ctx, input);
  const report = await run(ctx, input, false);
  return { data: report.members.map(hoursRow) };
}

/** A member's report row with their name and the days that explain it. */
export interface ExplainedMemberHours extends MemberHours {
  name: string;
}

/**
 * The hours report with every member's days (the classification behind each overtime second)
 * and names read through the organization's membership, sorted by name. Same access, plan gate
 * and errors as {@linkcode hoursReportUseCase}.
 */
export async function explainedHoursReportUseCase(
  ctx: RequestContext,
  input: HoursReportInput,
): Promise<{ rows: ExplainedMemberHours[]; rules: OvertimeRules }> {
  requireScope(ctx, "reports:read");
  authorizeReport(ctx, input);
  const report = await run(ctx, input, true);
  const names = new Map(
    (await memberUsers(ctx.scope, report.members.map((m) => m.userId))).map((u) => [u.id, u.name]),
  );
  const rows = report.members.map((m) => ({ ...m, name: names.get(m.userId) ?? "Unknown" }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { rows, rules: report.rules };
}

/** What the report form offers: the members to choose from and the current pay period. */
export interface ReportChoices {
  /** Active members, by name. */
  members: { id: string; name: string }[];
  /** The settings the figures are computed with (overtime `none` when the plan lacks it). */
  settings: Settings;
  /** The current pay period, the form's default range. */
  currentPeriod: { from: string; to: string };
}

/**
 * The report form's choices (managers and admins; the report page is theirs). Throws 403
 * `forbidden` / `feature_not_in_plan` / `feature_disabled`.
 */
export async function reportChoicesUseCase(ctx: RequestContext): Promise<ReportChoices> {
  requireScope(ctx, "reports:read");
  authorize(ctx, "admin", "manager");
  requirePlanFeature(ctx, "customReports");
  const settings = payingSettings(ctx);
  const members = await activeMemberships(ctx.scope);
  const names = new Map(
    (await memberUsers(ctx.scope, members.map((m) => m.userId))).map((u) => [u.id, u.name]),
  );
  const period = periodContaining(localDateOf(ctx.now, settings.timeZone), settings.payPeriod);
  return {
    members: members.map((m) => ({ id: m.userId, name: names.get(m.userId) ?? "Unknown" }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    settings,
    currentPeriod: { from: period.start.toString(), to: period.end.toString() },
  };
}
