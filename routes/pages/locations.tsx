/**
 * `/o/:orgId/locations` for admins: list, add, edit, deactivate or reactivate, delete job
 * locations. Every form posts to the same path with an `intent` (`add`, `edit`, `active`,
 * `delete`); ids of other organizations are not found (404 page). Adding or reactivating beyond
 * the plan's `locations` limit is refused (402 `plan_limit`). The form's strings are adapted to
 * the schema of `lib/locations/schemas.ts` and handed to the same use cases as the API
 * (`lib/locations/use_cases.ts`), so both doors decide alike.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import {
  createJobLocation,
  deleteJobLocation,
  manageLocationsView,
  updateJobLocation,
} from "../../lib/locations/use_cases.ts";
import { type LocationFormState, LocationsPage } from "../../components/views/locations.tsx";
import { fieldError, formFailure, readForm } from "./forms.ts";
import { withRole } from "./guards.ts";
import { requestContext } from "../request_context.ts";
import { chrome, renderPage } from "./render.tsx";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = {
  location_added: "Location added.",
  location_updated: "Location updated.",
  location_deleted: "Location deleted.",
};

/** A number typed into a field, or the text itself (the schema then names the field). */
function numberOf(text: string | undefined): number | string | undefined {
  const t = (text ?? "").trim();
  if (t === "") return undefined;
  return /^[-+]?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/**
 * The add and edit form adapted to the location schema (`lib/locations/schemas.ts`): numbers
 * from text, an empty time zone as the organization's (null). Only the shape changes here; the
 * rules are the schema's.
 */
function locationFromForm(values: Record<string, string>) {
  return {
    name: values.name ?? "",
    address: values.address ?? "",
    latitude: numberOf(values.latitude),
    longitude: numberOf(values.longitude),
    radiusMeters: numberOf(values.radiusMeters),
    timeZone: values.timeZone ? values.timeZone : null,
  };
}

/** The page's wording of a refused blank name (the schema's rule, said for this form). */
function withFormWording(err: unknown, values: Record<string, string>): unknown {
  if (!(err instanceof DomainError) || !Array.isArray(err.details)) return err;
  const details = (err.details as { path: string; message: string }[]).map((d) =>
    d.path === "name" && !(values.name ?? "").trim()
      ? { ...d, message: "Enter the location's name" }
      : d
  );
  return new DomainError(err.kind, err.code, err.message, details);
}

/** `lat, long` pasted into the latitude field is split into both fields. */
function splitPastedPair(values: Record<string, string>): Record<string, string> {
  const m = /^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[,;]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$/.exec(
    values.latitude ?? "",
  );
  if (!m || (values.longitude ?? "").trim()) return values;
  return { ...values, latitude: m[1], longitude: m[2] };
}

async function locationsPage(
  c: AppContext,
  failed?: LocationFormState,
  status?: ContentfulStatusCode,
) {
  const view = await manageLocationsView(requestContext(c), {
    limit: 100,
    cursor: c.req.query("cursor"),
  });
  const path = new URL(c.req.url).pathname;
  const base = chrome(c, "locations");
  return renderPage(
    c,
    <LocationsPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      locations={view.data}
      moreHref={view.nextCursor ? `${path}?cursor=${encodeURIComponent(view.nextCursor)}` : null}
      requireLocation={view.requireLocation}
      activeCount={view.activeCount}
      editingId={c.req.query("edit") ?? null}
      failed={failed}
    />,
    status,
  );
}

/** The locations page (mounted under `/o/:orgId`). */
export const locationPages = new Hono<AppEnv>()
  .use("/locations", withRole("admin"))
  .get("/locations", (c) => locationsPage(c))
  .post("/locations", async (c) => {
    const values = await readForm(c);
    const ctx = requestContext(c);
    const intent = (["add", "edit", "active", "delete"] as const)
      .find((i) => i === values.intent);
    const done = (code: keyof typeof FLASH) =>
      c.redirect(`/o/${ctx.org.id}/locations?ok=${code}`, 303);
    try {
      if (intent === "add") {
        await createJobLocation(ctx, locationFromForm(splitPastedPair(values)));
        return done("location_added");
      }
      if (intent === undefined) throw fieldError("intent", "Choose what to do");
      const id = values.locationId ?? "";
      if (!id) throw fieldError("locationId", "Choose a location");
      if (intent === "edit") {
        const patch = { ...locationFromForm(splitPastedPair(values)), active: "active" in values };
        await updateJobLocation(ctx, { id, patch });
        return done("location_updated");
      }
      if (intent === "active") {
        await updateJobLocation(ctx, { id, patch: { active: values.active === "true" } });
        return done("location_updated");
      }
      await deleteJobLocation(ctx, { id });
      return done("location_deleted");
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") throw err;
      const f = formFailure(withFormWording(err, values), values);
      return locationsPage(
        c,
        {
          intent: intent ?? "add",
          locationId: values.locationId,
          values: f.values,
          error: f.error,
        },
        f.status,
      );
    }
  });
