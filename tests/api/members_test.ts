/**
 * Members over HTTP: who may add and change members, paging, roles, activation, the rule that an
 * organization keeps an active admin (also under concurrency), parallel additions, the end of
 * access on deactivation, and that an existing account is invited, never silently linked.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, Client, signUpOrg } from "../helpers.ts";
import { loadConfig } from "../../config.ts";
import type { Job, JobTransport } from "../../lib/jobs/jobs.ts";
import type { BillingGateway } from "../../lib/billing/gateway.ts";
import { latestInvitationToken } from "./invitation_support.ts";
import {
  addMember,
  assertApiError,
  assertSameSnapshot,
  type JsonAnswer,
  PASSWORD,
  snapshot,
  uniqueEmail,
  withApp,
} from "./support.ts";

interface MemberView {
  id: string;
  name: string;
  email: string | null;
  role: string;
  active: boolean;
}

Deno.test("an admin adds members with a login; they can sign in with their role", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const email = uniqueEmail("linus");
    const res = await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/members`, {
      name: "  Linus  ",
      email: email.toUpperCase(),
      password: PASSWORD,
      role: "manager",
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), [
      "active",
      "email",
      "hireDate",
      "hourlyRateCents",
      "id",
      "name",
      "role",
    ]);
    assert.deepEqual({ ...res.body, id: undefined }, {
      id: undefined,
      name: "Linus",
      email,
      role: "manager",
      active: true,
      hourlyRateCents: null,
      hireDate: null,
    });
    const client = new Client(app);
    const signin = await client.json("POST", "/api/v1/session", { email, password: PASSWORD });
    assert.equal(signin.status, 200);
    assert.equal(signin.body.user.id, res.body.id);
    assert.deepEqual(signin.body.organizations.map((o: { role: string }) => o.role), ["manager"]);
    const got = await admin.client.json(
      "GET",
      `/api/v1/orgs/${admin.orgId}/members/${res.body.id}`,
    );
    assert.deepEqual(got.body, res.body);
  });
});

Deno.test("members without a login: no email, or an email without password", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const noEmail = await addMember(admin.client, admin.orgId, { name: "Kiosk Only" });
    assert.deepEqual({ ...noEmail, id: "" }, {
      id: "",
      name: "Kiosk Only",
      email: null,
      role: "employee",
      active: true,
      hourlyRateCents: null,
      hireDate: null,
    }, "employee is the default role");

    const email = uniqueEmail("nologin");
    const emailOnly = await addMember(admin.client, admin.orgId, { name: "Mail Only", email });
    assert.equal(emailOnly.email, email);
    const signin = await new Client(app).json("POST", "/api/v1/session", {
      email,
      password: PASSWORD,
    });
    assertApiError(signin, 401, "invalid_credentials");

    const list = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/members`);
    assert.equal(list.body.data.length, 3);
  });
});

Deno.test("managers and employees cannot add members (403) and nothing changes", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const before = await snapshot(app.store);
    for (const who of [manager, employee]) {
      const add = await who.client.json("POST", `/api/v1/orgs/${admin.orgId}/members`, {
        name: "Sneaky",
        email: uniqueEmail("sneaky"),
        password: PASSWORD,
        role: "admin",
      });
      assertApiError(add, 403, "forbidden");
      const promote = await who.client.json(
        "PATCH",
        `/api/v1/orgs/${admin.orgId}/members/${who.userId}`,
        { role: "admin" },
      );
      assertApiError(promote, 403, "forbidden");
      const demote = await who.client.json(
        "PATCH",
        `/api/v1/orgs/${admin.orgId}/members/${admin.userId}`,
        { active: false },
      );
      assertApiError(demote, 403, "forbidden");
    }
    assertApiError(
      await employee.client.json("GET", `/api/v1/orgs/${admin.orgId}/members`),
      403,
      "forbidden",
    );
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("who sees which member: admins and managers all, employees only themselves", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const employee = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const path = (id: string) => `/api/v1/orgs/${admin.orgId}/members/${id}`;
    for (const id of [admin.userId, manager.userId, employee.userId]) {
      assert.equal((await admin.client.json("GET", path(id))).status, 200);
      assert.equal((await manager.client.json("GET", path(id))).status, 200);
    }
    const self = await employee.client.json("GET", path(employee.userId));
    assert.equal(self.status, 200);
    assert.equal(self.body.email, employee.email);
    assertApiError(await employee.client.json("GET", path(admin.userId)), 404, "not_found");
    assertApiError(await employee.client.json("GET", path(manager.userId)), 404, "not_found");
    const managerList = await manager.client.json("GET", `/api/v1/orgs/${admin.orgId}/members`);
    assert.equal(managerList.status, 200);
    assert.equal(managerList.body.data.length, 3);
  });
});

Deno.test("the member list pages by cursor and covers every member exactly once", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const added: string[] = [admin.userId];
    for (let i = 0; i < 10; i++) {
      added.push((await addMember(admin.client, admin.orgId, { name: `Member ${i}` })).id);
    }
    for (const limit of [1, 3, 4, 11, 50]) {
      const seen: MemberView[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const res: JsonAnswer = await admin.client.json(
          "GET",
          `/api/v1/orgs/${admin.orgId}/members${q}`,
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.data.length <= limit);
        seen.push(...res.body.data);
        cursor = res.body.nextCursor;
        assert.ok(++pages <= 20);
      } while (cursor);
      assert.deepEqual(seen.map((m) => m.id), [...added].sort(), `limit=${limit}`);
      assert.equal(new Set(seen.map((m) => m.id)).size, added.length);
    }
    const first = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/members`);
    assert.equal(first.body.data.length, 11, "default limit covers a small org");
    assert.equal(first.body.nextCursor, null);
  });
});

Deno.test("an admin changes roles; the new role takes effect at once", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    const members = `/api/v1/orgs/${admin.orgId}/members`;
    assertApiError(await worker.client.json("GET", members), 403, "forbidden");

    const toManager = await admin.client.json("PATCH", `${members}/${worker.userId}`, {
      role: "manager",
    });
    assert.equal(toManager.status, 200);
    assert.equal(toManager.body.role, "manager");
    assert.equal(toManager.body.active, true);
    assert.equal((await worker.client.json("GET", members)).status, 200, "manager may list");
    assertApiError(
      await worker.client.json("POST", members, { name: "x" }),
      403,
      "forbidden",
    );

    const toAdmin = await admin.client.json("PATCH", `${members}/${worker.userId}`, {
      role: "admin",
    });
    assert.equal(toAdmin.body.role, "admin");
    assert.equal((await worker.client.json("POST", members, { name: "x" })).status, 201);

    const back = await admin.client.json("PATCH", `${members}/${worker.userId}`, {
      role: "employee",
    });
    assert.equal(back.body.role, "employee");
    assertApiError(await worker.client.json("GET", members), 403, "forbidden");
    const me = await worker.client.json("GET", "/api/v1/me");
    assert.equal(me.body.organizations[0].role, "employee");
  });
});

Deno.test("deactivate and reactivate a member", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const worker = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    const path = `/api/v1/orgs/${admin.orgId}/members/${worker.userId}`;
    const off = await admin.client.json("PATCH", path, { active: false });
    assert.equal(off.status, 200);
    assert.deepEqual({ role: off.body.role, active: off.body.active }, {
      role: "manager",
      active: false,
    });
    const listed = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/members`);
    assert.equal(listed.body.data.find((m: MemberView) => m.id === worker.userId).active, false);
    // Issue 7: deactivated in their only organization, the person's sessions are revoked.
    assertApiError(await worker.client.json("GET", `/api/v1/orgs/${admin.orgId}`), 401);

    const both = await admin.client.json("PATCH", path, { active: true, role: "employee" });
    assert.equal(both.status, 200);
    assert.deepEqual({ role: both.body.role, active: both.body.active }, {
      role: "employee",
      active: true,
    });
    const again = await worker.client.json("POST", "/api/v1/session", {
      email: worker.email,
      password: PASSWORD,
    });
    assert.equal(again.status, 200);
    const org = await worker.client.json("GET", `/api/v1/orgs/${admin.orgId}`);
    assert.equal(org.status, 200);
    assert.equal(org.body.role, "employee");
  });
});

Deno.test("the last active admin can be neither demoted nor deactivated (409 last_admin)", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const self = `/api/v1/orgs/${admin.orgId}/members/${admin.userId}`;
    const before = await snapshot(app.store);
    for (const body of [{ role: "manager" }, { role: "employee" }, { active: false }]) {
      assertApiError(await admin.client.json("PATCH", self, body), 409, "last_admin");
    }
    assertSameSnapshot(before, await snapshot(app.store));

    const second = await addMemberWithLogin(app, admin.client, admin.orgId, "admin");
    const other = `/api/v1/orgs/${admin.orgId}/members/${second.userId}`;
    assert.equal((await admin.client.json("PATCH", self, { role: "manager" })).status, 200);
    assertApiError(await second.client.json("PATCH", other, { active: false }), 409, "last_admin");
    assertApiError(
      await second.client.json("PATCH", other, { role: "employee" }),
      409,
      "last_admin",
    );

    // A deactivated admin does not count as an active admin.
    const third = await addMemberWithLogin(app, second.client, admin.orgId, "admin");
    const thirdPath = `/api/v1/orgs/${admin.orgId}/members/${third.userId}`;
    assert.equal((await second.client.json("PATCH", thirdPath, { active: false })).status, 200);
    assertApiError(
      await second.client.json("PATCH", other, { role: "manager" }),
      409,
      "last_admin",
    );
    const stillAdmin = await second.client.json("PATCH", other, { role: "admin", active: true });
    assert.equal(stillAdmin.status, 200, "a no-op change of the last admin is fine");
  });
});

async function activeAdmins(admin: Client, orgId: string): Promise<MemberView[]> {
  const res = await admin.json("GET", `/api/v1/orgs/${orgId}/members?limit=500`);
  return (res.body.data as MemberView[]).filter((m) => m.role === "admin" && m.active);
}

Deno.test("two admins demoting each other at once: at most one wins, an admin remains", async () => {
  for (let round = 0; round < 10; round++) {
    await withApp(async (app) => {
      const a = await signUpOrg(app);
      const b = await addMemberWithLogin(app, a.client, a.orgId, "admin");
      const body = round % 2 === 0 ? { role: "employee" } : { active: false };
      const results = await Promise.all([
        a.client.json("PATCH", `/api/v1/orgs/${a.orgId}/members/${b.userId}`, body),
        b.client.json("PATCH", `/api/v1/orgs/${a.orgId}/members/${a.userId}`, body),
      ]);
      const wins = results.filter((r) => r.status === 200);
      assert.ok(wins.length <= 1, `round ${round}: ${results.map((r) => r.status)}`);
      // The loser may already be refused (403/404/409), or — when it was deactivated in its only
      // organization before its request was authenticated — signed out (401: sessions revoked).
      const refusals = round % 2 === 0 ? [403, 404, 409] : [401, 403, 404, 409];
      for (const r of results.filter((r) => r.status !== 200)) {
        assert.ok(refusals.includes(r.status), `round ${round}: ${JSON.stringify(r.body)}`);
        assertApiError(r, r.status);
      }
      const viewer = wins.length && results[1].status === 200 ? b.client : a.client;
      const admins = await activeAdmins(viewer, a.orgId);
      assert.ok(admins.length >= 1, `round ${round}: an active admin remains`);
    });
  }
});

Deno.test("three admins deactivating each other at once leave at least one admin", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const b = await addMemberWithLogin(app, a.client, a.orgId, "admin");
    const c = await addMemberWithLogin(app, a.client, a.orgId, "admin");
    const ids = [a.userId, b.userId, c.userId];
    const clients = [a.client, b.client, c.client];
    const requests = clients.flatMap((client, i) =>
      ids.filter((_, j) => j !== i).map((target) => ({ client, target }))
    );
    const results = await Promise.all(
      requests.map(({ client, target }) =>
        client.json("PATCH", `/api/v1/orgs/${a.orgId}/members/${target}`, { active: false })
      ),
    );
    // A loser may be refused (403/404/409) or, when it was deactivated in its only organization
    // before its request was authenticated, signed out already (401: sessions revoked).
    for (const r of results) {
      assert.ok([200, 401, 403, 404, 409].includes(r.status), JSON.stringify(r.body));
    }
    // Several may succeed (deactivating someone already inactive is a no-op), never for all three.
    const deactivated = new Set(
      requests.filter((_, i) => results[i].status === 200).map((r) => r.target),
    );
    assert.ok(deactivated.size <= 2, `deactivated ${deactivated.size} of 3 admins`);
    const survivors: MemberView[] = [];
    for (const client of clients) {
      const res = await client.json("GET", `/api/v1/orgs/${a.orgId}/members`);
      if (res.status === 200) {
        survivors.push(...(res.body.data as MemberView[]).filter((m) => m.active));
        break;
      }
    }
    assert.ok(survivors.some((m) => m.role === "admin"), "an active admin remains");
    assert.deepEqual(
      survivors.map((m) => m.id).sort(),
      ids.filter((id) => !deactivated.has(id)).sort(),
      "exactly the admins not deactivated are active",
    );
  });
});

Deno.test("adding an email that has an account: 409 email_taken revealing nothing; invite instead", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app, "Org A");
    const b = await signUpOrg(app, "Org B");
    const before = await snapshot(app.store);
    for (
      const body of [
        { name: "Someone", email: a.email, password: "another password!" },
        { name: "Renamed?", email: a.email.toUpperCase(), role: "manager" },
      ]
    ) {
      const res = await b.client.json("POST", `/api/v1/orgs/${b.orgId}/members`, body);
      assertApiError(res, 409, "email_taken");
      const text = JSON.stringify(res.body);
      assert.ok(!text.includes(a.userId), "no account id");
      assert.ok(!text.includes("Ada Admin"), "no account name");
      assert.equal(res.body.error.details, undefined, "no details about the account");
    }
    assertSameSnapshot(before, await snapshot(app.store), "no change on 409");

    const invited = await b.client.json("POST", `/api/v1/orgs/${b.orgId}/invitations`, {
      email: a.email.toUpperCase(),
      role: "manager",
    });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    assert.equal(invited.body.email, a.email);
    const token = await latestInvitationToken(app, a.email);
    const accepted = await a.client.json("POST", `/api/v1/invitations/${token}/accept`);
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(accepted.body.member.id, a.userId, "the same person");
    assert.equal(accepted.body.member.name, "Ada Admin", "the account's own name is kept");
    assert.equal(accepted.body.member.role, "manager");

    assertApiError(
      await b.client.json("POST", `/api/v1/orgs/${b.orgId}/members`, { name: "x", email: a.email }),
      409,
      "already_member",
    );
    const signin = await new Client(app).json("POST", "/api/v1/session", {
      email: a.email,
      password: PASSWORD,
    });
    assert.equal(signin.status, 200, "the original password still works");
    assert.deepEqual(
      signin.body.organizations.map((o: { id: string; role: string }) => [o.id, o.role]).sort(),
      [[a.orgId, "admin"], [b.orgId, "manager"]].sort(),
    );
  });
});

Deno.test("defect 7: 16 parallel additions of members in one organization all succeed", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const results = await Promise.all(
      Array.from(
        { length: 16 },
        (_, i) =>
          admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/members`, {
            name: `Parallel ${i}`,
            ...(i % 2 === 0 ? { email: uniqueEmail("par"), password: PASSWORD } : {}),
          }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(16).fill(201),
      results.map((r) => JSON.stringify(r.body)).join("\n"),
    );
    const list = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/members?limit=500`);
    assert.equal(list.body.data.length, 17);
  });
});

Deno.test("parallel additions still respect the plan's member limit exactly", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const results = await Promise.all(
      Array.from(
        { length: 16 },
        (_, i) =>
          admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/members`, { name: `P${i}` }),
      ),
    );
    const list = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/members?limit=500`);
    const created = results.filter((r) => r.status === 201).length;
    assert.equal(list.body.data.length, created + 1);
    for (const r of results.filter((r) => r.status !== 201)) assertApiError(r, 402, "plan_limit");
  }, { config: loadConfig({ KV_PATH: ":memory:", DEFAULT_PLAN: "free" }) });
});

Deno.test("a deactivated member's open session loses that organization at once, keeps others", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app, "Org A");
    const b = await signUpOrg(app, "Org B");
    // b's admin joins a as an employee through an invitation.
    await a.client.json("POST", `/api/v1/orgs/${a.orgId}/invitations`, { email: b.email });
    const token = await latestInvitationToken(app, b.email);
    assert.equal((await b.client.json("POST", `/api/v1/invitations/${token}/accept`)).status, 201);
    assert.equal((await b.client.json("GET", `/api/v1/orgs/${a.orgId}`)).status, 200);

    const off = await a.client.json("PATCH", `/api/v1/orgs/${a.orgId}/members/${b.userId}`, {
      active: false,
    });
    assert.equal(off.status, 200);
    // The same open session: 404 on that organization immediately, its own still works.
    assertApiError(await b.client.json("GET", `/api/v1/orgs/${a.orgId}`), 404, "not_found");
    assert.equal((await b.client.json("GET", `/api/v1/orgs/${b.orgId}`)).status, 200);
    assert.equal((await b.client.json("GET", "/api/v1/me")).status, 200, "still signed in");
  });
});

Deno.test("an account deactivated in every organization has its sessions revoked", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app, "Org A");
    const b = await signUpOrg(app, "Org B");
    const worker = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    await b.client.json("POST", `/api/v1/orgs/${b.orgId}/invitations`, { email: worker.email });
    const token = await latestInvitationToken(app, worker.email);
    assert.equal(
      (await worker.client.json("POST", `/api/v1/invitations/${token}/accept`)).status,
      201,
    );
    const second = new Client(app);
    assert.equal(
      (await second.json("POST", "/api/v1/session", { email: worker.email, password: PASSWORD }))
        .status,
      200,
    );
    const offA = await a.client.json("PATCH", `/api/v1/orgs/${a.orgId}/members/${worker.userId}`, {
      active: false,
    });
    assert.equal(offA.status, 200);
    assert.equal((await worker.client.json("GET", "/api/v1/me")).status, 200, "active in B");
    const offB = await b.client.json("PATCH", `/api/v1/orgs/${b.orgId}/members/${worker.userId}`, {
      active: false,
    });
    assert.equal(offB.status, 200);
    for (const client of [worker.client, second]) {
      assertApiError(await client.json("GET", "/api/v1/me"), 401, "unauthenticated");
    }
  });
});

Deno.test("adding a member twice with a new email in parallel creates one account", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const email = uniqueEmail("twin");
    const results = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/members`, {
            name: "Twin",
            email,
            password: PASSWORD,
          }),
      ),
    );
    assert.equal(
      results.filter((r) => r.status === 201).length,
      1,
      results.map((r) => r.status).join(),
    );
    for (const r of results.filter((r) => r.status !== 201)) assertApiError(r, 409);
    const list = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/members`);
    assert.equal(list.body.data.filter((m: MemberView) => m.email === email).length, 1);
  });
});

Deno.test("unknown member ids answer 404", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const other = await signUpOrg(app);
    for (const id of ["nope", other.userId, "01ARZ3NDEKTSV4RRFFQ69G5FAV"]) {
      const path = `/api/v1/orgs/${admin.orgId}/members/${id}`;
      assertApiError(await admin.client.json("GET", path), 404, "not_found");
      assertApiError(await admin.client.json("PATCH", path, { role: "manager" }), 404, "not_found");
    }
  });
});

Deno.test("seat sync: a sync_seats job is committed with each change of the active count", async () => {
  const handed: Job[] = [];
  const transport: JobTransport = {
    enqueue: (job) => {
      handed.push(job);
      return Promise.resolve();
    },
  };
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const kinds = () => handed.splice(0).map((j) => j.kind).filter((k) => k === "sync_seats");
    const members = `/api/v1/orgs/${admin.orgId}/members`;
    const m = await addMember(admin.client, admin.orgId, { name: "Seat" });
    assert.deepEqual(kinds(), ["sync_seats"], "adding");
    await admin.client.json("PATCH", `${members}/${m.id}`, { role: "manager" });
    assert.deepEqual(kinds(), [], "a role change does not change seats");
    await admin.client.json("PATCH", `${members}/${m.id}`, { active: false });
    assert.deepEqual(kinds(), ["sync_seats"], "deactivating");
    assertApiError(
      await admin.client.json("PATCH", `${members}/${admin.userId}`, { active: false }),
      409,
      "last_admin",
    );
    assert.deepEqual(kinds(), [], "a refused change causes no job");
    const email = uniqueEmail("seat");
    await admin.client.json("POST", `/api/v1/orgs/${admin.orgId}/invitations`, { email });
    // The mail job went through the transport too; read the link from it.
    const mail = handed.find((j) => j.kind === "send_mail");
    assert.ok(mail && mail.kind === "send_mail");
    const token = mail.mail.text.match(/\/invitations\/([A-Za-z0-9_-]+)/)![1];
    handed.splice(0);
    const joined = await new Client(app).json("POST", `/api/v1/invitations/${token}/accept`, {
      name: "Seat Two",
      password: PASSWORD,
    });
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    assert.deepEqual(kinds(), ["sync_seats"], "accepting an invitation");
  }, { billing: {} as BillingGateway, jobs: transport });
});
