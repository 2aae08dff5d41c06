/**
 * Jobs through QStash, end to end over loopback HTTP: the real app served on a free port with
 * `PUBLIC_URL` pointing at it, the `@upstash/qstash` client publishing to a fake QStash
 * (`tests/fakes/qstash.ts`) that calls the app back signed as QStash does, and the SDK's
 * `Receiver` checking those signatures in the app.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import { globalKeys, Store } from "../../lib/kv/mod.ts";
import { DEFAULT_THROTTLE } from "../../lib/identity/throttle.ts";
import { KvMailbox, type MailPort } from "../../lib/mail/mail.ts";
import { Outbox } from "../../lib/jobs/outbox.ts";
import { type Job, sendMailJob } from "../../lib/jobs/jobs.ts";
import { QStashTransport } from "../../lib/jobs/qstash.ts";
import { Client, type TestApp, testApp, TestClock } from "../helpers.ts";
import { FakeQStash, signQStash } from "../fakes/qstash.ts";

const KEYS = {
  token: "qstash_token_for_tests",
  currentSigningKey: "sig_current_5fT8a1Kq",
  nextSigningKey: "sig_next_9xQ2b7Lm",
};

/** A mail port that counts sends and can be made to fail. */
class CountingMailer implements MailPort {
  sends: string[] = [];
  failing: string | null = null;
  constructor(readonly inner: KvMailbox) {}
  async send(id: string, mail: Parameters<MailPort["send"]>[1]): Promise<void> {
    if (this.failing) throw new Error(this.failing);
    this.sends.push(id);
    await this.inner.send(id, mail);
  }
}

interface QStashWorld {
  fake: FakeQStash;
  publicUrl: string;
  store: Store;
  outbox: Outbox;
  mailer: CountingMailer;
  mailbox: KvMailbox;
  client: Client;
  clock: TestClock;
  /** POST `body` to `path` of the served app with `headers`; status and parsed body. */
  post(
    path: string,
    body: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: { error?: { code: string } } & Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The app served on loopback with QStash configured against a fresh fake. */
async function qstashWorld(): Promise<QStashWorld> {
  const fake = new FakeQStash(KEYS);
  const qstashUrl = fake.start();
  let fetchApp: ((req: Request) => Response | Promise<Response>) | null = null;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => fetchApp!(req),
  );
  const publicUrl = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  const config = loadConfig({
    KV_PATH: ":memory:",
    PUBLIC_URL: publicUrl,
    QSTASH_TOKEN: KEYS.token,
    QSTASH_CURRENT_SIGNING_KEY: KEYS.currentSigningKey,
    QSTASH_NEXT_SIGNING_KEY: KEYS.nextSigningKey,
    QSTASH_URL: qstashUrl,
  });
  const store = await Store.open(":memory:");
  const clock = new TestClock();
  const mailbox = new KvMailbox(store, clock.now, () => {});
  const mailer = new CountingMailer(mailbox);
  const transport = new QStashTransport({
    ...config.qstash!,
    publicUrl,
    store,
    publishRetries: 0,
  });
  const outbox = new Outbox(store, transport, clock.now);
  const app = createApp({
    store,
    config,
    now: clock.now,
    passwordIterations: 1_000,
    throttle: DEFAULT_THROTTLE,
    mailer,
    jobs: transport,
    outbox,
    log: () => {},
  });
  fetchApp = (req) => app.fetch(req, { remoteAddr: { hostname: "127.0.0.1" } });
  const http: TestApp = {
    store,
    clock,
    deps: {} as TestApp["deps"],
    fetch: (req) => fetch(req),
    close: () => {},
  };
  return {
    fake,
    publicUrl,
    store,
    outbox,
    mailer,
    mailbox,
    clock,
    client: new Client(http, publicUrl),
    async post(path, body, headers = {}) {
      const res = await fetch(publicUrl + path, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...headers },
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {} };
    },
    async close() {
      await fake.close();
      await server.shutdown();
      store.close();
    },
  };
}

/** Sign up an organization (which mails a verification link); returns the admin's email. */
async function signUp(w: QStashWorld): Promise<string> {
  const email = `ada-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const res = await w.client.json("POST", "/api/v1/signup", {
    organization: { name: "QStash Org", timeZone: "Europe/Berlin" },
    user: { name: "Ada Admin", email, password: "correct horse battery" },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return email;
}

/** A mail job as the app would publish it. */
function mailJob(to = "someone@example.com"): Job {
  return sendMailJob(null, { to, subject: "Hello", text: "Hi there" });
}

Deno.test("a sign-up's mail travels outbox → QStash → signed callback → handler → mailbox", async () => {
  const w = await qstashWorld();
  try {
    const email = await signUp(w);
    await w.fake.idle();
    assert.equal(w.fake.messages.length, 1);
    const [m] = w.fake.messages;
    const job = JSON.parse(m.body) as Job;
    assert.equal(job.kind, "send_mail");
    assert.equal(m.destination, `${w.publicUrl}/api/jobs/send_mail`);
    assert.equal(m.contentType, "application/json");
    assert.equal(m.deduplicationId, job.id);
    assert.equal(m.retries, 3);
    assert.equal(m.failureCallback, `${w.publicUrl}/api/jobs/_failed`);
    assert.equal(m.delaySeconds, 0);
    assert.deepEqual(m.attempts.map((a) => a.status), [200]);
    assert.equal(m.state, "delivered");
    const mail = (await w.mailbox.list()).filter((x) => x.to === email);
    assert.equal(mail.length, 1);
    assert.match(mail[0].text, /verify/i);
    assert.deepEqual(await w.outbox.pending(), [], "the outbox handed the job off");
    const run = await w.store.get<{ state: string }>(globalKeys.jobRun(job.id));
    assert.equal(run.value?.state, "done");
    assert.equal(w.fake.unauthorized, 0, "the client sent the QStash token");
  } finally {
    await w.close();
  }
});

Deno.test("a job QStash delivers twice runs once, and both deliveries are acknowledged", async () => {
  const w = await qstashWorld();
  try {
    await signUp(w);
    await w.fake.idle();
    const [m] = w.fake.messages;
    await w.fake.redeliver(m.messageId);
    await w.fake.redeliver(m.messageId);
    assert.deepEqual(m.attempts.map((a) => a.status), [200, 200, 200]);
    assert.equal(w.mailer.sends.length, 1, "the mail port was called once");
  } finally {
    await w.close();
  }
});

Deno.test("the same job handed off twice is published once (deduplication id = job id)", async () => {
  const w = await qstashWorld();
  try {
    const job = mailJob();
    const port = w.outbox.port();
    const op = w.store.atomic();
    port.add(op, job);
    assert.ok(await op.commit());
    await port.dispatch();
    // A crash after the hand-off, before the outbox record was deleted, hands it off again.
    const op2 = w.store.atomic();
    const again = w.outbox.port();
    again.add(op2, job);
    assert.ok(await op2.commit());
    await again.dispatch();
    await w.fake.idle();
    assert.equal(w.fake.messages.length, 1);
    assert.equal(w.fake.deduplicated, 1);
    assert.equal(w.mailer.sends.length, 1);
  } finally {
    await w.close();
  }
});

Deno.test("forged, tampered, expired, misaddressed or unsigned callbacks get 401 and run nothing", async () => {
  const w = await qstashWorld();
  try {
    const job = mailJob();
    const body = JSON.stringify(job);
    const url = `${w.publicUrl}/api/jobs/send_mail`;
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, string>, string][] = [
      ["no signature", {}, body],
      ["an unknown key", {
        "upstash-signature": await signQStash({ key: "sig_attacker", url, body }),
      }, body],
      ["a tampered body", {
        "upstash-signature": await signQStash({ key: KEYS.currentSigningKey, url, body }),
      }, body.replace("Hello", "Pwned")],
      ["an expired signature", {
        "upstash-signature": await signQStash({
          key: KEYS.currentSigningKey,
          url,
          body,
          iat: now - 3600,
          ttlSeconds: 300,
        }),
      }, body],
      ["a signature not yet valid", {
        "upstash-signature": await signQStash({
          key: KEYS.currentSigningKey,
          url,
          body,
          iat: now + 3600,
        }),
      }, body],
      ["a signature for another URL", {
        "upstash-signature": await signQStash({
          key: KEYS.currentSigningKey,
          url: `${w.publicUrl}/api/jobs/sync_seats`,
          body,
        }),
      }, body],
      ["another issuer", {
        "upstash-signature": await signQStash({
          key: KEYS.currentSigningKey,
          url,
          body,
          iss: "Mallory",
        }),
      }, body],
      ["garbage", { "upstash-signature": "not.a.jwt" }, body],
    ];
    for (const [name, headers, sent] of cases) {
      const res = await w.post("/api/jobs/send_mail", sent, headers);
      assert.equal(res.status, 401, name);
      assert.equal(res.body.error?.code, "invalid_signature", name);
    }
    // A forged failure callback records no dead letter either.
    const failure = JSON.stringify({ status: 500, sourceBody: btoa(body), retried: 3 });
    const forged = await w.post("/api/jobs/_failed", failure, {
      "upstash-signature": await signQStash({
        key: "sig_attacker",
        url: `${w.publicUrl}/api/jobs/_failed`,
        body: failure,
      }),
    });
    assert.equal(forged.status, 401);
    assert.equal(w.mailer.sends.length, 0, "nothing ran");
    assert.equal((await w.store.get(globalKeys.jobRun(job.id))).value, null);
    assert.deepEqual(await w.outbox.dead(), []);
  } finally {
    await w.close();
  }
});

Deno.test("callbacks signed with the next signing key are accepted (key rotation)", async () => {
  const w = await qstashWorld();
  try {
    w.fake.signWith = "next";
    const email = await signUp(w);
    await w.fake.idle();
    assert.deepEqual(w.fake.messages[0].attempts.map((a) => a.status), [200]);
    assert.equal((await w.mailbox.list()).filter((m) => m.to === email).length, 1);
  } finally {
    await w.close();
  }
});

Deno.test("a signed body that is not a job of its path's kind is refused with 400", async () => {
  const w = await qstashWorld();
  try {
    const sign = async (path: string, body: string) => ({
      "upstash-signature": await signQStash({
        key: KEYS.currentSigningKey,
        url: w.publicUrl + path,
        body,
      }),
    });
    const job = JSON.stringify(mailJob());
    const wrongKind = await w.post(
      "/api/jobs/sync_seats",
      job,
      await sign("/api/jobs/sync_seats", job),
    );
    assert.equal(wrongKind.status, 400);
    assert.equal(wrongKind.body.error?.code, "job_kind_mismatch");
    const unknown = JSON.stringify({ kind: "launch_rockets", id: "x" });
    const notAJob = await w.post(
      "/api/jobs/send_mail",
      unknown,
      await sign("/api/jobs/send_mail", unknown),
    );
    assert.equal(notAJob.status, 400);
    assert.equal(notAJob.body.error?.code, "invalid_job");
    const notJson = await w.post(
      "/api/jobs/send_mail",
      "{",
      await sign("/api/jobs/send_mail", "{"),
    );
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error?.code, "invalid_json");
    const notFailure = "{}";
    const badFailure = await w.post(
      "/api/jobs/_failed",
      notFailure,
      await sign("/api/jobs/_failed", notFailure),
    );
    assert.equal(badFailure.status, 400);
    assert.equal(w.mailer.sends.length, 0);
  } finally {
    await w.close();
  }
});

Deno.test("a job failing every retry becomes a dead letter on /ops, and its retry delivers it", async () => {
  const w = await qstashWorld();
  try {
    w.mailer.failing = "smtp server said 421 try later";
    const email = await signUp(w);
    await w.fake.idle();
    const [m] = w.fake.messages;
    const job = JSON.parse(m.body) as Job;
    assert.deepEqual(m.attempts.map((a) => a.status), [500, 500, 500, 500], "1 + 3 retries");
    assert.deepEqual(m.attempts.map((a) => a.backoffSeconds), [12, 148, 1808, null]);
    assert.equal(m.state, "failed");
    assert.equal(m.failureCallbackStatus, 200, "the failure callback was accepted");
    const dead = await w.outbox.dead();
    assert.equal(dead.length, 1);
    assert.deepEqual(dead[0].job, job);
    assert.match(dead[0].error ?? "", /QStash gave up after 4 deliveries/);
    assert.match(dead[0].error ?? "", /500/);
    assert.match(dead[0].error ?? "", /smtp server said 421 try later/);
    assert.equal(dead[0].failedAt, w.clock.now());
    assert.equal((await w.store.get(globalKeys.jobRun(job.id))).value, null, "never ran");

    // The operator retries it once the mail server is back: a fresh deduplication id, so QStash
    // does not drop it as a duplicate of the message it gave up on.
    w.mailer.failing = null;
    assert.equal(await w.outbox.retryDead(job.id), true);
    await w.fake.idle();
    assert.equal(w.fake.deduplicated, 0);
    assert.equal(w.fake.messages.length, 2);
    assert.equal(w.fake.messages[1].deduplicationId, `${job.id}.1`);
    assert.deepEqual(w.fake.messages[1].attempts.map((a) => a.status), [200]);
    assert.equal((await w.mailbox.list()).filter((x) => x.to === email).length, 1);
    assert.deepEqual(await w.outbox.dead(), []);

    // A late, repeated failure callback of the first message does not bring the letter back.
    const late = JSON.stringify({
      status: 500,
      body: btoa("{}"),
      retried: 3,
      maxRetries: 3,
      sourceMessageId: m.messageId,
      sourceBody: btoa(m.body),
    });
    const res = await w.post("/api/jobs/_failed", late, {
      "upstash-signature": await signQStash({
        key: KEYS.currentSigningKey,
        url: `${w.publicUrl}/api/jobs/_failed`,
        body: late,
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.recorded, false);
    assert.deepEqual(await w.outbox.dead(), []);
  } finally {
    await w.close();
  }
});

Deno.test("a delayed job is published with Upstash-Delay and runs when QStash releases it", async () => {
  const w = await qstashWorld();
  try {
    const job = mailJob("later@example.com");
    const port = w.outbox.port();
    const op = w.store.atomic();
    port.add(op, job, { delayMs: 90_500 });
    assert.ok(await op.commit());
    await port.dispatch();
    await w.fake.idle();
    assert.equal(w.fake.messages.length, 1);
    assert.equal(w.fake.messages[0].delaySeconds, 91, "rounded up to whole seconds");
    assert.equal(w.fake.messages[0].state, "held");
    assert.equal(w.mailer.sends.length, 0, "not before its time");
    assert.equal(await w.fake.flush(), 1);
    assert.deepEqual(w.mailer.sends, [job.id]);
  } finally {
    await w.close();
  }
});

Deno.test("a publish QStash refuses stays in the outbox and is handed off by a later sweep", async () => {
  const w = await qstashWorld();
  try {
    w.fake.failPublishes = true;
    const email = await signUp(w);
    const pending = await w.outbox.pending();
    assert.equal(pending.length, 1);
    assert.equal(pending[0].attempts, 1);
    assert.ok(pending[0].lastError);
    assert.equal(w.fake.messages.length, 0);
    w.fake.failPublishes = false;
    w.clock.advance(2);
    assert.equal(await w.outbox.sweep(), 1);
    await w.fake.idle();
    assert.equal((await w.mailbox.list()).filter((m) => m.to === email).length, 1);
    assert.deepEqual(await w.outbox.pending(), []);
  } finally {
    await w.close();
  }
});

Deno.test("a callback body over 1 MiB is refused with 413 before anything else", async () => {
  const w = await qstashWorld();
  try {
    const res = await w.post("/api/jobs/send_mail", "x".repeat(1024 * 1024 + 1));
    assert.equal(res.status, 413);
    assert.equal(res.body.error?.code, "payload_too_large");
  } finally {
    await w.close();
  }
});

Deno.test("without QStash configured, /api/jobs/* does not exist (404)", async () => {
  const app = await testApp();
  try {
    const body = JSON.stringify(mailJob());
    const url = "http://localhost/api/jobs/send_mail";
    for (const path of ["/api/jobs/send_mail", "/api/jobs/_failed"]) {
      const res = await app.fetch(
        new Request(`http://localhost${path}`, {
          method: "POST",
          body,
          headers: {
            "content-type": "application/json",
            "upstash-signature": await signQStash({ key: KEYS.currentSigningKey, url, body }),
          },
        }),
      );
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error.code, "not_found");
    }
  } finally {
    app.close();
  }
});
