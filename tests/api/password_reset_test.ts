/**
 * Password reset and change over HTTP: the mailed single-use link (API and pages), the same
 * answer whether or not an account exists, revocation of sessions, verification by following
 * the link, throttling, and the password change that keeps only the current session.
 */

import assert from "node:assert/strict";
import { Client } from "../helpers.ts";
import { FORM } from "../e2e/pages_support.ts";
import { assertApiError, MINUTE, PASSWORD, SECOND, uniqueEmail, withApp } from "./support.ts";
import {
  behindProxy,
  fromIp,
  lastMailTo,
  linkIn,
  mailsTo,
  signIn,
  signUpPerson,
  tokenOf,
} from "./identity_support.ts";

const NEW_PASSWORD = "a brand new passphrase";

/** Ask for a reset link through the API. */
function requestReset(app: Parameters<typeof signIn>[0], email: string, headers = {}) {
  return new Client(app).json("POST", "/api/v1/password-reset", { email }, headers);
}

Deno.test("password reset: 202 either way; a mailed link sets the password and signs out everywhere", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const phone = new Client(app);
    assert.equal(
      (await phone.json("POST", "/api/v1/session", { email: person.email, password: PASSWORD }))
        .status,
      200,
    );

    const unknown = uniqueEmail("nobody");
    const a = await requestReset(app, person.email.toUpperCase());
    const b = await requestReset(app, unknown);
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.deepEqual(a.body, b.body, "the same answer whether or not the account exists");
    assert.equal((await mailsTo(app, unknown)).length, 0, "no mail to unknown addresses");

    const mail = await lastMailTo(app, person.email);
    assert.match(mail.subject, /reset/i);
    const link = linkIn(mail, "/password-reset/");
    assert.equal(link.origin, "http://localhost");
    const token = tokenOf(link.path);

    const form = await new Client(app).request("GET", link.path);
    assert.equal(form.status, 200);
    const html = await form.text();
    assert.match(html, new RegExp(`action="/password-reset/${token}"`));
    assert.ok(html.includes(person.email));

    const weak = await new Client(app).json("POST", `/api/v1/password-reset/${token}`, {
      password: "short",
    });
    assertApiError(weak, 400, "validation_failed");

    const ok = await new Client(app).json("POST", `/api/v1/password-reset/${token}`, {
      password: NEW_PASSWORD,
    });
    assert.equal(ok.status, 204, JSON.stringify(ok.body));

    for (const client of [person.client, phone]) {
      assertApiError(await client.json("GET", "/api/v1/me"), 401, "unauthenticated");
    }
    assertApiError(await signIn(app, person.email, PASSWORD), 401, "invalid_credentials");
    const fresh = new Client(app);
    const signin = await fresh.json("POST", "/api/v1/session", {
      email: person.email,
      password: NEW_PASSWORD,
    });
    assert.equal(signin.status, 200);
    const me = await fresh.json("GET", "/api/v1/me");
    assert.equal(me.body.emailVerified, true, "following the link proves control of the email");

    const reused = await new Client(app).json("POST", `/api/v1/password-reset/${token}`, {
      password: "yet another passphrase",
    });
    assertApiError(reused, 400, "invalid_token");
    const page = await new Client(app).request("GET", link.path);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /id="reset-invalid"/);
  });
});

Deno.test("password reset: links last one hour and die with a later password change", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    await requestReset(app, person.email);
    const expiring = tokenOf(linkIn(await lastMailTo(app, person.email), "/password-reset/").path);
    app.clock.advance(60 * MINUTE / SECOND);
    assertApiError(
      await new Client(app).json("POST", `/api/v1/password-reset/${expiring}`, {
        password: NEW_PASSWORD,
      }),
      400,
      "invalid_token",
    );

    await requestReset(app, person.email);
    const older = tokenOf(linkIn(await lastMailTo(app, person.email), "/password-reset/").path);
    app.clock.advance(1);
    await requestReset(app, person.email);
    const newer = tokenOf(linkIn(await lastMailTo(app, person.email), "/password-reset/").path);
    assert.notEqual(older, newer);
    assert.equal(
      (await new Client(app).json("POST", `/api/v1/password-reset/${newer}`, {
        password: NEW_PASSWORD,
      })).status,
      204,
    );
    assertApiError(
      await new Client(app).json("POST", `/api/v1/password-reset/${older}`, {
        password: "an attacker's passphrase",
      }),
      400,
      "invalid_token",
    );
    for (const bad of ["nope", "A".repeat(43)]) {
      assertApiError(
        await new Client(app).json("POST", `/api/v1/password-reset/${bad}`, {
          password: NEW_PASSWORD,
        }),
        400,
        "invalid_token",
      );
    }
    assert.equal((await signIn(app, person.email, NEW_PASSWORD)).status, 200);
  });
});

Deno.test("password reset requests are throttled per address and per email", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    // Per email: 5 a window, from anywhere, whether or not the account exists.
    for (let i = 0; i < 5; i++) {
      assert.equal((await requestReset(app, person.email, fromIp(`198.51.100.${i}`))).status, 202);
    }
    const limited = await requestReset(app, person.email, fromIp("198.51.100.99"));
    assertApiError(limited, 429, "too_many_attempts");
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    assert.equal((await mailsTo(app, person.email)).length, 1 + 5, "sign-up + 5 links");
    const ghost = uniqueEmail("ghost");
    for (let i = 0; i < 5; i++) await requestReset(app, ghost, fromIp(`203.0.113.${i}`));
    assertApiError(await requestReset(app, ghost, fromIp("203.0.113.99")), 429);

    // Per address: 20 a window, whatever the emails.
    for (let i = 0; i < 20; i++) {
      assert.equal((await requestReset(app, uniqueEmail("x"), fromIp("192.0.2.1"))).status, 202);
    }
    assertApiError(
      await requestReset(app, uniqueEmail("x"), fromIp("192.0.2.1")),
      429,
      "too_many_attempts",
    );
    assert.equal((await requestReset(app, uniqueEmail("x"), fromIp("192.0.2.2"))).status, 202);
  }, { config: behindProxy() });
});

Deno.test("password reset pages: ask, follow the link, set the password, sign in", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const browser = new Client(app);
    const ask = await browser.request("GET", "/signin");
    assert.match(await ask.text(), /href="\/password-reset"/);
    const sent = await browser.request(
      "POST",
      "/password-reset",
      new URLSearchParams({ email: person.email }).toString(),
      FORM,
    );
    assert.equal(sent.status, 202);
    assert.match(await sent.text(), /id="reset-sent"/);
    const link = linkIn(await lastMailTo(app, person.email), "/password-reset/");

    const short = await browser.request(
      "POST",
      link.path,
      new URLSearchParams({ password: "short" }).toString(),
      FORM,
    );
    assert.equal(short.status, 400);
    assert.match(await short.text(), /Use at least 10 characters/);

    const set = await browser.request(
      "POST",
      link.path,
      new URLSearchParams({ password: NEW_PASSWORD }).toString(),
      FORM,
    );
    assert.equal(set.status, 303);
    assert.equal(set.headers.get("location"), "/signin?ok=password_reset");
    assertApiError(await person.client.json("GET", "/api/v1/me"), 401, "unauthenticated");
    const signin = await browser.request(
      "POST",
      "/signin",
      new URLSearchParams({ email: person.email, password: NEW_PASSWORD }).toString(),
      FORM,
    );
    assert.equal(signin.status, 303);

    const again = await browser.request(
      "POST",
      link.path,
      new URLSearchParams({ password: "third passphrase!" }).toString(),
      FORM,
    );
    assert.equal(again.status, 400);
    assert.match(await again.text(), /id="reset-invalid"/);
  });
});

Deno.test("password reset refuses a foreign Origin", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const evil = { origin: "https://evil.example" };
    assertApiError(await requestReset(app, person.email, evil), 403, "cross_origin");
    assert.equal((await mailsTo(app, person.email)).length, 1, "only the sign-up mail");
  });
});

Deno.test("password change: 204, other sessions revoked, this one kept; wrong current password counted", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const other = new Client(app);
    await other.json("POST", "/api/v1/session", { email: person.email, password: PASSWORD });
    assert.equal((await other.json("GET", "/api/v1/me")).status, 200);

    assertApiError(
      await new Client(app).json("POST", "/api/v1/me/password", {
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
      }),
      401,
      "unauthenticated",
    );
    assertApiError(
      await person.client.json("POST", "/api/v1/me/password", {
        currentPassword: PASSWORD,
        newPassword: "short",
      }),
      400,
      "validation_failed",
    );
    const wrong = await person.client.json("POST", "/api/v1/me/password", {
      currentPassword: "not my password",
      newPassword: NEW_PASSWORD,
    });
    assertApiError(wrong, 403, "invalid_credentials");
    assert.equal((await person.client.json("GET", "/api/v1/me")).status, 200, "still signed in");

    const ok = await person.client.json("POST", "/api/v1/me/password", {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    assert.equal(ok.status, 204, JSON.stringify(ok.body));
    assert.equal((await person.client.json("GET", "/api/v1/me")).status, 200, "this session");
    assertApiError(await other.json("GET", "/api/v1/me"), 401, "unauthenticated");
    assertApiError(await signIn(app, person.email, PASSWORD), 401, "invalid_credentials");
    assert.equal((await signIn(app, person.email, NEW_PASSWORD)).status, 200);

    // Wrong current passwords count like failed sign-ins, in the same counter: 5 a window per
    // account and client. Two failed so far (the wrong current password, the old password).
    for (let i = 0; i < 3; i++) {
      assertApiError(
        await person.client.json("POST", "/api/v1/me/password", {
          currentPassword: `guess ${i} guess`,
          newPassword: NEW_PASSWORD,
        }),
        403,
        "invalid_credentials",
      );
    }
    const limited = await person.client.json("POST", "/api/v1/me/password", {
      currentPassword: NEW_PASSWORD,
      newPassword: "one more passphrase",
    });
    assertApiError(limited, 429, "too_many_attempts");
    assertApiError(await signIn(app, person.email, NEW_PASSWORD), 429, "too_many_attempts");
  });
});

Deno.test("password change page: the same use case from the account form", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const other = new Client(app);
    await other.json("POST", "/api/v1/session", { email: person.email, password: PASSWORD });
    const post = (fields: Record<string, string>) =>
      person.client.request(
        "POST",
        "/account/password",
        new URLSearchParams(fields).toString(),
        FORM,
      );
    const wrong = await post({ currentPassword: "not my password", newPassword: NEW_PASSWORD });
    assert.equal(wrong.status, 403);
    assert.match(await wrong.text(), /Your current password is wrong/);
    const short = await post({ currentPassword: PASSWORD, newPassword: "short" });
    assert.equal(short.status, 400);
    assert.match(await short.text(), /Use at least 10 characters/);
    const ok = await post({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), "/account?ok=password_changed");
    const page = await person.client.request("GET", "/account?ok=password_changed");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Other devices were signed out/);
    assertApiError(await other.json("GET", "/api/v1/me"), 401, "unauthenticated");
    assert.equal((await signIn(app, person.email, NEW_PASSWORD)).status, 200);
  });
});
