import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import {
  classifyDays,
  grossPayCents,
  type OvertimeRules,
  rulesFor,
  totalsOf,
  workedPerDay,
  type WorkInterval,
  workweekCalendar,
} from "./engine.ts";

const H = 3600;
const date = (s: string) => Temporal.PlainDate.from(s);

/** Classify one workweek given hours per day (Mon first unless `start` says otherwise). */
function week(hours: number[], rules: OvertimeRules, first = "2026-11-02", start = 1) {
  const cal = workweekCalendar(date(first), date(first).add({ days: 6 }), "UTC", start);
  return classifyDays(cal, hours.map((h) => Math.round(h * H)), rules);
}

function hoursOf(days: ReturnType<typeof week>) {
  const t = totalsOf(days);
  return [t.regularSeconds / H, t.overtimeSeconds / H, t.doubleTimeSeconds / H];
}

const flsa = rulesFor({ preset: "flsa" });
const ca = rulesFor({ preset: "california" });

Deno.test("FLSA: five 9-hour days → 40 h regular, 5 h overtime on Friday", () => {
  const days = week([9, 9, 9, 9, 9, 0, 0], flsa);
  deepEqual(hoursOf(days), [40, 5, 0]);
  equal(days[3].overtimeSeconds, 0);
  equal(days[4].overtimeSeconds, 5 * H);
  deepEqual(days[4].reasons, [{ rule: "weekly_overtime", seconds: 5 * H, multiplier: 150 }]);
});

Deno.test("FLSA: long days alone are not overtime (no daily rule)", () => {
  deepEqual(hoursOf(week([12, 12, 12, 0, 0, 0, 0], flsa)), [36, 0, 0]);
});

Deno.test("FLSA: six 8-hour days → Saturday is overtime", () => {
  const days = week([8, 8, 8, 8, 8, 8, 0], flsa);
  deepEqual(hoursOf(days), [40, 8, 0]);
  equal(days[5].overtimeSeconds, 8 * H);
});

Deno.test("FLSA: the workweek start decides which hours are past 40", () => {
  // Same hours, week starting Sunday 2026-11-01: Sun 10, Mon–Thu 10 → 50 h, Thursday has 10 OT.
  const days = week([10, 10, 10, 10, 10, 0, 0], flsa, "2026-11-01", 7);
  equal(days[0].date, "2026-11-01");
  deepEqual(hoursOf(days), [40, 10, 0]);
  equal(days[4].overtimeSeconds, 10 * H);
});

Deno.test("none: everything is regular", () => {
  deepEqual(hoursOf(week([14, 14, 14, 14, 14, 14, 14], rulesFor({ preset: "none" }))), [98, 0, 0]);
});

Deno.test("California: 10-hour day → 8 regular + 2 overtime", () => {
  deepEqual(hoursOf(week([10, 0, 0, 0, 0, 0, 0], ca)), [8, 2, 0]);
});

Deno.test("California: 14-hour day → 8 regular + 4 overtime + 2 double time", () => {
  const days = week([14, 0, 0, 0, 0, 0, 0], ca);
  deepEqual(hoursOf(days), [8, 4, 2]);
  deepEqual(days[0].reasons, [
    { rule: "daily_double_time", seconds: 2 * H, multiplier: 200 },
    { rule: "daily_overtime", seconds: 4 * H, multiplier: 150 },
  ]);
});

Deno.test("California: five 9-hour days → daily overtime only, no weekly on top", () => {
  deepEqual(hoursOf(week([9, 9, 9, 9, 9, 0, 0], ca)), [40, 5, 0]);
});

Deno.test("California: daily first, then weekly counts only regular hours (DLSE example)", () => {
  // Mon–Fri 10 h (8 reg + 2 OT each → 40 reg), Saturday 5 h → all weekly overtime.
  const days = week([10, 10, 10, 10, 10, 5, 0], ca);
  deepEqual(hoursOf(days), [40, 15, 0]);
  deepEqual(days[5].reasons, [{ rule: "weekly_overtime", seconds: 5 * H, multiplier: 150 }]);
});

Deno.test("California: seventh consecutive day — first 8 h overtime, beyond 8 h double time", () => {
  const days = week([8, 8, 8, 8, 8, 4, 10], ca);
  // Mon–Sat: 44 h regular by day → 4 h weekly overtime on Saturday. Sunday: 8 OT + 2 DT.
  deepEqual(hoursOf(days), [40, 12, 2]);
  deepEqual(days[6].reasons, [
    { rule: "seventh_day_overtime", seconds: 8 * H, multiplier: 150 },
    { rule: "seventh_day_double_time", seconds: 2 * H, multiplier: 200 },
  ]);
});

Deno.test("California: a day off breaks the seventh-day rule", () => {
  const days = week([8, 8, 0, 8, 8, 8, 6], ca);
  equal(days[6].reasons.some((r) => r.rule.startsWith("seventh")), false);
  deepEqual(hoursOf(days), [40, 6, 0]);
});

Deno.test("custom: daily 10 h at 1.25×, weekly 36 h, double after 14 h at 1.75×", () => {
  const rules = rulesFor({
    preset: "custom",
    dailyOvertimeAfterSeconds: 10 * H,
    dailyDoubleTimeAfterSeconds: 14 * H,
    weeklyOvertimeAfterSeconds: 36 * H,
    seventhDay: false,
    overtimeMultiplier: 1.25,
    doubleTimeMultiplier: 1.75,
  });
  const days = week([15, 10, 10, 5, 0, 0, 0], rules);
  // Mon: 10 reg + 4 OT + 1 DT; Tue, Wed 10 reg (cum 30); Thu 5 → 6 room: 5 reg. Total reg 35.
  deepEqual(hoursOf(days), [35, 4, 1]);
  equal(days[0].reasons.find((r) => r.rule === "daily_overtime")?.multiplier, 125);
  equal(
    grossPayCents(1000, totalsOf(days), rules),
    35 * 1000 + 4 * 1250 + 1 * 1750,
  );
});

Deno.test("overnight shift is split at local midnight", () => {
  // 20:00 Monday → 08:00 Tuesday in Los Angeles: 4 h Monday, 8 h Tuesday.
  const tz = "America/Los_Angeles";
  const cal = workweekCalendar(date("2026-11-02"), date("2026-11-08"), tz, 1);
  const start = Temporal.ZonedDateTime.from(`2026-11-02T20:00[${tz}]`).epochMilliseconds;
  const per = workedPerDay(cal, [{ start, end: start + 12 * H * 1000 }]);
  deepEqual(per.slice(0, 2), [4 * H, 8 * H]);
  deepEqual(hoursOf(classifyDays(cal, per, ca)), [12, 0, 0]);
});

Deno.test("DST spring forward: a night shift counts the 9 hours that really elapsed", () => {
  // New York, 2026-03-08 02:00 → 03:00. 22:00 Sat → 08:00 Sun local is 9 real hours.
  const tz = "America/New_York";
  const start = Temporal.ZonedDateTime.from(`2026-03-07T22:00[${tz}]`).epochMilliseconds;
  const end = Temporal.ZonedDateTime.from(`2026-03-08T08:00[${tz}]`).epochMilliseconds;
  equal((end - start) / 1000, 9 * H);
  const cal = workweekCalendar(date("2026-03-07"), date("2026-03-08"), tz, 1);
  const per = workedPerDay(cal, [{ start, end }]);
  const sat = cal.dates.findIndex((d) => d.toString() === "2026-03-07");
  deepEqual([per[sat], per[sat + 1]], [2 * H, 7 * H]);
  equal(cal.starts[sat + 2] - cal.starts[sat + 1], 23 * H * 1000);
});

Deno.test("DST fall back: 00:00–10:00 local on the 25-hour day is 11 h → 3 h daily overtime", () => {
  const tz = "America/Los_Angeles";
  const start = Temporal.ZonedDateTime.from(`2026-11-01T00:00[${tz}]`).epochMilliseconds;
  const end = Temporal.ZonedDateTime.from(`2026-11-01T10:00[${tz}]`).epochMilliseconds;
  const cal = workweekCalendar(date("2026-11-01"), date("2026-11-01"), tz, 1);
  const per = workedPerDay(cal, [{ start, end }]);
  const sun = cal.dates.findIndex((d) => d.toString() === "2026-11-01");
  equal(per[sun], 11 * H);
  const days = classifyDays(cal, per, ca);
  deepEqual([days[sun].regularSeconds, days[sun].overtimeSeconds], [8 * H, 3 * H]);
});

Deno.test("gross pay is exact in cents and rounds half up once", () => {
  equal(
    grossPayCents(
      2000,
      { regularSeconds: 40 * H, overtimeSeconds: 5 * H, doubleTimeSeconds: 0 },
      flsa,
    ),
    95000,
  );
  equal(
    grossPayCents(1, { regularSeconds: 1800, overtimeSeconds: 0, doubleTimeSeconds: 0 }, flsa),
    1,
  );
  equal(
    grossPayCents(1, { regularSeconds: 1799, overtimeSeconds: 0, doubleTimeSeconds: 0 }, flsa),
    0,
  );
  // 1 s of double time at $100,000/h would overflow floats' exactness in bulk; BigInt keeps it.
  equal(
    grossPayCents(10_000_000, {
      regularSeconds: 31_536_000,
      overtimeSeconds: 0,
      doubleTimeSeconds: 1,
    }, ca),
    10_000_000 * 8760 + 5556,
  );
});

// ---- properties -------------------------------------------------------------------------

const TZS = [
  "UTC",
  "America/New_York",
  "America/Los_Angeles",
  "Europe/Berlin",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
];
const BASE = Date.UTC(2026, 2, 1);
const DAYS = 35;

const arbRules = fc.oneof(
  fc.constant(flsa),
  fc.constant(ca),
  fc.constant(rulesFor({ preset: "none" })),
  fc.record({
    dailyOvertimeAfter: fc.option(fc.integer({ min: 0, max: 16 * H }), { nil: null }),
    dailyDoubleTimeAfter: fc.option(fc.integer({ min: 0, max: 20 * H }), { nil: null }),
    weeklyOvertimeAfter: fc.option(fc.integer({ min: 0, max: 60 * H }), { nil: null }),
    seventhDay: fc.boolean(),
    overtimeMultiplier: fc.integer({ min: 100, max: 300 }),
    doubleTimeMultiplier: fc.integer({ min: 100, max: 400 }),
  }),
);

/** Non-overlapping whole-second intervals inside the first DAYS days after BASE. */
const arbIntervals = fc.array(
  fc.record({ gap: fc.integer({ min: 0, max: 30 * H }), len: fc.integer({ min: 1, max: 16 * H }) }),
  { maxLength: 30 },
).map((parts) => {
  const out: WorkInterval[] = [];
  let t = BASE;
  for (const p of parts) {
    const start = t + p.gap * 1000;
    out.push({ start, end: start + p.len * 1000 });
    t = start + p.len * 1000;
  }
  return out;
});

function classify(intervals: WorkInterval[], tz: string, rules: OvertimeRules, weekStart: number) {
  const from = Temporal.Instant.fromEpochMilliseconds(BASE).toZonedDateTimeISO(tz).toPlainDate();
  const cal = workweekCalendar(
    from.subtract({ days: 1 }),
    from.add({ days: DAYS + 30 }),
    tz,
    weekStart,
  );
  return classifyDays(cal, workedPerDay(cal, intervals), rules);
}

Deno.test("property: regular + overtime + double time = worked, every day, nothing negative", () => {
  fc.assert(
    fc.property(
      arbIntervals,
      fc.constantFrom(...TZS),
      arbRules,
      fc.integer({ min: 1, max: 7 }),
      (ivs, tz, rules, ws) => {
        const days = classify(ivs, tz, rules, ws);
        for (const d of days) {
          equal(d.regularSeconds + d.overtimeSeconds + d.doubleTimeSeconds, d.workedSeconds);
          equal(d.regularSeconds >= 0 && d.overtimeSeconds >= 0 && d.doubleTimeSeconds >= 0, true);
          equal(
            d.reasons.reduce((s, r) => s + r.seconds, 0),
            d.overtimeSeconds + d.doubleTimeSeconds,
          );
        }
        const worked = ivs.reduce((s, iv) => s + (iv.end - iv.start) / 1000, 0);
        equal(totalsOf(days).workedSeconds, worked);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("property: splitting an interval changes nothing", () => {
  fc.assert(
    fc.property(
      arbIntervals.filter((a) => a.length > 0),
      fc.nat(),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(...TZS),
      arbRules,
      (ivs, which, at, tz, rules) => {
        const i = which % ivs.length;
        const iv = ivs[i];
        const cut = iv.start + Math.floor(((iv.end - iv.start) / 1000) * at) * 1000;
        const split = [...ivs.slice(0, i), { start: iv.start, end: cut }, {
          start: cut,
          end: iv.end,
        }, ...ivs.slice(i + 1)];
        deepEqual(classify(split, tz, rules, 1), classify(ivs, tz, rules, 1));
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("property: the order of intervals changes nothing", () => {
  fc.assert(
    fc.property(
      arbIntervals,
      fc.constantFrom(...TZS),
      arbRules,
      fc.integer(),
      (ivs, tz, rules, seed) => {
        const shuffled = [...ivs].sort((a, b) =>
          ((a.start * 31 + seed) % 97) - ((b.start * 31 + seed) % 97)
        );
        deepEqual(classify(shuffled, tz, rules, 3), classify(ivs, tz, rules, 3));
      },
    ),
    { numRuns: 200 },
  );
});
