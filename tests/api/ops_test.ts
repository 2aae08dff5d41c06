/**
 * The operator pages of the job outbox and the mailbox: `/ops` lists dead letters (with a retry)
 * and waiting jobs, `/ops/mail` the embedded mailbox; both are 404 for everyone but operators.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { globalKeys } from "../../lib/kv/mod.ts";
import { InlineTransport, sendMailJob } from "../../lib/jobs/jobs.ts";
import { type DeadJob, Outbox } from "../../lib/jobs/outbox.ts";
import type { KvMailbox } from "../../lib/mail/mail.ts";
import { SmtpMailer } from "../../lib/mail/smtp.ts";
import { smtpResponder } from "../fakes/smtp.ts";
import type { User } from "../../lib/identity/users.ts";
import { Client, signUpOrg, type TestApp } from "../helpers.ts";
import { PASSWORD, withApp } from "./support.ts";

const OPERATOR = "ops-person@example.com";

/** Sign up the operator (email verified, as the operator guard may demand) and sign them in. */
async function operator(app: TestApp): Promise<Client> {
  const client = new Client(app);
  const res = await client.json("POST", "/api/v1/signup", {
    organization: { name: "Ops Co", timeZone: "UTC" },
    user: { name: "Olga Ops", email: OPERATOR, password: PASSWORD },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const key = globalKeys.user(res.body.user.id);
  const user = (await app.store.get<User>(key)).value!;
  await app.store.atomic().set(key, { ...user, emailVerifiedAt: app.clock.now() }).commit();
  return client;
}

const config = loadConfig({ KV_PATH: ":memory:", OPERATOR_EMAILS: OPERATOR });
const mail = (n: number) => ({
  to: `p${n}@example.com`,
  subject: `Subject ${n}`,
  text: `Text ${n}`,
});

/** Write a dead letter as the outbox does after its last failed hand-off. */
async function deadLetter(app: TestApp, n: number): Promise<DeadJob> {
  const dead: DeadJob = {
    job: sendMailJob(null, mail(n), app.clock.now()),
    error: "transport unreachable",
    failedAt: app.clock.now(),
  };
  await app.store.atomic().set(globalKeys.deadJob(dead.job.id), dead).commit();
  return dead;
}

Deno.test("/ops lists dead letters and waiting jobs; retry hands a dead letter off again", async () => {
  await withApp(async (app) => {
    const ops = await operator(app);
    const dead = await deadLetter(app, 1);
    const waiting = sendMailJob(null, mail(2), app.clock.now());
    const op = app.store.atomic();
    new Outbox(app.store, new InlineTransport(), app.clock.now).port().add(op, waiting);
    assert.ok(await op.commit());

    const page = await ops.request("GET", "/ops");
    assert.equal(page.status, 200);
    const html = await page.text();
    const deadRow = html.slice(
      html.indexOf('id="ops-dead-jobs"'),
      html.indexOf("Waiting in the outbox"),
    );
    assert.ok(deadRow.includes(`data-job="${dead.job.id}"`));
    assert.ok(deadRow.includes("to p1@example.com: Subject 1"));
    assert.ok(deadRow.includes("transport unreachable"));
    assert.ok(deadRow.includes(`action="/ops/jobs/${dead.job.id}/retry"`));
    assert.ok(!deadRow.includes("Text 1"), "a mail's body is not shown with its job");
    const waitingRows = html.slice(html.indexOf('id="ops-pending-jobs"'));
    assert.ok(waitingRows.includes(`data-job="${waiting.id}"`));

    // A cross-site form post is refused and changes nothing.
    const forged = await ops.request("POST", `/ops/jobs/${dead.job.id}/retry`, undefined, {
      origin: "https://evil.example",
    });
    assert.equal(forged.status, 403);
    assert.ok((await app.store.get(globalKeys.deadJob(dead.job.id))).value);

    const retried = await ops.request("POST", `/ops/jobs/${dead.job.id}/retry`, undefined, {
      origin: "http://localhost",
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(retried.status, 303);
    assert.equal(retried.headers.get("location"), "/ops#ops-jobs");
    assert.equal((await app.store.get(globalKeys.deadJob(dead.job.id))).value, null);
    // The operator's own sign-up mailed a verification link; only the retried job counts here.
    const sent = (await (app.deps.mailer as KvMailbox).list()).filter((m) => m.to !== OPERATOR);
    assert.deepEqual(sent.map((m) => m.subject), ["Subject 1"], "the retried job ran");

    const again = await ops.request("POST", `/ops/jobs/${dead.job.id}/retry`, undefined, {
      origin: "http://localhost",
    });
    assert.equal(again.status, 404, "no such dead letter any more");
    assert.ok(
      (await (await ops.request("GET", "/ops")).text()).includes('id="ops-dead-jobs">None.'),
    );
  }, { config });
});

Deno.test("/ops/mail lists the embedded mailbox newest first: to, subject, time and text", async () => {
  await withApp(async (app) => {
    const ops = await operator(app);
    const mailer = app.deps.mailer as KvMailbox;
    for (const n of [1, 2, 3]) {
      await mailer.send(sendMailJob(null, mail(n), app.clock.now()).id, mail(n));
      app.clock.advance(60);
    }
    const res = await ops.request("GET", "/ops/mail");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-robots-tag"), "noindex");
    const html = await res.text();
    const at = (s: string) => html.indexOf(s);
    assert.ok(at("Subject 3") > 0 && at("Subject 3") < at("Subject 2"), "newest first");
    assert.ok(at("Subject 2") < at("Subject 1"));
    for (const s of ["p1@example.com", "Text 1", "2026-11-02 08:02"]) {
      assert.ok(html.includes(s), s);
    }
  }, { config });
});

Deno.test("the operator pages are 404 for everyone else, signed out included", async () => {
  await withApp(async (app) => {
    await operator(app);
    const dead = await deadLetter(app, 1);
    const stranger = await signUpOrg(app);
    for (const client of [new Client(app), stranger.client]) {
      for (const path of ["/ops", "/ops/mail"]) {
        assert.equal((await client.request("GET", path)).status, 404, path);
      }
      const retry = await client.request("POST", `/ops/jobs/${dead.job.id}/retry`, undefined, {
        origin: "http://localhost",
      });
      assert.equal(retry.status, 404);
    }
    assert.ok((await app.store.get(globalKeys.deadJob(dead.job.id))).value, "still dead");
  }, { config });
});

Deno.test("with SMTP configured, a retried send_mail job goes out over SMTP and /ops/mail says so", async () => {
  const server = smtpResponder();
  const mailer = new SmtpMailer({
    url: `smtp://u:p@127.0.0.1:${server.port}`,
    from: "ClockFlow <no-reply@clockflow.test>",
    timeoutMs: 5_000,
  });
  try {
    await withApp(async (app) => {
      const ops = await operator(app);
      const dead = await deadLetter(app, 7);
      const res = await ops.request("POST", `/ops/jobs/${dead.job.id}/retry`, undefined, {
        origin: "http://localhost",
      });
      assert.equal(res.status, 303);
      // The operator's sign-up sent its verification mail over SMTP too; find the retried one.
      const retried = server.sessions.filter((s) => s.to.includes("RCPT TO:<p7@example.com>"));
      assert.equal(retried.length, 1);
      assert.deepEqual(retried[0].to, ["RCPT TO:<p7@example.com>"]);
      assert.match(retried[0].data, /^Subject: Subject 7$/m);
      assert.match(
        retried[0].data,
        new RegExp(`^Message-ID: <${dead.job.id}@clockflow>$`, "m"),
      );
      const page = await (await ops.request("GET", "/ops/mail")).text();
      assert.ok(page.includes("Mail goes out over SMTP"));
    }, { config, mailer });
  } finally {
    mailer.close();
    await server.close();
  }
});
