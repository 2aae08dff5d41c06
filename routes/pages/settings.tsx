/**
 * `/o/:orgId/settings` for admins: every organization setting in one form (see
 * `components/views/settings_form.ts` for the field names, adapted to the settings schema), saved
 * through the same `updateOrgSettings` use case as the API — validated, gated by the plan,
 * versioned and audited. The form carries the version
 * it was loaded at, so a concurrent change is refused (409, `version_conflict`) rather than
 * overwritten; any refusal shows the posted values again with the messages next to their fields,
 * and changes nothing.
 *
 * Its "Features" section switches the plan's features off and on (`disabledFeatures`); sections
 * of features that are off are not shown, and changing their settings is refused as by the API
 * (in the use case).
 *
 * This module also mounts the admins' locations page (`./locations.tsx`).
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { settingsView, updateOrgSettings } from "../../lib/settings/use_cases.ts";
import { SettingsPage } from "../../components/views/settings.tsx";
import {
  type FormValues,
  settingsFromForm,
  settingsToForm,
} from "../../components/views/settings_form.ts";
import type { FormError } from "../../components/forms.tsx";
import { formErrorOf, readForm } from "./forms.ts";
import { withRole } from "./guards.ts";
import { chrome, renderPage } from "./render.tsx";
import { statusOf } from "../middleware/errors.ts";
import { locationPages } from "./locations.tsx";
import { requestContext } from "../request_context.ts";
import { FEATURE_LABELS, PLANS } from "../../lib/billing/plans.ts";
import { isAvailable } from "../../lib/billing/catalog_text.ts";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = { settings_saved: "Settings saved." };

interface Failure {
  values: FormValues;
  error: FormError;
  conflict: boolean;
  status: ContentfulStatusCode;
}

async function settingsPage(c: AppContext, failure?: Failure) {
  const view = await settingsView(requestContext(c));
  const base = chrome(c, "settings");
  const features = view.features.map((f) => ({
    id: f.id,
    label: FEATURE_LABELS[f.id],
    inPlan: f.inPlan,
    upgradeTo: f.upgradeTo ? PLANS[f.upgradeTo].name : null,
    coming: !isAvailable(f.id),
  }));
  return renderPage(
    c,
    <SettingsPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      values={failure?.values ?? settingsToForm(view.settings, view.version)}
      error={failure?.error}
      conflict={failure?.conflict}
      activeLocations={view.activeLocations}
      features={features}
      enabledFeatures={view.enabledFeatures}
      planName={PLANS[view.plan].name}
    />,
    failure?.status,
  );
}

/** The settings page, and the locations page (mounted under `/o/:orgId`). */
export const settingsPages = new Hono<AppEnv>()
  .use("/settings", withRole("admin"))
  .get("/settings", (c) => settingsPage(c))
  .post("/settings", async (c) => {
    const values = await readForm(c);
    const ctx = requestContext(c);
    const fail = (err: DomainError) =>
      settingsPage(c, {
        values,
        error: formErrorOf(err),
        conflict: err.code === "version_conflict",
        status: statusOf(err),
      });
    // The form's fields (hours, rows, checkboxes) adapted to the settings schema.
    const read = settingsFromForm(values);
    if (!read.ok) {
      return fail(
        new DomainError(
          "invalid",
          "validation_failed",
          "Check the highlighted fields",
          read.issues,
        ),
      );
    }
    try {
      await updateOrgSettings(ctx, { ...read.settings, version: read.version });
    } catch (err) {
      if (err instanceof DomainError) return fail(err);
      throw err;
    }
    return c.redirect(`/o/${ctx.org.id}/settings?ok=settings_saved`, 303);
  })
  .route("/", locationPages);
