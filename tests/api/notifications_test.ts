/**
 * Notifications (issue #9 §3) through the real app and real KV: preferences and org settings
 * over HTTP, `notify` jobs run by the job handler with events shaped like the ones the use
 * cases emit, mail read from the KV mailbox, Slack posts received by a loopback Slack webhook
 * (`tests/fakes/slack.ts`), unsubscribe links followed without signing in, the
 * still-clocked-in sweep on a test clock, and Stripe's trial and payment events through the
 * webhook with the Stripe fake.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { createJobHandler, type JobDeps } from "../../jobs/mod.ts";
import { InlineTransport, type Job, newJob, type NotifyJob } from "../../lib/jobs/jobs.ts";
import { Outbox } from "../../lib/jobs/outbox.ts";
import { KvMailbox, type StoredMail } from "../../lib/mail/mail.ts";
import type { Outbound } from "../../lib/net/ssrf.ts";
import { sweepStillClockedIn } from "../../lib/notifications/clocked_in_sweep.ts";
import { runNotification } from "../../lib/notifications/notify.ts";
import { createStripeGateway } from "../../lib/billing/stripe.ts";
import type { AppDeps } from "../../routes/context.ts";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import { FakeSlack, type SlackPost } from "../fakes/slack.ts";
import { FakeStripe } from "../fakes/stripe.ts";
import { assertApiError, assertSameSnapshot, DAY, snapshot, withApp } from "./support.ts";

const PUBLIC = "https://clock.example.com";
const LOOPBACK: Outbound = { policy: { allowPrivate: true }, fetch: globalThis.fetch };

interface Person {
  client: Client;
  userId: string;
  email: string;
}

interface World {
  app: TestApp;
  orgId: string;
  admin: Person;
  manager: Person;
  employee: Person;
  coworker: Person;
  /** The inline transport behind the jobs' outbox (failures land here). */
  transport: InlineTransport;
  /** Run a job through the real handler (once per id, like every transport). */
  run(job: Job): Promise<void>;
  deps: JobDeps;
  mails(): Promise<StoredMail[]>;
}

/** An organization with an admin, a manager and two employees, and a job runner. */
async function withWorld(
  fn: (w: World) => Promise<void>,
  options: {
    outbound?: Outbound;
    overrides?: Partial<AppDeps>;
    /** Called with the app before anything happens in it (to wire its job transport). */
    onApp?: (app: TestApp) => void;
  } = {},
): Promise<void> {
  await withApp(async (app) => {
    options.onApp?.(app);
    const a = await signUpOrg(app, "Acme Bakery");
    const manager = await addMemberWithLogin(app, a.client, a.orgId, "manager");
    const employee = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const coworker = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const transport = new InlineTransport();
    const outbox = new Outbox(app.store, transport, app.clock.now);
    const deps: JobDeps = {
      store: app.store,
      mailer: app.deps.mailer,
      now: app.clock.now,
      outbox,
      publicUrl: PUBLIC,
      outbound: options.outbound ?? app.deps.outbound ??
        { policy: { allowPrivate: false }, fetch: globalThis.fetch },
    };
    const handler = createJobHandler(deps);
    transport.setHandler(handler);
    // Mail caused by setting the world up (none today) does not count.
    const mailbox = app.deps.mailer as KvMailbox;
    const before = new Set((await mailbox.list(1000)).map((m) => m.id));
    await fn({
      app,
      orgId: a.orgId,
      admin: { client: a.client, userId: a.userId, email: a.email },
      manager,
      employee,
      coworker,
      transport,
      run: handler,
      deps,
      mails: async () => (await mailbox.list(1000)).filter((m) => !before.has(m.id)).reverse(),
    });
  }, options.overrides ?? {});
}

/** A `notify` job carrying an event like the ones `ctx.events.emit` builds. */
function notifyJob(w: World, type: string, data: unknown): NotifyJob {
  const now = w.app.clock.ms;
  return newJob("notify", {
    orgId: w.orgId,
    event: { id: `msg_${crypto.randomUUID()}`, type, timestamp: new Date(now).toISOString(), data },
  }, now);
}

/** A PTO request view as `lib/pto` shows it (`viewRequest`). */
function ptoView(userId: string, status = "pending") {
  return {
    id: "01JPTOREQUEST0000000000000",
    userId,
    typeId: "vacation",
    startDate: "2026-11-16",
    endDate: "2026-11-18",
    includeWeekends: false,
    secondsPerDay: null,
    days: ["2026-11-16", "2026-11-17", "2026-11-18"],
    totalSeconds: 3 * 8 * 3600,
    note: "Family visit",
    status,
    createdBy: userId,
    createdAt: "2026-11-02T08:00:00.000Z",
    decidedBy: null,
    decidedAt: null,
    decisionReason: status === "rejected" ? "Short-staffed that week" : null,
    cancelledBy: null,
    cancelledAt: null,
    cancelReason: null,
  };
}

const prefsPath = (w: World) => `/api/v1/orgs/${w.orgId}/notification-preferences`;
const settingsPath = (w: World) => `/api/v1/orgs/${w.orgId}/notification-settings`;

/** The unsubscribe link in a mail's text. */
function unsubscribeLink(mail: StoredMail): string {
  const m = /(https:\/\/clock\.example\.com\/unsubscribe\?token=\S+)/.exec(mail.text);
  assert.ok(m, `an unsubscribe link in ${mail.text}`);
  return m[1];
}

/** Request `link` (an absolute URL on PUBLIC) against the app without any cookie. */
async function follow(
  app: TestApp,
  link: string,
  init: RequestInit = {},
): Promise<{ status: number; html: string }> {
  const u = new URL(link);
  const res = await app.fetch(new Request(`http://localhost${u.pathname}${u.search}`, init));
  return { status: res.status, html: await res.text() };
}

Deno.test("preferences: each member sees the kinds of their role, email on and Slack off by default", async () => {
  await withWorld(async (w) => {
    const mine = await w.employee.client.json("GET", prefsPath(w));
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.kinds, [
      "pto_request_decided",
      "timesheet_rejected",
      "still_clocked_in",
    ]);
    for (const k of mine.body.kinds) {
      assert.deepEqual(mine.body.preferences[k], { email: true, slack: false });
    }
    const manager = await w.manager.client.json("GET", prefsPath(w));
    assert.deepEqual(manager.body.kinds, [
      "pto_request_submitted",
      "pto_request_decided",
      "timesheet_rejected",
      "still_clocked_in",
    ]);
    const admin = await w.admin.client.json("GET", prefsPath(w));
    assert.deepEqual(admin.body.kinds.slice(-2), ["trial_ending", "payment_failed"]);
  });
});

Deno.test("preferences: a member changes their own choices; kinds not offered and bad bodies change nothing", async () => {
  await withWorld(async (w) => {
    const put = await w.employee.client.json("PUT", prefsPath(w), {
      timesheet_rejected: { email: false, slack: true },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.preferences.timesheet_rejected, { email: false, slack: true });
    assert.deepEqual(put.body.preferences.pto_request_decided, { email: true, slack: false });
    const again = await w.employee.client.json("GET", prefsPath(w));
    assert.deepEqual(again.body.preferences.timesheet_rejected, { email: false, slack: true });
    // The coworker's choices are their own.
    const other = await w.coworker.client.json("GET", prefsPath(w));
    assert.deepEqual(other.body.preferences.timesheet_rejected, { email: true, slack: false });

    const before = await snapshot(w.app.store);
    assertApiError(
      await w.employee.client.json("PUT", prefsPath(w), {
        payment_failed: { email: false, slack: false },
      }),
      400,
      "kind_not_offered",
    );
    for (
      const body of [
        { timesheet_rejected: { email: "no", slack: false } },
        { timesheet_rejected: { email: false } },
        { nonsense: { email: false, slack: false } },
        [],
      ]
    ) {
      assertApiError(
        await w.employee.client.json("PUT", prefsPath(w), body),
        400,
        "validation_failed",
      );
    }
    assertSameSnapshot(before, await snapshot(w.app.store), "refused preferences");
  });
});

Deno.test("org settings: admins only; a private or non-https Slack URL is refused with the real policy", async () => {
  await withWorld(async (w) => {
    assertApiError(await w.employee.client.json("GET", settingsPath(w)), 403, "forbidden");
    assertApiError(await w.manager.client.json("GET", settingsPath(w)), 403, "forbidden");
    const before = await snapshot(w.app.store);
    assertApiError(
      await w.manager.client.json("PATCH", settingsPath(w), { stillClockedInHours: 8 }),
      403,
      "forbidden",
    );
    for (
      const url of [
        "http://127.0.0.1:9/services/x",
        "https://127.0.0.1/services/x",
        "https://10.1.2.3/services/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:192.168.0.1]/x",
        "https://localhost/services/x",
        "https://user:pw@hooks.slack.com/services/x",
      ]
    ) {
      const res = await w.admin.client.json("PATCH", settingsPath(w), { slackWebhookUrl: url });
      assertApiError(res, 422, "slack_url_not_allowed");
    }
    for (const body of [{ stillClockedInHours: 0 }, { stillClockedInHours: 25 }, { x: 1 }]) {
      assertApiError(
        await w.admin.client.json("PATCH", settingsPath(w), body),
        400,
        "validation_failed",
      );
    }
    assertSameSnapshot(before, await snapshot(w.app.store), "refused settings");

    const ok = await w.admin.client.json("PATCH", settingsPath(w), { stillClockedInHours: 10 });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, {
      slackWebhook: { configured: false, hint: null },
      stillClockedInHours: 10,
    });
  });
});

Deno.test("org settings: the Slack URL is stored but shown back only as a hint", async () => {
  const slack = FakeSlack.start();
  try {
    await withWorld(async (w) => {
      const res = await w.admin.client.json("PATCH", settingsPath(w), {
        slackWebhookUrl: slack.url,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.slackWebhook.configured, true);
      assert.ok(!JSON.stringify(res.body).includes("XXXXsecret"), "the URL is not shown back");
      assert.match(res.body.slackWebhook.hint, /^http:\/\/127\.0\.0\.1:\d+\/…cret$/);
      const read = await w.admin.client.json("GET", settingsPath(w));
      assert.deepEqual(read.body, res.body);
      const cleared = await w.admin.client.json("PATCH", settingsPath(w), {
        slackWebhookUrl: null,
      });
      assert.equal(cleared.body.slackWebhook.configured, false);
    }, { overrides: { outbound: LOOPBACK } });
  } finally {
    await slack.close();
  }
});

Deno.test("PTO submitted: the managers and admins are mailed, not the requester, once per delivery", async () => {
  await withWorld(async (w) => {
    const job = notifyJob(w, "pto_request.created", ptoView(w.employee.userId));
    await w.run(job);
    const mails = await w.mails();
    assert.deepEqual(mails.map((m) => m.to).sort(), [w.admin.email, w.manager.email].sort());
    const [mail] = mails;
    assert.match(mail.subject, /^Time-off request from Member \d+$/);
    assert.match(mail.text, /requested Vacation: 2026-11-16 to 2026-11-18 \(24 h\)/);
    assert.match(mail.text, /Note: Family visit/);
    assert.match(mail.text, new RegExp(`Review it: ${PUBLIC}/o/${w.orgId}/pto`));
    const link = unsubscribeLink(mail);
    assert.deepEqual(mail.headers, {
      "List-Unsubscribe": `<${link}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    // A second delivery of the same job runs nothing; a handler run again sends the same ids.
    await w.run(job);
    await runNotification(w.deps, job);
    assert.equal((await w.mails()).length, 2);
    assert.deepEqual(w.transport.failures, []);
  });
});

Deno.test("PTO decided and timesheet rejected: the member is mailed, with the reason", async () => {
  await withWorld(async (w) => {
    await w.run(notifyJob(w, "pto_request.rejected", ptoView(w.employee.userId, "rejected")));
    await w.run(notifyJob(w, "timesheet.rejected", {
      id: `2026-10-26.${w.employee.userId}`,
      userId: w.employee.userId,
      periodStart: "2026-10-26",
      periodEnd: "2026-11-01",
      status: "rejected",
      rejectionReason: "Missing Friday",
    }));
    const mails = await w.mails();
    assert.deepEqual(mails.map((m) => m.to), [w.employee.email, w.employee.email]);
    assert.equal(mails[0].subject, "Your time-off request was rejected");
    assert.match(mails[0].text, /Reason: Short-staffed that week/);
    assert.equal(mails[1].subject, "Your timesheet for 2026-10-26 to 2026-11-01 was rejected");
    assert.match(mails[1].text, /Reason: Missing Friday/);
  });
});

Deno.test("notify: odd event data never crashes; unknown people and types notify nobody", async () => {
  await withWorld(async (w) => {
    for (
      const data of [null, 42, "x", [], { userId: 7 }, { userId: "01NOSUCHUSER00000000000000" }]
    ) {
      await w.run(notifyJob(w, "timesheet.rejected", data));
    }
    await w.run(notifyJob(w, "clock.in", { userId: w.employee.userId }));
    assert.deepEqual(await w.mails(), []);
    // A submitted request with nothing but who asked still reaches the managers.
    await w.run(notifyJob(w, "pto_request.created", { userId: w.employee.userId }));
    const mails = await w.mails();
    assert.equal(mails.length, 2);
    assert.match(mails[0].text, /requested time off: dates not given\./);
    assert.deepEqual(w.transport.failures, []);
  });
});

Deno.test("preferences are honoured: email off sends nothing to that person", async () => {
  await withWorld(async (w) => {
    const off = await w.manager.client.json("PUT", prefsPath(w), {
      pto_request_submitted: { email: false, slack: false },
    });
    assert.equal(off.status, 200);
    await w.run(notifyJob(w, "pto_request.created", ptoView(w.employee.userId)));
    assert.deepEqual((await w.mails()).map((m) => m.to), [w.admin.email]);
  });
});

Deno.test("unsubscribe: the mailed link works without signing in; GET changes nothing, POST turns that kind's email off", async () => {
  await withWorld(async (w) => {
    await w.run(notifyJob(w, "timesheet.rejected", {
      userId: w.employee.userId,
      periodStart: "2026-10-26",
      periodEnd: "2026-11-01",
    }));
    const link = unsubscribeLink((await w.mails())[0]);
    const before = await snapshot(w.app.store);
    const shown = await follow(w.app, link);
    assert.equal(shown.status, 200);
    assert.match(shown.html, /Stop emails from <strong>Acme Bakery<\/strong>/);
    assert.match(shown.html, /my timesheet is rejected/);
    assertSameSnapshot(before, await snapshot(w.app.store), "GET of the link");

    const token = new URL(link).searchParams.get("token")!;
    const done = await follow(w.app, `${PUBLIC}/unsubscribe`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    });
    assert.equal(done.status, 200);
    assert.match(done.html, /id="unsubscribe-done"/);
    const prefs = await w.employee.client.json("GET", prefsPath(w));
    assert.deepEqual(prefs.body.preferences.timesheet_rejected, { email: false, slack: false });
    assert.deepEqual(prefs.body.preferences.pto_request_decided, { email: true, slack: false });

    // The next rejection mails nothing.
    await w.run(notifyJob(w, "timesheet.rejected", { userId: w.employee.userId }));
    assert.equal((await w.mails()).length, 1);
  });
});

Deno.test("unsubscribe: RFC 8058 one-click POST to the link turns the email off", async () => {
  await withWorld(async (w) => {
    await w.run(notifyJob(w, "pto_request.created", ptoView(w.employee.userId)));
    const mail = (await w.mails()).find((m) => m.to === w.manager.email)!;
    const res = await follow(w.app, unsubscribeLink(mail), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    assert.equal(res.status, 200);
    const prefs = await w.manager.client.json("GET", prefsPath(w));
    assert.deepEqual(prefs.body.preferences.pto_request_submitted, { email: false, slack: false });
    const admin = await w.admin.client.json("GET", prefsPath(w));
    assert.deepEqual(admin.body.preferences.pto_request_submitted, { email: true, slack: false });
  });
});

Deno.test("unsubscribe: a tampered, forged or missing token is refused (400) and changes nothing", async () => {
  await withWorld(async (w) => {
    await w.run(notifyJob(w, "timesheet.rejected", { userId: w.employee.userId }));
    const link = unsubscribeLink((await w.mails())[0]);
    const token = new URL(link).searchParams.get("token")!;
    const [v, payload, sig] = token.split(".");
    const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
    const otherPayload = btoa(JSON.stringify({ ...claims, u: w.coworker.userId }))
      .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const flipped = sig.slice(0, -2) + (sig.at(-2) === "A" ? "B" : "A") + sig.at(-1);
    const bad = [
      `${v}.${payload}.${flipped}`,
      `${v}.${otherPayload}.${sig}`,
      `v2.${payload}.${sig}`,
      `${v}.${payload}`,
      "",
      "x".repeat(2000),
    ];
    const before = await snapshot(w.app.store);
    for (const t of bad) {
      const shown = await follow(w.app, `${PUBLIC}/unsubscribe?token=${encodeURIComponent(t)}`);
      assert.equal(shown.status, 400, `GET ${t.slice(0, 40)}`);
      assert.match(shown.html, /not valid/);
      const posted = await follow(w.app, `${PUBLIC}/unsubscribe`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: t }).toString(),
      });
      assert.equal(posted.status, 400, `POST ${t.slice(0, 40)}`);
    }
    assertSameSnapshot(before, await snapshot(w.app.store), "refused unsubscribe links");
  });
});

Deno.test("Slack: a member who chose Slack gets the event posted as {text} to the org's webhook", async () => {
  const slack = FakeSlack.start();
  try {
    await withWorld(async (w) => {
      const set = await w.admin.client.json("PATCH", settingsPath(w), {
        slackWebhookUrl: slack.url,
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const job = notifyJob(w, "timesheet.rejected", {
        userId: w.employee.userId,
        periodStart: "2026-10-26",
        periodEnd: "2026-11-01",
      });
      // Slack off (the default): nothing is posted.
      await w.run(job);
      assert.equal(slack.received.length, 0);
      await w.employee.client.json("PUT", prefsPath(w), {
        timesheet_rejected: { email: true, slack: true },
      });
      const second = notifyJob(w, "timesheet.rejected", {
        userId: w.employee.userId,
        periodStart: "2026-10-26",
        periodEnd: "2026-11-01",
      });
      await w.run(second);
      assert.equal(slack.received.length, 1);
      const post = slack.received[0] as SlackPost;
      assert.equal(post.path, "/services/T000/B000/XXXXsecret");
      assert.equal(post.contentType, "application/json");
      assert.deepEqual(Object.keys(post.body as object), ["text"]);
      assert.match(
        (post.body as { text: string }).text,
        /^Acme Bakery: the timesheet of Member \d+ for 2026-10-26 to 2026-11-01 was rejected\.$/,
      );
      // Redelivered: the Slack job has a fixed id, so nothing is posted twice.
      await runNotification(w.deps, second);
      assert.equal(slack.received.length, 1);
      assert.equal((await w.mails()).length, 2, "mail went out as well, once per job");
      assert.deepEqual(w.transport.failures, []);
    }, { outbound: LOOPBACK, overrides: { outbound: LOOPBACK } });
  } finally {
    await slack.close();
  }
});

Deno.test("Slack: a failing webhook makes the job fail (to be retried); a private URL is refused at send time", async () => {
  const slack = FakeSlack.start();
  try {
    await withWorld(async (w) => {
      await w.admin.client.json("PATCH", settingsPath(w), { slackWebhookUrl: slack.url });
      await w.employee.client.json("PUT", prefsPath(w), {
        still_clocked_in: { email: false, slack: true },
      });
      slack.failWith = 503;
      await w.run(notifyJob(w, "notification.still_clocked_in", { userId: w.employee.userId }));
      assert.equal(w.transport.failures.length, 1);
      assert.equal(w.transport.failures[0].job.kind, "send_slack");
      assert.match(String(w.transport.failures[0].error), /Slack answered 503/);
      // Retried after Slack recovers: posted once.
      slack.failWith = null;
      await w.run(w.transport.failures[0].job);
      assert.equal(slack.received.length, 1);

      // The same stored URL under the production policy (DNS rebinding, a config change):
      // checked again before the post, refused, nothing sent.
      const strict: JobDeps = {
        ...w.deps,
        outbound: { policy: { allowPrivate: false }, fetch: globalThis.fetch },
      };
      const { sendSlack } = await import("../../jobs/send_slack.ts");
      await sendSlack(strict, newJob("send_slack", { orgId: w.orgId, text: "hi" }));
      assert.equal(slack.received.length, 1);
    }, { outbound: LOOPBACK, overrides: { outbound: LOOPBACK } });
  } finally {
    await slack.close();
  }
});

Deno.test("still clocked in: the sweep notifies the member once per running entry past the threshold", async () => {
  await withWorld(async (w) => {
    const set = await w.admin.client.json("PATCH", settingsPath(w), { stillClockedInHours: 2 });
    assert.equal(set.status, 200);
    const clockIn = await w.employee.client.json("POST", `/api/v1/orgs/${w.orgId}/clock/in`, {});
    assert.equal(clockIn.status, 201, JSON.stringify(clockIn.body));
    const sweep = () =>
      sweepStillClockedIn({ store: w.app.store, outbox: w.deps.outbox!, now: w.app.clock.ms });
    w.app.clock.advance(3600);
    assert.equal(await sweep(), 0, "not yet");
    w.app.clock.advance(3600);
    assert.equal(await sweep(), 1);
    assert.equal(await sweep(), 0, "once per entry");
    w.app.clock.advance(5 * 3600);
    assert.equal(await sweep(), 0, "still once");
    const mails = await w.mails();
    assert.deepEqual(mails.map((m) => m.to), [w.employee.email]);
    assert.equal(mails[0].subject, "You are still clocked in");
    assert.match(mails[0].text, /more than 2 hours/);
    assert.deepEqual(w.transport.failures, []);

    // A new entry is a new reminder; an organization with the reminder off is skipped.
    await w.employee.client.json("POST", `/api/v1/orgs/${w.orgId}/clock/out`, {});
    await w.employee.client.json("POST", `/api/v1/orgs/${w.orgId}/clock/in`, {});
    w.app.clock.advance(3 * 3600);
    assert.equal(await sweep(), 1);
    await w.admin.client.json("PATCH", settingsPath(w), { stillClockedInHours: null });
    await w.employee.client.json("POST", `/api/v1/orgs/${w.orgId}/clock/out`, {});
    await w.employee.client.json("POST", `/api/v1/orgs/${w.orgId}/clock/in`, {});
    w.app.clock.advance(30 * 3600);
    assert.equal(await sweep(), 0);
    assert.equal((await w.mails()).length, 2);
  });
});

Deno.test("billing: trial ending and payment failed are mailed to the admins through the Stripe webhook", async () => {
  let app: TestApp | null = null;
  const fake = FakeStripe.start({
    now: () => app!.clock.ms,
    prices: { price_team_monthly: { unitAmount: 400, interval: "month", product: "team" } },
  });
  try {
    const config = loadConfig({
      KV_PATH: ":memory:",
      PUBLIC_URL: PUBLIC,
      STRIPE_SECRET_KEY: fake.secretKey,
      STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
      STRIPE_API_BASE: fake.url,
      STRIPE_PRICE_TEAM_MONTHLY: "price_team_monthly",
    });
    const jobs = new InlineTransport();
    await withWorld(async (w) => {
      const deliver = async (events: Awaited<ReturnType<typeof fake.trialWillEnd>>) => {
        for (const e of events) {
          const { payload, signature } = await fake.sign(e);
          const res = await w.app.fetch(
            new Request("http://localhost/api/stripe/webhook", {
              method: "POST",
              headers: { "content-type": "application/json", "stripe-signature": signature },
              body: payload,
            }),
          );
          assert.equal(res.status, 200, await res.text());
        }
      };
      await w.admin.client.json("POST", `/api/v1/orgs/${w.orgId}/billing/portal`);
      const customerId = [...fake.customers.keys()][0];
      const trialEnd = Math.floor((w.app.clock.ms + 7 * DAY) / 1000);
      const { subscription, events } = fake.createSubscription(customerId, {
        price: "price_team_monthly",
        trialEnd,
      });
      await deliver(events);
      assert.deepEqual(await w.mails(), [], "no notification for ordinary subscription events");
      const warning = fake.trialWillEnd(subscription.id);
      await deliver(warning);
      await deliver(warning); // a redelivery is a duplicate: nothing more
      let mails = await w.mails();
      assert.deepEqual(mails.map((m) => m.to), [w.admin.email]);
      assert.equal(
        mails[0].subject,
        `The Acme Bakery trial ends on ${new Date(trialEnd * 1000).toISOString().slice(0, 10)}`,
      );
      assert.match(mails[0].text, new RegExp(`${PUBLIC}/o/${w.orgId}/billing`));

      w.app.clock.advance(40 * 24 * 3600);
      await deliver(fake.renew(subscription.id, { paid: false }));
      mails = await w.mails();
      assert.equal(mails.length, 2);
      assert.equal(mails[1].to, w.admin.email);
      assert.equal(mails[1].subject, "A payment for Acme Bakery failed");
      assert.deepEqual(jobs.failures, []);
    }, {
      onApp: (a) => {
        app = a;
        jobs.setHandler(createJobHandler({ ...a.deps, publicUrl: PUBLIC }));
      },
      overrides: {
        config,
        billing: createStripeGateway(config.stripe!, { maxNetworkRetries: 0 }),
        jobs,
      },
    });
  } finally {
    await fake.close();
  }
});
