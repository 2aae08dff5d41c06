/**
 * One table of sign-up, sign-in and password inputs through both doors — the JSON API and the
 * form pages — expecting the same decision: accepted by both, or refused by both with the same
 * status (the API also names the code).
 */

import assert from "node:assert/strict";
import { Client, type TestApp } from "../helpers.ts";
import { FORM } from "../e2e/pages_support.ts";
import { PASSWORD, uniqueEmail, withApp } from "./support.ts";
import { signUpPerson } from "./identity_support.ts";

interface SignupCase {
  name: string;
  org: string;
  tz: string;
  person: string;
  email: string | (() => string);
  password: string;
  /** API status and code; the page answers the same status (303 instead of 201). */
  expect: [number, string | null];
}

Deno.test("sign-up: the API and the page take the same decision for the same input", async () => {
  await withApp(async (app) => {
    const { email: taken } = await signUpPerson(app);
    const fresh = () => uniqueEmail("door");
    const cases: SignupCase[] = [
      {
        name: "ok",
        org: "Door Co",
        tz: "UTC",
        person: "Dee",
        email: fresh,
        password: PASSWORD,
        expect: [201, null],
      },
      {
        name: "zone canonicalized",
        org: "Door Co",
        tz: "europe/berlin",
        person: "Dee",
        email: fresh,
        password: PASSWORD,
        expect: [201, null],
      },
      {
        name: "empty org",
        org: "  ",
        tz: "UTC",
        person: "Dee",
        email: fresh,
        password: PASSWORD,
        expect: [400, "validation_failed"],
      },
      {
        name: "offset zone",
        org: "Door",
        tz: "+05:30",
        person: "Dee",
        email: fresh,
        password: PASSWORD,
        expect: [400, "validation_failed"],
      },
      {
        name: "bidi name",
        org: "Door",
        tz: "UTC",
        person: "Dee\u202e",
        email: fresh,
        password: PASSWORD,
        expect: [400, "validation_failed"],
      },
      {
        name: "bad email",
        org: "Door",
        tz: "UTC",
        person: "Dee",
        email: "not-an-email",
        password: PASSWORD,
        expect: [400, "validation_failed"],
      },
      {
        name: "short password",
        org: "Door",
        tz: "UTC",
        person: "Dee",
        email: fresh,
        password: "123456789",
        expect: [400, "validation_failed"],
      },
      {
        name: "long password",
        org: "Door",
        tz: "UTC",
        person: "Dee",
        email: fresh,
        password: "p".repeat(201),
        expect: [400, "validation_failed"],
      },
      {
        name: "taken email",
        org: "Door",
        tz: "UTC",
        person: "Dee",
        email: taken.toUpperCase(),
        password: PASSWORD,
        expect: [409, "email_taken"],
      },
    ];
    for (const c of cases) {
      const email = () => (typeof c.email === "function" ? c.email() : c.email);
      const api = await new Client(app).json("POST", "/api/v1/signup", {
        organization: { name: c.org, timeZone: c.tz },
        user: { name: c.person, email: email(), password: c.password },
      });
      assert.equal(api.status, c.expect[0], `API ${c.name}: ${JSON.stringify(api.body)}`);
      if (c.expect[1]) assert.equal(api.body.error.code, c.expect[1], c.name);
      const page = await postForm(app, "/signup", {
        orgName: c.org,
        timeZone: c.tz,
        name: c.person,
        email: email(),
        password: c.password,
      });
      assert.equal(page.status, c.expect[0] === 201 ? 303 : c.expect[0], `page ${c.name}`);
    }
  });
});

Deno.test("sign-in and password reset: the API and the page take the same decision", async () => {
  await withApp(async (app) => {
    const { email } = await signUpPerson(app);
    const signins: [string, string, string, number][] = [
      ["ok", email, PASSWORD, 200],
      ["upper-case email", email.toUpperCase(), PASSWORD, 200],
      ["wrong password", email, "wrong password!", 401],
      ["unknown email", uniqueEmail("nobody"), PASSWORD, 401],
      ["empty email", "", PASSWORD, 400],
      ["empty password", email, "", 400],
      ["email too long", "e".repeat(300), PASSWORD, 400],
    ];
    for (const [name, e, password, status] of signins) {
      const api = await new Client(app).json("POST", "/api/v1/session", { email: e, password });
      assert.equal(api.status, status, `API ${name}`);
      const page = await postForm(app, "/signin", { email: e, password });
      assert.equal(page.status, status === 200 ? 303 : status, `page ${name}`);
    }
    const resets: [string, string, number][] = [
      ["known", email, 202],
      ["unknown", uniqueEmail("nobody"), 202],
      ["not an email", "nope", 400],
    ];
    for (const [name, e, status] of resets) {
      const api = await new Client(app).json("POST", "/api/v1/password-reset", { email: e });
      assert.equal(api.status, status, `API reset ${name}`);
      const page = await postForm(app, "/password-reset", { email: e });
      assert.equal(page.status, status, `page reset ${name}`);
    }
  });
});

async function postForm(app: TestApp, path: string, fields: Record<string, string>) {
  const res = await new Client(app).request(
    "POST",
    path,
    new URLSearchParams(fields).toString(),
    FORM,
  );
  await res.body?.cancel();
  return res;
}
