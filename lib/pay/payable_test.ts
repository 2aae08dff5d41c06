import { deepEqual, equal } from "node:assert/strict";
import { OffsetCache, paidSeconds, payableEntry, roundPunch } from "./payable.ts";
import type { BreakSettings, RoundingSettings } from "../settings/schema.ts";

const at = (h: number, m = 0, s = 0) => Date.UTC(2026, 0, 5, h, m, s);
const utc = new OffsetCache("UTC");
const noRound: RoundingSettings = { mode: "none", incrementMinutes: 15 };
const breaks: BreakSettings = {
  types: [{ id: "meal", name: "Meal", paid: false }, { id: "rest", name: "Rest", paid: true }],
  autoDeduct: { enabled: false, afterWorkedSeconds: 6 * 3600, deductSeconds: 1800 },
};

Deno.test("rounding to 15 minutes: nearest, up, down", () => {
  const r = (mode: RoundingSettings["mode"], ms: number) =>
    roundPunch(ms, { mode, incrementMinutes: 15 }, utc);
  equal(r("nearest", at(8, 7, 29)), at(8, 0));
  equal(r("nearest", at(8, 7, 30)), at(8, 15));
  equal(r("up", at(8, 0, 1)), at(8, 15));
  equal(r("up", at(8, 0)), at(8, 0));
  equal(r("down", at(8, 14, 59)), at(8, 0));
  equal(r("none", at(8, 14, 59)), at(8, 14, 59));
});

Deno.test("rounding works in local time for zones with a 45-minute offset", () => {
  // Kathmandu is UTC+5:45: local 13:52 rounds to 13:45 local = 08:00 UTC with 15 minutes.
  const ktm = new OffsetCache("Asia/Kathmandu");
  equal(roundPunch(at(8, 7), { mode: "nearest", incrementMinutes: 15 }, ktm), at(8, 0));
  // local 13:52 → 13:54 local = 08:09 UTC (rounding in UTC would give 08:06).
  equal(roundPunch(at(8, 7), { mode: "nearest", incrementMinutes: 6 }, ktm), at(8, 9));
});

Deno.test("unpaid breaks are taken out, paid breaks are kept", () => {
  const p = payableEntry(
    {
      start: at(8),
      end: at(17),
      breaks: [{ start: at(12), end: at(12, 30), typeId: "meal" }, {
        start: at(15),
        end: at(15, 15),
        typeId: "rest",
      }],
    },
    at(18),
    { rounding: noRound, breaks },
    utc,
  );
  equal(paidSeconds(p), 8.5 * 3600);
  deepEqual(p.intervals, [{ start: at(8), end: at(12) }, { start: at(12, 30), end: at(17) }]);
});

Deno.test("breaks without a type are unpaid", () => {
  const p = payableEntry(
    { start: at(8), end: at(12), breaks: [{ start: at(10), end: at(10, 10) }] },
    at(13),
    {
      rounding: noRound,
      breaks,
    },
    utc,
  );
  equal(paidSeconds(p), 3 * 3600 + 50 * 60);
});

Deno.test("automatic meal deduction after N hours only when no break was taken", () => {
  const rules = {
    rounding: noRound,
    breaks: { ...breaks, autoDeduct: { ...breaks.autoDeduct, enabled: true } },
  };
  const long = payableEntry({ start: at(8), end: at(16), breaks: [] }, at(17), rules, utc);
  equal(long.autoDeductSeconds, 1800);
  equal(paidSeconds(long), 7.5 * 3600);
  const exact = payableEntry({ start: at(8), end: at(14), breaks: [] }, at(17), rules, utc);
  equal(exact.autoDeductSeconds, 0);
  const withBreak = payableEntry(
    { start: at(8), end: at(16), breaks: [{ start: at(12), end: at(12, 10), typeId: "rest" }] },
    at(17),
    rules,
    utc,
  );
  equal(withBreak.autoDeductSeconds, 0);
  equal(paidSeconds(withBreak), 8 * 3600);
});

Deno.test("rounded punches are used for pay and breaks are clipped to them", () => {
  const p = payableEntry({ start: at(7, 53), end: at(16, 8), breaks: [] }, at(17), {
    rounding: { mode: "nearest", incrementMinutes: 15 },
    breaks,
  }, utc);
  deepEqual([p.start, p.end], [at(8), at(16, 15)]);
  equal(paidSeconds(p), 8.25 * 3600);
});

Deno.test("a running entry counts to now, its punch in rounded", () => {
  const p = payableEntry({ start: at(8, 1), end: null, breaks: [] }, at(9, 30), {
    rounding: { mode: "nearest", incrementMinutes: 5 },
    breaks,
  }, utc);
  equal(paidSeconds(p), 1.5 * 3600);
});
