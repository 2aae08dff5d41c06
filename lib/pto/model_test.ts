import assert from "node:assert/strict";
import { countedDays, datesOverlap, planRequest } from "./model.ts";
import { requestInput } from "./schemas.ts";
import { defaultSettings } from "../settings/schema.ts";
import { DomainError } from "../errors.ts";

const d = (s: string) => Temporal.PlainDate.from(s);
const settings = defaultSettings("America/New_York");

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return "none";
}

Deno.test("countedDays skips Saturdays and Sundays unless asked", () => {
  assert.deepEqual(countedDays(d("2026-11-06"), d("2026-11-09"), false), [
    "2026-11-06",
    "2026-11-09",
  ]);
  assert.deepEqual(countedDays(d("2026-11-07"), d("2026-11-08"), false), []);
  assert.deepEqual(countedDays(d("2026-11-07"), d("2026-11-08"), true), [
    "2026-11-07",
    "2026-11-08",
  ]);
  // Across the end of DST (1 November 2026 in New York) a date is a date.
  assert.equal(countedDays(d("2026-10-26"), d("2026-11-06"), false).length, 10);
});

Deno.test("planRequest counts full days at the type's hours and partial days as given", () => {
  const full = planRequest(settings, {
    typeId: "vacation",
    startDate: "2026-11-06",
    endDate: "2026-11-10",
  });
  assert.deepEqual([full.days.length, full.daySeconds, full.totalSeconds], [3, 28800, 86400]);
  const part = planRequest(settings, {
    typeId: "sick",
    startDate: "2026-11-06",
    endDate: "2026-11-06",
    secondsPerDay: 5400,
  });
  assert.deepEqual([part.days, part.totalSeconds], [["2026-11-06"], 5400]);
});

Deno.test("requestInput refuses reversed or long ranges and dates outside the window", () => {
  const base = { typeId: "vacation", startDate: "2026-11-06", endDate: "2026-11-06" };
  const issues = (input: unknown) =>
    requestInput.safeParse(input).error?.issues.map((i) => [i.path.join("."), i.message]) ?? [];
  assert.deepEqual(issues(base), []);
  assert.deepEqual(issues({ ...base, startDate: "2026-11-07" }), [
    ["endDate", "the last day must not be before the first"],
  ]);
  assert.deepEqual(issues({ ...base, endDate: "2027-11-07" }), [
    ["endDate", "a request spans at most 366 days"],
  ]);
  assert.deepEqual(issues({ ...base, endDate: "2027-11-06" }), []);
  assert.equal(issues({ ...base, startDate: "1999-12-31" })[0]?.[0], "startDate");
  assert.equal(issues({ ...base, endDate: "2100-01-01" })[0]?.[0], "endDate");
});

Deno.test("planRequest refuses unknown types, long partial days, empty ranges", () => {
  const base = { typeId: "vacation", startDate: "2026-11-06", endDate: "2026-11-06" };
  assert.equal(
    codeOf(() => planRequest(settings, { ...base, typeId: "nope" })),
    "unknown_pto_type",
  );
  assert.equal(codeOf(() => planRequest(settings, { ...base, endDate: "2027-11-06" })), "none");
  assert.equal(
    codeOf(() => planRequest(settings, { ...base, secondsPerDay: 8 * 3600 + 1 })),
    "validation_failed",
  );
  assert.equal(
    codeOf(() =>
      planRequest(settings, { ...base, startDate: "2026-11-07", endDate: "2026-11-08" })
    ),
    "no_pto_days",
  );
});

Deno.test("datesOverlap compares inclusive date ranges", () => {
  const r = (startDate: string, endDate: string) => ({ startDate, endDate });
  assert.equal(datesOverlap(r("2026-11-02", "2026-11-04"), r("2026-11-04", "2026-11-05")), true);
  assert.equal(datesOverlap(r("2026-11-02", "2026-11-03"), r("2026-11-04", "2026-11-05")), false);
  assert.equal(datesOverlap(r("2026-11-01", "2026-11-30"), r("2026-11-10", "2026-11-10")), true);
});
