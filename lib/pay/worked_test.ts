import { deepEqual } from "node:assert/strict";
import { paidSecondsByDay } from "./worked.ts";
import { DayCalendar } from "../time/calendar.ts";
import { defaultSettings } from "../settings/schema.ts";
import type { TimeEntry } from "../entries/model.ts";

const tz = "America/Chicago";
const local = (s: string) => Temporal.ZonedDateTime.from(`${s}[${tz}]`).epochMilliseconds;

function entry(start: string, end: string, breaks: TimeEntry["breaks"] = []): TimeEntry {
  return {
    id: "01JD000000000000000000000",
    userId: "u",
    start: local(start),
    end: local(end),
    breaks,
    note: null,
    locationId: null,
    clockInGeo: null,
    clockOutGeo: null,
    source: "manual",
    createdAt: 0,
    updatedAt: 0,
  };
}

Deno.test("paid seconds per local day: rounding, unpaid and paid breaks, midnight split", () => {
  const settings = {
    ...defaultSettings(tz),
    rounding: { mode: "nearest" as const, incrementMinutes: 15 as const },
  };
  const cal = new DayCalendar(Temporal.PlainDate.from("2026-11-02"), 3, tz);
  const perDay = paidSecondsByDay(
    [
      // 07:53 → 08:00, 16:08 → 16:15, 30 min unpaid meal, 15 min paid rest: 7 h 45 min paid.
      entry("2026-11-02T07:53", "2026-11-02T16:08", [
        { start: local("2026-11-02T12:00"), end: local("2026-11-02T12:30"), typeId: "meal" },
        { start: local("2026-11-02T14:00"), end: local("2026-11-02T14:15"), typeId: "rest" },
      ]),
      // 22:00 → 06:00 overnight: 2 h on the 3rd, 6 h on the 4th.
      entry("2026-11-03T22:00", "2026-11-04T06:00"),
    ],
    settings,
    cal,
    local("2026-11-05T00:00"),
  );
  deepEqual(perDay, [7.75 * 3600, 2 * 3600, 6 * 3600]);
});
