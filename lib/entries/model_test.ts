/**
 * Specification of time entries as pure data: worked and break seconds, the API view, and the
 * validation of intervals and breaks.
 */

import assert from "node:assert/strict";
import { DomainError } from "../errors.ts";
import {
  type Break,
  breakSeconds,
  MAX_MANUAL_ENTRY_MS,
  overlaps,
  type TimeEntry,
  toSecond,
  validateTimes,
  viewEntry,
  workedSeconds,
} from "./model.ts";

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);

function span(start: number, end: number | null, breaks: Break[] = []) {
  return { start, end, breaks };
}

Deno.test("toSecond truncates to the whole second, also before 1970", () => {
  assert.equal(toSecond(T0 + 999), T0);
  assert.equal(toSecond(T0), T0);
  assert.equal(toSecond(-1), -1000);
});

Deno.test("workedSeconds of a closed entry is its span minus its breaks", () => {
  assert.equal(workedSeconds(span(T0, T0 + 8 * H), T0 + 100 * H), 8 * 3600);
  const withBreaks = span(T0, T0 + 8 * H, [
    { start: T0 + 2 * H, end: T0 + 2 * H + 15 * MIN },
    { start: T0 + 4 * H, end: T0 + 4 * H + 30 * MIN },
  ]);
  assert.equal(workedSeconds(withBreaks, T0 + 100 * H), 8 * 3600 - 45 * 60);
  assert.equal(breakSeconds(withBreaks, T0 + 100 * H), 45 * 60);
});

Deno.test("workedSeconds of a closed entry does not depend on now", () => {
  const e = span(T0, T0 + 4 * H, [{ start: T0 + H, end: T0 + H + 30 * MIN }]);
  for (const now of [T0, T0 + 4 * H, T0 + 1000 * H]) assert.equal(workedSeconds(e, now), 12600);
});

Deno.test("workedSeconds of a running entry counts up to now", () => {
  const e = span(T0, null);
  assert.equal(workedSeconds(e, T0), 0);
  assert.equal(workedSeconds(e, T0 + 90 * MIN), 5400);
  assert.equal(workedSeconds(e, T0 + 90 * MIN + 999), 5400, "partial seconds are not counted");
});

Deno.test("a running break stops the worked time until it ends", () => {
  const e = span(T0, null, [{ start: T0 + 2 * H, end: null }]);
  assert.equal(workedSeconds(e, T0 + 2 * H), 7200);
  assert.equal(workedSeconds(e, T0 + 2 * H + 10 * MIN), 7200);
  assert.equal(workedSeconds(e, T0 + 5 * H), 7200);
  assert.equal(breakSeconds(e, T0 + 5 * H), 3 * 3600);
});

Deno.test("worked time never goes negative when now lies before the start", () => {
  assert.equal(workedSeconds(span(T0, null), T0 - H), 0);
  assert.equal(workedSeconds(span(T0, null, [{ start: T0, end: null }]), T0 - H), 0);
});

Deno.test("viewEntry shows ISO instants and durations at now", () => {
  const entry: TimeEntry = {
    id: "01JD3X7M2Q8J5V0K6Y4T9N1C2B",
    userId: "01JD3X7M2Q8J5V0K6Y4T9N1C2C",
    start: T0,
    end: null,
    breaks: [{ start: T0 + H, end: T0 + H + 20 * MIN }, { start: T0 + 3 * H, end: null }],
    note: "night shift",
    locationId: null,
    clockInGeo: { latitude: 1, longitude: 2, accuracy: null },
    clockOutGeo: null,
    source: "clock",
    createdAt: T0,
    updatedAt: T0 + 3 * H,
  };
  const v = viewEntry(entry, T0 + 4 * H);
  assert.equal(v.start, "2026-11-02T08:00:00.000Z");
  assert.equal(v.end, null);
  assert.deepEqual(v.breaks, [
    { start: "2026-11-02T09:00:00.000Z", end: "2026-11-02T09:20:00.000Z", typeId: null },
    { start: "2026-11-02T11:00:00.000Z", end: null, typeId: null },
  ]);
  assert.equal(v.breakSeconds, 20 * 60 + 3600);
  assert.equal(v.durationSeconds, 4 * 3600 - 20 * 60 - 3600);
  assert.equal(v.updatedAt, "2026-11-02T11:00:00.000Z");
  assert.equal(v.note, "night shift");
  assert.deepEqual(v.clockInGeo, { latitude: 1, longitude: 2, accuracy: null });
});

Deno.test("overlaps treats intervals as half-open", () => {
  assert.equal(overlaps(0, 10, 5, 15), true);
  assert.equal(overlaps(5, 15, 0, 10), true);
  assert.equal(overlaps(0, 10, 2, 3), true, "containment overlaps");
  assert.equal(overlaps(0, 10, 10, 20), false, "touching does not overlap");
  assert.equal(overlaps(10, 20, 0, 10), false);
  assert.equal(overlaps(0, 10, 20, 30), false);
});

const NOW = T0 + 10 * H;

interface Case {
  name: string;
  entry: { start: number; end: number | null; breaks: Break[] };
  manual?: boolean;
  /** null: valid; otherwise a fragment of the expected message. */
  error: RegExp | null;
  breakIndex?: number;
}

const CASES: Case[] = [
  { name: "closed entry", entry: span(T0, T0 + 8 * H), error: null },
  { name: "running entry", entry: span(T0, null), error: null },
  {
    name: "closed entry with breaks in order",
    entry: span(T0, T0 + 8 * H, [
      { start: T0 + H, end: T0 + 2 * H },
      { start: T0 + 2 * H, end: T0 + 3 * H },
    ]),
    error: null,
  },
  {
    name: "running entry whose last break is open",
    entry: span(T0, null, [{ start: T0 + H, end: T0 + 2 * H }, { start: T0 + 3 * H, end: null }]),
    error: null,
  },
  { name: "entry ending exactly now", entry: span(T0, NOW), error: null },
  {
    name: "break exactly at the entry's bounds",
    entry: span(T0, T0 + 2 * H, [{ start: T0, end: T0 + 2 * H }]),
    error: null,
  },
  { name: "end before start", entry: span(T0, T0 - H), error: /end must be after start/ },
  { name: "end equal to start", entry: span(T0, T0), error: /end must be after start/ },
  { name: "start in the future", entry: span(NOW + S, null), error: /start is in the future/ },
  { name: "end in the future", entry: span(T0, NOW + S), error: /end is in the future/ },
  {
    name: "manual entry longer than 7 days",
    entry: span(NOW - MAX_MANUAL_ENTRY_MS - S, NOW),
    manual: true,
    error: /at most 7 days/,
  },
  {
    name: "manual entry of exactly 7 days",
    entry: span(NOW - MAX_MANUAL_ENTRY_MS, NOW),
    manual: true,
    error: null,
  },
  {
    name: "clocked entry longer than 7 days (forgotten clock-out)",
    entry: span(NOW - MAX_MANUAL_ENTRY_MS - H, NOW),
    manual: false,
    error: null,
  },
  {
    name: "break before the entry starts",
    entry: span(T0, T0 + 8 * H, [{ start: T0 - MIN, end: T0 + MIN }]),
    error: /inside the entry/,
    breakIndex: 0,
  },
  {
    name: "break ending after the entry",
    entry: span(T0, T0 + 8 * H, [{ start: T0 + 7 * H, end: T0 + 9 * H }]),
    error: /before the entry ends/,
    breakIndex: 0,
  },
  {
    name: "break starting after the entry",
    entry: span(T0, T0 + 2 * H, [{ start: T0 + 3 * H, end: T0 + 4 * H }]),
    error: /before the entry ends/,
    breakIndex: 0,
  },
  {
    name: "overlapping breaks",
    entry: span(T0, T0 + 8 * H, [
      { start: T0 + H, end: T0 + 3 * H },
      { start: T0 + 2 * H, end: T0 + 4 * H },
    ]),
    error: /not overlapping/,
    breakIndex: 1,
  },
  {
    name: "breaks out of order",
    entry: span(T0, T0 + 8 * H, [
      { start: T0 + 4 * H, end: T0 + 5 * H },
      { start: T0 + H, end: T0 + 2 * H },
    ]),
    error: /in order/,
    breakIndex: 1,
  },
  {
    name: "break ending before it starts",
    entry: span(T0, T0 + 8 * H, [{ start: T0 + 2 * H, end: T0 + H }]),
    error: /break end must be after its start/,
    breakIndex: 0,
  },
  {
    name: "empty break",
    entry: span(T0, T0 + 8 * H, [{ start: T0 + 2 * H, end: T0 + 2 * H }]),
    error: /break end must be after its start/,
    breakIndex: 0,
  },
  {
    name: "open break in a closed entry",
    entry: span(T0, T0 + 8 * H, [{ start: T0 + 2 * H, end: null }]),
    error: /only the last break of a running entry may be open/,
    breakIndex: 0,
  },
  {
    name: "open break that is not the last",
    entry: span(T0, null, [{ start: T0 + H, end: null }, { start: T0 + 2 * H, end: T0 + 3 * H }]),
    error: /only the last break of a running entry may be open/,
    breakIndex: 0,
  },
  {
    name: "two open breaks",
    entry: span(T0, null, [{ start: T0 + H, end: null }, { start: T0 + 2 * H, end: null }]),
    error: /only the last break/,
    breakIndex: 0,
  },
  {
    name: "open break starting in the future",
    entry: span(T0, null, [{ start: NOW + MIN, end: null }]),
    error: /break starts in the future/,
    breakIndex: 0,
  },
  {
    name: "closed break ending in the future of a running entry",
    entry: span(T0, null, [{ start: T0 + H, end: NOW + MIN }]),
    error: /break ends in the future/,
    breakIndex: 0,
  },
];

for (const c of CASES) {
  Deno.test(`validateTimes: ${c.name} → ${c.error ? "invalid_interval" : "valid"}`, () => {
    const run = () => validateTimes(c.entry, NOW, { manual: c.manual ?? true });
    if (c.error === null) {
      run();
      return;
    }
    assert.throws(run, (err: unknown) => {
      assert.ok(err instanceof DomainError, `a DomainError, got ${err}`);
      assert.equal(err.kind, "invalid");
      assert.equal(err.code, "invalid_interval");
      assert.match(err.message, c.error!);
      if (c.breakIndex !== undefined) assert.deepEqual(err.details, { break: c.breakIndex });
      return true;
    });
  });
}

Deno.test("with break rules, paid breaks count, unpaid ones and the auto deduction do not", () => {
  const base: TimeEntry = {
    id: "01JD3X7M2Q8J5V0K6Y4T9N1C2B",
    userId: "01JD3X7M2Q8J5V0K6Y4T9N1C2C",
    start: T0,
    end: T0 + 8 * H,
    breaks: [
      { start: T0 + H, end: T0 + H + 15 * MIN, typeId: "rest" },
      { start: T0 + 4 * H, end: T0 + 4 * H + 30 * MIN, typeId: "meal" },
      { start: T0 + 6 * H, end: T0 + 6 * H + 10 * MIN },
    ],
    note: null,
    locationId: null,
    clockInGeo: null,
    clockOutGeo: null,
    source: "manual",
    createdAt: T0,
    updatedAt: T0,
  };
  const rules = {
    breaks: {
      types: [
        { id: "meal", name: "Meal", paid: false },
        { id: "rest", name: "Rest", paid: true },
      ],
      autoDeduct: { enabled: true, afterWorkedSeconds: 6 * 3600, deductSeconds: 1800 },
    },
  };
  const v = viewEntry(base, T0 + 9 * H, rules);
  assert.equal(v.breakSeconds, 55 * 60);
  assert.equal(v.unpaidBreakSeconds, 40 * 60);
  assert.equal(v.durationSeconds, 8 * 3600 - 40 * 60);
  assert.equal(v.autoDeductSeconds, 0, "breaks were taken");
  assert.equal(v.start, new Date(T0).toISOString(), "the real punch");
  const noBreak = viewEntry({ ...base, breaks: [] }, T0 + 9 * H, rules);
  assert.equal(noBreak.autoDeductSeconds, 1800);
  assert.equal(noBreak.durationSeconds, 8 * 3600 - 1800);
  assert.equal(noBreak.unpaidBreakSeconds, 0);
  // Without rules every break is unpaid (the view of old callers).
  assert.equal(viewEntry(base, T0 + 9 * H).durationSeconds, 8 * 3600 - 55 * 60);
});
