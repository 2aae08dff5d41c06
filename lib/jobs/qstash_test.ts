import assert from "node:assert/strict";
import { globalKeys, Store } from "../kv/mod.ts";
import { sendMailJob } from "./jobs.ts";
import {
  CallbackVerifier,
  failureCallbackUrl,
  jobCallbackUrl,
  parseFailureCallback,
  recordQStashDeadLetter,
} from "./qstash.ts";
import { signQStash } from "../../tests/fakes/qstash.ts";

const keys = { currentSigningKey: "sig_current_unit", nextSigningKey: "sig_next_unit" };
const job = sendMailJob(null, { to: "a@example.com", subject: "Hi", text: "Hello" }, 1_000);

function b64(text: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

Deno.test("callback URLs sit under PUBLIC_URL, keeping its path prefix and dropping a trailing slash", () => {
  assert.equal(
    jobCallbackUrl("https://a.example", "send_mail"),
    "https://a.example/api/jobs/send_mail",
  );
  assert.equal(
    jobCallbackUrl("https://a.example/clockflow/", "run_export"),
    "https://a.example/clockflow/api/jobs/run_export",
  );
  assert.equal(failureCallbackUrl("https://a.example"), "https://a.example/api/jobs/_failed");
});

Deno.test("the verifier accepts QStash's signature with either key, for that URL and body only", async () => {
  const verifier = new CallbackVerifier(keys);
  const url = "https://a.example/api/jobs/send_mail";
  const body = JSON.stringify(job);
  const sig = (key: string, over: Partial<Parameters<typeof signQStash>[0]> = {}) =>
    signQStash({ key, url, body, ...over });
  assert.equal(
    await verifier.verify({ signature: await sig(keys.currentSigningKey), body, url }),
    true,
  );
  assert.equal(
    await verifier.verify({ signature: await sig(keys.nextSigningKey), body, url }),
    true,
  );
  const refused: [string, Promise<boolean>][] = [
    ["missing", verifier.verify({ signature: null, body, url })],
    ["other key", verifier.verify({ signature: await sig("sig_other"), body, url })],
    [
      "other body",
      verifier.verify({ signature: await sig(keys.currentSigningKey), body: "{}", url }),
    ],
    [
      "other url",
      verifier.verify({ signature: await sig(keys.currentSigningKey), body, url: `${url}x` }),
    ],
    [
      "expired",
      verifier.verify({
        signature: await sig(keys.currentSigningKey, { iat: Math.floor(Date.now() / 1000) - 900 }),
        body,
        url,
      }),
    ],
  ];
  for (const [name, result] of refused) assert.equal(await result, false, name);
});

Deno.test("a failure callback yields its job and an account of the last answer", () => {
  const failed = parseFailureCallback(JSON.stringify({
    status: 500,
    header: { "content-type": ["application/json"] },
    body: b64(JSON.stringify({ error: { code: "job_failed", message: "smtp   down" } })),
    retried: 3,
    maxRetries: 3,
    sourceMessageId: "msg_1",
    url: "https://a.example/api/jobs/send_mail",
    sourceHeader: { "content-type": ["application/json"] },
    sourceBody: b64(JSON.stringify(job)),
    dlqId: "dlq_1",
  }));
  assert.deepEqual(failed?.job, job);
  assert.equal(
    failed?.error,
    "QStash gave up after 4 deliveries (3 retries allowed); last answer 500: smtp down",
  );
});

Deno.test("a failure callback that is not one, or not of a known job, is refused", () => {
  const cases: [string, string][] = [
    ["not JSON", "{"],
    ["no sourceBody", JSON.stringify({ status: 500 })],
    ["sourceBody not base64", JSON.stringify({ sourceBody: "%%%" })],
    ["sourceBody not JSON", JSON.stringify({ sourceBody: b64("hello") })],
    ["not a job", JSON.stringify({ sourceBody: b64(JSON.stringify({ kind: "nope", id: "1" })) })],
  ];
  for (const [name, raw] of cases) assert.equal(parseFailureCallback(raw), null, name);
});

Deno.test("a dead letter is recorded with a redelivery count, but never for a job that has run", async () => {
  const store = await Store.open(":memory:");
  try {
    const failed = { job, error: "gave up" };
    assert.equal(await recordQStashDeadLetter(store, failed, 5_000), true);
    assert.deepEqual((await store.get(globalKeys.deadJob(job.id))).value, {
      job,
      error: "gave up",
      failedAt: 5_000,
    });
    assert.deepEqual((await store.get(globalKeys.qstashRedelivery(job.id))).value, { count: 1 });
    assert.equal(await recordQStashDeadLetter(store, failed, 6_000), true);
    assert.deepEqual((await store.get(globalKeys.qstashRedelivery(job.id))).value, { count: 2 });

    const ran = sendMailJob(null, { to: "b@example.com", subject: "Hi", text: "x" }, 2_000);
    await store.atomic().set(globalKeys.jobRun(ran.id), { state: "done", at: 1 }).commit();
    assert.equal(await recordQStashDeadLetter(store, { job: ran, error: "late" }, 7_000), false);
    assert.equal((await store.get(globalKeys.deadJob(ran.id))).value, null);
  } finally {
    store.close();
  }
});
