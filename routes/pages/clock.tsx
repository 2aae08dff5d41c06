/**
 * `/o/:orgId/clock` (the time clock, with a no-JavaScript form fallback) and `/o/:orgId/week`
 * (the member's own week). Both call the clock and entry use cases
 * (`lib/clock/use_cases.ts`, `lib/entries/use_cases.ts`) like the API does.
 *
 * The form posts `action` (which punch) and, for clock-in, the picked `locationId` and — when a
 * script filled them in — `latitude`, `longitude` and `accuracy`; these are adapted to the same
 * schemas the API validates with. A plain form cannot read the device's position, so when the
 * organization requires a location the form's clock-in is refused with `location_required` and
 * says so. Without the plan's `geofencing`, `requireLocation` is not applied and the island
 * never reads the position (`useFeature("geofencing")`); job locations can still be picked.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import { DomainError } from "../../lib/errors.ts";
import {
  breakEndBody,
  breakStartBody,
  clockInBody,
  clockOutBody,
} from "../../lib/clock/schemas.ts";
import {
  breakEndUseCase,
  breakStartUseCase,
  clockInUseCase,
  clockOutUseCase,
  clockPanelUseCase,
} from "../../lib/clock/use_cases.ts";
import { weekUseCase } from "../../lib/entries/use_cases.ts";
import { ownResumePointUseCase } from "../../lib/presence/use_cases.ts";
import type { FlashCode } from "../../components/flash.ts";
import { ClockPage } from "../../components/views/clock.tsx";
import { MyWeekPage } from "../../components/views/my_week.tsx";
import { CLOCK_ACTIONS, type ClockAction } from "../../islands/Clock.tsx";
import { type FormFailure, formFailure, readForm } from "./forms.ts";
import { numberField, textField, validateForm } from "./form_adapter.ts";
import { chrome, renderPage } from "./render.tsx";
import { weekData } from "./week_data.ts";
import { dateParam } from "./dates.ts";

/** Which punch the form asks for (the button pressed). */
const clockAction = z.object({
  action: z.enum(Object.keys(CLOCK_ACTIONS) as [ClockAction, ...ClockAction[]], {
    error: "Choose what to do",
  }),
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

/** The position fields of the form, adapted for the clock schemas. */
function position(values: Record<string, string>) {
  return {
    latitude: numberField(values.latitude),
    longitude: numberField(values.longitude),
    accuracy: numberField(values.accuracy),
  };
}

/** Make the punch the form asks for, through the same use cases as the API. */
async function punch(c: AppContext, action: ClockAction, values: Record<string, string>) {
  const ctx = requestContext(c);
  switch (action) {
    case "in": {
      const input = validateForm(clockInBody, {
        locationId: textField(values.locationId) ?? null,
        ...position(values),
      });
      await clockInUseCase(ctx, input).catch(explainForForm);
      return;
    }
    case "break_start":
      await breakStartUseCase(
        ctx,
        validateForm(breakStartBody, { typeId: textField(values.typeId) }),
      );
      return;
    case "break_end":
      await breakEndUseCase(ctx, validateForm(breakEndBody, {}));
      return;
    case "out":
      await clockOutUseCase(ctx, validateForm(clockOutBody, position(values)));
      return;
  }
}

async function clockPage(c: AppContext, failure?: FormFailure) {
  const ctx = requestContext(c);
  const { org } = ctx;
  const liveAfter = await ownResumePointUseCase(ctx);
  const panel = await clockPanelUseCase(ctx);
  const { state, entry } = panel;
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
          id: entry.id,
          start: entry.start,
          end: entry.end,
          breaks: entry.breaks,
          locationId: entry.locationId,
        },
        serverNow: ctx.now,
        today: panel.today,
        requireLocation: panel.requireLocation,
        locations: panel.locations.map(({ id, name, latitude, longitude, radiusMeters }) => ({
          id,
          name,
          latitude,
          longitude,
          radiusMeters,
        })),
        pickedLocationId: failure?.values.locationId ?? "",
        breakTypes: ctx.settings.settings.breaks.types.map(({ id, name, paid }) => ({
          id,
          name,
          paid,
        })),
        enabledFeatures: ctx.entitlements.features,
        liveAfter,
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
      const { action } = validate(clockAction, values);
      await punch(c, action, values);
      return c.redirect(`/o/${c.get("org").org.id}/clock?ok=${FLASH[action]}`, 303);
    } catch (err) {
      return clockPage(c, formFailure(err, values));
    }
  })
  .get("/week", async (c) => {
    const ctx = requestContext(c);
    const date = dateParam(c, ctx.org.timeZone).toString();
    const week = await weekUseCase(ctx, { date });
    return renderPage(
      c,
      <MyWeekPage
        {...chrome(c, "week")}
        week={weekData(week, ctx.settings.settings)}
        timeZone={ctx.org.timeZone}
      />,
    );
  });
