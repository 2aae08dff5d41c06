/**
 * Sign-in and sign-up throttling over HTTP: attempts are reserved atomically before the hash,
 * limits are per (account, client) and per client so strangers cannot lock a person out,
 * sign-up is limited per client and checks the email before hashing, and sign-in / sign-up
 * refuse a foreign `Origin` even without a session cookie (login CSRF).
 */

import assert from "node:assert/strict";
import { Client } from "../helpers.ts";
import { FORM } from "../e2e/pages_support.ts";
import { globalKeys } from "../../lib/kv/mod.ts";
import { addUserCreation, newUser } from "../../lib/identity/users.ts";
import {
  assertApiError,
  assertSameSnapshot,
  PASSWORD,
  snapshot,
  uniqueEmail,
  withApp,
} from "./support.ts";
import { behindProxy, fromIp, signIn, signUpPerson } from "./identity_support.ts";

Deno.test("15 parallel wrong passwords for one account: at most 5 answers of 401, the rest 429", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) => signIn(app, person.email, `wrong password ${i}`)),
    );
    const denied = answers.filter((a) => a.status === 401);
    const limited = answers.filter((a) => a.status === 429);
    assert.equal(denied.length + limited.length, 15, answers.map((a) => a.status).join(","));
    assert.ok(denied.length <= 5, `${denied.length} answers of 401`);
    assert.ok(denied.length >= 1);
    for (const a of limited) {
      assertApiError(a, 429, "too_many_attempts");
      const retry = Number(a.headers.get("retry-after"));
      assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 15 * 60, `Retry-After ${retry}`);
    }
    for (const a of denied) assertApiError(a, 401, "invalid_credentials");
    assertApiError(await signIn(app, person.email, PASSWORD), 429, "too_many_attempts");
  });
});

Deno.test("parallel right passwords are never counted", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => signIn(app, person.email, PASSWORD)),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(12).fill(200));
    for (let i = 0; i < 4; i++) {
      assert.equal((await signIn(app, person.email, "nope nope")).status, 401);
    }
    assert.equal((await signIn(app, person.email, PASSWORD)).status, 200);
  });
});

Deno.test("parallel right passwords are never refused, even while every check is slow", async () => {
  // Slow hashing keeps all twelve checks in flight at once, so their reservations fill the
  // account's five slots; the later ones wait for those to give their slots back (no 429).
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => signIn(app, person.email, PASSWORD)),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(12).fill(200));
  }, { passwordIterations: 150_000 });
});

Deno.test("a stranger failing 20 times from elsewhere does not lock the owner out", async () => {
  await withApp(async (app) => {
    const owner = await signUpPerson(app);
    const attacker = fromIp("203.0.113.66");
    const statuses = [];
    for (let i = 0; i < 20; i++) {
      statuses.push((await signIn(app, owner.email, `guess number ${i}`, attacker)).status);
    }
    assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(15).fill(429)]);
    assertApiError(
      await signIn(app, owner.email, PASSWORD, attacker),
      429,
      "too_many_attempts",
    );
    const home = await signIn(app, owner.email, PASSWORD, fromIp("198.51.100.10"));
    assert.equal(home.status, 200, "the owner signs in from their own address");
    // Spoofing the owner's address in the client-supplied part does not help the attacker.
    assertApiError(
      await signIn(app, owner.email, PASSWORD, fromIp("203.0.113.66", "198.51.100.10")),
      429,
      "too_many_attempts",
    );
  }, { config: behindProxy() });
});

Deno.test("one client guessing many accounts hits the per-address limit", async () => {
  await withApp(async (app) => {
    const victim = await signUpPerson(app);
    const attacker = fromIp("203.0.113.7");
    for (let i = 0; i < 4; i++) {
      assertApiError(await signIn(app, uniqueEmail("g"), "guess guess", attacker), 401);
    }
    assertApiError(await signIn(app, victim.email, PASSWORD, attacker), 429, "too_many_attempts");
    assert.equal((await signIn(app, victim.email, PASSWORD, fromIp("198.51.100.3"))).status, 200);
  }, {
    config: behindProxy(),
    throttle: { windowMs: 15 * 60 * 1000, perAccount: 5, perIp: 4 },
  });
});

Deno.test("sign-up is throttled per client address", async () => {
  await withApp(async (app) => {
    const home = fromIp("198.51.100.20");
    await signUpPerson(app, home);
    await signUpPerson(app, home);
    const third = await new Client(app).json("POST", "/api/v1/signup", {
      organization: { name: "Third", timeZone: "UTC" },
      user: { name: "Third", email: uniqueEmail("third"), password: PASSWORD },
    }, home);
    assertApiError(third, 429, "too_many_attempts");
    assert.ok(Number(third.headers.get("retry-after")) > 0);
    assert.equal(third.headers.getSetCookie().length, 0);
    await signUpPerson(app, fromIp("198.51.100.21"));
  }, {
    config: behindProxy(),
    throttle: { windowMs: 15 * 60 * 1000, perAccount: 5, perIp: 50, signupPerIp: 2 },
  });
});

Deno.test("probing which emails have accounts through sign-up is throttled like sign-up", async () => {
  await withApp(async (app) => {
    const email = uniqueEmail("probed");
    await addUserCreation(app.store.atomic(), newUser("Existing", email, null, 0)).commit();
    const probe = (address: string) =>
      new Client(app).json("POST", "/api/v1/signup", {
        organization: { name: "Probe", timeZone: "UTC" },
        user: { name: "Probe", email: address, password: PASSWORD },
      }, fromIp("198.51.100.77"));
    assertApiError(await probe(email), 409, "email_taken");
    assertApiError(await probe(email.toUpperCase()), 409, "email_taken");
    // The third attempt from this address is refused before the email is looked up.
    const third = await probe(email);
    assertApiError(third, 429, "too_many_attempts");
    assert.ok(Number(third.headers.get("retry-after")) > 0);
  }, {
    config: behindProxy(),
    throttle: { windowMs: 15 * 60 * 1000, perAccount: 5, perIp: 50, signupPerIp: 2 },
  });
});

Deno.test("sign-up checks the email before hashing the password", async () => {
  // A password cost that takes seconds: a taken email must be refused without paying it.
  await withApp(async (app) => {
    const email = uniqueEmail("taken");
    await addUserCreation(app.store.atomic(), newUser("Existing", email, null, 0)).commit();
    const started = performance.now();
    const res = await new Client(app).json("POST", "/api/v1/signup", {
      organization: { name: "Late", timeZone: "UTC" },
      user: { name: "Late", email, password: PASSWORD },
    });
    const ms = performance.now() - started;
    assertApiError(res, 409, "email_taken");
    assert.ok(ms < 1_000, `answered in ${Math.round(ms)} ms, without hashing`);
  }, { passwordIterations: 50_000_000 });
});

Deno.test("sign-in and sign-up refuse a foreign Origin without a session cookie (login CSRF)", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    const before = await snapshot(app.store);
    const evil = { origin: "https://evil.example" };
    const crossSite = { "sec-fetch-site": "cross-site" };
    const body = {
      organization: { name: "Evil", timeZone: "UTC" },
      user: { name: "Evil", email: uniqueEmail("evil"), password: PASSWORD },
    };
    for (const headers of [evil, crossSite, { origin: "null" }]) {
      const c = new Client(app);
      const s = await c.json("POST", "/api/v1/session", {
        email: person.email,
        password: PASSWORD,
      }, headers);
      assertApiError(s, 403, "cross_origin");
      assertApiError(await c.json("POST", "/api/v1/signup", body, headers), 403, "cross_origin");
      assert.equal(c.cookies.size, 0, "no session");
    }
    // The pages' forms too.
    const browser = new Client(app);
    const signin = await browser.request(
      "POST",
      "/signin",
      new URLSearchParams({ email: person.email, password: PASSWORD }).toString(),
      { ...FORM, ...evil },
    );
    assert.equal(signin.status, 403);
    await signin.body?.cancel();
    const signup = await browser.request(
      "POST",
      "/signup",
      new URLSearchParams({
        orgName: "Evil",
        timeZone: "UTC",
        name: "Evil",
        email: uniqueEmail("evil"),
        password: PASSWORD,
      }).toString(),
      { ...FORM, ...evil },
    );
    assert.equal(signup.status, 403);
    await signup.body?.cancel();
    assert.equal(browser.cookies.size, 0);
    assertSameSnapshot(before, await snapshot(app.store), "refused sign-ins change nothing");

    // Same origin and non-browser clients (no Origin) still sign in.
    const same = await signIn(app, person.email, PASSWORD, {
      origin: "http://localhost",
      "sec-fetch-site": "same-origin",
    });
    assert.equal(same.status, 200);
    assert.equal((await signIn(app, person.email, PASSWORD)).status, 200);
  });
});

Deno.test("throttle counters live under signin_fail with the window in the key", async () => {
  await withApp(async (app) => {
    const person = await signUpPerson(app);
    await signIn(app, person.email, "wrong wrong wrong");
    const window = Math.floor(app.clock.ms / (15 * 60 * 1000));
    const subject = `acct:${JSON.stringify([person.email, "127.0.0.1"])}`;
    const entry = await app.store.get<Deno.KvU64>(globalKeys.signinFailures(subject, window));
    assert.equal(entry.value?.value, 1n);
    const ip = await app.store.get<Deno.KvU64>(globalKeys.signinFailures("ip:127.0.0.1", window));
    assert.equal(ip.value?.value, 1n);
    await signIn(app, person.email, PASSWORD);
    const after = await app.store.get<Deno.KvU64>(globalKeys.signinFailures(subject, window));
    assert.equal(after.value?.value, 1n, "a success gives back only its own reservation");
  });
});

Deno.test("contention on one address's counter never turns right passwords into 429", async () => {
  await withApp(async (app) => {
    const people: { email: string }[] = [];
    for (let i = 0; i < 8; i++) people.push(await signUpPerson(app));
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(app, people[i % 8].email, PASSWORD)),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(40).fill(200));
  });
});
