/**
 * Scheduled reports: admins set the schedule (plan `scheduledReports`), and the hourly cron
 * function creates the export of each period that just ended — once — which the job builds and
 * mails with its link. Time moves with the test clock.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { addMemberWithLogin, signUpOrg } from "../helpers.ts";
import { assertApiError, assertSameSnapshot, DAY, snapshot, withApp } from "./support.ts";
import { handlerOf, HeldTransport } from "./exports_support.ts";
import { lastFinishedPeriod, runScheduledReports } from "../../lib/exports/schedule.ts";
import { Outbox } from "../../lib/jobs/outbox.ts";
import { billingMode } from "../../routes/middleware/plan.ts";
import type { KvMailbox } from "../../lib/mail/mail.ts";

const WEEKLY = {
  enabled: true,
  kind: "hours_report",
  format: "csv",
  cadence: "weekly",
  recipients: "admins_and_managers",
};

Deno.test("the last finished period: the previous workweek, or the previous pay period", () => {
  const settings = {
    workweekStart: "monday" as const,
    payPeriod: { type: "biweekly" as const, anchorDate: "2026-01-05" },
  };
  const d = (s: string) => Temporal.PlainDate.from(s);
  const text = (p: { start: Temporal.PlainDate; end: Temporal.PlainDate }) =>
    `${p.start}..${p.end}`;
  assert.equal(
    text(lastFinishedPeriod("weekly", d("2026-11-02"), settings)),
    "2026-10-26..2026-11-01",
  );
  assert.equal(
    text(lastFinishedPeriod("weekly", d("2026-11-08"), settings)),
    "2026-10-26..2026-11-01",
  );
  assert.equal(
    text(lastFinishedPeriod("weekly", d("2026-11-04"), { ...settings, workweekStart: "sunday" })),
    "2026-10-25..2026-10-31",
  );
  // Biweekly from 2026-01-05: periods start 2026-10-26 and 2026-11-09.
  assert.equal(
    text(lastFinishedPeriod("pay_period", d("2026-11-09"), settings)),
    "2026-10-26..2026-11-08",
  );
  assert.equal(
    text(lastFinishedPeriod("pay_period", d("2026-11-08"), settings)),
    "2026-10-12..2026-10-25",
  );
});

Deno.test("admins set the schedule; others, bad input and plans without it are refused", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const path = `/api/v1/orgs/${admin.orgId}/report-schedule`;
    const initial = await admin.client.json("GET", path);
    assert.equal(initial.status, 200);
    assert.equal(initial.body.enabled, false);
    assert.equal(initial.body.available, true);
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const before = await snapshot(app.store);
    assertApiError(await manager.client.json("PUT", path, WEEKLY), 403, "forbidden");
    assertApiError(await manager.client.json("GET", path), 403, "forbidden");
    assertApiError(await admin.client.json("PUT", path, { ...WEEKLY, cadence: "daily" }), 400);
    assertApiError(
      await admin.client.json("PUT", path, { ...WEEKLY, preset: "gusto" }),
      400,
      "validation_failed",
    );
    assertApiError(
      await admin.client.json("PUT", path, { ...WEEKLY, kind: "payroll", format: "pdf" }),
      422,
      "format_not_supported",
    );
    assertSameSnapshot(before, await snapshot(app.store), "refused schedules");
    const saved = await admin.client.json("PUT", path, WEEKLY);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal((await admin.client.json("GET", path)).body.cadence, "weekly");
  });
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const path = `/api/v1/orgs/${admin.orgId}/report-schedule`;
    const refused = await admin.client.json("PUT", path, { ...WEEKLY, kind: "timesheets" });
    assertApiError(refused, 403, "feature_not_in_plan");
    assert.equal(refused.body.error.details.feature, "scheduledReports");
    assert.equal(refused.body.error.details.upgradeTo, "business");
    // Switching it off is always allowed.
    const off = await admin.client.json("PUT", path, { ...WEEKLY, enabled: false });
    assert.equal(off.status, 200);
    assert.equal(off.body.available, false);
  }, { config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: "team" }) });
});

Deno.test("the cron exports each finished week once and mails admins and managers the link", async () => {
  const transport = new HeldTransport();
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Weekly Co");
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const idle = await signUpOrg(app, "No schedule Co");
    const path = `/api/v1/orgs/${admin.orgId}/report-schedule`;
    assert.equal((await admin.client.json("PUT", path, WEEKLY)).status, 200);
    transport.take("send_mail");
    const handler = handlerOf(app, transport);
    const cron = async () => {
      const made = await runScheduledReports({
        store: app.store,
        now: app.clock.ms,
        jobs: new Outbox(app.store, transport, app.clock.now).port(),
        publicUrl: "https://clock.example.com",
        billingMode: billingMode(app.deps),
      });
      for (const job of transport.take("run_export")) await handler(job);
      for (const job of transport.take("send_mail")) await handler(job);
      return made;
    };
    // Monday 2026-11-02 03:00 in New York: the week of 26 October has just ended.
    const first = await cron();
    assert.deepEqual(first.map((m) => [m.orgId, m.from, m.to]), [
      [admin.orgId, "2026-10-26", "2026-11-01"],
    ]);
    assert.ok(!first.some((m) => m.orgId === idle.orgId));
    const got = await admin.client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/exports/${first[0].exportId}`,
    );
    assert.equal(got.body.status, "done", JSON.stringify(got.body));
    assert.equal(got.body.scheduled, true);
    const mails = await (app.deps.mailer as KvMailbox).list();
    const link = `https://clock.example.com/api/v1/orgs/${admin.orgId}/exports/${
      first[0].exportId
    }/download`;
    for (const who of [admin.email, manager.email]) {
      const mail = mails.find((m) => m.to === who && m.text.includes(link));
      assert.ok(mail, `${who} is mailed the link`);
      assert.match(mail.text, /scheduled report/);
    }
    assert.ok(!mails.some((m) => m.to === employee.email), "employees are not mailed");
    // Later the same week: nothing new.
    app.clock.advance(3600);
    assert.deepEqual(await cron(), []);
    app.clock.advance(5 * 24 * 3600);
    assert.deepEqual(await cron(), []);
    // The next Monday: the next week, once.
    app.clock.ms = Date.UTC(2026, 10, 9, 5, 30);
    const second = await cron();
    assert.deepEqual(second.map((m) => [m.from, m.to]), [["2026-11-02", "2026-11-08"]]);
    assert.deepEqual(await cron(), []);
    // Switched off: no more.
    await admin.client.json("PUT", path, { ...WEEKLY, enabled: false });
    app.clock.advance(7 * DAY / 1000);
    assert.deepEqual(await cron(), []);
  });
});
