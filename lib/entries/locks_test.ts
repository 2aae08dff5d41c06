/** Specification of period-lock geometry: which intervals touch a locked period. */

import assert from "node:assert/strict";
import { touches, widenHint } from "./locks.ts";

const lock = { startMs: 1000, endMs: 2000 };

Deno.test("an interval touches a lock when it overlaps the half-open period", () => {
  assert.equal(touches(500, 1500, lock), true);
  assert.equal(touches(1500, 2500, lock), true);
  assert.equal(touches(1200, 1300, lock), true);
  assert.equal(touches(0, 5000, lock), true);
  assert.equal(touches(0, 1000, lock), false, "ending at the period's start");
  assert.equal(touches(2000, 3000, lock), false, "starting at the period's end");
});

Deno.test("an empty interval (a punch) touches when it lies inside the period", () => {
  assert.equal(touches(1000, 1000, lock), true);
  assert.equal(touches(1999, 1999, lock), true);
  assert.equal(touches(2000, 2000, lock), false);
  assert.equal(touches(999, 999, lock), false);
});

Deno.test("the lock hint widens to cover every lock", () => {
  const l = (startMs: number, endMs: number) => ({
    timesheetId: "t",
    userId: "u",
    periodStart: "2026-01-01",
    periodEnd: "2026-01-14",
    startMs,
    endMs,
  });
  assert.deepEqual(widenHint({}, l(10, 20)), { lockFrom: 10, lockTo: 20 });
  assert.deepEqual(widenHint({ lockFrom: 10, lockTo: 20 }, l(30, 40)), {
    lockFrom: 10,
    lockTo: 40,
  });
  assert.deepEqual(widenHint({ lockFrom: 10, lockTo: 40 }, l(0, 5)), { lockFrom: 0, lockTo: 40 });
});
