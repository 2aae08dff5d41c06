/** Specification of the timesheet workflow rules: ids, who may act, and the status machine. */

import assert from "node:assert/strict";
import { mayAct, nextStatus, parseTimesheetId, timesheetId } from "./timesheets.ts";

const U = "01JD3X7M2Q8J5V0K6Y4T9N1C2B";
const V = "01JD3X7M2Q8J5V0K6Y4T9N1C2C";

Deno.test("timesheet ids name the period start and the member", () => {
  assert.equal(timesheetId("2026-10-26", U), `2026-10-26.${U}`);
  assert.deepEqual(parseTimesheetId(`2026-10-26.${U}`), { periodStart: "2026-10-26", userId: U });
  assert.equal(parseTimesheetId(U), null);
  assert.equal(parseTimesheetId(`2026-02-30.${U}`), null);
  assert.equal(parseTimesheetId(`2026-10-26.${U}x`), null);
  assert.equal(parseTimesheetId(`2026-10-26-${U}`), null);
});

Deno.test("the status machine", () => {
  assert.equal(nextStatus("open", "submit"), "submitted");
  assert.equal(nextStatus("rejected", "submit"), "submitted");
  assert.equal(nextStatus("submitted", "submit"), null);
  assert.equal(nextStatus("approved", "submit"), null);
  assert.equal(nextStatus("submitted", "approve"), "approved");
  assert.equal(nextStatus("open", "approve"), null);
  assert.equal(nextStatus("submitted", "reject"), "rejected");
  assert.equal(nextStatus("approved", "reject"), null);
  assert.equal(nextStatus("approved", "reopen"), "open");
  assert.equal(nextStatus("submitted", "reopen"), null);
});

Deno.test("who may act", () => {
  const employee = { userId: U, role: "employee" as const };
  const manager = { userId: U, role: "manager" as const };
  const admin = { userId: U, role: "admin" as const };
  assert.equal(mayAct(employee, U, "submit"), true);
  assert.equal(mayAct(employee, V, "submit"), false);
  assert.equal(mayAct(manager, V, "submit"), true, "on the member's behalf");
  for (const a of ["approve", "reject"] as const) {
    assert.equal(mayAct(employee, U, a), false);
    assert.equal(mayAct(manager, V, a), true);
    assert.equal(mayAct(manager, U, a), false, "not their own");
    assert.equal(mayAct(admin, U, a), true, "admins may approve their own");
  }
  assert.equal(mayAct(manager, V, "reopen"), false);
  assert.equal(mayAct(admin, V, "reopen"), true);
});
