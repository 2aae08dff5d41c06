/**
 * Invitations over HTTP: admins invite, list and revoke; the mailed single-use link lets the
 * invited account join (signed in) or creates that account; wrong accounts, used, revoked,
 * replaced and expired links, the plan's limit, and what is stored (never the token).
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, Client, signUpOrg } from "../helpers.ts";
import { loadConfig } from "../../config.ts";
import { globalKeys } from "../../lib/kv/mod.ts";
import type { User } from "../../lib/identity/users.ts";
import { sha256Hex } from "../../lib/identity/crypto.ts";
import {
  addMember,
  assertApiError,
  assertSameSnapshot,
  DAY,
  PASSWORD,
  snapshot,
  uniqueEmail,
  withApp,
} from "./support.ts";
import { latestInvitationMail, latestInvitationToken } from "./invitation_support.ts";

const invitations = (orgId: string) => `/api/v1/orgs/${orgId}/invitations`;

Deno.test("an admin invites by email: 201, one mail with a single-use 7-day link, no token stored", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Acme Works");
    const email = uniqueEmail("newbie");
    const res = await admin.client.json("POST", invitations(admin.orgId), {
      email: `  ${email.toUpperCase()} `,
      role: "manager",
      name: "Nia Newbie",
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    for (const k of ["id", "email", "role", "expiresAt"]) assert.ok(k in res.body, k);
    assert.equal(res.body.email, email);
    assert.equal(res.body.role, "manager");
    assert.equal(Date.parse(res.body.expiresAt), app.clock.ms + 7 * DAY);

    const mail = await latestInvitationMail(app, email);
    assert.match(mail.subject, /Acme Works/);
    assert.match(mail.text, /as a manager/);
    const token = await latestInvitationToken(app, email);
    assert.ok(token.length >= 22, "at least 128 random bits");
    assert.match(mail.text, new RegExp(`http://localhost/invitations/${token}`));

    let stored = 0;
    for await (const e of app.store.listAll()) {
      if (e.key[0] === "mail") continue;
      assert.ok(!JSON.stringify(e.key).includes(token), "the token is not a key");
      const text = JSON.stringify(e.value, (_k, v) => typeof v === "bigint" ? String(v) : v);
      assert.ok(!text.includes(token), "the token is not stored");
      if (e.key[0] === "invitation_token") {
        stored++;
        assert.equal(e.key[1], await sha256Hex(token), "only its SHA-256");
        assert.deepEqual(e.value, { orgId: admin.orgId, invitationId: res.body.id });
      }
    }
    assert.equal(stored, 1);

    const list = await admin.client.json("GET", invitations(admin.orgId));
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.map((i: { id: string }) => i.id), [res.body.id]);
    assert.equal(list.body.nextCursor, null);
  });
});

Deno.test("only admins invite, list and revoke; bad input is 400; nothing is written", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const inv = await admin.client.json("POST", invitations(admin.orgId), {
      email: uniqueEmail("x"),
    });
    assert.equal(inv.status, 201);
    assert.equal(inv.body.role, "employee", "employee is the default role");
    const before = await snapshot(app.store);
    for (const who of [manager, employee]) {
      assertApiError(
        await who.client.json("POST", invitations(admin.orgId), { email: uniqueEmail("y") }),
        403,
        "forbidden",
      );
      assertApiError(await who.client.json("GET", invitations(admin.orgId)), 403, "forbidden");
      assertApiError(
        await who.client.json("DELETE", `${invitations(admin.orgId)}/${inv.body.id}`),
        403,
        "forbidden",
      );
    }
    for (
      const body of [
        {},
        { email: "not an email" },
        { email: uniqueEmail("z"), role: "owner" },
        { email: uniqueEmail("z"), extra: 1 },
        { email: uniqueEmail("z"), name: "bad\u202ename" },
      ]
    ) {
      assertApiError(
        await admin.client.json("POST", invitations(admin.orgId), body),
        400,
        "validation_failed",
      );
    }
    assertApiError(
      await admin.client.json("POST", invitations(admin.orgId), { email: manager.email }),
      409,
      "already_member",
    );
    assertApiError(
      await admin.client.json("DELETE", `${invitations(admin.orgId)}/nope`),
      404,
      "not_found",
    );
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("revoking and re-inviting: the old link stops working, one pending invitation per email", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const email = uniqueEmail("again");
    const first = await admin.client.json("POST", invitations(admin.orgId), { email });
    const firstToken = await latestInvitationToken(app, email);
    app.clock.advance(60);
    const second = await admin.client.json("POST", invitations(admin.orgId), {
      email,
      role: "admin",
    });
    assert.equal(second.status, 201);
    assert.notEqual(second.body.id, first.body.id, "re-inviting renews with a new invitation");
    const secondToken = await latestInvitationToken(app, email);
    assert.notEqual(secondToken, firstToken);
    const list = await admin.client.json("GET", invitations(admin.orgId));
    assert.deepEqual(list.body.data.map((i: { id: string }) => i.id), [second.body.id]);
    const stranger = new Client(app);
    assertApiError(
      await stranger.json("POST", `/api/v1/invitations/${firstToken}/accept`, {
        name: "Old Link",
        password: PASSWORD,
      }),
      404,
      "invitation_not_found",
    );

    const revoke = await admin.client.request(
      "DELETE",
      `${invitations(admin.orgId)}/${second.body.id}`,
    );
    assert.equal(revoke.status, 204);
    assert.deepEqual((await admin.client.json("GET", invitations(admin.orgId))).body.data, []);
    assertApiError(
      await stranger.json("POST", `/api/v1/invitations/${secondToken}/accept`, {
        name: "Revoked",
        password: PASSWORD,
      }),
      404,
      "invitation_not_found",
    );
    assertApiError(await stranger.json("GET", `/api/v1/invitations/${secondToken}`), 404);
    const left: string[] = [];
    for await (const e of app.store.listAll()) {
      const table = e.key[0] === "org" ? e.key[2] : e.key[0];
      if (String(table).startsWith("invitation")) left.push(JSON.stringify(e.key));
    }
    assert.deepEqual(left, [], "accepted and revoked invitations leave no record or pointer");
  });
});

Deno.test("the invitation list pages by cursor", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await admin.client.json("POST", invitations(admin.orgId), { email: uniqueEmail("p") }))
          .body.id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res = await admin.client.json("GET", `${invitations(admin.orgId)}${q}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.data.length <= 2);
      seen.push(...res.body.data.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ids);
  });
});

Deno.test("a person without an account creates it from the link and joins, signed in", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Join Co");
    const email = uniqueEmail("fresh");
    await admin.client.json("POST", invitations(admin.orgId), { email, role: "manager" });
    const token = await latestInvitationToken(app, email);
    const visitor = new Client(app);
    const preview = await visitor.json("GET", `/api/v1/invitations/${token}`);
    assert.equal(preview.status, 200);
    assert.deepEqual(
      { org: preview.body.organization.name, email: preview.body.email, role: preview.body.role },
      { org: "Join Co", email, role: "manager" },
    );
    assertApiError(
      await visitor.json("POST", `/api/v1/invitations/${token}/accept`),
      401,
      "unauthenticated",
    );
    assertApiError(
      await visitor.json("POST", `/api/v1/invitations/${token}/accept`, { name: "Only Name" }),
      400,
      "validation_failed",
    );
    const res = await visitor.json("POST", `/api/v1/invitations/${token}/accept`, {
      name: "Fresh Person",
      password: PASSWORD,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.accountCreated, true);
    assert.deepEqual(res.body.organization, { id: admin.orgId, name: "Join Co", role: "manager" });
    assert.equal(res.body.member.email, email);
    assert.equal(res.body.member.role, "manager");
    const me = await visitor.json("GET", "/api/v1/me");
    assert.equal(me.status, 200, "signed in by accepting");
    assert.deepEqual(me.body.organizations.map((o: { id: string }) => o.id), [admin.orgId]);
    const user = (await app.store.get<User>(globalKeys.user(res.body.user.id))).value!;
    assert.equal(user.emailVerifiedAt, app.clock.ms, "following the link verified the email");
    const signin = await new Client(app).json("POST", "/api/v1/session", {
      email,
      password: PASSWORD,
    });
    assert.equal(signin.status, 200);
    assertApiError(
      await new Client(app).json("POST", `/api/v1/invitations/${token}/accept`, {
        name: "Again",
        password: PASSWORD,
      }),
      404,
      "invitation_not_found",
    );
    assertApiError(
      await visitor.json("POST", `/api/v1/invitations/${token}/accept`),
      404,
      "invitation_not_found",
    );
    const audit: string[] = [];
    for await (const e of app.store.listAll()) {
      if (e.key[0] === "org" && e.key[2] === "audit") {
        const r = e.value as { action: string; principal: { type: string; id: string } };
        audit.push(`${r.action} ${r.principal.type}:${r.principal.id}`);
      }
    }
    assert.ok(audit.includes(`invitation.create user:${admin.userId}`), audit.join("\n"));
    assert.ok(audit.includes(`invitation.accept user:${res.body.user.id}`), audit.join("\n"));
    assert.ok(audit.includes(`member.add user:${res.body.user.id}`), audit.join("\n"));
  });
});

Deno.test("a signed-in account joins only with the invited email; joining verifies it", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app, "Org A");
    const b = await signUpOrg(app, "Org B");
    const other = await signUpOrg(app, "Org C");
    await b.client.json("POST", invitations(b.orgId), { email: a.email, role: "employee" });
    const token = await latestInvitationToken(app, a.email);
    const before = await snapshot(app.store);
    assertApiError(
      await other.client.json("POST", `/api/v1/invitations/${token}/accept`),
      403,
      "invitation_email_mismatch",
    );
    assertApiError(
      await new Client(app).json("POST", `/api/v1/invitations/${token}/accept`, {
        name: "Impostor",
        password: PASSWORD,
      }),
      409,
      "email_taken",
    );
    assertSameSnapshot(before, await snapshot(app.store), "refusals change nothing");
    const userBefore = (await app.store.get<User>(globalKeys.user(a.userId))).value!;
    assert.ok(!userBefore.emailVerifiedAt);
    const ok = await a.client.json("POST", `/api/v1/invitations/${token}/accept`);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.accountCreated, false);
    assert.equal(ok.body.member.id, a.userId);
    const userAfter = (await app.store.get<User>(globalKeys.user(a.userId))).value!;
    assert.equal(userAfter.emailVerifiedAt, app.clock.ms);
    assert.equal(userAfter.passwordHash, userBefore.passwordHash, "the password is untouched");
    assert.equal((await a.client.json("GET", `/api/v1/orgs/${b.orgId}`)).body.role, "employee");
  });
});

Deno.test("an expired link answers 404 invitation_expired", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const email = uniqueEmail("late");
    await admin.client.json("POST", invitations(admin.orgId), { email });
    const token = await latestInvitationToken(app, email);
    app.clock.advance(7 * 24 * 3600);
    assertApiError(
      await new Client(app).json("POST", `/api/v1/invitations/${token}/accept`, {
        name: "Late",
        password: PASSWORD,
      }),
      404,
      "invitation_expired",
    );
    assert.deepEqual((await admin.client.json("GET", invitations(admin.orgId))).body.data, []);
    for (const bad of ["short", "x".repeat(43), "../../etc"]) {
      const res = await new Client(app).json("POST", `/api/v1/invitations/${bad}/accept`);
      assert.equal(res.status, 404, bad);
    }
  });
});

Deno.test("accepting counts against the plan's member limit (402 plan_limit), the link stays", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const email = uniqueEmail("over");
    await admin.client.json("POST", invitations(admin.orgId), { email });
    const token = await latestInvitationToken(app, email);
    for (let i = 0; i < 4; i++) await addMember(admin.client, admin.orgId, { name: `Crew ${i}` });
    const visitor = new Client(app);
    const before = await snapshot(app.store);
    const res = await visitor.json("POST", `/api/v1/invitations/${token}/accept`, {
      name: "One Too Many",
      password: PASSWORD,
    });
    assertApiError(res, 402, "plan_limit");
    assertSameSnapshot(before, await snapshot(app.store));
    assert.equal((await admin.client.json("GET", invitations(admin.orgId))).body.data.length, 1);
  }, { config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: "free" }) });
});

Deno.test("the same link used twice at once joins once", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const email = uniqueEmail("twice");
    await admin.client.json("POST", invitations(admin.orgId), { email });
    const token = await latestInvitationToken(app, email);
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        new Client(app).json("POST", `/api/v1/invitations/${token}/accept`, {
          name: `Racer ${i}`,
          password: PASSWORD,
        })
      ),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1, JSON.stringify(results));
    for (const r of results.filter((r) => r.status !== 201)) {
      assert.ok([404, 409].includes(r.status), JSON.stringify(r.body));
      assertApiError(r, r.status);
    }
    const list = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/members`);
    assert.equal(list.body.data.filter((m: { email: string }) => m.email === email).length, 1);
  });
});
