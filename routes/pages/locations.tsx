/**
 * `/o/:orgId/locations` for admins: list, add, edit, deactivate or reactivate, delete job
 * locations. Every form posts to the same path with an `intent` (`add`, `edit`, `active`,
 * `delete`); ids of other organizations are not found (404 page). Needs the plan's `geofencing`;
 * adding or reactivating beyond the plan's `locations` limit is refused (402 `plan_limit`).
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { DomainError } from "../../lib/errors.ts";
import { decodeCursorParam } from "../../lib/kv/mod.ts";
import { isTimeZone } from "../../lib/orgs/orgs.ts";
import {
  allLocations,
  createLocation,
  deleteLocation,
  listLocations,
  MAX_RADIUS_METERS,
  MIN_RADIUS_METERS,
  updateLocation,
} from "../../lib/locations/repository.ts";
import { type LocationFormState, LocationsPage } from "../../components/views/locations.tsx";
import { fieldError, formFailure, nameField, readForm } from "./forms.ts";
import { withRole } from "./guards.ts";
import { limitFor } from "../middleware/plan.ts";
import { chrome, renderPage } from "./render.tsx";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = {
  location_added: "Location added.",
  location_updated: "Location updated.",
  location_deleted: "Location deleted.",
};

const decimal = (message: string, min: number, max: number) =>
  z.string({ error: message }).trim().regex(/^[-+]?\d{1,3}(\.\d+)?$/, message)
    .transform(Number).pipe(z.number().min(min, message).max(max, message));

const radiusMessage =
  `Enter a radius in whole meters, from ${MIN_RADIUS_METERS} to ${MAX_RADIUS_METERS}`;

/** The add and edit form of a location. */
const locationForm = z.object({
  name: nameField("the location's name"),
  address: z.string().trim().max(300, "Use at most 300 characters").default(""),
  latitude: decimal("Enter a latitude between -90 and 90, like 40.7128", -90, 90),
  longitude: decimal("Enter a longitude between -180 and 180, like -74.006", -180, 180),
  radiusMeters: z.string({ error: radiusMessage }).trim().regex(/^\d{1,6}$/, radiusMessage)
    .transform(Number).pipe(
      z.number().int().min(MIN_RADIUS_METERS, radiusMessage).max(MAX_RADIUS_METERS, radiusMessage),
    ),
  timeZone: z.string().optional().transform((s) => (s ? s : null))
    .refine((tz) => tz === null || isTimeZone(tz), "Choose a time zone from the list"),
});

const idForm = z.object({ locationId: z.string().max(64) });

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
  const { scope } = c.get("org");
  const cursor = decodeCursorParam(c.req.query("cursor"));
  const { settings } = c.get("org").settings;
  const [page, active] = await Promise.all([
    listLocations(scope, { limit: 100, cursor }),
    allLocations(scope, { activeOnly: true }),
  ]);
  const path = new URL(c.req.url).pathname;
  const base = chrome(c, "locations");
  return renderPage(
    c,
    <LocationsPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      locations={page.data}
      moreHref={page.nextCursor ? `${path}?cursor=${encodeURIComponent(page.nextCursor)}` : null}
      requireLocation={settings.requireLocation}
      activeCount={active.length}
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
    const { scope, org } = c.get("org");
    const now = c.get("deps").now();
    const self = c.get("user")!.id;
    const intent = (["add", "edit", "active", "delete"] as const)
      .find((i) => i === values.intent);
    const done = (code: keyof typeof FLASH) => c.redirect(`/o/${org.id}/locations?ok=${code}`, 303);
    const limit = { activeLimit: limitFor(c, "locations") };
    try {
      if (intent === "add") {
        await createLocation(
          scope,
          self,
          validate(locationForm, splitPastedPair(values)),
          now,
          limit,
        );
        return done("location_added");
      }
      if (intent === undefined) throw fieldError("intent", "Choose what to do");
      const { locationId } = validate(idForm, values);
      if (intent === "edit") {
        const input = validate(locationForm, splitPastedPair(values));
        await updateLocation(
          scope,
          self,
          locationId,
          { ...input, active: "active" in values },
          now,
          limit,
        );
        return done("location_updated");
      }
      if (intent === "active") {
        await updateLocation(
          scope,
          self,
          locationId,
          { active: values.active === "true" },
          now,
          limit,
        );
        return done("location_updated");
      }
      await deleteLocation(scope, self, locationId, now);
      return done("location_deleted");
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") throw err;
      const f = formFailure(err, values);
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
