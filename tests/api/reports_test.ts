/**
 * The hours report over HTTP, with worked cases: entries are created through the API as a
 * manager would, then `GET …/reports/hours` must classify them exactly as FLSA, California or
 * custom rules say — including DST days, rounding, paid and unpaid breaks, the automatic meal
 * deduction, and ranges that cut a workweek.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import { assertApiError, HOUR, MINUTE, SECOND, withApp } from "./support.ts";

const H = 3600;

/** The instant of local wall time `date`T`time` in `timeZone`, as ISO (UTC). */
function local(date: string, time: string, timeZone: string): string {
  const ms = Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timeZone)
    .epochMilliseconds;
  return new Date(ms).toISOString();
}

interface Org {
  admin: Client;
  orgId: string;
  base: string;
  tz: string;
}

/** A fresh organization in `tz` with the clock well after the test weeks. */
async function org(app: TestApp, tz = "America/Los_Angeles"): Promise<Org> {
  app.clock.ms = Date.UTC(2027, 0, 20, 12);
  const a = await signUpOrg(app, undefined, tz);
  return { admin: a.client, orgId: a.orgId, base: `/api/v1/orgs/${a.orgId}`, tz };
}

async function settings(o: Org, patch: Record<string, unknown>) {
  const res = await o.admin.json("PATCH", `${o.base}/settings`, patch);
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function member(o: Org, rate: number | null = null) {
  const res = await o.admin.json("POST", `${o.base}/members`, { name: "Worker" });
  assert.equal(res.status, 201);
  if (rate !== null) {
    const p = await o.admin.json("PATCH", `${o.base}/members/${res.body.id}`, {
      hourlyRateCents: rate,
    });
    assert.equal(p.status, 200, JSON.stringify(p.body));
  }
  return res.body.id as string;
}

// deno-lint-ignore no-explicit-any
async function entry(o: Org, userId: string, start: string, end: string, extra: any = {}) {
  const res = await o.admin.json("POST", `${o.base}/time-entries`, {
    userId,
    start,
    end,
    reason: "paper timesheet",
    ...extra,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** A shift on local `date` from `from` to `to` (wall times; `to` may be "24:00"-less next day). */
function shift(o: Org, userId: string, date: string, from: string, to: string) {
  const end = to < from
    ? local(Temporal.PlainDate.from(date).add({ days: 1 }).toString(), to, o.tz)
    : local(date, to, o.tz);
  return entry(o, userId, local(date, from, o.tz), end);
}

async function report(o: Org, query: string, client = o.admin) {
  const res = await client.json("GET", `${o.base}/reports/hours?${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data as {
    userId: string;
    workedSeconds: number;
    regularSeconds: number;
    overtimeSeconds: number;
    doubleTimeSeconds: number;
    ptoSeconds: number;
    grossPayCents: number;
  }[];
}

async function one(o: Org, userId: string, from: string, to: string) {
  const rows = await report(o, `from=${from}&to=${to}&userId=${userId}`);
  assert.equal(rows.length, 1);
  return rows[0];
}

Deno.test("FLSA: five 9-hour days are 40 h regular and 5 h overtime, paid exactly", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    const u = await member(o, 2001);
    // Mon 2026-11-09 … Fri 2026-11-13 (workweeks start on Monday by default).
    for (let d = 9; d <= 13; d++) {
      await shift(o, u, `2026-11-${String(d).padStart(2, "0")}`, "08:00", "17:00");
    }
    const r = await one(o, u, "2026-11-09", "2026-11-15");
    assert.deepEqual(r, {
      userId: u,
      workedSeconds: 45 * H,
      regularSeconds: 40 * H,
      overtimeSeconds: 5 * H,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
      // 40 h × $20.01 + 5 h × $30.015 = $800.40 + $150.075 → $950.475, half up → 95048 cents.
      grossPayCents: 95048,
    });
    // Exactly the documented fields.
    assert.deepEqual(Object.keys(r).sort(), [
      "doubleTimeSeconds",
      "grossPayCents",
      "overtimeSeconds",
      "ptoSeconds",
      "regularSeconds",
      "userId",
      "workedSeconds",
    ]);
  });
});

Deno.test("California: 10 h and 14 h days, weekly overtime, and the seventh consecutive day", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    await settings(o, { overtime: { preset: "california" } });
    const u = await member(o, 2000);
    // Mon 10 h, Tue 14 h, Wed–Sat 8 h, Sun (7th consecutive day) 10 h.
    await shift(o, u, "2026-11-09", "07:00", "17:00");
    await shift(o, u, "2026-11-10", "06:00", "20:00");
    for (let d = 11; d <= 14; d++) {
      await shift(o, u, `2026-11-${String(d).padStart(2, "0")}`, "08:00", "16:00");
    }
    await shift(o, u, "2026-11-15", "08:00", "18:00");
    const r = await one(o, u, "2026-11-09", "2026-11-15");
    // Mon: 8 reg + 2 OT (daily). Tue: 8 reg + 4 OT + 2 DT (over 12 h). Wed–Fri: 8 reg each
    // (40 h regular reached). Sat: 8 h weekly OT. Sun: 8 h seventh-day OT + 2 h seventh-day DT.
    assert.equal(r.workedSeconds, 66 * H);
    assert.equal(r.regularSeconds, 40 * H);
    assert.equal(r.overtimeSeconds, (2 + 4 + 8 + 8) * H);
    assert.equal(r.doubleTimeSeconds, (2 + 2) * H);
    assert.equal(r.grossPayCents, 40 * 2000 + 22 * 3000 + 4 * 4000);
  });
});

Deno.test("California: six days then a day off means no seventh-day rule", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    await settings(o, { overtime: { preset: "california" } });
    const u = await member(o);
    // Tue–Sun 6 h each, Monday off: six days in the workweek, not seven.
    for (let d = 10; d <= 15; d++) {
      await shift(o, u, `2026-11-${String(d).padStart(2, "0")}`, "09:00", "15:00");
    }
    const r = await one(o, u, "2026-11-09", "2026-11-15");
    assert.equal(r.workedSeconds, 36 * H);
    assert.equal(r.regularSeconds, 36 * H);
    assert.equal(r.overtimeSeconds + r.doubleTimeSeconds, 0);
  });
});

Deno.test("DST spring forward: 00:00–09:00 on 2026-03-08 in Los Angeles is 8 real hours", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    await settings(o, { overtime: { preset: "california" } });
    const u = await member(o);
    const e = await shift(o, u, "2026-03-08", "00:00", "09:00");
    assert.equal(e.durationSeconds, 8 * H);
    const r = await one(o, u, "2026-03-08", "2026-03-08");
    assert.equal(r.workedSeconds, 8 * H, "the wall clock says 9 h, but one hour never happened");
    assert.equal(r.overtimeSeconds, 0, "8 real hours are not daily overtime");
    // An overnight shift into the short day: 22:00–06:00 is 7 real hours (2 + 5).
    const night = await member(o);
    const v = await shift(o, night, "2026-03-07", "22:00", "06:00");
    assert.equal(v.durationSeconds, 7 * H);
    assert.equal((await one(o, night, "2026-03-07", "2026-03-07")).workedSeconds, 2 * H);
    assert.equal((await one(o, night, "2026-03-08", "2026-03-08")).workedSeconds, 5 * H);
  });
});

Deno.test("DST fall back: 00:00–08:00 on 2026-11-01 in New York is 9 real hours, 1 h overtime", async () => {
  await withApp(async (app) => {
    const o = await org(app, "America/New_York");
    await settings(o, { overtime: { preset: "california" } });
    const u = await member(o, 1000);
    const e = await shift(o, u, "2026-11-01", "00:00", "08:00");
    assert.equal(e.durationSeconds, 9 * H);
    const r = await one(o, u, "2026-11-01", "2026-11-01");
    assert.equal(r.workedSeconds, 9 * H);
    assert.equal(r.regularSeconds, 8 * H);
    assert.equal(r.overtimeSeconds, 1 * H);
    assert.equal(r.grossPayCents, 8 * 1000 + 1500);
    // A night shift into the 25-hour day splits at local midnight by real time: 2 h + 7 h.
    const night = await member(o);
    const v = await shift(o, night, "2026-10-31", "22:00", "06:00");
    assert.equal(v.durationSeconds, 9 * H);
    assert.equal((await one(o, night, "2026-10-31", "2026-10-31")).workedSeconds, 2 * H);
    assert.equal((await one(o, night, "2026-11-01", "2026-11-01")).workedSeconds, 7 * H);
  });
});

Deno.test("rounding and breaks change pay, never the punches shown", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    await settings(o, { rounding: { mode: "nearest", incrementMinutes: 15 } });
    const u = await member(o, 3000);
    const date = "2026-11-10";
    // 08:07:29 → 16:53:00 with a 15-minute paid rest break and a 30-minute unpaid meal.
    const e = await entry(o, u, local(date, "08:07:29", o.tz), local(date, "16:53:00", o.tz), {
      breaks: [
        { start: local(date, "10:00", o.tz), end: local(date, "10:15", o.tz), typeId: "rest" },
        { start: local(date, "12:00", o.tz), end: local(date, "12:30", o.tz), typeId: "meal" },
      ],
    });
    assert.equal(e.start, local(date, "08:07:29", o.tz), "the real punch is kept");
    assert.equal(e.end, local(date, "16:53:00", o.tz));
    const span = 8 * H + 45 * 60 + 31;
    assert.equal(e.breakSeconds, 45 * 60);
    assert.equal(e.unpaidBreakSeconds, 30 * 60);
    assert.equal(e.durationSeconds, span - 30 * 60, "paid rest counts as worked; no rounding");
    assert.equal(e.autoDeductSeconds, 0);
    const r = await one(o, u, date, date);
    // Pay: rounded 08:00 → 17:00 is 9 h, minus the 30-minute unpaid meal.
    assert.equal(r.workedSeconds, 8.5 * H);
    assert.equal(r.grossPayCents, 8.5 * 3000);
    // A break without a type is unpaid.
    const e2 = await entry(
      o,
      u,
      local("2026-11-11", "08:00", o.tz),
      local("2026-11-11", "12:00", o.tz),
      {
        breaks: [{
          start: local("2026-11-11", "10:00", o.tz),
          end: local("2026-11-11", "10:10", o.tz),
        }],
      },
    );
    assert.equal(e2.durationSeconds, 4 * H - 10 * 60);
    assert.equal((await one(o, u, "2026-11-11", "2026-11-11")).workedSeconds, 4 * H - 10 * 60);
    // "up" rounding of a later punch pays more; the shown entry never changes.
    await settings(o, { rounding: { mode: "up", incrementMinutes: 6 } });
    assert.equal((await one(o, u, "2026-11-11", "2026-11-11")).workedSeconds, 4 * H - 10 * 60);
    // 08:07:29 → 08:12, 16:53 → 16:54: 8 h 42 min minus the 30-minute meal.
    assert.equal((await one(o, u, date, date)).workedSeconds, 8 * H + 12 * 60);
    const again = await o.admin.json("GET", `${o.base}/time-entries/${e.id}`);
    assert.equal(again.body.start, e.start);
    assert.equal(again.body.durationSeconds, e.durationSeconds);
  });
});

Deno.test("automatic meal deduction after N hours without a break, shown on the entry", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    await settings(o, {
      breaks: {
        types: [{ id: "meal", name: "Meal", paid: false }, {
          id: "rest",
          name: "Rest",
          paid: true,
        }],
        autoDeduct: { enabled: true, afterWorkedSeconds: 6 * H, deductSeconds: 30 * 60 },
      },
    });
    const u = await member(o, 2000);
    const long = await shift(o, u, "2026-11-10", "08:00", "18:00");
    assert.equal(long.autoDeductSeconds, 30 * 60);
    assert.equal(long.durationSeconds, 9.5 * H);
    assert.equal(long.start, local("2026-11-10", "08:00", o.tz));
    const short = await shift(o, u, "2026-11-11", "08:00", "13:00");
    assert.equal(short.autoDeductSeconds, 0, "under 6 h nothing is deducted");
    const withBreak = await entry(
      o,
      u,
      local("2026-11-12", "08:00", o.tz),
      local("2026-11-12", "18:00", o.tz),
      {
        breaks: [{
          start: local("2026-11-12", "10:00", o.tz),
          end: local("2026-11-12", "10:10", o.tz),
          typeId: "rest",
        }],
      },
    );
    assert.equal(withBreak.autoDeductSeconds, 0, "a break was taken");
    assert.equal(withBreak.durationSeconds, 10 * H);
    const r = await one(o, u, "2026-11-10", "2026-11-12");
    assert.equal(r.workedSeconds, 9.5 * H + 5 * H + 10 * H);
    // FLSA: 24.5 h in the week, no overtime.
    assert.equal(r.grossPayCents, 24.5 * 2000);
    // Listing shows the deduction too.
    const list = await o.admin.json("GET", `${o.base}/time-entries?userId=${u}`);
    assert.equal(
      list.body.data.find((x: { id: string }) => x.id === long.id).autoDeductSeconds,
      1800,
    );
  });
});

Deno.test("custom rules: gross pay is exact in cents with custom multipliers", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    await settings(o, {
      overtime: {
        preset: "custom",
        dailyOvertimeAfterSeconds: 8 * H,
        dailyDoubleTimeAfterSeconds: 10 * H,
        weeklyOvertimeAfterSeconds: null,
        seventhDay: false,
        overtimeMultiplier: 1.25,
        doubleTimeMultiplier: 1.75,
      },
    });
    const u = await member(o, 1733);
    await entry(o, u, local("2026-11-10", "06:00:00", o.tz), local("2026-11-10", "17:20:07", o.tz));
    const r = await one(o, u, "2026-11-10", "2026-11-10");
    assert.equal(r.regularSeconds, 8 * H);
    assert.equal(r.overtimeSeconds, 2 * H);
    assert.equal(r.doubleTimeSeconds, H + 20 * 60 + 7);
    // 17.33 × (28800 + 7200 × 1.25 + 4807 × 1.75) / 3600 = 22246.0637 → 22246.
    assert.equal(r.grossPayCents, 22246);
  });
});

Deno.test("a range that cuts a workweek still applies weekly overtime from the whole week", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    const u = await member(o);
    for (let d = 9; d <= 13; d++) {
      await shift(o, u, `2026-11-${String(d).padStart(2, "0")}`, "08:00", "17:00");
    }
    const thuFri = await one(o, u, "2026-11-12", "2026-11-13");
    // Mon–Wed: 27 h; Thu: 9 h regular (36); Fri: 4 h regular, 5 h overtime.
    assert.equal(thuFri.workedSeconds, 18 * H);
    assert.equal(thuFri.regularSeconds, 13 * H);
    assert.equal(thuFri.overtimeSeconds, 5 * H);
    const monWed = await one(o, u, "2026-11-09", "2026-11-11");
    assert.equal(monWed.overtimeSeconds, 0);
    // A Sunday workweek start moves the week: Sun 8 … Sat 14 holds the same five days.
    await settings(o, { workweekStart: "sunday" });
    assert.equal((await one(o, u, "2026-11-13", "2026-11-13")).overtimeSeconds, 5 * H);
  });
});

Deno.test("without userId every member is reported; with it, only that member", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    const a = await member(o, 1000);
    const b = await member(o, 1000);
    await shift(o, a, "2026-11-10", "08:00", "12:00");
    await shift(o, b, "2026-11-10", "08:00", "10:00");
    const all = await report(o, "from=2026-11-10&to=2026-11-10");
    const byId = new Map(all.map((r) => [r.userId, r]));
    assert.equal(byId.get(a)!.workedSeconds, 4 * H);
    assert.equal(byId.get(b)!.workedSeconds, 2 * H);
    assert.ok(all.length >= 3, "the admin is listed too (with zero hours)");
    const onlyB = await report(o, `from=2026-11-10&to=2026-11-10&userId=${b}`);
    assert.deepEqual(onlyB.map((r) => r.userId), [b]);
    // A night shift overlapping the range counts only inside it.
    await entry(o, a, local("2026-11-11", "20:00", o.tz), local("2026-11-12", "04:00", o.tz));
    assert.equal((await one(o, a, "2026-11-12", "2026-11-12")).workedSeconds, 4 * H);
    // A running entry counts up to now.
    app.clock.ms = Date.parse(local("2026-11-20", "09:00", o.tz));
    const emp = await addMemberWithLogin(app, o.admin, o.orgId, "employee");
    const started = await emp.client.json("POST", `${o.base}/clock/in`, {});
    assert.equal(started.status, 201);
    app.clock.ms += 2 * HOUR + 30 * MINUTE + 5 * SECOND;
    assert.equal((await one(o, emp.userId, "2026-11-20", "2026-11-20")).workedSeconds, 2.5 * H + 5);
  });
});

Deno.test("report validation and access: 4xx answers", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    const emp = await addMemberWithLogin(app, o.admin, o.orgId, "employee");
    const manager = await addMemberWithLogin(app, o.admin, o.orgId, "manager");
    const get = (q: string, client = o.admin) => client.json("GET", `${o.base}/reports/hours${q}`);
    assertApiError(await get(""), 400, "validation_failed");
    assertApiError(await get("?from=2026-11-10"), 400, "validation_failed");
    assertApiError(await get("?from=2026-11-10&to=2026-11-09"), 400, "validation_failed");
    assertApiError(await get("?from=2026-02-30&to=2026-03-01"), 400, "validation_failed");
    assertApiError(await get("?from=2026-1-1&to=2026-03-01"), 400, "validation_failed");
    assertApiError(await get("?from=2025-01-01&to=2026-01-02"), 400, "validation_failed");
    assertApiError(await get("?from=2026-01-01&to=2026-01-01&x=1"), 400, "validation_failed");
    assertApiError(await get("?from=2026-01-01&to=2026-01-01&userId=nope"), 400);
    assert.equal((await get("?from=2025-01-01&to=2026-01-01")).status, 200, "366 days is fine");
    const unknown = "01JD3X7M2Q8J5V0K6Y4T9N1C2B";
    assertApiError(await get(`?from=2026-01-01&to=2026-01-01&userId=${unknown}`), 404, "not_found");
    // Employees: only themselves.
    assertApiError(await get("?from=2026-01-01&to=2026-01-07", emp.client), 403, "forbidden");
    assertApiError(
      await get(`?from=2026-01-01&to=2026-01-07&userId=${manager.userId}`, emp.client),
      403,
      "forbidden",
    );
    const own = await get(`?from=2026-01-01&to=2026-01-07&userId=${emp.userId}`, emp.client);
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.data.map((r: { userId: string }) => r.userId), [emp.userId]);
    assert.equal((await get("?from=2026-01-01&to=2026-01-07", manager.client)).status, 200);
  });
});

Deno.test("approved paid PTO is reported apart and never counts toward overtime", async () => {
  await withApp(async (app) => {
    const o = await org(app);
    const u = await member(o, 2000);
    const hired = await o.admin.json("PATCH", `${o.base}/members/${u}`, { hireDate: "2025-01-01" });
    assert.equal(hired.status, 200, JSON.stringify(hired.body));
    // Mon–Thu 10 h each: 40 h, then a sick day on Friday.
    for (let d = 9; d <= 12; d++) {
      await shift(o, u, `2026-11-${String(d).padStart(2, "0")}`, "07:00", "17:00");
    }
    const req = await o.admin.json("POST", `${o.base}/pto/requests`, {
      userId: u,
      typeId: "sick",
      startDate: "2026-11-13",
      endDate: "2026-11-13",
    });
    assert.equal(req.status, 201, JSON.stringify(req.body));
    const before = await one(o, u, "2026-11-09", "2026-11-15");
    assert.equal(before.ptoSeconds, 0, "pending PTO does not count");
    const ok = await o.admin.json("POST", `${o.base}/pto/requests/${req.body.id}/approve`, {});
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const r = await one(o, u, "2026-11-09", "2026-11-15");
    assert.equal(r.workedSeconds, 40 * H);
    assert.equal(r.regularSeconds, 40 * H);
    assert.equal(r.overtimeSeconds, 0, "48 paid hours, but PTO is not worked time");
    assert.equal(r.ptoSeconds, 8 * H);
    assert.equal(r.grossPayCents, 40 * 2000, "gross pay prices worked time only");
    // Only the range's days count.
    assert.equal((await one(o, u, "2026-11-09", "2026-11-12")).ptoSeconds, 0);
  });
});
