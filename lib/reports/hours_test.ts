/**
 * Specification of one member's figures (pure): paid intervals, whole workweeks around the
 * range, the range's days kept, PTO apart, gross pay exact.
 */

import assert from "node:assert/strict";
import { assertReportRange, hoursContext, memberHours } from "./hours.ts";
import { defaultSettings, type Settings } from "../settings/schema.ts";
import type { TimeEntry } from "../entries/model.ts";
import { DomainError } from "../errors.ts";

const TZ = "America/Chicago";
const H = 3600;
const d = (s: string) => Temporal.PlainDate.from(s);

function at(date: string, time: string): number {
  return Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(TZ).epochMilliseconds;
}

function entry(date: string, from: string, to: string, breaks: TimeEntry["breaks"] = []) {
  return {
    id: `${date}${from}`,
    userId: "u",
    start: at(date, from),
    end: at(date, to),
    breaks,
    note: null,
    locationId: null,
    clockInGeo: null,
    clockOutGeo: null,
    source: "manual",
    createdAt: 0,
    updatedAt: 0,
  } satisfies TimeEntry;
}

const settings = (patch: Partial<Settings> = {}): Settings => ({
  ...defaultSettings(TZ),
  ...patch,
});
const who = { userId: "u", hourlyRateCents: 2000, active: true };
const week = ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"];

Deno.test("a range inside a workweek keeps weekly overtime from the days before it", () => {
  const ctx = hoursContext(settings(), d("2026-11-13"), d("2026-11-13"));
  assert.equal(ctx.calendar.count, 7);
  assert.equal(ctx.calendar.dates[0].toString(), "2026-11-09");
  const m = memberHours(ctx, who, week.map((w) => entry(w, "08:00", "17:00")), undefined, 0, true);
  assert.equal(m.workedSeconds, 9 * H);
  assert.equal(m.regularSeconds, 4 * H);
  assert.equal(m.overtimeSeconds, 5 * H);
  assert.equal(m.grossPayCents, 4 * 2000 + 5 * 3000);
  assert.equal(m.days.length, 1);
  assert.deepEqual(m.days[0].reasons, [{
    rule: "weekly_overtime",
    seconds: 5 * H,
    multiplier: 150,
  }]);
});

Deno.test("PTO is added per day and never classified", () => {
  const ctx = hoursContext(settings(), d("2026-11-09"), d("2026-11-15"));
  const pto = new Map([["2026-11-14", 8 * H]]);
  const entries = week.slice(0, 4).map((w) => entry(w, "07:00", "17:00"));
  const m = memberHours(ctx, who, entries, pto, 0, true);
  assert.equal(m.workedSeconds, 40 * H);
  assert.equal(m.overtimeSeconds, 0);
  assert.equal(m.ptoSeconds, 8 * H);
  assert.equal(m.days.find((x) => x.date === "2026-11-14")!.ptoSeconds, 8 * H);
});

Deno.test("without an hourly rate gross pay is 0", () => {
  const ctx = hoursContext(settings(), d("2026-11-09"), d("2026-11-15"));
  const m = memberHours(
    ctx,
    { ...who, hourlyRateCents: null },
    [entry(week[0], "08:00", "17:00")],
    undefined,
    0,
    false,
  );
  assert.equal(m.workedSeconds, 9 * H);
  assert.equal(m.grossPayCents, 0);
  assert.deepEqual(m.days, []);
});

Deno.test("report ranges: from ≤ to and at most 366 days", () => {
  assertReportRange(d("2026-01-01"), d("2026-01-01"));
  assertReportRange(d("2025-01-01"), d("2026-01-01"));
  assert.throws(() => assertReportRange(d("2026-01-02"), d("2026-01-01")), DomainError);
  assert.throws(() => assertReportRange(d("2025-01-01"), d("2026-01-02")), DomainError);
});

Deno.test("report ranges stay near the shared date window (a pay period may cross its ends)", () => {
  const d = (s: string) => Temporal.PlainDate.from(s);
  assertReportRange(d("1999-12-27"), d("2000-01-09"));
  assertReportRange(d("2099-12-28"), d("2100-01-10"));
  for (const [from, to] of [["0001-01-01", "0001-01-02"], ["9999-01-01", "9999-01-02"]]) {
    assert.throws(
      () => assertReportRange(d(from), d(to)),
      (e: unknown) => e instanceof DomainError && e.code === "invalid_range",
    );
  }
});
