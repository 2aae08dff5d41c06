/**
 * Concurrent writes to one member's entries: writes that do not conflict all succeed (they are
 * serialized per member and retried inside), while conflicting ones are still refused exactly.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg } from "../helpers.ts";
import { assertApiError, DAY, HOUR, iso, withApp } from "./support.ts";

Deno.test("16 parallel non-overlapping entries for one member all succeed", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const base = `/api/v1/orgs/${admin.orgId}/time-entries`;
    const day0 = Math.floor(app.clock.ms / DAY) * DAY - 20 * DAY;
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        admin.client.json("POST", base, {
          userId: worker.userId,
          start: iso(day0 + i * DAY + 9 * HOUR),
          end: iso(day0 + i * DAY + 17 * HOUR),
          reason: "paper timesheets",
        })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(16).fill(201),
      JSON.stringify(results.filter((r) => r.status !== 201).map((r) => r.body)),
    );
    const list = await admin.client.json("GET", `${base}?userId=${worker.userId}&limit=100`);
    assert.equal(list.body.data.length, 16);
    assert.equal(new Set(list.body.data.map((e: { id: string }) => e.id)).size, 16);
  });
});

Deno.test("16 parallel overlapping entries for one member: one 201, fifteen entry_overlap", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const base = `/api/v1/orgs/${admin.orgId}/time-entries`;
    const day = Math.floor(app.clock.ms / DAY) * DAY - 3 * DAY;
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        admin.client.json("POST", base, {
          userId: worker.userId,
          start: iso(day + 9 * HOUR + i * 60_000),
          end: iso(day + 17 * HOUR),
          reason: "paper timesheets",
        })),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    for (const r of results.filter((r) => r.status !== 201)) {
      assertApiError(r, 409, "entry_overlap");
    }
  });
});

Deno.test("16 parallel clock-ins by one member: one entry, fifteen already_clocked_in", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const org = `/api/v1/orgs/${admin.orgId}`;
    const results = await Promise.all(
      Array.from({ length: 16 }, () => worker.client.json("POST", `${org}/clock/in`, {})),
    );
    const created = results.filter((r) => r.status === 201);
    assert.equal(created.length, 1, results.map((r) => r.status).join(","));
    for (const r of results.filter((r) => r.status !== 201)) {
      assertApiError(r, 409, "already_clocked_in");
    }
    const list = await admin.client.json("GET", `${org}/time-entries?userId=${worker.userId}`);
    assert.equal(list.body.data.length, 1);
  });
});

Deno.test("parallel entries for different members of one organization all succeed", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const a = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const b = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const base = `/api/v1/orgs/${admin.orgId}/time-entries`;
    const day0 = Math.floor(app.clock.ms / DAY) * DAY - 20 * DAY;
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        admin.client.json("POST", base, {
          userId: i % 2 ? a.userId : b.userId,
          start: iso(day0 + i * DAY + 9 * HOUR),
          end: iso(day0 + i * DAY + 12 * HOUR),
          reason: "paper timesheets",
        })),
    );
    assert.deepEqual(results.map((r) => r.status), Array(16).fill(201));
  });
});
