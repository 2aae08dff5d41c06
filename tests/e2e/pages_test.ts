/**
 * The pages over HTTP, without a browser: forms post, redirect and show errors; guards send
 * people to sign-in, 403 or 404 pages; other tenants' ids are not found.
 *
 * @module
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, Client, signUpOrg } from "../helpers.ts";
import { dump, FORM, page, post, withApp } from "./pages_support.ts";

const PASSWORD = "correct horse battery";

Deno.test("pages: sign-up form creates org and admin, signs in, lands on the clock", async () => {
  await withApp(async (app) => {
    const c = new Client(app);
    const form = await page(c, "/signup");
    assert.equal(form.status, 200);
    assert.match(form.html, /<option value="America\/New_York" selected>/);
    assert.match(form.html, /<label for="timeZone">Time zone<\/label>/);
    const res = await post(c, "/signup", {
      orgName: "Acme",
      timeZone: "Europe/Berlin",
      name: "Ada",
      email: "ada@example.com",
      password: PASSWORD,
    });
    assert.equal(res.status, 303);
    const location = res.headers.get("location")!;
    assert.match(location, /^\/o\/[0-9A-Z]{26}\/clock\?ok=welcome$/);
    const clock = await page(c, location);
    assert.equal(clock.status, 200);
    assert.match(clock.html, /Welcome to ClockFlow!/);
    assert.match(clock.html, /data-island="Clock"/);
    assert.match(clock.html, /<main id="main"/);
    assert.match(clock.html, /href="#main"/);
    assert.equal(clock.headers.get("cache-control"), "no-store");
  });
});

/** A dump without the sign-up attempt counters (`["signin_fail", …]`) that throttling writes. */
function withoutAttempts(dumped: string): string {
  return dumped.split("\n").filter((row) => !row.startsWith('["signin_fail"')).join("\n");
}

Deno.test("pages: sign-up errors show in the form with 4xx and change nothing but the attempt count", async () => {
  await withApp(async (app) => {
    const { email } = await signUpOrg(app);
    const c = new Client(app);
    const before = await dump(app);
    const bad = await post(c, "/signup", {
      orgName: "",
      timeZone: "Mars/Olympus",
      name: "Ada",
      email: "not-an-email",
      password: "short",
    });
    assert.equal(bad.status, 400);
    const html = await bad.text();
    assert.match(html, /role="alert"/);
    assert.match(html, /Enter your organization&#39;s name|Enter your organization's name/);
    assert.match(html, /Choose a time zone from the list/);
    assert.match(html, /Use at least 10 characters/);
    assert.match(html, /aria-invalid="true"/);
    assert.doesNotMatch(html, /short/, "the password is never echoed");
    const taken = await post(c, "/signup", {
      orgName: "Other",
      timeZone: "UTC",
      name: "Bob",
      email,
      password: PASSWORD,
    });
    assert.equal(taken.status, 409);
    assert.match(await taken.text(), /already exists/);
    assert.equal(withoutAttempts(await dump(app)), withoutAttempts(before));
    assert.equal(c.cookies.size, 0);
  });
});

Deno.test("pages: sign in, wrong password, sign out", async () => {
  await withApp(async (app) => {
    const { email, orgId } = await signUpOrg(app);
    const c = new Client(app);
    const wrong = await post(c, "/signin", { email, password: "wrong password!" });
    assert.equal(wrong.status, 401);
    const html = await wrong.text();
    assert.match(html, /Email or password is wrong/);
    assert.match(html, new RegExp(`value="${email}"`));
    const ok = await post(c, "/signin", { email, password: PASSWORD, next: `/o/${orgId}/week` });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), `/o/${orgId}/week`);
    const evil = await post(new Client(app), "/signin", {
      email,
      password: PASSWORD,
      next: "//evil.example/",
    });
    assert.equal(evil.headers.get("location"), "/app");
    const app1 = await c.request("GET", "/app");
    assert.equal(app1.headers.get("location"), `/o/${orgId}/clock`);
    const out = await post(c, "/signout", {});
    assert.equal(out.headers.get("location"), "/signin?ok=signed_out");
    const after = await c.request("GET", `/o/${orgId}/clock`);
    assert.equal(after.status, 303);
    assert.equal(
      after.headers.get("location"),
      `/signin?next=${encodeURIComponent(`/o/${orgId}/clock`)}`,
    );
  });
});

Deno.test("pages: without a session, pages redirect to /signin (never JSON 401)", async () => {
  await withApp(async (app) => {
    const c = new Client(app);
    for (const path of ["/app", "/app/orgs", "/o/01JD3X7M2Q8J5V0K6Y4T9N1C2B/week"]) {
      const res = await c.request("GET", path);
      assert.equal(res.status, 303, path);
      assert.match(res.headers.get("location")!, /^\/signin/);
    }
    const res = await post(c, "/o/01JD3X7M2Q8J5V0K6Y4T9N1C2B/clock", { action: "in" });
    assert.equal(res.headers.get("location"), "/signin");
  });
});

Deno.test("pages: the no-JS clock form punches and refuses impossible punches", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app);
    const path = `/o/${orgId}/clock`;
    const inRes = await post(client, path, { action: "in" });
    assert.equal(inRes.status, 303);
    assert.equal(inRes.headers.get("location"), `${path}?ok=clocked_in`);
    const before = await dump(app);
    const again = await post(client, path, { action: "in" });
    assert.equal(again.status, 409);
    assert.match(await again.text(), /You are already clocked in/);
    const bogus = await post(client, path, { action: "explode" });
    assert.equal(bogus.status, 400);
    assert.equal(await dump(app), before);
    app.clock.advance(3600);
    assert.equal((await post(client, path, { action: "break_start" })).status, 303);
    app.clock.advance(600);
    assert.equal((await post(client, path, { action: "break_end" })).status, 303);
    app.clock.advance(1800);
    assert.equal((await post(client, path, { action: "out" })).status, 303);
    const week = await page(client, `/o/${orgId}/week`);
    assert.match(
      week.html,
      /data-total="week"><span>Week total<\/span> <time[^>]*data-seconds="5400"/,
    );
  });
});

Deno.test("pages: flash codes are looked up, never reflected", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app);
    const res = await page(client, `/o/${orgId}/clock?ok=%3Cscript%3Ealert(1)%3C/script%3E`);
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.html, /alert\(1\)/);
    assert.doesNotMatch(res.html, /alert-ok/);
  });
});

Deno.test("pages: employees get 403 pages on manager pages", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const emp = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    for (const p of ["team", `team/${admin.userId}`, "members"]) {
      const res = await page(emp.client, `/o/${admin.orgId}/${p}`);
      assert.equal(res.status, 403, p);
      assert.match(res.html, /Not allowed/);
      assert.match(res.headers.get("content-type")!, /text\/html/);
    }
    const clock = await page(emp.client, `/o/${admin.orgId}/clock`);
    assert.doesNotMatch(clock.html, /\/team"/, "no Team link for employees");
    assert.doesNotMatch(clock.html, /\/members"/);
    const mgr = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
    assert.equal((await page(mgr.client, `/o/${admin.orgId}/team`)).status, 200);
    assert.equal((await page(mgr.client, `/o/${admin.orgId}/members`)).status, 403);
  });
});

Deno.test("pages: other tenants' orgs, members and entries are 404 pages", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const b = await signUpOrg(app);
    await b.client.json("POST", `/api/v1/orgs/${b.orgId}/clock/in`, {});
    app.clock.advance(60);
    const out = await b.client.json("POST", `/api/v1/orgs/${b.orgId}/clock/out`, {});
    const paths = [
      `/o/${b.orgId}/clock`,
      `/o/${b.orgId}/week`,
      `/o/${b.orgId}/team`,
      `/o/${a.orgId}/team/${b.userId}`,
      `/o/${a.orgId}/entries/${out.body.id}/history`,
      `/o/${a.orgId}/entries/not-an-id/history`,
      `/o/${a.orgId}/no-such-page`,
    ];
    for (const p of paths) {
      const res = await page(a.client, p);
      assert.equal(res.status, 404, p);
      assert.match(res.html, /Page not found/, p);
      assert.doesNotMatch(res.html, new RegExp(`Org \\d+</span>.*Org`), p);
    }
    const before = await dump(app);
    const res = await post(a.client, `/o/${a.orgId}/team/${a.userId}`, {
      intent: "delete",
      entryId: out.body.id,
      reason: "cross-tenant",
    });
    assert.equal(res.status, 404);
    assert.equal(await dump(app), before);
  });
});

Deno.test("pages: a week in the org's zone splits an entry across local midnight", async () => {
  await withApp(async (app) => {
    const { client, orgId, userId } = await signUpOrg(app, "Night", "Europe/Berlin");
    const created = await client.json("POST", `/api/v1/orgs/${orgId}/time-entries`, {
      userId,
      start: "2026-10-28T21:00:00Z", // Wed 22:00 Berlin
      end: "2026-10-29T01:30:00Z", // Thu 02:30 Berlin
      reason: "night shift",
    });
    assert.equal(created.status, 201);
    const week = await page(client, `/o/${orgId}/week?date=2026-10-29`);
    assert.equal(week.status, 200);
    const day = (d: string) =>
      week.html.match(
        new RegExp(`data-day="${d}"[\\s\\S]*?data-total="day">[\\s\\S]*?data-seconds="(\\d+)"`),
      )?.[1];
    assert.equal(day("2026-10-28"), "7200");
    assert.equal(day("2026-10-29"), "9000");
    assert.match(week.html, /Crosses midnight/);
    assert.match(
      week.html,
      /data-total="week"><span>Week total<\/span> <time[^>]*data-seconds="16200"/,
    );
    assert.match(week.html, /href="\/o\/[0-9A-Z]+\/week\?date=2026-10-19" rel="prev"/);
    assert.match(week.html, /href="\/o\/[0-9A-Z]+\/week\?date=2026-11-02" rel="next"/);
    const bad = await page(client, `/o/${orgId}/week?date=2026-02-30`);
    assert.equal(bad.status, 400);
    assert.match(bad.html, /YYYY-MM-DD/);
  });
});

Deno.test("pages: managers correct entries with a reason; history shows it", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Fixes", "America/New_York");
    const emp = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
    await emp.client.json("POST", `/api/v1/orgs/${admin.orgId}/clock/in`, {});
    app.clock.advance(2 * 3600);
    const out = await emp.client.json("POST", `/api/v1/orgs/${admin.orgId}/clock/out`, {});
    const id = out.body.id as string;
    app.clock.advance(3600); // now 06:00 in New York
    const path = `/o/${admin.orgId}/team/${emp.userId}?date=2026-11-02`;
    const view = await page(admin.client, path);
    assert.equal(view.status, 200);
    assert.match(view.html, /value="2026-11-02T03:00"/);
    assert.match(view.html, /value="2026-11-02T05:00"/);

    const before = await dump(app);
    const noReason = await post(admin.client, path, {
      intent: "edit",
      entryId: id,
      start: "2026-11-02T03:00",
      end: "2026-11-02T05:30",
      note: "",
      reason: "  ",
    });
    assert.equal(noReason.status, 400);
    const html = await noReason.text();
    assert.match(html, /Enter a reason/);
    assert.match(html, /<details open>/);
    const overlap = await post(admin.client, path, {
      intent: "add",
      start: "2026-11-02T04:00",
      end: "2026-11-02T04:30",
      reason: "double",
    });
    assert.equal(overlap.status, 409);
    assert.match(await overlap.text(), /overlaps another entry/);
    assert.equal(await dump(app), before);

    const edit = await post(admin.client, path, {
      intent: "edit",
      entryId: id,
      start: "2026-11-02T03:00",
      end: "2026-11-02T05:30",
      note: "stayed for the delivery",
      reason: "Forgot to clock out",
    });
    assert.equal(edit.status, 303);
    assert.equal(edit.headers.get("location"), `${path}&ok=entry_updated`);
    const entry = await admin.client.json("GET", `/api/v1/orgs/${admin.orgId}/time-entries/${id}`);
    assert.equal(entry.body.durationSeconds, 2.5 * 3600);
    assert.equal(entry.body.start, "2026-11-02T08:00:00.000Z", "unchanged start kept");

    const add = await post(admin.client, path, {
      intent: "add",
      start: "2026-11-01T09:00",
      end: "2026-11-01T10:00",
      reason: "paper timesheet",
    });
    assert.equal(add.status, 303);

    const history = await page(admin.client, `/o/${admin.orgId}/entries/${id}/history`);
    assert.equal(history.status, 200);
    assert.match(history.html, /Clocked in/);
    assert.match(history.html, /Edited/);
    assert.match(history.html, /Forgot to clock out/);
    assert.match(history.html, /Ada Admin/);
    assert.match(history.html, /5:00\sAM/);
    assert.match(history.html, /5:30\sAM/);
    // The employee may read the history of their own entry.
    assert.equal((await page(emp.client, `/o/${admin.orgId}/entries/${id}/history`)).status, 200);

    const del = await post(admin.client, path, { intent: "delete", entryId: id, reason: "dup" });
    assert.equal(del.status, 303);
    const gone = await page(admin.client, `/o/${admin.orgId}/entries/${id}/history`);
    assert.match(gone.html, /Deleted/);
  });
});

Deno.test("pages: members page adds people, changes roles and refuses to drop the last admin", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const path = `/o/${admin.orgId}/members`;
    const add = await post(admin.client, path, {
      intent: "add",
      name: "Kim Kiosk",
      email: "",
      password: "",
      role: "employee",
    });
    assert.equal(add.status, 303);
    assert.equal(add.headers.get("location"), `${path}?ok=member_added`);
    const list = await page(admin.client, path);
    assert.match(list.html, /Kim Kiosk/);
    const kimId = list.html.match(
      /data-user-id="([0-9A-Z]{26})"[^>]*>(?:(?!data-user-id)[\s\S])*?Kim Kiosk/,
    )
      ?.[1];
    assert.ok(kimId);

    const noEmail = await post(admin.client, path, {
      intent: "add",
      name: "Pat",
      email: "",
      password: "long enough password",
      role: "employee",
    });
    assert.equal(noEmail.status, 400);
    assert.match(await noEmail.text(), /A password needs an email address/);

    const before = await dump(app);
    const demote = await post(admin.client, path, {
      intent: "role",
      userId: admin.userId,
      role: "employee",
    });
    assert.equal(demote.status, 409);
    assert.match(await demote.text(), /last active admin cannot be demoted/);
    const deactivate = await post(admin.client, path, {
      intent: "active",
      userId: admin.userId,
      active: "false",
    });
    assert.equal(deactivate.status, 409);
    assert.equal(await dump(app), before);

    assert.equal(
      (await post(admin.client, path, { intent: "role", userId: kimId, role: "manager" })).status,
      303,
    );
    assert.equal(
      (await post(admin.client, path, { intent: "active", userId: kimId, active: "false" })).status,
      303,
    );
    const after = await page(admin.client, path);
    assert.match(after.html, /Deactivated/);
    assert.match(after.html, /Reactivate/);
  });
});

Deno.test("pages: organization switcher lists and creates organizations", async () => {
  await withApp(async (app) => {
    const { client } = await signUpOrg(app, "First Org");
    const res = await post(client, "/app/orgs", { name: "Second Org", timeZone: "Asia/Tokyo" });
    assert.equal(res.status, 303);
    assert.match(res.headers.get("location")!, /^\/o\/[0-9A-Z]{26}\/clock\?ok=org_created$/);
    const list = await page(client, "/app/orgs");
    assert.match(list.html, /First Org/);
    assert.match(list.html, /Second Org/);
    const bad = await post(client, "/app/orgs", { name: "", timeZone: "UTC" });
    assert.equal(bad.status, 400);
  });
});

Deno.test("pages: a cross-site form post with the session cookie is refused", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app);
    const before = await dump(app);
    const res = await client.request(
      "POST",
      `/o/${orgId}/clock`,
      "action=in",
      { ...FORM, origin: "https://evil.example" },
    );
    assert.equal(res.status, 403);
    assert.equal(await dump(app), before);
  });
});
