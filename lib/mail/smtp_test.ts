import assert from "node:assert/strict";
import { redactSmtpUrl, SmtpMailer } from "./smtp.ts";
import { smtpResponder } from "../../tests/fakes/smtp.ts";

/** Decode AUTH PLAIN's base64 `\0user\0pass`. */
function plainCredentials(authLine: string): [string, string] {
  const [, , b64] = authLine.split(" ");
  const parts = atob(b64).split("\0");
  return [parts[1], parts[2]];
}

Deno.test("SMTP: a mail goes out with its headers, body and credentials", async () => {
  const server = smtpResponder();
  const mailer = new SmtpMailer({
    url: `smtp://mailer:s3cret%21@127.0.0.1:${server.port}`,
    from: "ClockFlow <no-reply@clockflow.test>",
    timeoutMs: 5_000,
  });
  try {
    await mailer.send("01JOBID", {
      to: "ada@example.com",
      subject: "Verify your email",
      text: "Follow https://clock.example/verify/abc to verify.",
      html: "<p>Follow the link</p>",
    });
  } finally {
    mailer.close();
    await server.close();
  }
  assert.equal(server.sessions.length, 1);
  const s = server.sessions[0];
  assert.deepEqual(plainCredentials(s.auth!), ["mailer", "s3cret!"]);
  assert.match(s.from!, /^MAIL FROM:<no-reply@clockflow\.test>/);
  assert.deepEqual(s.to, ["RCPT TO:<ada@example.com>"]);
  const [head, ...rest] = s.data.split("\r\n\r\n");
  const body = rest.join("\r\n\r\n");
  assert.match(head, /^From: ClockFlow <no-reply@clockflow\.test>$/m);
  assert.match(head, /^To: ada@example\.com$/m);
  assert.match(head, /^Subject: Verify your email$/m);
  assert.match(head, /^Message-ID: <01JOBID@clockflow>$/m);
  assert.match(head, /^Content-Type: multipart\/alternative/m);
  assert.match(body, /Follow https:\/\/clock\.example\/verify\/abc to verify\./);
  assert.match(body, /<p>Follow the link<\/p>/);
});

Deno.test("SMTP: a refused login fails the send (so the job is retried) without the password", async () => {
  const server = smtpResponder({ rejectAuth: true });
  const mailer = new SmtpMailer({
    url: `smtp://mailer:hunter2pass@127.0.0.1:${server.port}`,
    from: "no-reply@clockflow.test",
    timeoutMs: 5_000,
  });
  try {
    await assert.rejects(
      () => mailer.send("01JOBID2", { to: "ada@example.com", subject: "Hi", text: "Hello" }),
      (err: Error) => {
        assert.match(err.message, /SMTP delivery to smtp:\/\/127\.0\.0\.1:\d+ failed/);
        assert.doesNotMatch(err.message, /hunter2pass/);
        return true;
      },
    );
  } finally {
    mailer.close();
    await server.close();
  }
  assert.equal(server.sessions[0].data, "", "nothing was sent");
});

Deno.test("SMTP URLs are shown without their credentials", () => {
  assert.equal(redactSmtpUrl("smtps://u:p@mail.example.com:465"), "smtps://mail.example.com:465");
  assert.equal(redactSmtpUrl("not a url"), "(invalid SMTP_URL)");
});
