/**
 * `GET /o/:orgId/reports/hours?from=&to=[&userId=]` (managers and admins): the hours report with
 * a per-day breakdown per member explaining every overtime second. Without dates it shows the
 * current pay period. Needs the plan's `customReports`; without `overtimeRules` the report has
 * no overtime (preset `none`).
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { memberUsers } from "../../lib/identity/users.ts";
import { activeMemberships } from "../../lib/members/members.ts";
import type { OvertimeSettings } from "../../lib/settings/schema.ts";
import { hoursReport, MAX_REPORT_DAYS } from "../../lib/reports/hours.ts";
import { rulesFor } from "../../lib/overtime/engine.ts";
import { periodOf } from "../../lib/timesheets/timesheets.ts";
import { localDateOf, parseLocalDate } from "../../lib/time/week.ts";
import { isId } from "../../lib/kv/mod.ts";
import { HoursReportPage } from "../../components/views/report.tsx";
import type { FormError } from "../../components/forms.tsx";
import { withRole } from "./guards.ts";
import { entitlements, requireFeature } from "../middleware/plan.ts";
import { effectiveSettings } from "../../lib/billing/gates.ts";
import { chrome, renderPage } from "./render.tsx";

/** How the overtime preset reads in the page's header. */
function presetLabel(o: OvertimeSettings): string {
  switch (o.preset) {
    case "none":
      return "no overtime rules";
    case "flsa":
      return "FLSA: weekly overtime over 40 h";
    case "california":
      return "California: daily overtime over 8 h, double time over 12 h, weekly over 40 h, seventh day";
    case "custom":
      return "custom overtime rules";
  }
}

/** Routes under `/o/:orgId` (after the org guards). */
export const reportPages = new Hono<AppEnv>()
  .use("/reports/*", withRole("admin", "manager"), requireFeature("customReports"))
  .get("/reports/hours", async (c) => {
    const { scope } = c.get("org");
    const now = c.get("deps").now();
    const settings = effectiveSettings(c.get("org").settings.settings, entitlements(c));
    const today = localDateOf(now, settings.timeZone);
    const current = periodOf(settings, today);
    const fromText = c.req.query("from") || current.start.toString();
    const toText = c.req.query("to") || current.end.toString();
    const userText = c.req.query("userId") || null;
    const fields: Record<string, string> = {};
    const from = parseLocalDate(fromText);
    const to = parseLocalDate(toText);
    if (!from || from.year < 2000 || from.year > 2099) fields.from = "Enter a date (2000–2099)";
    if (!to || to.year < 2000 || to.year > 2099) fields.to = "Enter a date (2000–2099)";
    if (from && to && !fields.from && !fields.to) {
      const days = from.until(to, { largestUnit: "days" }).days + 1;
      if (days < 1) fields.to = "Choose a day on or after the start";
      else if (days > MAX_REPORT_DAYS) {
        fields.to = `A report covers at most ${MAX_REPORT_DAYS} days`;
      }
    }
    if (userText && !isId(userText)) fields.userId = "Choose a member";
    const members = await activeMemberships(scope);
    const users = new Map(
      (await memberUsers(scope, members.map((m) => m.userId))).map((u) => [u.id, u.name]),
    );
    const options = members.map((m) => ({ id: m.userId, name: users.get(m.userId) ?? "Unknown" }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const rules = rulesFor(settings.overtime);
    const common = {
      ...chrome(c, "reports"),
      from: fromText,
      to: toText,
      userId: userText,
      members: options,
      rules,
      presetLabel: presetLabel(settings.overtime),
      timeZone: settings.timeZone,
    };
    if (Object.keys(fields).length) {
      const error: FormError = { message: "Check the highlighted fields", fields };
      return renderPage(c, <HoursReportPage {...common} rows={[]} error={error} />, 400);
    }
    let report;
    try {
      report = await hoursReport(scope, {
        from: from!,
        to: to!,
        userIds: userText ? [userText] : null,
        withDays: true,
        settings,
        now,
      });
    } catch (err) {
      if (err instanceof DomainError && err.code === "not_found") {
        const error = { message: "No such member", fields: { userId: "Choose a member" } };
        return renderPage(c, <HoursReportPage {...common} rows={[]} error={error} />, 404);
      }
      throw err;
    }
    const missing = report.members.filter((m) => !users.has(m.userId)).map((m) => m.userId);
    for (const u of await memberUsers(scope, missing)) users.set(u.id, u.name);
    const rows = report.members.map((m) => ({ ...m, name: users.get(m.userId) ?? "Unknown" }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return renderPage(c, <HoursReportPage {...common} rows={rows} />);
  });
