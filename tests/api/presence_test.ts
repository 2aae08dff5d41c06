/**
 * Presence for the live team board: every punch writes its presence event and bumps the
 * organization's counter in the punch's own commit; edits that do not move anyone write nothing.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg, type TestApp } from "../helpers.ts";
import { bodyOf, withApp } from "./support.ts";
import { PRESENCE_SEQ_PARTS, presenceEventsAfter } from "../../lib/presence/presence.ts";

const ok = bodyOf;

async function presence(app: TestApp, orgId: string) {
  const scope = (await app.store.scopeForJob(orgId))!;
  const seq = await scope.get<Deno.KvU64>(...PRESENCE_SEQ_PARTS);
  const events = await presenceEventsAfter(scope, {});
  return { seq: seq.value?.value ?? 0n, events };
}

Deno.test("presence: punches write in/break/in/out with their instants; a closed entry's edit writes nothing", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const t0 = app.clock.ms;
    const entry = await ok(e.client.json("POST", `${base}/clock/in`, {}), 201);
    app.clock.advance(3600);
    await ok(e.client.json("POST", `${base}/clock/break/start`, {}));
    app.clock.advance(900);
    await ok(e.client.json("POST", `${base}/clock/break/end`, {}));
    app.clock.advance(3600);
    await ok(e.client.json("POST", `${base}/clock/out`, {}));
    const { seq, events } = await presence(app, a.orgId);
    assert.equal(seq, 4n);
    const iso = (ms: number) => new Date(ms).toISOString();
    assert.deepEqual(
      events.map(({ userId, state, since, entryId }) => ({ userId, state, since, entryId })),
      [
        { userId: e.userId, state: "in", since: iso(t0), entryId: entry.id },
        { userId: e.userId, state: "break", since: iso(t0 + 3600_000), entryId: entry.id },
        { userId: e.userId, state: "in", since: iso(t0), entryId: entry.id },
        { userId: e.userId, state: "out", since: iso(t0 + 8100_000), entryId: entry.id },
      ],
    );
    // Ids are time-ordered; resuming after the second returns the last two.
    const scope = (await app.store.scopeForJob(a.orgId))!;
    const after = await presenceEventsAfter(scope, { afterId: events[1].id });
    assert.deepEqual(after.map((x) => x.state), ["in", "out"]);
    // Editing the closed entry's note moves no one.
    await ok(a.client.json("PATCH", `${base}/time-entries/${entry.id}`, {
      note: "fixed",
      reason: "typo",
    }));
    assert.equal((await presence(app, a.orgId)).seq, 4n);
  });
});

Deno.test("presence: a manager closing a forgotten clock-out or deleting a running entry sets the member out", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const first = await ok(e.client.json("POST", `${base}/clock/in`, {}), 201);
    app.clock.advance(3600);
    const end = new Date(app.clock.ms - 600_000).toISOString();
    await ok(a.client.json("PATCH", `${base}/time-entries/${first.id}`, {
      end,
      reason: "forgot to clock out",
    }));
    app.clock.advance(60);
    const second = await ok(e.client.json("POST", `${base}/clock/in`, {}), 201);
    const del = await a.client.request("DELETE", `${base}/time-entries/${second.id}`, {
      reason: "mistake",
    });
    assert.equal(del.status, 204);
    const { events } = await presence(app, a.orgId);
    assert.deepEqual(events.map((x) => [x.state, x.entryId]), [
      ["in", first.id],
      ["out", first.id],
      ["in", second.id],
      ["out", second.id],
    ]);
    assert.equal(events[1].since, end);
  });
});
