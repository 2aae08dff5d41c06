/**
 * `/o/:orgId/settings` for admins: every organization setting in one form (see
 * `components/views/settings_form.ts` for the field names), saved through the same
 * `updateSettings` as the API — validated, versioned and audited. The form carries the version
 * it was loaded at, so a concurrent change is refused (409, `version_conflict`) rather than
 * overwritten; any refusal shows the posted values again with the messages next to their fields,
 * and changes nothing.
 *
 * Its "Features" section switches the plan's features off and on (`disabledFeatures`); sections
 * of features that are off are not shown, and changing their settings is refused as by the API
 * (`assertSettingsChangeAllowed`).
 *
 * This module also mounts the admins' locations page (`./locations.tsx`).
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { updateSettings } from "../../lib/settings/repository.ts";
import { allLocations } from "../../lib/locations/repository.ts";
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
import { entitlements } from "../middleware/plan.ts";
import { assertSettingsChangeAllowed } from "../../lib/billing/gates.ts";
import { cheapestPlanWith, FEATURE_LABELS, FEATURES, PLANS } from "../../lib/billing/plans.ts";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = { settings_saved: "Settings saved." };

interface Failure {
  values: FormValues;
  error: FormError;
  conflict: boolean;
  status: ContentfulStatusCode;
}

async function settingsPage(c: AppContext, failure?: Failure) {
  const { scope } = c.get("org");
  const { version, settings } = c.get("org").settings;
  const [active, ent] = await Promise.all([
    allLocations(scope, { activeOnly: true }),
    entitlements(c),
  ]);
  const base = chrome(c, "settings");
  const plan = PLANS[ent.plan];
  const features = FEATURES.map((id) => {
    const upgradeTo = cheapestPlanWith(id);
    return {
      id,
      label: FEATURE_LABELS[id],
      inPlan: plan.features.includes(id),
      upgradeTo: upgradeTo ? PLANS[upgradeTo].name : null,
    };
  });
  return renderPage(
    c,
    <SettingsPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      values={failure?.values ?? settingsToForm(settings, version)}
      error={failure?.error}
      conflict={failure?.conflict}
      activeLocations={active.length}
      features={features}
      enabledFeatures={ent.features}
      planName={plan.name}
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
    const { scope, org } = c.get("org");
    const fail = (err: DomainError) =>
      settingsPage(c, {
        values,
        error: formErrorOf(err),
        conflict: err.code === "version_conflict",
        status: statusOf(err),
      });
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
      const { settings: current } = c.get("org").settings;
      assertSettingsChangeAllowed(entitlements(c), current, read.settings);
      await updateSettings(
        scope,
        c.get("user")!.id,
        read.settings,
        read.version,
        c.get("deps").now(),
      );
    } catch (err) {
      if (err instanceof DomainError) return fail(err);
      throw err;
    }
    return c.redirect(`/o/${org.id}/settings?ok=settings_saved`, 303);
  })
  .route("/", locationPages);
