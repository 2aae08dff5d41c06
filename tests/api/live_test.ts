/**
 * The live team board over real HTTP (the app served on a loopback port with `Deno.serve`):
 * presence events for every punch, who may watch, resuming with `Last-Event-ID`, `reset` when
 * the log cannot resume, the snapshot, and streams that release the shared watcher when they end.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg, type TestApp } from "../helpers.ts";
import { assertApiError, withApp } from "./support.ts";
import { serveApp } from "../e2e/chromium.ts";
import { cookieHeader, openSse, type SseEvent, type SseStream } from "../sse.ts";
import { presenceHub } from "../../routes/api/live.ts";
import { PRESENCE_SEQ_PARTS, PRESENCE_TTL_MS } from "../../lib/presence/presence.ts";
import { PresenceHub } from "../../lib/presence/hub.ts";
import type { PresenceEvent } from "../../lib/presence/presence.ts";
import { idFloor } from "../../lib/presence/log.ts";
import { newId } from "../../lib/kv/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Serve `app` for `fn`, then stop serving (after `fn` closed its streams). */
async function served(app: TestApp, fn: (base: string) => Promise<void>): Promise<void> {
  const server = serveApp(app);
  try {
    await fn(server.base);
  } finally {
    await server.shutdown();
  }
}

/** Wait until `check` holds (the server notices a disconnect asynchronously). */
async function eventually(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function data(e: SseEvent): Json {
  return JSON.parse(e.data);
}

async function presence(stream: SseStream): Promise<SseEvent & { body: Json }> {
  const e = await stream.next();
  assert.equal(e.event, "presence", JSON.stringify(e));
  return { ...e, body: data(e) };
}

Deno.test("live: a manager's stream gets in, break, in and out as they are punched; the member's own stream too", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const manager = await addMemberWithLogin(app, a.client, a.orgId, "manager");
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const other = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    await served(app, async (origin) => {
      const board = await openSse(`${origin}${base}/live`, cookieHeader(manager.client.cookies));
      const own = await openSse(`${origin}${base}/live/me`, cookieHeader(e.client.cookies));
      try {
        assert.equal(board.status, 200);
        assert.match(board.headers.get("content-type")!, /^text\/event-stream/);
        assert.equal(board.headers.get("cache-control"), "no-store");
        const t0 = app.clock.ms;
        const entry = (await e.client.json("POST", `${base}/clock/in`, {})).body;
        const iso = (ms: number) => new Date(ms).toISOString();
        let got = await presence(board);
        assert.deepEqual(got.body, {
          userId: e.userId,
          state: "in",
          since: iso(t0),
          entryId: entry.id,
        });
        assert.equal(board.retry(), 2000);
        const ids = [got.id!];
        app.clock.advance(3600);
        assert.equal((await e.client.json("POST", `${base}/clock/break/start`, {})).status, 200);
        got = await presence(board);
        assert.deepEqual(got.body, {
          userId: e.userId,
          state: "break",
          since: iso(t0 + 3600_000),
          entryId: entry.id,
        });
        ids.push(got.id!);
        // Another member's punch reaches the board, not this member's own stream.
        assert.equal((await other.client.json("POST", `${base}/clock/in`, {})).status, 201);
        got = await presence(board);
        assert.equal(got.body.userId, other.userId);
        ids.push(got.id!);
        app.clock.advance(600);
        await e.client.json("POST", `${base}/clock/break/end`, {});
        app.clock.advance(600);
        await e.client.json("POST", `${base}/clock/out`, {});
        const inAgain = await presence(board);
        const out = await presence(board);
        assert.deepEqual([inAgain.body.state, inAgain.body.since], ["in", iso(t0)]);
        assert.deepEqual(out.body, {
          userId: e.userId,
          state: "out",
          since: iso(t0 + 4800_000),
          entryId: entry.id,
        });
        ids.push(inAgain.id!, out.id!);
        assert.deepEqual([...ids].sort(), ids, "ids grow");
        // The member's own stream: exactly their four events, same ids.
        const mine = [await own.next(), await own.next(), await own.next(), await own.next()];
        assert.deepEqual(mine.map((x) => data(x).state), ["in", "break", "in", "out"]);
        assert.deepEqual(mine.map((x) => x.id), [ids[0], ids[1], ids[3], ids[4]]);
        assert.deepEqual(await own.drain(150), [], "no other member's events");
        // One watcher for the organization, shared by both streams.
        const hub = presenceHub(app.deps);
        assert.equal(hub.watcherCount, 1);
        assert.equal(hub.subscriberCount(a.orgId), 2);
      } finally {
        await board.close();
        await own.close();
      }
    });
  });
});

Deno.test("live: employees and keys without members:read are refused with JSON; another organization is 404", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const b = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const key = async (scopes: string[]) =>
      (await a.client.json("POST", `${base}/api-keys`, { name: "Live", scopes })).body.key;
    const [membersRead, entriesRead] = [await key(["members:read"]), await key(["entries:read"])];
    await served(app, async (origin) => {
      const refused = async (
        path: string,
        headers: Record<string, string>,
        status: number,
        code: string,
      ) => {
        const s = await openSse(`${origin}${path}`, headers);
        assertApiError({ status: s.status, body: s.errorBody, headers: s.headers }, status, code);
      };
      await refused(`${base}/live`, cookieHeader(e.client.cookies), 403, "forbidden");
      await refused(`${base}/live/snapshot`, cookieHeader(e.client.cookies), 403, "forbidden");
      await refused(
        `${base}/live`,
        { authorization: `Bearer ${entriesRead}` },
        403,
        "insufficient_scope",
      );
      await refused(
        `${base}/live/me`,
        { authorization: `Bearer ${membersRead}` },
        403,
        "forbidden",
      );
      await refused(
        `/api/v1/orgs/${b.orgId}/live`,
        cookieHeader(a.client.cookies),
        404,
        "not_found",
      );
      await refused(
        `/api/v1/orgs/${b.orgId}/live/me`,
        cookieHeader(e.client.cookies),
        404,
        "not_found",
      );
      await refused(`${base}/live`, {}, 401, "unauthenticated");
      await refused(
        `${base}/live?since=now`,
        cookieHeader(a.client.cookies),
        400,
        "validation_failed",
      );
      assert.equal(presenceHub(app.deps).subscriberCount(), 0, "a refusal subscribes nothing");

      // A key with members:read follows the board; B's punches never reach A's stream.
      const s = await openSse(`${origin}${base}/live`, { authorization: `Bearer ${membersRead}` });
      const bStream = await openSse(
        `${origin}/api/v1/orgs/${b.orgId}/live`,
        cookieHeader(b.client.cookies),
      );
      try {
        assert.equal(s.status, 200);
        await b.client.json("POST", `/api/v1/orgs/${b.orgId}/clock/in`, {});
        assert.equal(data(await bStream.next()).userId, b.userId);
        await e.client.json("POST", `${base}/clock/in`, {});
        const got = await s.next();
        assert.equal(data(got).userId, e.userId);
        assert.deepEqual(await s.drain(150), []);
        assert.equal(presenceHub(app.deps).watcherCount, 2, "one watcher per organization");
      } finally {
        await s.close();
        await bStream.close();
      }
    });
  });
});

Deno.test("live: Last-Event-ID replays exactly the missed events, then goes live; ?lastEventId= works too", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const auth = cookieHeader(a.client.cookies);
    await served(app, async (origin) => {
      const first = await openSse(`${origin}${base}/live`, auth);
      await e.client.json("POST", `${base}/clock/in`, {});
      const seen = await presence(first);
      await first.close();
      // Missed while disconnected: break start, break end, clock out.
      for (const step of ["break/start", "break/end", "out"]) {
        app.clock.advance(300);
        assert.equal((await e.client.json("POST", `${base}/clock/${step}`, {})).status, 200);
      }
      const resumed = await openSse(`${origin}${base}/live`, {
        ...auth,
        "last-event-id": seen.id!,
      });
      const viaQuery = await openSse(
        `${origin}${base}/live?lastEventId=${encodeURIComponent(seen.id!)}`,
        auth,
      );
      try {
        for (const s of [resumed, viaQuery]) {
          const missed = [await presence(s), await presence(s), await presence(s)];
          assert.deepEqual(missed.map((m) => m.body.state), ["break", "in", "out"]);
          assert.ok(missed.every((m) => m.id! > seen.id!));
          assert.deepEqual(await s.drain(100), [], "nothing twice, nothing before the id");
        }
        // …then live.
        app.clock.advance(300);
        await e.client.json("POST", `${base}/clock/in`, {});
        for (const s of [resumed, viaQuery]) assert.equal((await presence(s)).body.state, "in");
        // The header wins over the query (a browser reconnecting sends the newer id).
        const both = await openSse(
          `${origin}${base}/live?lastEventId=${encodeURIComponent(seen.id!)}`,
          { ...auth, "last-event-id": await resumedLastId(app, a.orgId) },
        );
        try {
          assert.deepEqual(await both.drain(150), []);
        } finally {
          await both.close();
        }
      } finally {
        await resumed.close();
        await viaQuery.close();
      }
    });
  });
});

/** The newest presence event id of `orgId`. */
async function resumedLastId(app: TestApp, orgId: string): Promise<string> {
  const scope = (await app.store.scopeForJob(orgId))!;
  const { latestPresenceId } = await import("../../lib/presence/log.ts");
  return (await latestPresenceId(scope))!;
}

Deno.test("live: an unknown, malformed or expired Last-Event-ID gets a reset, then the stream goes live", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const auth = cookieHeader(a.client.cookies);
    await e.client.json("POST", `${base}/clock/in`, {});
    const old = await resumedLastId(app, a.orgId);
    app.clock.advance(PRESENCE_TTL_MS / 1000 + 3600);
    await e.client.json("POST", `${base}/clock/out`, {});
    const newest = await resumedLastId(app, a.orgId);
    await served(app, async (origin) => {
      for (const id of [newId(app.clock.ms - 60_000), "not-an-id", old]) {
        const s = await openSse(`${origin}${base}/live`, { ...auth, "last-event-id": id });
        try {
          const reset = await s.next();
          assert.equal(reset.event, "reset", id);
          assert.deepEqual(data(reset), { lastEventId: reset.id });
          // The log's end as of the request, never later than 5 s before it (a cursor).
          assert.equal(reset.id, idFloor(app.clock.ms - 5_000));
          assert.ok(reset.id! < newest || reset.id! > old);
          assert.deepEqual(await s.drain(100), [], "no replay after a reset");
          app.clock.advance(60);
          await e.client.json("POST", `${base}/clock/in`, {});
          assert.equal((await presence(s)).body.state, "in");
          await e.client.json("POST", `${base}/clock/out`, {});
          assert.equal((await presence(s)).body.state, "out");
        } finally {
          await s.close();
        }
      }
      // Another organization's real id is unknown here.
      const b = await signUpOrg(app);
      const bm = await addMemberWithLogin(app, b.client, b.orgId, "employee");
      await bm.client.json("POST", `/api/v1/orgs/${b.orgId}/clock/in`, {});
      const foreign = await resumedLastId(app, b.orgId);
      const s = await openSse(`${origin}${base}/live`, { ...auth, "last-event-id": foreign });
      try {
        assert.equal((await s.next()).event, "reset");
      } finally {
        await s.close();
      }
    });
  });
});

Deno.test("live: the snapshot shows everyone's presence and where a stream continues from", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const base = `/api/v1/orgs/${a.orgId}`;
    const e = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const f = await addMemberWithLogin(app, a.client, a.orgId, "employee");
    const t0 = app.clock.ms;
    const entry = (await e.client.json("POST", `${base}/clock/in`, {})).body;
    app.clock.advance(600);
    await e.client.json("POST", `${base}/clock/break/start`, {});
    app.clock.advance(600);
    const fEntry = (await f.client.json("POST", `${base}/clock/in`, {})).body;
    app.clock.advance(60);
    const snap = await a.client.json("GET", `${base}/live/snapshot`);
    assert.equal(snap.status, 200, JSON.stringify(snap.body));
    const rows = snap.body.data as Json[];
    assert.deepEqual(rows.map((r) => [r.userId, r.state, r.since, r.entryId]), [
      [f.userId, "in", new Date(t0 + 1200_000).toISOString(), fEntry.id],
      [e.userId, "break", new Date(t0 + 600_000).toISOString(), entry.id],
      [a.userId, "out", null, null],
    ]);
    assert.match(rows[0].name, /^Member \d+$/);
    assert.equal(rows[2].name, "Ada Admin");
    const keyBody = (await a.client.json("POST", `${base}/api-keys`, {
      name: "Board",
      scopes: ["members:read"],
    })).body;
    const viaKey = await a.client.json("GET", `${base}/live/snapshot`, undefined, {
      authorization: `Bearer ${keyBody.key}`,
    });
    assert.equal(viaKey.status, 200);
    assert.equal(viaKey.body.data.length, 3);
    // A stream opened from the snapshot's id gets what happened after the snapshot.
    app.clock.advance(60);
    await f.client.json("POST", `${base}/clock/out`, {});
    await served(app, async (origin) => {
      const s = await openSse(
        `${origin}${base}/live?lastEventId=${snap.body.lastEventId}`,
        cookieHeader(a.client.cookies),
      );
      try {
        const got = await presence(s);
        assert.deepEqual([got.body.userId, got.body.state], [f.userId, "out"]);
        assert.deepEqual(await s.drain(100), []);
      } finally {
        await s.close();
      }
    });
  });
});

Deno.test("live: streams that end release the organization's watcher (subscriber count back to 0)", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const b = await signUpOrg(app);
    const hub = presenceHub(app.deps);
    await served(app, async (origin) => {
      const open = (orgId: string, client: typeof a.client) =>
        openSse(`${origin}/api/v1/orgs/${orgId}/live`, cookieHeader(client.cookies));
      const streams = [
        await open(a.orgId, a.client),
        await open(a.orgId, a.client),
        await open(b.orgId, b.client),
      ];
      assert.equal(hub.subscriberCount(a.orgId), 2);
      assert.equal(hub.subscriberCount(b.orgId), 1);
      assert.equal(hub.watcherCount, 2);
      await streams[0].close();
      await eventually(() => hub.subscriberCount(a.orgId) === 1, "one of A's streams to leave");
      assert.equal(hub.watcherCount, 2, "A's watcher stays for its other stream");
      await streams[1].close();
      await streams[2].close();
      await eventually(
        () => hub.subscriberCount() === 0 && hub.watcherCount === 0,
        "every stream to leave",
      );
      // A new stream starts a new watcher, which still delivers.
      const again = await open(a.orgId, a.client);
      try {
        await a.client.json("POST", `/api/v1/orgs/${a.orgId}/clock/in`, {});
        assert.equal(data(await again.next()).userId, a.userId);
      } finally {
        await again.close();
      }
      await eventually(() => hub.watcherCount === 0, "the last watcher to stop");
    });
  });
});

Deno.test("hub: events committed out of id order within the overlap are delivered once each", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const scope = (await app.store.scopeForJob(a.orgId))!;
    const hub = new PresenceHub();
    const got: PresenceEvent[] = [];
    const leave = await hub.subscribe(scope, {
      events: (evs) => got.push(...evs),
      ended: () => {},
    });
    const t = app.clock.ms;
    const write = async (id: string) => {
      const event: PresenceEvent = {
        id,
        userId: a.userId,
        state: "in",
        since: new Date(t).toISOString(),
        entryId: null,
      };
      const op = scope.atomic();
      op.set(scope.key("presence_event", id), event);
      op.sum(scope.key(...PRESENCE_SEQ_PARTS), 1n);
      assert.ok(await op.commit());
    };
    const [early, late, later] = [newId(t + 1000), newId(t + 3000), newId(t + 4000)];
    await write(late);
    await eventually(() => got.length === 1, "the first event");
    await write(early); // made earlier, committed later
    await write(later);
    await eventually(() => got.length === 3, "all three events");
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(got.map((e) => e.id).sort(), [early, late, later].sort());
    assert.equal(new Set(got.map((e) => e.id)).size, 3, "each once");
    leave();
    leave();
    assert.equal(hub.subscriberCount(), 0);
    assert.equal(hub.watcherCount, 0);
  });
});
