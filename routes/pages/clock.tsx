/**
 * `/o/:orgId/clock` (the time clock, with a no-JavaScript form fallback) and `/o/:orgId/week`
 * (the member's own week).
 *
 * The form's clock-in applies the same location rule as the API (`lib/locations/clock_in.ts`):
 * it posts the picked `locationId` and, when a script filled them in, `latitude`, `longitude`
 * and `accuracy`. A plain form cannot read the device's position, so when the organization
 * requires a location the form's clock-in is refused with `location_required` and says so.
 * Without the plan's `geofencing`, `requireLocation` is not applied and the island never reads
 * the position (`useFeature("geofencing")`); job locations can still be picked.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { DomainError } from "../../lib/errors.ts";
import { allLocations } from "../../lib/locations/repository.ts";
import { resolveClockInLocation } from "../../lib/locations/clock_in.ts";
import { effectiveSettings } from "../../lib/billing/gates.ts";
import { entitlements } from "../middleware/plan.ts";
import {
  clockIn,
  clockOut,
  clockStatus,
  endBreak,
  type Puncher,
  startBreak,
} from "../../lib/clock/clock.ts";
import type { FlashCode } from "../../components/flash.ts";
import { ClockPage } from "../../components/views/clock.tsx";
import { MyWeekPage } from "../../components/views/my_week.tsx";
import { CLOCK_ACTIONS, type ClockAction } from "../../islands/Clock.tsx";
import { type FormFailure, formFailure, readForm } from "./forms.ts";
import { chrome, renderPage } from "./render.tsx";
import { loadWeek, todayTotals } from "./week_data.ts";
import { dateParam } from "./dates.ts";

/** An optional number field of a form (empty means absent). */
const optionalNumber = (min: number, max: number) =>
  z.string().optional().transform((s) => (s ? Number(s) : undefined))
    .pipe(z.number({ error: "Enter a number" }).min(min).max(max).optional());

const clockForm = z.object({
  action: z.enum(Object.keys(CLOCK_ACTIONS) as [ClockAction, ...ClockAction[]], {
    error: "Choose what to do",
  }),
  locationId: z.string().max(64).optional().transform((s) => (s ? s : null)),
  latitude: optionalNumber(-90, 90),
  longitude: optionalNumber(-180, 180),
  accuracy: optionalNumber(0, 100_000),
}).refine((f) => (f.latitude === undefined) === (f.longitude === undefined), {
  message: "Send latitude and longitude together",
  path: ["latitude"],
});

/** The form's wording of `location_required`: a plain form cannot read the position. */
function explainForForm(err: unknown): never {
  if (err instanceof DomainError && err.code === "location_required") {
    throw new DomainError(
      err.kind,
      err.code,
      "Clocking in here needs your position, and this form cannot read it. Turn on " +
        "JavaScript, allow this site to use your location, and press Clock in again.",
      err.details,
    );
  }
  throw err;
}

const FLASH: Record<ClockAction, FlashCode> = {
  in: "clocked_in",
  break_start: "break_started",
  break_end: "break_ended",
  out: "clocked_out",
};

function puncher(c: AppContext): Puncher {
  const { membership, membershipVersionstamp } = c.get("org");
  return { userId: membership.userId, membershipVersionstamp };
}

async function clockPage(c: AppContext, failure?: FormFailure) {
  const { scope, org, membership } = c.get("org");
  const now = c.get("deps").now();
  const { state, entry } = await clockStatus(scope, membership.userId);
  const { settings: stored } = c.get("org").settings;
  const today = await todayTotals(scope, membership.userId, stored, now, entry?.id ?? null);
  const [locations, ent] = await Promise.all([
    allLocations(scope, { activeOnly: true }),
    entitlements(c),
  ]);
  const settings = effectiveSettings(stored, ent);
  return renderPage(
    c,
    <ClockPage
      {...chrome(c, "clock")}
      error={failure?.error}
      clock={{
        orgId: org.id,
        timeZone: org.timeZone,
        state,
        entry: entry && {
          start: entry.start,
          end: entry.end,
          breaks: entry.breaks,
          locationId: entry.locationId,
        },
        serverNow: now,
        today,
        requireLocation: settings.requireLocation,
        locations: locations.map(({ id, name, latitude, longitude, radiusMeters }) => ({
          id,
          name,
          latitude,
          longitude,
          radiusMeters,
        })),
        pickedLocationId: failure?.values.locationId ?? "",
        enabledFeatures: ent.features,
      }}
    />,
    failure?.status,
  );
}

/** Routes under `/o/:orgId` (after the org guards): clock and own week. */
export const clockPages = new Hono<AppEnv>()
  .get("/clock", (c) => clockPage(c))
  .post("/clock", async (c) => {
    const values = await readForm(c);
    try {
      const form = validate(clockForm, values);
      const { action } = form;
      const { scope, org } = c.get("org");
      const p = puncher(c);
      if (action === "in") {
        const settings = effectiveSettings(c.get("org").settings.settings, entitlements(c));
        const place = await resolveClockInLocation(scope, settings, form).catch(explainForForm);
        await clockIn(scope, p, place, c.get("deps").now());
      } else if (action === "break_start") await startBreak(scope, p, c.get("deps").now());
      else if (action === "break_end") await endBreak(scope, p, c.get("deps").now());
      else {
        const geo = form.latitude === undefined || form.longitude === undefined ? null : {
          latitude: form.latitude,
          longitude: form.longitude,
          accuracy: form.accuracy ?? null,
        };
        await clockOut(scope, p, geo, c.get("deps").now());
      }
      return c.redirect(`/o/${org.id}/clock?ok=${FLASH[action]}`, 303);
    } catch (err) {
      return clockPage(c, formFailure(err, values));
    }
  })
  .get("/week", async (c) => {
    const { scope, org, membership } = c.get("org");
    const date = dateParam(c, org.timeZone);
    const week = await loadWeek(
      scope,
      membership.userId,
      date,
      c.get("org").settings.settings,
      c.get("deps").now(),
    );
    return renderPage(c, <MyWeekPage {...chrome(c, "week")} week={week} timeZone={org.timeZone} />);
  });
