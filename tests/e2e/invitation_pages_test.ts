/**
 * The invitation pages over HTTP (no browser): the members page invites, lists and revokes,
 * and offers an invitation when an added email has an account; the link's page shows the
 * organization and role and lets the invitee create their account and join, accept when
 * signed in, or tells them to sign in; dead links answer a 404 page.
 */

import assert from "node:assert/strict";
import { Client, signUpOrg } from "../helpers.ts";
import { latestInvitationToken } from "../api/invitation_support.ts";
import { dump, page, post, withApp } from "./pages_support.ts";

Deno.test("pages: an admin invites from the members page, sees it pending and revokes it", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app);
    const path = `/o/${admin.orgId}/members`;
    const bad = await post(admin.client, path, {
      intent: "invite",
      email: "nope",
      role: "employee",
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /Enter an email address like name@example.com/);
    const sent = await post(admin.client, path, {
      intent: "invite",
      email: "Invitee@Example.com",
      name: "",
      role: "manager",
    });
    assert.equal(sent.status, 303);
    assert.equal(sent.headers.get("location"), `${path}?ok=invitation_sent`);
    const listed = await page(admin.client, `${path}?ok=invitation_sent`);
    assert.match(listed.html, /Invitation sent/);
    assert.match(listed.html, /invitee@example\.com/);
    const id = listed.html.match(/data-invitation-id="([0-9A-Z]{26})"/)?.[1];
    assert.ok(id);
    const revoked = await post(admin.client, path, { intent: "revoke", invitationId: id });
    assert.equal(revoked.status, 303);
    const after = await page(admin.client, path);
    assert.doesNotMatch(after.html, /data-invitation-id=/);
    assert.match(after.html, /No pending invitations/);
  });
});

Deno.test("pages: adding an email that has an account offers to invite it instead", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app, "Org A");
    const b = await signUpOrg(app, "Org B");
    const path = `/o/${b.orgId}/members`;
    const before = await dump(app);
    const res = await post(b.client, path, {
      intent: "add",
      name: "Someone",
      email: a.email,
      password: "",
      role: "manager",
    });
    assert.equal(res.status, 409);
    const html = await res.text();
    assert.match(html, /invite the person instead/);
    assert.match(html, new RegExp(`Invite ${a.email.replace(/[.]/g, "\\.")} instead`));
    assert.doesNotMatch(html, /Ada Admin<\/p>[\s\S]*Ada Admin<\/p>/, "no name of the account");
    assert.equal(await dump(app), before);
    const invited = await post(b.client, path, {
      intent: "invite",
      email: a.email,
      name: "Someone",
      role: "manager",
    });
    assert.equal(invited.status, 303);
  });
});

Deno.test("pages: the link's page creates the account and joins; accept when signed in", async () => {
  await withApp(async (app) => {
    const admin = await signUpOrg(app, "Link Co");
    await post(admin.client, `/o/${admin.orgId}/members`, {
      intent: "invite",
      email: "newcomer@example.com",
      name: "Nico Newcomer",
      role: "employee",
    });
    const token = await latestInvitationToken(app, "newcomer@example.com");
    const visitor = new Client(app);
    const view = await page(visitor, `/invitations/${token}`);
    assert.equal(view.status, 200);
    assert.match(view.html, /Join Link Co/);
    assert.match(view.html, /as an employee/);
    assert.match(view.html, /value="Nico Newcomer"/);
    assert.match(view.html, /Create account and join/);

    const short = await post(visitor, `/invitations/${token}`, {
      intent: "create",
      name: "Nico",
      password: "short",
    });
    assert.equal(short.status, 400);
    assert.match(await short.text(), /use at least 10 characters/i);

    const made = await post(visitor, `/invitations/${token}`, {
      intent: "create",
      name: "Nico",
      password: "a long enough password",
    });
    assert.equal(made.status, 303);
    assert.equal(
      made.headers.get("location"),
      `/o/${admin.orgId}/clock?ok=invitation_accepted`,
    );
    const clock = await page(visitor, made.headers.get("location")!);
    assert.equal(clock.status, 200, "signed in and a member");
    const used = await page(new Client(app), `/invitations/${token}`);
    assert.equal(used.status, 404);
    assert.match(used.html, /does not work/);

    // An existing account: sign in first, then accept.
    const other = await signUpOrg(app, "Other Co");
    await post(admin.client, `/o/${admin.orgId}/members`, {
      intent: "invite",
      email: other.email,
      role: "manager",
    });
    const token2 = await latestInvitationToken(app, other.email);
    const signedOut = await page(new Client(app), `/invitations/${token2}`);
    assert.match(signedOut.html, /Sign in to accept/);
    assert.match(signedOut.html, /\/signin\?next=/);
    const wrong = await page(visitor, `/invitations/${token2}`);
    assert.match(wrong.html, /You are signed in as newcomer@example\.com/);
    const mine = await page(other.client, `/invitations/${token2}`);
    assert.match(mine.html, /Accept and join Link Co/);
    const accepted = await post(other.client, `/invitations/${token2}`, { intent: "accept" });
    assert.equal(accepted.status, 303);
    const garbage = await page(new Client(app), "/invitations/not-a-token");
    assert.equal(garbage.status, 404);
  });
});
