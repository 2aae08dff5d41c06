/**
 * One decision for every front door (issue #7): the hours report and the timesheet list answer
 * the same input the same way through the JSON API and through the web pages, dates outside the
 * shared window (2000–2099) are refused with 400 instead of crashing (defect 4), and the bulk
 * approval form never shows or touches another organization's people (defect 2).
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import { post } from "../e2e/pages_support.ts";
import { assertApiError, assertSameSnapshot, snapshot, withApp } from "./support.ts";

const TZ = "America/New_York";

function local(date: string, time: string): string {
  const ms = Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(TZ).epochMilliseconds;
  return new Date(ms).toISOString();
}

async function setup(app: TestApp) {
  app.clock.ms = Date.parse(local("2026-11-20", "12:00"));
  const admin = await signUpOrg(app, "Home Org", TZ);
  const emp = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const api = `/api/v1/orgs/${admin.orgId}`;
  const created = await admin.client.json("POST", `${api}/time-entries`, {
    userId: emp.userId,
    start: local("2026-11-10", "08:00"),
    end: local("2026-11-10", "17:00"),
    reason: "paper timesheet",
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { admin, emp, api, pages: `/o/${admin.orgId}` };
}

/** Another organization with a member whose name must never show up in the first one. */
async function otherTenant(app: TestApp) {
  const other = await signUpOrg(app, "Other Org", TZ);
  const res = await other.client.json("POST", `/api/v1/orgs/${other.orgId}/members`, {
    name: "Mallory Othertenant",
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { ...other, malloryId: res.body.id as string };
}

async function pageOf(client: Client, path: string) {
  const res = await client.request("GET", path);
  return { status: res.status, html: await res.text() };
}

/** The error code the report page names on its form (`data-error-code`), if any. */
function pageErrorCode(html: string): string | null {
  return /data-error-code="([a-z_]+)"/.exec(html)?.[1] ?? null;
}

Deno.test("defect 4: dates out of the window answer 400 validation_failed, not 500, and change nothing", async () => {
  await withApp(async (app) => {
    const { admin, emp, api } = await setup(app);
    const before = await snapshot(app.store);
    for (
      const path of [
        `${api}/timesheets?date=0001-01-01`,
        `${api}/timesheets?date=9999-12-31`,
        `${api}/timesheets?date=0001-01-01&userId=${emp.userId}`,
        `${api}/reports/hours?from=9999-01-01&to=9999-01-07`,
        `${api}/reports/hours?from=9999-12-31&to=9999-12-31`,
        `${api}/reports/hours?from=0001-01-01&to=0001-01-02`,
        `${api}/reports/hours?from=2099-12-31&to=2100-01-01`,
      ]
    ) {
      const res = await admin.client.json("GET", path);
      assertApiError(res, 400, "validation_failed");
      assert.ok(res.body.error.details.length > 0, `${path} names the field`);
      assert.match(JSON.stringify(res.body.error.details), /2000-01-01 and 2099-12-31/, path);
    }
    // The employee's own views too.
    assertApiError(
      await emp.client.json("GET", `${api}/timesheets?date=0001-01-01`),
      400,
      "validation_failed",
    );
    assertSameSnapshot(before, await snapshot(app.store), "refused out-of-window reads");
  });
});

Deno.test("one decision: the hours report API and the report page accept and refuse the same inputs", async () => {
  await withApp(async (app) => {
    const { admin, emp, api, pages } = await setup(app);
    const other = await otherTenant(app);
    const unknownId = "01JD3X7M2Q8J5V0K6Y4T9N1C2B";
    const table: { query: string; status: number; code?: string }[] = [
      { query: "from=1990-01-01&to=1990-01-31", status: 400, code: "validation_failed" },
      { query: "from=0001-01-01&to=0001-01-02", status: 400, code: "validation_failed" },
      { query: "from=9999-01-01&to=9999-01-02", status: 400, code: "validation_failed" },
      { query: "from=2026-11-01&to=9999-01-02", status: 400, code: "validation_failed" },
      { query: "from=2026-11-15&to=2026-11-09", status: 400, code: "validation_failed" },
      { query: "from=2025-01-01&to=2026-01-02", status: 400, code: "validation_failed" },
      { query: "from=2026-02-30&to=2026-03-01", status: 400, code: "validation_failed" },
      { query: "from=2026-1-1&to=2026-03-01", status: 400, code: "validation_failed" },
      {
        query: "from=2026-11-09&to=2026-11-15&userId=nope",
        status: 400,
        code: "validation_failed",
      },
      {
        query: `from=2026-11-09&to=2026-11-15&userId=${unknownId}`,
        status: 404,
        code: "not_found",
      },
      {
        query: `from=2026-11-09&to=2026-11-15&userId=${other.malloryId}`,
        status: 404,
        code: "not_found",
      },
      { query: "from=2025-01-01&to=2026-01-01", status: 200 },
      { query: "from=2026-11-09&to=2026-11-15", status: 200 },
      { query: `from=2026-11-09&to=2026-11-15&userId=${emp.userId}`, status: 200 },
      { query: "from=2000-01-01&to=2000-01-01", status: 200 },
      { query: "from=2099-12-31&to=2099-12-31", status: 200 },
    ];
    const before = await snapshot(app.store);
    for (const row of table) {
      const json = await admin.client.json("GET", `${api}/reports/hours?${row.query}`);
      const html = await pageOf(admin.client, `${pages}/reports/hours?${row.query}`);
      const what = `${row.query}: API ${json.status} ${
        JSON.stringify(json.body)
      }; page ${html.status}`;
      assert.equal(json.status, row.status, what);
      assert.equal(html.status, row.status, what);
      if (row.code) {
        assertApiError(json, row.status, row.code);
        assert.equal(pageErrorCode(html.html), row.code, what);
      } else {
        assert.equal(pageErrorCode(html.html), null, what);
        assert.ok(Array.isArray(json.body.data), what);
      }
      assert.ok(!html.html.includes("Mallory"), `${what}: no other tenant's name`);
      assert.ok(!JSON.stringify(json.body).includes("Mallory"), what);
    }
    assertSameSnapshot(before, await snapshot(app.store), "reports read nothing into the store");
  });
});

Deno.test("one decision: the timesheet list API and the timesheet pages refuse the same dates", async () => {
  await withApp(async (app) => {
    const { admin, emp, api, pages } = await setup(app);
    const table: { date: string; status: number }[] = [
      { date: "1990-01-01", status: 400 },
      { date: "0001-01-01", status: 400 },
      { date: "9999-01-01", status: 400 },
      { date: "2026-02-30", status: 400 },
      { date: "2026-1-1", status: 400 },
      { date: "2026-11-10", status: 200 },
      { date: "2000-01-01", status: 200 },
      { date: "2099-12-31", status: 200 },
    ];
    for (const row of table) {
      for (const client of [admin.client, emp.client]) {
        const json = await client.json("GET", `${api}/timesheets?date=${row.date}`);
        const sheet = await pageOf(client, `${pages}/timesheets?date=${row.date}`);
        const what = `${row.date}: API ${json.status} ${
          JSON.stringify(json.body)
        }; page ${sheet.status}`;
        assert.equal(json.status, row.status, what);
        assert.equal(sheet.status, row.status, what);
        if (row.status !== 200) assertApiError(json, row.status, "validation_failed");
      }
      const review = await pageOf(admin.client, `${pages}/timesheets/review?date=${row.date}`);
      assert.equal(review.status, row.status, `review page ${row.date}`);
    }
    // Employees: only their own, through either door.
    assertApiError(
      await emp.client.json("GET", `${api}/timesheets?date=2026-11-10&userId=${admin.userId}`),
      403,
      "forbidden",
    );
    const foreign = await pageOf(
      emp.client,
      `${pages}/timesheets?date=2026-11-10&userId=${admin.userId}`,
    );
    assert.equal(foreign.status, 403);
    assert.equal((await pageOf(emp.client, `${pages}/timesheets/review`)).status, 403);
  });
});

Deno.test("defect 2: the bulk approval form names no one of another organization and writes nothing", async () => {
  await withApp(async (app) => {
    const { admin, emp, api, pages } = await setup(app);
    const other = await otherTenant(app);
    const mine = `2026-11-09.${emp.userId}`;
    const submitted = await emp.client.json("POST", `${api}/timesheets/${mine}/submit`, {});
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const foreign = `2026-11-09.${other.malloryId}`;
    const review = `${pages}/timesheets/review?date=2026-11-10`;
    const before = await snapshot(app.store);
    for (
      const body of [
        new URLSearchParams([["intent", "approve"], ["ids", foreign]]),
        new URLSearchParams([["intent", "approve"], ["ids", mine], ["ids", foreign]]),
        new URLSearchParams([["intent", "approve"], ["ids", `2026-11-10.${other.malloryId}`]]),
        new URLSearchParams([["intent", "reject"], ["timesheetId", foreign], ["reason", "x"]]),
        new URLSearchParams([["intent", "reopen"], ["timesheetId", foreign]]),
      ]
    ) {
      const res = await admin.client.request("POST", review, body.toString(), {
        "content-type": "application/x-www-form-urlencoded",
      });
      const html = await res.text();
      const what = `${body}: ${res.status}`;
      assert.ok(!html.includes("Mallory"), `${what} shows no name of another organization`);
      assert.ok(!html.includes("Othertenant"), what);
      assert.ok(!html.includes(other.malloryId), `${what} does not echo the foreign id`);
      assert.equal(res.status, 404, what);
      assert.match(html, /not in this organization|not found/i, what);
    }
    assertSameSnapshot(before, await snapshot(app.store), "foreign ids in the bulk form");
    // The same form with only this organization's timesheet still approves it.
    const ok = await post(admin.client, review, { intent: "approve", ids: mine });
    assert.equal(ok.status, 303, await ok.text());
    const sheet = await admin.client.json("GET", `${api}/timesheets/${mine}`);
    assert.equal(sheet.body.status, "approved");
    // The API door gives the same answer for the foreign timesheet.
    assertApiError(
      await admin.client.json("POST", `${api}/timesheets/${foreign}/approve`, {}),
      404,
      "not_found",
    );
    assertApiError(
      await admin.client.json("GET", `${api}/timesheets?date=2026-11-10&userId=${other.malloryId}`),
      404,
      "not_found",
    );
  });
});

Deno.test("the workflow through either door is audited under its principal; a reject needs a reason after visibility", async () => {
  await withApp(async (app) => {
    const { admin, emp, api, pages } = await setup(app);
    const other = await otherTenant(app);
    const mine = `2026-11-09.${emp.userId}`;
    // A reject without a reason: 404 for another organization's timesheet, 400 for one's own.
    assertApiError(
      await admin.client.json("POST", `${api}/timesheets/2026-11-09.${other.malloryId}/reject`, {}),
      404,
      "not_found",
    );
    const before = await snapshot(app.store);
    const noReason = await admin.client.json("POST", `${api}/timesheets/${mine}/reject`, {});
    assertApiError(noReason, 400, "validation_failed");
    assert.equal(noReason.body.error.details[0].path, "reason");
    const blankForm = await post(admin.client, `${pages}/timesheets/review?date=2026-11-10`, {
      intent: "reject",
      timesheetId: mine,
      reason: "   ",
    });
    assert.equal(blankForm.status, 400, "the page refuses the same blank reason");
    await blankForm.body?.cancel();
    assertSameSnapshot(before, await snapshot(app.store), "refused rejects");

    // Submit through the API (the member), approve through the bulk form (the admin).
    assert.equal(
      (await emp.client.json("POST", `${api}/timesheets/${mine}/submit`, {})).status,
      200,
    );
    const approved = await post(admin.client, `${pages}/timesheets/review?date=2026-11-10`, {
      intent: "approve",
      ids: mine,
    });
    assert.equal(approved.status, 303);
    const history = await admin.client.json("GET", `${api}/timesheets/${mine}/history`);
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.data.map((r: { action: string; principal: unknown; actorId: string }) => [
        r.action,
        r.principal,
        r.actorId,
      ]),
      [
        ["timesheet.submit", { type: "user", id: emp.userId }, emp.userId],
        ["timesheet.approve", { type: "user", id: admin.userId }, admin.userId],
      ],
    );
  });
});

Deno.test("bulk approval: nothing selected or too many ids is 400 and writes nothing", async () => {
  await withApp(async (app) => {
    const { admin, emp, api, pages } = await setup(app);
    const mine = `2026-11-09.${emp.userId}`;
    assert.equal(
      (await emp.client.json("POST", `${api}/timesheets/${mine}/submit`, {})).status,
      200,
    );
    const review = `${pages}/timesheets/review?date=2026-11-10`;
    const before = await snapshot(app.store);
    const none = await post(admin.client, review, { intent: "approve" });
    assert.equal(none.status, 400);
    assert.match(await none.text(), /Select at least one submitted timesheet/);
    const many = new URLSearchParams([["intent", "approve"]]);
    for (let i = 0; i < 1001; i++) many.append("ids", `${mine}x${i}`);
    const tooMany = await admin.client.request("POST", review, many.toString(), {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(tooMany.status, 400);
    await tooMany.body?.cancel();
    // Employees have no bulk approval, whatever they post.
    const byEmployee = await post(emp.client, review, { intent: "approve", ids: mine });
    assert.equal(byEmployee.status, 403);
    await byEmployee.body?.cancel();
    assertSameSnapshot(before, await snapshot(app.store), "refused bulk approvals");
  });
});
