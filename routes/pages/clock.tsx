/**
 * `/o/:orgId/clock` (the time clock, with a no-JavaScript form fallback) and `/o/:orgId/week`
 * (the member's own week).
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
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

const clockForm = z.object({
  action: z.enum(Object.keys(CLOCK_ACTIONS) as [ClockAction, ...ClockAction[]], {
    error: "Choose what to do",
  }),
});

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
  const today = await todayTotals(scope, membership.userId, org.timeZone, now, entry?.id ?? null);
  return renderPage(
    c,
    <ClockPage
      {...chrome(c, "clock")}
      error={failure?.error}
      clock={{
        orgId: org.id,
        timeZone: org.timeZone,
        state,
        entry: entry && { start: entry.start, end: entry.end, breaks: entry.breaks },
        serverNow: now,
        today,
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
      const { action } = validate(clockForm, values);
      const { scope, org } = c.get("org");
      const now = c.get("deps").now();
      const p = puncher(c);
      if (action === "in") await clockIn(scope, p, {}, now);
      else if (action === "break_start") await startBreak(scope, p, now);
      else if (action === "break_end") await endBreak(scope, p, now);
      else await clockOut(scope, p, null, now);
      return c.redirect(`/o/${org.id}/clock?ok=${FLASH[action]}`, 303);
    } catch (err) {
      return clockPage(c, formFailure(err, values));
    }
  })
  .get("/week", async (c) => {
    const { scope, org, membership } = c.get("org");
    const date = dateParam(c, org.timeZone);
    const week = await loadWeek(scope, membership.userId, date, org.timeZone, c.get("deps").now());
    return renderPage(c, <MyWeekPage {...chrome(c, "week")} week={week} timeZone={org.timeZone} />);
  });
