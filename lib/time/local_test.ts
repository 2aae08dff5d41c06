import assert from "node:assert/strict";
import { fromDateTimeLocal, toDateTimeLocal } from "./local.ts";

const at = (s: string) => Temporal.Instant.from(s).epochMilliseconds;

Deno.test("toDateTimeLocal shows the wall time in the zone, to the minute", () => {
  assert.equal(toDateTimeLocal(at("2026-11-02T08:00:30Z"), "America/New_York"), "2026-11-02T03:00");
  assert.equal(toDateTimeLocal(at("2026-11-02T08:59:59Z"), "Asia/Kolkata"), "2026-11-02T14:29");
});

Deno.test("fromDateTimeLocal reads wall time in the zone", () => {
  assert.equal(fromDateTimeLocal("2026-11-02T03:00", "America/New_York"), at("2026-11-02T08:00Z"));
  assert.equal(fromDateTimeLocal("2026-11-02T03:00:15", "UTC"), at("2026-11-02T03:00:15Z"));
  const ms = at("2026-07-01T12:34:00Z");
  assert.equal(fromDateTimeLocal(toDateTimeLocal(ms, "Europe/Berlin"), "Europe/Berlin"), ms);
});

Deno.test("fromDateTimeLocal resolves DST gaps later and overlaps to the earlier time", () => {
  // 02:30 does not exist on 2026-03-08 in New York; "compatible" moves it to 03:30 EDT.
  assert.equal(fromDateTimeLocal("2026-03-08T02:30", "America/New_York"), at("2026-03-08T07:30Z"));
  // 01:30 happens twice on 2026-11-01; the first (EDT) is chosen.
  assert.equal(fromDateTimeLocal("2026-11-01T01:30", "America/New_York"), at("2026-11-01T05:30Z"));
});

Deno.test("fromDateTimeLocal refuses malformed or impossible text", () => {
  for (
    const bad of ["", "2026-11-02", "2026-11-02 03:00", "2026-02-30T10:00", "2026-11-02T25:00"]
  ) {
    assert.equal(fromDateTimeLocal(bad, "UTC"), null, bad);
  }
});
