/**
 * Regression tests of issue #7's time-off defects:
 *
 * - defect 5: a manager could credit PTO to themselves through `POST …/pto/adjustments` (and the
 *   balances page); now 403 `forbidden` from both doors, as admins keep the right (the rule of
 *   self-approval);
 * - defect 3: `hireDate` accepted year 0001, and reading that member's balance replayed two
 *   thousand years; now the date window refuses it, a hire date already stored outside the
 *   window counts from the window's start, and balance reads replay from yearly checkpoints that
 *   are never used once an earlier fact changed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import { assertApiError, assertSameSnapshot, snapshot, withApp } from "./support.ts";
import { post } from "../e2e/pages_support.ts";
import { getMembership } from "../../lib/members/members.ts";
import { clearCheckpoints } from "../../lib/pto/checkpoints.ts";
import type { OrgScope } from "../../lib/kv/mod.ts";

const H = 3600;
const TZ = "America/New_York";

/** The instant of local `day` at `time` in New York, as ISO. */
function at(day: string, time: string): string {
  return Temporal.PlainDateTime.from(`${day}T${time}`).toZonedDateTime(TZ).toInstant().toString();
}

interface Org {
  orgId: string;
  base: string;
  admin: Client;
  adminId: string;
  manager: Client;
  managerId: string;
  employeeId: string;
}

async function setupOrg(app: TestApp): Promise<Org> {
  const a = await signUpOrg(app, undefined, TZ);
  const m = await addMemberWithLogin(app, a.client, a.orgId, "manager");
  const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
  return {
    orgId: a.orgId,
    base: `/api/v1/orgs/${a.orgId}`,
    admin: a.client,
    adminId: a.userId,
    manager: m.client,
    managerId: m.userId,
    employeeId: e.userId,
  };
}

async function scopeOf(app: TestApp, orgId: string): Promise<OrgScope> {
  const scope = await app.store.scopeForJob(orgId);
  assert.ok(scope);
  return scope;
}

Deno.test("defect 5: a manager cannot credit time off to themselves, through the API or the page", async () => {
  await withApp(async (app) => {
    app.clock.ms = Date.parse(at("2026-11-02", "10:00"));
    const org = await setupOrg(app);
    const credit = (userId: string) => ({
      userId,
      typeId: "vacation",
      seconds: 40 * H,
      reason: "bonus",
    });
    const before = await snapshot(app.store);
    assertApiError(
      await org.manager.json("POST", `${org.base}/pto/adjustments`, credit(org.managerId)),
      403,
      "forbidden",
    );
    assertApiError(
      await org.manager.json("POST", `${org.base}/pto/adjustments`, {
        ...credit(org.managerId),
        seconds: -H,
      }),
      403,
      "forbidden",
    );
    const page = await post(org.manager, `/o/${org.orgId}/pto/balances`, {
      intent: "adjust",
      userId: org.managerId,
      typeId: "vacation",
      hours: "40",
      reason: "bonus",
    });
    assert.equal(page.status, 403);
    await page.body?.cancel();
    assertSameSnapshot(before, await snapshot(app.store), "a manager's own credit");
    // The page offers the form for others' balances only.
    const ownPage = await org.manager.request(
      "GET",
      `/o/${org.orgId}/pto/balances?member=${org.managerId}`,
    );
    const ownHtml = await ownPage.text();
    assert.equal(ownPage.status, 200);
    assert.doesNotMatch(ownHtml, /id="pto-adjust"/);
    assert.match(ownHtml, /ask an admin/);
    const otherHtml = await (await org.manager.request(
      "GET",
      `/o/${org.orgId}/pto/balances?member=${org.employeeId}`,
    )).text();
    assert.match(otherHtml, /id="pto-adjust"/);
    const balance = await org.manager.json("GET", `${org.base}/pto/balances`);
    const vacation = balance.body.data.find((b: { typeId: string }) => b.typeId === "vacation");
    assert.equal(vacation.balanceSeconds, 0);

    // Managers still adjust others' balances; admins adjust anyone's, their own too (the rule of
    // deciding on one's own time off).
    const forEmployee = await org.manager.json(
      "POST",
      `${org.base}/pto/adjustments`,
      credit(org.employeeId),
    );
    assert.equal(forEmployee.status, 201, JSON.stringify(forEmployee.body));
    const forManager = await org.admin.json(
      "POST",
      `${org.base}/pto/adjustments`,
      credit(org.managerId),
    );
    assert.equal(forManager.status, 201, JSON.stringify(forManager.body));
    const own = await org.admin.json("POST", `${org.base}/pto/adjustments`, credit(org.adminId));
    assert.equal(own.status, 201, JSON.stringify(own.body));
    const viaPage = await post(org.manager, `/o/${org.orgId}/pto/balances`, {
      intent: "adjust",
      userId: org.employeeId,
      typeId: "vacation",
      hours: "2",
      reason: "correction",
    });
    assert.equal(viaPage.status, 303);
  });
});

Deno.test("defect 3a: a hire date outside the date window is refused and changes nothing", async () => {
  await withApp(async (app) => {
    const org = await setupOrg(app);
    const before = await snapshot(app.store);
    for (const hireDate of ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"]) {
      assertApiError(
        await org.admin.json("PATCH", `${org.base}/members/${org.employeeId}`, { hireDate }),
        400,
        "validation_failed",
      );
    }
    assertSameSnapshot(before, await snapshot(app.store), "refused hire dates");
    const ok = await org.admin.json("PATCH", `${org.base}/members/${org.employeeId}`, {
      hireDate: "2000-01-01",
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });
});

/** Per-hours accrual with a cap and a carryover cap, and an annual grant, without waiting. */
const TYPES = [
  {
    id: "vacation",
    name: "Vacation",
    paid: true,
    accrual: { method: "per_hours_worked", earnSeconds: H, perWorkedSeconds: 2 * H },
    waitingPeriodDays: 0,
    maxBalanceSeconds: 30 * H,
    carryoverCapSeconds: 6 * H,
    hoursPerDaySeconds: 8 * H,
  },
  {
    id: "grant",
    name: "Floating days",
    paid: true,
    accrual: { method: "annual_grant", earnSeconds: 16 * H, grantOn: "01-01" },
    waitingPeriodDays: 0,
    maxBalanceSeconds: 40 * H,
    carryoverCapSeconds: 8 * H,
    hoursPerDaySeconds: 8 * H,
  },
];

/** Local dates worked 8 h, around the checkpoint of 2024-01-01 and after it. */
const WORKED = [
  "2020-03-02",
  "2020-03-03",
  "2023-12-27",
  "2023-12-29",
  "2024-01-02",
  "2024-01-03",
  "2024-06-03",
  "2025-12-30",
  "2026-01-05",
  "2026-10-26",
];

async function setTypes(org: Org, types: unknown[] = TYPES) {
  const res = await org.admin.json("PATCH", `${org.base}/settings`, {
    pto: { types },
    payPeriod: { type: "biweekly", anchorDate: "2026-01-05" },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function work(org: Org, userId: string, day: string) {
  const res = await org.manager.json("POST", `${org.base}/time-entries`, {
    userId,
    start: at(day, "09:00"),
    end: at(day, "17:00"),
    reason: "imported",
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

async function balances(org: Org, userId: string) {
  const res = await org.admin.json("GET", `${org.base}/pto/balances?userId=${userId}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data as { typeId: string; balanceSeconds: number }[];
}

async function ledger(org: Org, userId: string, typeId: string) {
  const res = await org.admin.json(
    "GET",
    `${org.base}/pto/ledger?userId=${userId}&typeId=${typeId}`,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as {
    hireDate: string;
    balanceSeconds: number;
    data: { date: string; kind: string; seconds: number; balance: number }[];
  };
}

Deno.test("defect 3b: a hire date stored in year 0001 counts from 2000-01-01, like a hire on that day", async () => {
  await withApp(async (app) => {
    app.clock.ms = Date.parse(at("2026-11-02", "10:00"));
    const org = await setupOrg(app);
    await setTypes(org);
    const old = org.employeeId;
    const twin = (await addMemberWithLogin(app, org.admin, org.orgId, "employee")).userId;
    for (const day of WORKED) {
      await work(org, old, day);
      await work(org, twin, day);
    }
    // Old data: written through the repository, as a validation of long ago let it through.
    const scope = await scopeOf(app, org.orgId);
    const m = await getMembership(scope, old);
    assert.ok(m);
    assert.equal(
      !!(await scope.atomic().check(scope.key("member", old), m.versionstamp)
        .set(scope.key("member", old), { ...m.value, hireDate: "0001-01-01" }).commit()),
      true,
    );
    const ok = await org.admin.json("PATCH", `${org.base}/members/${twin}`, {
      hireDate: "2000-01-01",
    });
    assert.equal(ok.status, 200);

    // The first reads replay from the window's start and store checkpoints; the second ones
    // start from them. Every answer matches the twin hired on 2000-01-01.
    for (const round of ["full replay", "from the checkpoint"]) {
      assert.deepEqual(await balances(org, old), await balances(org, twin), round);
      for (const { id } of TYPES) {
        const a = await ledger(org, old, id);
        const b = await ledger(org, twin, id);
        assert.equal(a.hireDate, "0001-01-01");
        assert.equal(b.hireDate, "2000-01-01");
        assert.deepEqual(a.data, b.data, `${round}: ${id}`);
        assert.equal(a.balanceSeconds, b.balanceSeconds);
      }
    }
    const stored = await scope.get("pto_checkpoint", old, "vacation");
    assert.equal((stored.value as { date: string }).date, "2024-01-01");
  });
});

Deno.test("defect 3b: a checkpointed balance equals the full replay, and a stale checkpoint is never used", async () => {
  await withApp(async (app) => {
    app.clock.ms = Date.parse(at("2026-11-02", "10:00"));
    const org = await setupOrg(app);
    // Without caps, every fact before the checkpoint shows in today's balance.
    const uncapped = structuredClone(TYPES);
    uncapped[0].maxBalanceSeconds = null as unknown as number;
    uncapped[0].carryoverCapSeconds = null as unknown as number;
    await setTypes(org, uncapped);
    const who = org.employeeId;
    const res = await org.admin.json("PATCH", `${org.base}/members/${who}`, {
      hireDate: "2015-01-01",
    });
    assert.equal(res.status, 200);
    const ids = new Map<string, string>();
    for (const day of WORKED) ids.set(day, await work(org, who, day));
    const scope = await scopeOf(app, org.orgId);

    /** The answer of a read without checkpoints (a full replay), then the stored ones again. */
    const fullReplay = async () => {
      await clearCheckpoints(scope, who);
      return await balances(org, who);
    };

    const first = await balances(org, who); // full replay, stores checkpoints
    const cached = await balances(org, who); // from the checkpoints
    assert.deepEqual(cached, first);
    const full = await ledger(org, who, "vacation");
    assert.equal(full.data[0].kind, "carried_forward", "the ledger opens at the checkpoint");
    assert.equal(full.data[0].date, "2024-01-01");

    // Work today changes the member's entries, none before the checkpoint: it stays in use, with
    // the entries' new revision, and the answer is a full replay's.
    type Stored = { basis: string; entriesRev: string; entriesDigest: string; balance: number };
    const storedVacation = async () =>
      (await scope.get<Stored>("pto_checkpoint", who, "vacation")).value!;
    const beforePunch = await storedVacation();
    await work(org, who, "2026-10-30");
    const afterPunch = await balances(org, who);
    const kept = await storedVacation();
    assert.equal(kept.basis, beforePunch.basis);
    assert.equal(kept.entriesDigest, beforePunch.entriesDigest);
    assert.equal(kept.balance, beforePunch.balance);
    assert.notEqual(kept.entriesRev, beforePunch.entriesRev, "the new revision is remembered");
    assert.equal((await ledger(org, who, "vacation")).data[0].kind, "carried_forward");
    assert.deepEqual(afterPunch, await fullReplay());
    await balances(org, who); // checkpoints again

    // A corrected entry before the checkpoint: the balance follows, as a full replay says.
    const fix = await org.manager.json(
      "PATCH",
      `${org.base}/time-entries/${ids.get("2020-03-02")}`,
      {
        end: at("2020-03-02", "12:00"),
        reason: "left early",
      },
    );
    assert.equal(fix.status, 200, JSON.stringify(fix.body));
    const afterFix = await balances(org, who);
    assert.deepEqual(afterFix, await fullReplay());
    const fixedVacation = (b: { typeId: string; balanceSeconds: number }[]) =>
      b.find((x) => x.typeId === "vacation")!.balanceSeconds;
    assert.notEqual(fixedVacation(afterFix), fixedVacation(first), "the correction counts");

    // Time off approved for a date before the checkpoint.
    await balances(org, who); // checkpoints again
    const req = await org.manager.json("POST", `${org.base}/pto/requests`, {
      userId: who,
      typeId: "vacation",
      startDate: "2021-03-01",
      endDate: "2021-03-01",
    });
    assert.equal(req.status, 201, JSON.stringify(req.body));
    const approved = await org.admin.json(
      "POST",
      `${org.base}/pto/requests/${req.body.id}/approve`,
      {},
    );
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const afterUsage = await balances(org, who);
    assert.deepEqual(afterUsage, await fullReplay());
    assert.equal(fixedVacation(afterUsage), fixedVacation(afterFix) - 8 * H);

    // A new hire date.
    await balances(org, who);
    const h = await org.admin.json("PATCH", `${org.base}/members/${who}`, {
      hireDate: "2023-12-28",
    });
    assert.equal(h.status, 200);
    const afterHire = await balances(org, who);
    assert.deepEqual(afterHire, await fullReplay());
    assert.notEqual(fixedVacation(afterHire), fixedVacation(afterUsage));
    // A settings change (the carryover cap).
    await balances(org, who);
    const capped = structuredClone(uncapped);
    capped[0].carryoverCapSeconds = 2 * H;
    const s = await org.admin.json("PATCH", `${org.base}/settings`, { pto: { types: capped } });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    const afterSettings = await balances(org, who);
    assert.deepEqual(afterSettings, await fullReplay());
    assert.notEqual(fixedVacation(afterSettings), fixedVacation(afterHire));
  });
});
