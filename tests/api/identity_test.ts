/**
 * Identity over HTTP: sign-up, sign-in, sessions (cookie attributes, rotation, revocation,
 * expiry), throttling of failed sign-ins, cross-origin refusal, several organizations per person
 * and deactivated members.
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { addMemberWithLogin, Client, signUpOrg } from "../helpers.ts";
import { latestInvitationToken } from "./invitation_support.ts";
import {
  addMember,
  assertApiError,
  assertSameSnapshot,
  DAY,
  PASSWORD,
  SECOND,
  sessionSetCookie,
  sessionToken,
  type Snapshot,
  snapshot,
  uniqueEmail,
  withApp,
} from "./support.ts";

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function signupBody(email: string, orgName = "Acme Staffing", timeZone = "Europe/Berlin") {
  return {
    organization: { name: orgName, timeZone },
    user: { name: "Grace Hopper", email, password: PASSWORD },
  };
}

/** A client that presents `token` as its session cookie. */
function clientWithToken(client: Client, token: string): Client {
  const c = new Client(client.app);
  c.cookies.set("cf_session", token);
  return c;
}

Deno.test("GET /healthz answers ok", async () => {
  await withApp(async (app) => {
    const res = await new Client(app).json("GET", "/healthz");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: "ok" });
  });
});

Deno.test("sign-up creates the organization and its admin and starts a session", async () => {
  await withApp(async (app) => {
    const client = new Client(app);
    const email = uniqueEmail("grace");
    const res = await client.json("POST", "/api/v1/signup", signupBody(email.toUpperCase()));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), ["organization", "user"]);
    const { organization, user } = res.body;
    assert.deepEqual(Object.keys(organization).sort(), ["id", "name", "slug", "timeZone"]);
    assert.deepEqual(Object.keys(user).sort(), ["email", "id", "name"]);
    assert.equal(organization.name, "Acme Staffing");
    assert.equal(organization.timeZone, "Europe/Berlin");
    assert.equal(organization.slug, "acme-staffing");
    assert.equal(user.name, "Grace Hopper");
    assert.equal(user.email, email, "emails are stored lower-case");
    assert.ok(!JSON.stringify(res.body).includes("pbkdf2"), "no password hash in answers");

    const cookie = sessionSetCookie(res.headers);
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Lax/i);
    assert.match(cookie, /;\s*Path=\//i);
    assert.match(cookie, /;\s*Max-Age=1209600/i, "14 days");
    assert.doesNotMatch(cookie, /;\s*Secure/i, "no Secure flag over plain http");
    assert.match(sessionToken(client), /^[A-Za-z0-9_-]{40,}$/);

    const me = await client.json("GET", "/api/v1/me");
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.user, user);
    assert.deepEqual(me.body.organizations, [
      { id: organization.id, slug: organization.slug, name: organization.name, role: "admin" },
    ]);
    const org = await client.json("GET", `/api/v1/orgs/${organization.id}`);
    assert.equal(org.status, 200);
    assert.deepEqual(org.body, { ...organization, role: "admin" });

    const members = await client.json("GET", `/api/v1/orgs/${organization.id}/members`);
    assert.deepEqual(members.body.data, [{
      ...user,
      role: "admin",
      active: true,
      hourlyRateCents: null,
      hireDate: null,
    }]);
  });
});

Deno.test("the session cookie is Secure when PUBLIC_URL is https", async () => {
  const config = loadConfig({ KV_PATH: ":memory:", PUBLIC_URL: "https://x.example" });
  await withApp(async (app) => {
    const client = new Client(app);
    const res = await client.json("POST", "/api/v1/signup", signupBody(uniqueEmail()));
    assert.equal(res.status, 201);
    const cookie = sessionSetCookie(res.headers);
    assert.match(cookie, /;\s*Secure/i);
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Lax/i);
    const signin = await new Client(app).json("POST", "/api/v1/session", {
      email: res.body.user.email,
      password: PASSWORD,
    });
    assert.match(sessionSetCookie(signin.headers), /;\s*Secure/i);
    const out = await client.request("DELETE", "/api/v1/session", undefined, {
      origin: "https://x.example",
    });
    assert.equal(out.status, 204);
    assert.match(sessionSetCookie(out.headers), /;\s*Secure/i);
  }, { config });
});

/** A snapshot without the attempt counters (`["signin_fail", …]`) that throttling writes. */
function withoutAttempts(snap: Snapshot): Snapshot {
  return new Map([...snap].filter(([k]) => !k.startsWith('["signin_fail"')));
}

Deno.test("signing up again with a taken email is 409 email_taken and changes nothing but the attempt count", async () => {
  await withApp(async (app) => {
    const email = uniqueEmail();
    assert.equal(
      (await new Client(app).json("POST", "/api/v1/signup", signupBody(email))).status,
      201,
    );
    const before = await snapshot(app.store);
    for (const variant of [email, email.toUpperCase(), email[0].toUpperCase() + email.slice(1)]) {
      const res = await new Client(app).json(
        "POST",
        "/api/v1/signup",
        signupBody(variant, "Other Org"),
      );
      assertApiError(res, 409, "email_taken");
      assert.equal(res.headers.getSetCookie().length, 0, "no session for a failed sign-up");
    }
    assertSameSnapshot(withoutAttempts(before), withoutAttempts(await snapshot(app.store)));
  });
});

Deno.test("organizations with the same name get different slugs", async () => {
  await withApp(async (app) => {
    const slugs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await new Client(app).json(
        "POST",
        "/api/v1/signup",
        signupBody(uniqueEmail(), "Night Owls"),
      );
      assert.equal(res.status, 201);
      assert.equal(res.body.organization.name, "Night Owls");
      slugs.push(res.body.organization.slug);
    }
    assert.equal(slugs[0], "night-owls");
    assert.equal(new Set(slugs).size, slugs.length, `distinct: ${slugs}`);
    for (const s of slugs) {
      assert.match(s, SLUG);
      assert.ok(s.startsWith("night-owls"), s);
    }
  });
});

Deno.test("slugs of long colliding names stay well-formed (no double dash)", async () => {
  await withApp(async (app) => {
    // The slug of this name has a dash right where a suffix is appended on a collision.
    const name = "a".repeat(32) + " bcdefgh";
    const slugs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await new Client(app).json(
        "POST",
        "/api/v1/signup",
        signupBody(uniqueEmail(), name),
      );
      assert.equal(res.status, 201);
      slugs.push(res.body.organization.slug);
    }
    assert.equal(new Set(slugs).size, 3);
    for (const s of slugs) {
      assert.match(s, SLUG, s);
      assert.ok(s.length <= 40, s);
    }
  });
});

Deno.test("sign-in answers the user and their organizations and rotates the session", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Rotation Inc");
    const oldToken = sessionToken(admin.client);
    const res = await admin.client.json("POST", "/api/v1/session", {
      email: admin.email.toUpperCase(),
      password: PASSWORD,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.user, { id: admin.userId, name: "Ada Admin", email: admin.email });
    assert.equal(res.body.organizations.length, 1);
    assert.deepEqual(Object.keys(res.body.organizations[0]).sort(), ["id", "name", "role", "slug"]);
    assert.equal(res.body.organizations[0].id, admin.orgId);
    assert.equal(res.body.organizations[0].role, "admin");
    const cookie = sessionSetCookie(res.headers);
    assert.match(cookie, /HttpOnly/i);
    const newToken = sessionToken(admin.client);
    assert.notEqual(newToken, oldToken, "a new token");

    const replay = await clientWithToken(admin.client, oldToken).json("GET", "/api/v1/me");
    assertApiError(replay, 401, "unauthenticated");
    const current = await admin.client.json("GET", "/api/v1/me");
    assert.equal(current.status, 200);
    assert.equal(current.body.user.id, admin.userId);
  });
});

Deno.test("wrong passwords and unknown emails get the same 401 invalid_credentials", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const wrong = await new Client(app).json("POST", "/api/v1/session", {
      email: admin.email,
      password: "wrong password!",
    });
    const unknown = await new Client(app).json("POST", "/api/v1/session", {
      email: uniqueEmail("nobody"),
      password: PASSWORD,
    });
    assertApiError(wrong, 401, "invalid_credentials");
    assertApiError(unknown, 401, "invalid_credentials");
    assert.deepEqual(wrong.body, unknown.body, "answers reveal nothing about the account");
    assert.equal(wrong.headers.getSetCookie().length, 0);
  });
});

Deno.test("sign-out revokes the session on the server", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const token = sessionToken(admin.client);
    const out = await admin.client.request("DELETE", "/api/v1/session");
    assert.equal(out.status, 204);
    assert.match(sessionSetCookie(out.headers), /Max-Age=0/i, "the cookie is cleared");
    assert.equal(admin.client.cookies.has("cf_session"), false);

    const replay = clientWithToken(admin.client, token);
    assertApiError(await replay.json("GET", "/api/v1/me"), 401, "unauthenticated");
    assertApiError(
      await replay.json("GET", `/api/v1/orgs/${admin.orgId}/clock`),
      401,
      "unauthenticated",
    );
    assertApiError(
      await replay.json("POST", `/api/v1/orgs/${admin.orgId}/clock/in`, {}),
      401,
      "unauthenticated",
    );
    assert.equal((await admin.client.request("DELETE", "/api/v1/session")).status, 204, "twice");
  });
});

Deno.test("sessions expire 14 days after sign-in", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    app.clock.advance(14 * DAY / SECOND - 1);
    assert.equal((await admin.client.json("GET", "/api/v1/me")).status, 200, "just before");
    app.clock.advance(1);
    assertApiError(await admin.client.json("GET", "/api/v1/me"), 401, "unauthenticated");
    assertApiError(
      await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/time-entries`),
      401,
      "unauthenticated",
    );
    const again = await admin.client.json("POST", "/api/v1/session", {
      email: admin.email,
      password: PASSWORD,
    });
    assert.equal(again.status, 200);
    assert.equal((await admin.client.json("GET", "/api/v1/me")).status, 200, "a new session");
  });
});

Deno.test("five failed sign-ins lock the account: 429 with Retry-After, even for the right password", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const other = await signUpOrg(app);
    const attempt = (email: string, password: string) =>
      new Client(app).json("POST", "/api/v1/session", { email, password });
    for (let i = 0; i < 5; i++) {
      assertApiError(await attempt(admin.email, `wrong password ${i}`), 401, "invalid_credentials");
      app.clock.advance(10);
    }
    const locked = await attempt(admin.email, PASSWORD);
    assertApiError(locked, 429, "too_many_attempts");
    const retry = Number(locked.headers.get("retry-after"));
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 15 * 60, `Retry-After ${retry}`);
    assert.equal(locked.headers.getSetCookie().length, 0, "no session while throttled");
    assertApiError(await attempt(admin.email.toUpperCase(), PASSWORD), 429, "too_many_attempts");

    assert.equal((await attempt(other.email, PASSWORD)).status, 200, "other accounts unaffected");

    app.clock.advance(retry);
    assert.equal((await attempt(admin.email, PASSWORD)).status, 200, "after Retry-After");
  });
});

Deno.test("successful sign-ins never count towards the limit", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const attempt = (password: string) =>
      new Client(app).json("POST", "/api/v1/session", { email: admin.email, password });
    for (let i = 0; i < 4; i++) assert.equal((await attempt("nope nope nope")).status, 401);
    for (let i = 0; i < 20; i++) {
      assert.equal((await attempt(PASSWORD)).status, 200, `success #${i + 1}`);
    }
  });
});

Deno.test("failed sign-ins are also limited per client IP", async () => {
  const throttle = { windowMs: 10 * 60 * 1000, perAccount: 100, perIp: 3 };
  await withApp(async (app) => {
    const victim = await signUpOrg(app);
    const attempt = (email: string, password: string, headers?: Record<string, string>) =>
      new Client(app).json("POST", "/api/v1/session", { email, password }, headers);
    for (let i = 0; i < 3; i++) {
      assertApiError(await attempt(uniqueEmail("guess"), "guess guess guess"), 401);
    }
    const blocked = await attempt(victim.email, PASSWORD);
    assertApiError(blocked, 429, "too_many_attempts");
    assert.ok(Number(blocked.headers.get("retry-after")) > 0);
    const spoofed = await attempt(victim.email, PASSWORD, { "x-forwarded-for": "203.0.113.9" });
    assertApiError(spoofed, 429, "too_many_attempts");
    app.clock.advance(10 * 60);
    assert.equal((await attempt(victim.email, PASSWORD)).status, 200, "next window");
  }, { throttle });
});

Deno.test("behind a trusted proxy the client is the address the proxy appended (rightmost)", async () => {
  // Changed by issue 7: the leftmost X-Forwarded-For entry is whatever the client sent, so it
  // was trivially spoofable; the proxy appends the real peer address at the right.
  const throttle = { windowMs: 10 * 60 * 1000, perAccount: 100, perIp: 2 };
  const config = loadConfig({ KV_PATH: ":memory:", TRUST_PROXY: "true" });
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const from = (ip: string, password: string, claimed = "10.9.9.9") =>
      new Client(app).json("POST", "/api/v1/session", { email: admin.email, password }, {
        "x-forwarded-for": `${claimed}, ${ip}`,
      });
    assert.equal((await from("198.51.100.1", "bad password 1", "1.1.1.1")).status, 401);
    assert.equal((await from("198.51.100.1", "bad password 2", "2.2.2.2")).status, 401);
    // A new leftmost entry on every try does not make the attacker a new client.
    assertApiError(await from("198.51.100.1", PASSWORD, "3.3.3.3"), 429, "too_many_attempts");
    assert.equal((await from("198.51.100.2", PASSWORD)).status, 200, "another client");
    // Without TRUST_PROXY the header is ignored altogether (see the per-IP test).
  }, { throttle, config });
});

Deno.test("without TRUST_PROXY, X-Forwarded-For does not change the client address", async () => {
  const throttle = { windowMs: 10 * 60 * 1000, perAccount: 100, perIp: 2 };
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const from = (ip: string, password: string) =>
      new Client(app).json("POST", "/api/v1/session", { email: admin.email, password }, {
        "x-forwarded-for": ip,
      });
    assert.equal((await from("198.51.100.1", "bad password 1")).status, 401);
    assert.equal((await from("198.51.100.2", "bad password 2")).status, 401);
    assertApiError(await from("198.51.100.3", PASSWORD), 429, "too_many_attempts");
  }, { throttle });
});

Deno.test("unsafe cross-origin requests carrying the session cookie are refused", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const orgs = "/api/v1/orgs";
    const before = await snapshot(app.store);
    const evil = { origin: "https://evil.example" };
    const attempts = [
      await admin.client.json("POST", orgs, { name: "Evil", timeZone: "UTC" }, evil),
      await admin.client.json("POST", `${orgs}/${admin.orgId}/clock/in`, {}, evil),
      await admin.client.json("POST", `${orgs}/${admin.orgId}/members`, {
        name: "Mallory",
        email: uniqueEmail("mallory"),
        password: PASSWORD,
        role: "admin",
      }, evil),
      await admin.client.json("PATCH", `${orgs}/${admin.orgId}/members/${admin.userId}`, {
        active: false,
      }, { "sec-fetch-site": "cross-site" }),
      await admin.client.json("DELETE", "/api/v1/session", undefined, evil),
      await admin.client.json("POST", `${orgs}/${admin.orgId}/clock/in`, {}, {
        "sec-fetch-site": "cross-site",
      }),
      await admin.client.json("POST", `${orgs}/${admin.orgId}/clock/in`, {}, {
        "sec-fetch-site": "same-site",
      }),
      await admin.client.json("POST", `${orgs}/${admin.orgId}/clock/in`, {}, {
        origin: "http://localhost.evil.example",
      }),
      await admin.client.json("POST", `${orgs}/${admin.orgId}/clock/in`, {}, { origin: "null" }),
    ];
    for (const res of attempts) assertApiError(res, 403, "cross_origin");
    assertSameSnapshot(before, await snapshot(app.store), "refused requests change nothing");
    assert.equal((await admin.client.json("GET", "/api/v1/me")).status, 200, "still signed in");

    const safe = await admin.client.json("GET", `${orgs}/${admin.orgId}/clock`, undefined, evil);
    assert.equal(safe.status, 200, "safe methods are not refused");

    const same = await admin.client.json("POST", `${orgs}/${admin.orgId}/clock/in`, {}, {
      origin: "http://localhost",
      "sec-fetch-site": "same-origin",
    });
    assert.equal(same.status, 201, "same origin works");
    const noHeaders = await admin.client.json("POST", `${orgs}/${admin.orgId}/clock/out`, {});
    assert.equal(noHeaders.status, 200, "non-browser clients without Origin work");
  });
});

Deno.test("the configured PUBLIC_URL counts as same origin", async () => {
  const config = loadConfig({ KV_PATH: ":memory:", PUBLIC_URL: "https://x.example" });
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const ok = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/clock/in`, {}, {
      origin: "https://x.example",
    });
    assert.equal(ok.status, 201);
    const evil = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/clock/out`, {}, {
      origin: "https://evil.example",
    });
    assertApiError(evil, 403, "cross_origin");
  }, { config });
});

Deno.test("a person in two organizations sees both and acts in each separately", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "First Org");
    const created = await admin.client.json("POST", "/api/v1/orgs", {
      name: "Second Org",
      timeZone: "Asia/Tokyo",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const second = created.body.organization;
    assert.deepEqual(Object.keys(second).sort(), ["id", "name", "slug", "timeZone"]);
    assert.equal(second.slug, "second-org");
    assert.notEqual(second.id, admin.orgId);

    const me = await admin.client.json("GET", "/api/v1/me");
    assert.deepEqual(
      me.body.organizations.map((o: { id: string; role: string }) => [o.id, o.role]).sort(),
      [[admin.orgId, "admin"], [second.id, "admin"]].sort(),
    );

    const orgPath = (id: string) => `/api/v1/orgs/${id}`;
    assert.equal(
      (await admin.client.json("POST", `${orgPath(admin.orgId)}/clock/in`, {})).status,
      201,
    );
    const clock2 = await admin.client.json("GET", `${orgPath(second.id)}/clock`);
    assert.equal(clock2.body.state, "out", "clocking in one org does not touch the other");
    assert.equal(
      (await admin.client.json("POST", `${orgPath(second.id)}/clock/in`, {})).status,
      201,
    );
    assert.equal((await admin.client.json("GET", `${orgPath(second.id)}/clock`)).body.state, "in");

    const worker = await addMember(admin.client, second.id, { name: "Tokyo Worker" });
    const members1 = await admin.client.json("GET", `${orgPath(admin.orgId)}/members`);
    const members2 = await admin.client.json("GET", `${orgPath(second.id)}/members`);
    assert.deepEqual(members1.body.data.map((m: { id: string }) => m.id), [admin.userId]);
    assert.deepEqual(
      members2.body.data.map((m: { id: string }) => m.id).sort(),
      [admin.userId, worker.id].sort(),
    );
    const entries1 = await admin.client.json("GET", `${orgPath(admin.orgId)}/time-entries`);
    const entries2 = await admin.client.json("GET", `${orgPath(second.id)}/time-entries`);
    assert.equal(entries1.body.data.length, 1);
    assert.equal(entries2.body.data.length, 1);
    assert.notEqual(entries1.body.data[0].id, entries2.body.data[0].id);
  });
});

Deno.test("a deactivated member loses the organization at once and cannot sign in", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const member = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const org = `/api/v1/orgs/${admin.orgId}`;
    assert.equal((await member.client.json("POST", `${org}/clock/in`, {})).status, 201);

    const off = await admin.client.json("PATCH", `${org}/members/${member.userId}`, {
      active: false,
    });
    assert.equal(off.status, 200);
    assert.equal(off.body.active, false);

    for (
      const [method, path, body] of [
        ["GET", org, undefined],
        ["GET", `${org}/clock`, undefined],
        ["POST", `${org}/clock/out`, {}],
        ["POST", `${org}/clock/break/start`, {}],
        ["GET", `${org}/time-entries`, undefined],
        ["GET", `${org}/members/${member.userId}`, undefined],
      ] as const
    ) {
      // Issue 7: deactivated in their only organization, the person's sessions are revoked.
      assertApiError(await member.client.json(method, path, body), 401, "unauthenticated");
    }
    const me = await member.client.json("GET", "/api/v1/me");
    assertApiError(me, 401, "unauthenticated");

    const signin = await new Client(app).json("POST", "/api/v1/session", {
      email: member.email,
      password: PASSWORD,
    });
    assertApiError(signin, 403, "account_inactive");
    assert.equal(signin.headers.getSetCookie().length, 0);

    const clock = await admin.client.json(
      "GET",
      `${org}/time-entries?userId=${member.userId}`,
    );
    assert.equal(clock.body.data.length, 1);
    assert.equal(clock.body.data[0].end, null, "the deactivated member could not clock out");

    const on = await admin.client.json("PATCH", `${org}/members/${member.userId}`, {
      active: true,
    });
    assert.equal(on.status, 200);
    const back = await member.client.json("POST", "/api/v1/session", {
      email: member.email,
      password: PASSWORD,
    });
    assert.equal(back.status, 200);
    assert.equal((await member.client.json("POST", `${org}/clock/out`, {})).status, 200);
  });
});

Deno.test("a member deactivated in one organization still signs in to another", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app, "Org A");
    const b = await signUpOrg(app, "Org B");
    const member = await addMemberWithLogin(app, a.client, a.orgId);
    // Issue 7: an existing account joins a second organization by accepting an invitation.
    const invite = await b.client.json("POST", `/api/v1/orgs/${b.orgId}/invitations`, {
      email: member.email,
    });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    const token = await latestInvitationToken(app, member.email);
    const joined = await member.client.json("POST", `/api/v1/invitations/${token}/accept`);
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    assert.equal(joined.body.member.id, member.userId, "the existing account joins");
    assert.equal(
      (await a.client.json("PATCH", `/api/v1/orgs/${a.orgId}/members/${member.userId}`, {
        active: false,
      })).status,
      200,
    );
    const signin = await new Client(app).json("POST", "/api/v1/session", {
      email: member.email,
      password: PASSWORD,
    });
    assert.equal(signin.status, 200);
    assert.deepEqual(signin.body.organizations.map((o: { id: string }) => o.id), [b.orgId]);
    assertApiError(
      await member.client.json("GET", `/api/v1/orgs/${a.orgId}/clock`),
      404,
      "not_found",
    );
  });
});
