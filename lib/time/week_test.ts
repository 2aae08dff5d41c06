import assert from "node:assert/strict";
import {
  dayTotals,
  localDateOf,
  parseLocalDate,
  splitByDay,
  startOfLocalDay,
  weekBounds,
  weekStartOf,
  workedSecondsWithin,
} from "./week.ts";
import { workedSeconds } from "../entries/model.ts";

const H = 3_600_000;
const M = 60_000;
const date = (s: string) => Temporal.PlainDate.from(s);
const at = (s: string) => Temporal.Instant.from(s).epochMilliseconds;
const hours = (ms: number) => ms / H;

Deno.test("parseLocalDate accepts real YYYY-MM-DD dates only", () => {
  assert.equal(parseLocalDate("2026-11-02")?.toString(), "2026-11-02");
  assert.equal(parseLocalDate("2028-02-29")?.toString(), "2028-02-29");
  for (const bad of ["2026-02-30", "2026-13-01", "26-11-02", "2026-11-2", "", "2026-11-02T00:00"]) {
    assert.equal(parseLocalDate(bad), null, bad);
  }
});

Deno.test("localDateOf reads the date in the given zone", () => {
  const ms = Date.UTC(2026, 10, 2, 3, 0);
  assert.equal(localDateOf(ms, "America/New_York").toString(), "2026-11-01");
  assert.equal(localDateOf(ms, "Europe/Berlin").toString(), "2026-11-02");
  assert.equal(localDateOf(ms, "Pacific/Kiritimati").toString(), "2026-11-02");
});

Deno.test("weekStartOf goes back to Monday (or the chosen first day)", () => {
  assert.equal(weekStartOf(date("2026-11-02")).toString(), "2026-11-02");
  assert.equal(weekStartOf(date("2026-11-08")).toString(), "2026-11-02");
  assert.equal(weekStartOf(date("2026-11-09")).toString(), "2026-11-09");
  assert.equal(weekStartOf(date("2026-11-05"), 7).toString(), "2026-11-01");
  assert.equal(weekStartOf(date("2026-11-01"), 7).toString(), "2026-11-01");
});

Deno.test("weekBounds: an ordinary week is 7 × 24 h from local midnight", () => {
  const w = weekBounds(date("2026-01-15"), "Europe/Berlin");
  assert.deepEqual(w.days.map(String), [
    "2026-01-12",
    "2026-01-13",
    "2026-01-14",
    "2026-01-15",
    "2026-01-16",
    "2026-01-17",
    "2026-01-18",
  ]);
  assert.equal(w.start, at("2026-01-11T23:00:00Z"));
  assert.equal(w.end, at("2026-01-18T23:00:00Z"));
  assert.equal(w.dayStarts.length, 8);
  for (let i = 0; i < 7; i++) assert.equal(hours(w.dayStarts[i + 1] - w.dayStarts[i]), 24);
});

Deno.test("weekBounds: spring-forward Sunday lasts 23 h (US and EU)", () => {
  const us = weekBounds(date("2026-03-08"), "America/New_York");
  assert.equal(us.days[0].toString(), "2026-03-02");
  assert.equal(hours(us.dayStarts[7] - us.dayStarts[6]), 23);
  assert.equal(hours(us.end - us.start), 167);
  const eu = weekBounds(date("2026-03-25"), "Europe/Berlin");
  assert.equal(hours(eu.dayStarts[7] - eu.dayStarts[6]), 23);
  assert.equal(eu.end, at("2026-03-29T22:00:00Z"));
});

Deno.test("weekBounds: fall-back Sunday lasts 25 h", () => {
  const w = weekBounds(date("2026-10-28"), "America/New_York");
  assert.equal(w.days[6].toString(), "2026-11-01");
  assert.equal(hours(w.dayStarts[7] - w.dayStarts[6]), 25);
  assert.equal(hours(w.end - w.start), 169);
  assert.equal(w.start, at("2026-10-26T04:00:00Z"));
  assert.equal(w.end, at("2026-11-02T05:00:00Z"));
});

Deno.test("startOfLocalDay: a day whose midnight is skipped starts at 01:00", () => {
  // Brazil started DST at midnight on 2018-11-04: 00:00 jumped to 01:00.
  assert.equal(startOfLocalDay(date("2018-11-04"), "America/Sao_Paulo"), at("2018-11-04T03:00Z"));
  assert.equal(startOfLocalDay(date("2018-11-03"), "America/Sao_Paulo"), at("2018-11-03T03:00Z"));
});

Deno.test("workedSecondsWithin clips the entry and its breaks to the window", () => {
  const e = {
    start: 22 * H,
    end: 26 * H,
    breaks: [{ start: 23 * H + 30 * M, end: 24 * H + 30 * M }],
  };
  assert.equal(workedSecondsWithin(e, 0, 24 * H, 0), 2 * 3600 - 1800);
  assert.equal(workedSecondsWithin(e, 24 * H, 48 * H, 0), 2 * 3600 - 1800);
  assert.equal(workedSecondsWithin(e, 30 * H, 40 * H, 0), 0);
  assert.equal(workedSecondsWithin(e, 0, 48 * H, 0), workedSeconds(e, 0));
});

Deno.test("workedSecondsWithin counts a running entry and break up to now", () => {
  const running = { start: 10 * H, end: null, breaks: [{ start: 11 * H, end: null }] };
  assert.equal(workedSecondsWithin(running, 0, 48 * H, 11 * H + 10 * M), 3600);
  const working = { start: 10 * H, end: null, breaks: [{ start: 11 * H, end: 11 * H + M }] };
  assert.equal(workedSecondsWithin(working, 0, 48 * H, 12 * H), 3600 + 59 * 60);
  assert.equal(workedSecondsWithin(working, 0, 48 * H, 5 * H), 0, "now before start");
});

Deno.test("splitByDay: an entry across local midnight counts toward both days", () => {
  const w = weekBounds(date("2026-11-04"), "Europe/Berlin");
  const e = { start: at("2026-11-04T21:00:00Z"), end: at("2026-11-05T01:00:00Z"), breaks: [] };
  // 22:00–02:00 Berlin time: 2 h on Wednesday, 2 h on Thursday.
  assert.deepEqual(splitByDay(e, w.dayStarts, 0), [0, 0, 7200, 7200, 0, 0, 0]);
});

Deno.test("splitByDay parts add up to the worked time inside the week", () => {
  const w = weekBounds(date("2026-11-01"), "America/New_York");
  const entries = [
    { start: at("2026-10-31T23:00:00-04:00"), end: at("2026-11-01T03:00:00-05:00"), breaks: [] },
    {
      start: at("2026-10-28T08:00:00-04:00"),
      end: at("2026-10-28T17:00:00-04:00"),
      breaks: [{ start: at("2026-10-28T12:00:00-04:00"), end: at("2026-10-28T12:45:00-04:00") }],
    },
  ];
  for (const e of entries) {
    const parts = splitByDay(e, w.dayStarts, 0);
    assert.equal(parts.reduce((a, b) => a + b, 0), workedSeconds(e, 0));
  }
  // Saturday 23:00 EDT to Sunday 03:00 EST spans the repeated hour: 1 h + 4 h.
  assert.deepEqual(splitByDay(entries[0], w.dayStarts, 0), [0, 0, 0, 0, 0, 3600, 4 * 3600]);
});

Deno.test("dayTotals: on a 23 h day, 00:00–04:00 local is 3 h of work", () => {
  const w = weekBounds(date("2026-03-08"), "America/New_York");
  const e = { start: w.dayStarts[6], end: at("2026-03-08T04:00:00-04:00"), breaks: [] };
  const { perDay, total } = dayTotals([e], w.dayStarts, 0);
  assert.deepEqual(perDay, [0, 0, 0, 0, 0, 0, 3 * 3600]);
  assert.equal(total, 3 * 3600);
});

Deno.test("dayTotals sums several entries and leaves out time outside the week", () => {
  const w = weekBounds(date("2026-11-02"), "UTC");
  const before = { start: w.start - 2 * H, end: w.start + H, breaks: [] };
  const after = { start: w.end - H, end: w.end + 5 * H, breaks: [] };
  const mid = { start: w.start + 30 * H, end: w.start + 32 * H, breaks: [] };
  const { perDay, total } = dayTotals([before, after, mid], w.dayStarts, 0);
  assert.deepEqual(perDay, [3600, 7200, 0, 0, 0, 0, 3600]);
  assert.equal(total, 4 * 3600);
});
