/**
 * Email verification over HTTP: sign-up (API and page) mails a single-use link, the link
 * verifies the address (page and API), `/me` shows it, a new link can be asked for, onboarding
 * is not held up, and an unverified address never makes an operator.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { Client } from "../helpers.ts";
import { FORM } from "../e2e/pages_support.ts";
import { assertApiError, DAY, PASSWORD, SECOND, uniqueEmail, withApp } from "./support.ts";
import { lastMailTo, linkIn, mailsTo, signUpPerson, tokenOf } from "./identity_support.ts";

Deno.test("sign-up mails a verification link; following it verifies the email once", async () => {
  await withApp(async (app) => {
    const { client, email } = await signUpPerson(app);
    const mail = await lastMailTo(app, email);
    assert.match(mail.subject, /confirm/i);
    const link = linkIn(mail, "/verify-email/");
    assert.equal(link.origin, "http://localhost", "links use the request's origin");
    assert.match(tokenOf(link.path), /^[A-Za-z0-9_-]{43}$/, "256 random bits");

    const before = await client.json("GET", "/api/v1/me");
    assert.equal(before.body.emailVerified, false);

    // The link works in any browser, signed in or not.
    const res = await new Client(app).request("GET", link.path);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /id="email-verified"/);
    const after = await client.json("GET", "/api/v1/me");
    assert.equal(after.body.emailVerified, true);

    const again = await new Client(app).request("GET", link.path);
    assert.equal(again.status, 400, "single use");
    assert.match(await again.text(), /id="verify-invalid"/);
  });
});

Deno.test("only the token's SHA-256 is stored, with its expiry in the value", async () => {
  await withApp(async (app) => {
    const { email, userId } = await signUpPerson(app);
    const token = tokenOf(linkIn(await lastMailTo(app, email), "/verify-email/").path);
    const rows = [];
    for await (const e of app.store.listAll()) {
      if (e.key[0] === "mail") continue; // the embedded mailbox holds the mail itself
      if (e.key[0] === "email_verification") rows.push(e);
      assert.ok(!JSON.stringify(e.key).includes(token), "no raw token in keys");
      if (e.value instanceof Deno.KvU64) continue;
      assert.ok(!JSON.stringify(e.value ?? null).includes(token), "no raw token in values");
    }
    assert.equal(rows.length, 1);
    assert.match(String(rows[0].key[1]), /^[0-9a-f]{64}$/);
    const value = rows[0].value as { userId: string; expiresAt: number };
    assert.equal(value.userId, userId);
    assert.equal(value.expiresAt, app.clock.ms + 2 * DAY);
  });
});

Deno.test("POST /api/v1/email-verification/{token}: 200, then invalid_token; expired and unknown too", async () => {
  await withApp(async (app) => {
    const { client, email } = await signUpPerson(app);
    const token = tokenOf(linkIn(await lastMailTo(app, email), "/verify-email/").path);
    const api = new Client(app);
    for (const bad of ["x", "A".repeat(43), `${token}x`, "%00"]) {
      assertApiError(
        await api.json("POST", `/api/v1/email-verification/${bad}`),
        400,
        "invalid_token",
      );
    }
    const ok = await api.json("POST", `/api/v1/email-verification/${token}`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { emailVerified: true });
    assert.equal((await client.json("GET", "/api/v1/me")).body.emailVerified, true);
    assertApiError(
      await api.json("POST", `/api/v1/email-verification/${token}`),
      400,
      "invalid_token",
    );

    // A link is good for 48 hours (the expiry in the value counts, not KV's lazy expiry).
    const late = await signUpPerson(app);
    const lateToken = tokenOf(linkIn(await lastMailTo(app, late.email), "/verify-email/").path);
    app.clock.advance(2 * DAY / SECOND);
    assertApiError(
      await api.json("POST", `/api/v1/email-verification/${lateToken}`),
      400,
      "invalid_token",
    );
    assert.equal((await late.client.json("GET", "/api/v1/me")).body.emailVerified, false);
  });
});

Deno.test("the sign-up page mails the link too, and links use PUBLIC_URL when set", async () => {
  const config = loadConfig({ KV_PATH: ":memory:", PUBLIC_URL: "https://clock.example.com" });
  await withApp(async (app) => {
    const email = uniqueEmail("page");
    const res = await new Client(app).request(
      "POST",
      "/signup",
      new URLSearchParams({
        orgName: "Page Co",
        timeZone: "UTC",
        name: "Paige",
        email,
        password: PASSWORD,
      }).toString(),
      FORM,
    );
    assert.equal(res.status, 303);
    const link = linkIn(await lastMailTo(app, email), "/verify-email/");
    assert.equal(link.origin, "https://clock.example.com");
  }, { config });
});

Deno.test("a refused sign-up sends no mail", async () => {
  await withApp(async (app) => {
    const { email } = await signUpPerson(app);
    const taken = await new Client(app).json("POST", "/api/v1/signup", {
      organization: { name: "Again", timeZone: "UTC" },
      user: { name: "Again", email, password: PASSWORD },
    });
    assertApiError(taken, 409, "email_taken");
    assert.equal((await mailsTo(app, email)).length, 1, "only the first sign-up's mail");
  });
});

Deno.test("POST /api/v1/me/email-verification mails a new link; 409 once verified; throttled", async () => {
  await withApp(async (app) => {
    assertApiError(
      await new Client(app).json("POST", "/api/v1/me/email-verification"),
      401,
      "unauthenticated",
    );
    const { client, email } = await signUpPerson(app);
    const first = tokenOf(linkIn(await lastMailTo(app, email), "/verify-email/").path);
    const res = await client.json("POST", "/api/v1/me/email-verification");
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal((await mailsTo(app, email)).length, 2);
    const second = tokenOf(linkIn(await lastMailTo(app, email), "/verify-email/").path);
    assert.notEqual(second, first);
    assert.equal(
      (await new Client(app).json("POST", `/api/v1/email-verification/${second}`)).status,
      200,
    );
    assertApiError(
      await client.json("POST", "/api/v1/me/email-verification"),
      409,
      "already_verified",
    );

    const other = await signUpPerson(app);
    for (let i = 0; i < 5; i++) {
      assert.equal((await other.client.json("POST", "/api/v1/me/email-verification")).status, 202);
    }
    const limited = await other.client.json("POST", "/api/v1/me/email-verification");
    assertApiError(limited, 429, "too_many_attempts");
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    assert.equal((await mailsTo(app, other.email)).length, 6, "sign-up mail + 5");
  });
});

Deno.test("an unverified admin onboards at once: clock in, add a member, create an org", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpPerson(app);
    assert.equal((await client.json("GET", "/api/v1/me")).body.emailVerified, false);
    assert.equal((await client.json("POST", `/api/v1/orgs/${orgId}/clock/in`, {})).status, 201);
    const member = await client.json("POST", `/api/v1/orgs/${orgId}/members`, { name: "Kiosk" });
    assert.equal(member.status, 201, JSON.stringify(member.body));
    const org = await client.json("POST", "/api/v1/orgs", { name: "Second", timeZone: "UTC" });
    assert.equal(org.status, 201);
    const page = await client.request("GET", `/o/${orgId}/clock`);
    assert.equal(page.status, 200);
    await page.body?.cancel();
  });
});

Deno.test("an unverified email never matches OPERATOR_EMAILS; verified, it does", async () => {
  const operator = "ops-owner@example.com";
  const config = loadConfig({ KV_PATH: ":memory:", OPERATOR_EMAILS: operator });
  await withApp(async (app) => {
    // Whoever signs up first with the operator's address gets no operator view from it.
    const client = new Client(app);
    const res = await client.json("POST", "/api/v1/signup", {
      organization: { name: "Ops", timeZone: "UTC" },
      user: { name: "Claimed Ops", email: operator.toUpperCase(), password: PASSWORD },
    });
    assert.equal(res.status, 201);
    for (const path of ["/ops", "/ops/orgs/01JD0000000000000000000000"]) {
      const page = await client.request("GET", path);
      await page.body?.cancel();
      assert.equal(page.status, 404, `${path} while unverified`);
    }
    const link = linkIn(await lastMailTo(app, operator), "/verify-email/");
    await (await new Client(app).request("GET", link.path)).body?.cancel();
    const page = await client.request("GET", "/ops");
    await page.body?.cancel();
    assert.equal(page.status, 200, "verified operator");
  }, { config });
});

Deno.test("the account page shows the email's state and mails a new link", async () => {
  await withApp(async (app) => {
    const { client, email } = await signUpPerson(app);
    const page = await client.request("GET", "/account");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /not confirmed yet/);
    assert.match(html, /action="\/account\/email-verification"/);
    const res = await client.request("POST", "/account/email-verification", "", FORM);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/account?ok=verification_sent");
    assert.equal((await mailsTo(app, email)).length, 2);
    const link = linkIn(await lastMailTo(app, email), "/verify-email/");
    await (await new Client(app).request("GET", link.path)).body?.cancel();
    const after = await (await client.request("GET", "/account")).text();
    assert.match(after, /id="email-status">confirmed</);

    const signedOut = await new Client(app).request("GET", "/account");
    assert.equal(signedOut.status, 303);
    assert.match(signedOut.headers.get("location")!, /^\/signin/);
  });
});
