/**
 * Time entries over HTTP: managers' corrections with reasons and their history, what employees
 * may see, overlaps, filters, paging, and idempotent creation.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, signUpOrg } from "../helpers.ts";
import type { TestApp } from "../helpers.ts";
import {
  assertApiError,
  assertSameSnapshot,
  DAY,
  HOUR,
  iso,
  type JsonAnswer,
  MINUTE,
  snapshot,
  withApp,
} from "./support.ts";

interface EntryView {
  id: string;
  userId: string;
  start: string;
  end: string | null;
  breaks: { start: string; end: string | null }[];
  durationSeconds: number;
  breakSeconds: number;
  note: string | null;
  source: string;
}

async function setup(app: TestApp) {
  const admin = await signUpOrg(app);
  const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
  const alice = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const bob = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const base = `/api/v1/orgs/${admin.orgId}/time-entries`;
  /** Midnight UTC `daysAgo` days before the test clock, plus `hours`. */
  const at = (daysAgo: number, hours = 0) =>
    Math.floor(app.clock.ms / DAY) * DAY - daysAgo * DAY + hours * HOUR;
  const create = (
    userId: string,
    start: number,
    end: number,
    extra: Record<string, unknown> = {},
    client = manager.client,
  ) =>
    client.json("POST", base, {
      userId,
      start: iso(start),
      end: iso(end),
      reason: "paper timesheet",
      ...extra,
    });
  return { admin, manager, alice, bob, base, at, create };
}

async function listAll(
  get: (q: string) => Promise<JsonAnswer>,
  query: string,
  limit: number,
): Promise<EntryView[]> {
  const out: EntryView[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: JsonAnswer = await get(
      `?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.data.length <= limit);
    out.push(...res.body.data);
    cursor = res.body.nextCursor;
    assert.ok(++pages < 100, "paging terminates");
  } while (cursor);
  return out;
}

Deno.test("a manager creates an entry with breaks and a reason", async () => {
  await withApp(async (app) => {
    const { alice, manager, base, at, create } = await setup(app);
    const res = await create(alice.userId, at(3, 9), at(3, 17.5), {
      breaks: [{ start: iso(at(3, 12)), end: iso(at(3, 12.5)) }],
      note: "forgot badge",
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const e: EntryView = res.body;
    assert.equal(e.userId, alice.userId);
    assert.equal(e.start, iso(at(3, 9)));
    assert.equal(e.end, iso(at(3, 17.5)));
    assert.deepEqual(e.breaks, [{ start: iso(at(3, 12)), end: iso(at(3, 12.5)), typeId: null }]);
    assert.equal(e.durationSeconds, 8 * 3600);
    assert.equal(e.breakSeconds, 1800);
    assert.equal(e.note, "forgot badge");
    assert.equal(e.source, "manual");

    const got = await manager.client.json("GET", `${base}/${e.id}`);
    assert.deepEqual(got.body, e);
    const mine = await alice.client.json("GET", `${base}/${e.id}`);
    assert.deepEqual(mine.body, e, "the employee sees their own entry");

    const history = await manager.client.json("GET", `${base}/${e.id}/history`);
    assert.equal(history.body.data.length, 1);
    const [rec] = history.body.data;
    assert.equal(rec.action, "entry.create");
    assert.equal(rec.actorId, manager.userId);
    assert.equal(rec.reason, "paper timesheet");
    assert.equal(rec.before, null);
    assert.deepEqual(rec.after, e);
    assert.deepEqual(rec.entity, { kind: "entry", id: e.id });
  });
});

Deno.test("corrections need a reason: 400 validation_failed and nothing changes", async () => {
  await withApp(async (app) => {
    const { alice, manager, base, at, create } = await setup(app);
    const entry = (await create(alice.userId, at(2, 9), at(2, 17))).body as EntryView;
    const before = await snapshot(app.store);
    const body = { userId: alice.userId, start: iso(at(1, 9)), end: iso(at(1, 17)) };
    const attempts: [string, string, unknown][] = [
      ["POST", base, body],
      ["POST", base, { ...body, reason: "" }],
      ["POST", base, { ...body, reason: "   " }],
      ["POST", base, { ...body, reason: null }],
      ["PATCH", `${base}/${entry.id}`, { note: "changed" }],
      ["PATCH", `${base}/${entry.id}`, { note: "changed", reason: "" }],
      ["DELETE", `${base}/${entry.id}`, {}],
      ["DELETE", `${base}/${entry.id}`, { reason: "  " }],
      ["DELETE", `${base}/${entry.id}`, undefined],
    ];
    for (const [method, path, b] of attempts) {
      const res = await manager.client.json(method, path, b);
      assertApiError(res, 400, "validation_failed");
      assert.ok(
        res.body.error.details.some((d: { path: string }) => d.path === "reason"),
        `${method} ${JSON.stringify(b)}: ${JSON.stringify(res.body.error.details)}`,
      );
    }
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("edit and delete are recorded in the history with actor, before, after and reason", async () => {
  await withApp(async (app) => {
    const { admin, alice, manager, base, at, create } = await setup(app);
    const created = (await create(alice.userId, at(2, 9), at(2, 17))).body as EntryView;

    app.clock.advance(60);
    const patched = await admin.client.json("PATCH", `${base}/${created.id}`, {
      end: iso(at(2, 18)),
      breaks: [{ start: iso(at(2, 13)), end: iso(at(2, 13.75)) }],
      note: "stayed late",
      reason: "  shift extended  ",
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.end, iso(at(2, 18)));
    assert.equal(patched.body.durationSeconds, 9 * 3600 - 45 * 60);
    assert.equal(patched.body.start, created.start, "untouched fields stay");
    assert.equal(patched.body.updatedAt, iso(app.clock.ms));

    const moved = await manager.client.json("PATCH", `${base}/${created.id}`, {
      start: iso(at(2, 8)),
      reason: "started early",
    });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.durationSeconds, 10 * 3600 - 45 * 60);
    assert.equal(moved.body.note, "stayed late");

    app.clock.advance(60);
    const del = await manager.client.request("DELETE", `${base}/${created.id}`, {
      reason: "duplicate of the kiosk entry",
    });
    assert.equal(del.status, 204);
    assertApiError(await manager.client.json("GET", `${base}/${created.id}`), 404, "not_found");
    assertApiError(
      await manager.client.json("PATCH", `${base}/${created.id}`, { note: "x", reason: "x" }),
      404,
      "not_found",
    );
    assertApiError(
      await manager.client.json("DELETE", `${base}/${created.id}`, { reason: "again" }),
      404,
      "not_found",
    );
    const list = await manager.client.json("GET", `${base}?userId=${alice.userId}`);
    assert.deepEqual(list.body.data, [], "gone from the list");

    const history = await manager.client.json("GET", `${base}/${created.id}/history`);
    assert.equal(history.status, 200, "history survives deletion");
    const recs = history.body.data;
    assert.deepEqual(
      recs.map((r: { action: string; actorId: string; reason: string }) => [
        r.action,
        r.actorId,
        r.reason,
      ]),
      [
        ["entry.create", manager.userId, "paper timesheet"],
        ["entry.update", admin.userId, "shift extended"],
        ["entry.update", manager.userId, "started early"],
        ["entry.delete", manager.userId, "duplicate of the kiosk entry"],
      ],
    );
    assert.deepEqual(recs[1].before, recs[0].after);
    assert.deepEqual(recs[1].after, patched.body);
    assert.deepEqual(recs[2].before, patched.body);
    assert.deepEqual(recs[2].after, moved.body);
    assert.deepEqual(recs[3].before, moved.body);
    assert.equal(recs[3].after, null);
    const own = await alice.client.json("GET", `${base}/${created.id}/history`);
    assert.equal(own.status, 200, "the employee may read the history of their own entry");
    assert.equal(own.body.data.length, 4);
  });
});

Deno.test("employees see only their own entries and cannot change any", async () => {
  await withApp(async (app) => {
    const { alice, bob, base, at, create } = await setup(app);
    const a1 = (await create(alice.userId, at(3, 9), at(3, 17))).body as EntryView;
    const a2 = (await create(alice.userId, at(2, 9), at(2, 17))).body as EntryView;
    const b1 = (await create(bob.userId, at(3, 9), at(3, 17))).body as EntryView;

    const own = await alice.client.json("GET", base);
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.data.map((e: EntryView) => e.id), [a1.id, a2.id], "forced to self");
    const explicit = await alice.client.json("GET", `${base}?userId=${alice.userId}`);
    assert.deepEqual(explicit.body.data.map((e: EntryView) => e.id), [a1.id, a2.id]);
    assertApiError(
      await alice.client.json("GET", `${base}?userId=${bob.userId}`),
      403,
      "forbidden",
    );

    assertApiError(await alice.client.json("GET", `${base}/${b1.id}`), 404, "not_found");
    assertApiError(await alice.client.json("GET", `${base}/${b1.id}/history`), 404, "not_found");
    assert.equal((await bob.client.json("GET", `${base}/${b1.id}`)).status, 200);

    const before = await snapshot(app.store);
    assertApiError(
      await create(alice.userId, at(1, 9), at(1, 17), {}, alice.client),
      403,
      "forbidden",
    );
    for (const id of [a1.id, b1.id]) {
      assertApiError(
        await alice.client.json("PATCH", `${base}/${id}`, { note: "x", reason: "x" }),
        403,
        "forbidden",
      );
      assertApiError(
        await alice.client.json("DELETE", `${base}/${id}`, { reason: "x" }),
        403,
        "forbidden",
      );
    }
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("overlapping entries of one member are refused with 409 entry_overlap", async () => {
  await withApp(async (app) => {
    const { alice, bob, base, manager, at, create } = await setup(app);
    const first = (await create(alice.userId, at(3, 9), at(3, 17))).body as EntryView;
    const before = await snapshot(app.store);
    for (const [s, e] of [[8, 10], [16, 18], [10, 11], [8, 18], [9, 17]]) {
      const res = await create(alice.userId, at(3, s), at(3, e));
      assertApiError(res, 409, "entry_overlap");
      assert.equal(res.body.error.details.entryId, first.id);
    }
    assertSameSnapshot(before, await snapshot(app.store));
    assert.equal((await create(alice.userId, at(3, 17), at(3, 19))).status, 201, "touching after");
    assert.equal((await create(alice.userId, at(3, 7), at(3, 9))).status, 201, "touching before");
    assert.equal((await create(bob.userId, at(3, 9), at(3, 17))).status, 201, "other member");

    const later = (await create(alice.userId, at(2, 9), at(2, 17))).body as EntryView;
    const clash = await manager.client.json("PATCH", `${base}/${later.id}`, {
      start: iso(at(3, 18)),
      reason: "moved",
    });
    assertApiError(clash, 409, "entry_overlap");
    const self = await manager.client.json("PATCH", `${base}/${later.id}`, {
      start: iso(at(2, 10)),
      reason: "an entry does not overlap itself",
    });
    assert.equal(self.status, 200);
  });
});

Deno.test("entries may not overlap the member's running entry", async () => {
  await withApp(async (app) => {
    const { alice, base, create, admin } = await setup(app);
    const clockIn = await alice.client.json("POST", `/api/v1/orgs/${admin.orgId}/clock/in`, {});
    assert.equal(clockIn.status, 201);
    const t = app.clock.ms;
    app.clock.advance(2 * 3600);
    const over = await create(alice.userId, t - HOUR, t + HOUR);
    assertApiError(over, 409, "entry_overlap");
    assert.equal(over.body.error.details.entryId, clockIn.body.id);
    assert.equal(over.body.error.details.end, null);
    assertApiError(await create(alice.userId, t + 30 * MINUTE, t + HOUR), 409, "entry_overlap");
    assert.equal((await create(alice.userId, t - 2 * HOUR, t)).status, 201, "ends as it starts");
    const list = await alice.client.json("GET", base);
    assert.equal(list.body.data.length, 2);
  });
});

Deno.test("times are validated: end before start, the future, 7 days, breaks outside", async () => {
  await withApp(async (app) => {
    const { alice, at, create } = await setup(app);
    const before = await snapshot(app.store);
    const now = app.clock.ms;
    const cases: [number, number, Record<string, unknown>][] = [
      [at(2, 17), at(2, 9), {}],
      [at(2, 9), at(2, 9), {}],
      [now - HOUR, now + HOUR, {}],
      [at(9, 9), at(1, 9), {}],
      [at(2, 9), at(2, 17), { breaks: [{ start: iso(at(2, 8)), end: iso(at(2, 10)) }] }],
      [at(2, 9), at(2, 17), { breaks: [{ start: iso(at(2, 16)), end: iso(at(2, 18)) }] }],
      [at(2, 9), at(2, 17), {
        breaks: [
          { start: iso(at(2, 12)), end: iso(at(2, 13)) },
          { start: iso(at(2, 12.5)), end: iso(at(2, 14)) },
        ],
      }],
      [at(2, 9), at(2, 17), { breaks: [{ start: iso(at(2, 12)), end: iso(at(2, 11)) }] }],
    ];
    for (const [s, e, extra] of cases) {
      assertApiError(await create(alice.userId, s, e, extra), 400, "invalid_interval");
    }
    assertSameSnapshot(before, await snapshot(app.store));
  });
});

Deno.test("from/to select entries starting in [from, to)", async () => {
  await withApp(async (app) => {
    const { alice, bob, manager, base, at, create } = await setup(app);
    const ids: Record<string, string> = {};
    for (const d of [5, 4, 3, 2, 1]) {
      ids[`a${d}`] = (await create(alice.userId, at(d, 9), at(d, 17))).body.id;
      ids[`b${d}`] = (await create(bob.userId, at(d, 10), at(d, 12))).body.id;
    }
    const get = (q: string) => manager.client.json("GET", `${base}${q}`);
    const idsOf = (r: JsonAnswer) => {
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.data.map((e: EntryView) => e.id);
    };

    const window = await get(`?from=${iso(at(4, 9))}&to=${iso(at(2, 9))}`);
    assert.deepEqual(
      idsOf(window),
      [ids.a4, ids.b4, ids.a3, ids.b3],
      "from inclusive, to exclusive",
    );
    const aliceOnly = await get(
      `?userId=${alice.userId}&from=${iso(at(4, 9))}&to=${iso(at(2, 9) + 1000)}`,
    );
    assert.deepEqual(idsOf(aliceOnly), [ids.a4, ids.a3, ids.a2]);
    const fromOnly = await get(
      `?userId=${bob.userId}&from=${encodeURIComponent("2001-01-01T00:00:00+02:00")}`,
    );
    assert.equal(idsOf(fromOnly).length, 5);
    const toOnly = await get(`?to=${iso(at(4, 10))}`);
    assert.deepEqual(idsOf(toOnly), [ids.a5, ids.b5, ids.a4]);
    const offset = await get(`?from=${encodeURIComponent(iso(at(1, 9)).replace("Z", "+00:00"))}`);
    assert.deepEqual(idsOf(offset), [ids.a1, ids.b1], "offsets other than Z are understood");
    const none = await get(`?from=${iso(at(30))}&to=${iso(at(20))}`);
    assert.deepEqual(none.body, { data: [], nextCursor: null });
    assertApiError(await get(`?from=${iso(at(2))}&to=${iso(at(3))}`), 400, "validation_failed");
  });
});

Deno.test("paging with limit and cursor covers every entry exactly once, in start order", async () => {
  await withApp(async (app) => {
    const { alice, bob, manager, base, at, create } = await setup(app);
    const created: EntryView[] = [];
    for (let d = 13; d >= 1; d--) {
      created.push((await create(alice.userId, at(d, 9), at(d, 17))).body);
      if (d % 2) created.push((await create(bob.userId, at(d, 8), at(d, 9))).body);
    }
    const byStart = [...created].sort((
      x,
      y,
    ) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
    const get = (q: string) => manager.client.json("GET", `${base}${q}`);
    for (const limit of [1, 2, 5, 7, 20, 500]) {
      const all = await listAll(get, "", limit);
      assert.deepEqual(all.map((e) => e.id), byStart.map((e) => e.id), `limit ${limit}`);
      const alices = await listAll(get, `&userId=${alice.userId}`, limit);
      assert.deepEqual(
        alices.map((e) => e.id),
        byStart.filter((e) => e.userId === alice.userId).map((e) => e.id),
      );
      const windowed = await listAll(get, `&from=${iso(at(10))}&to=${iso(at(3))}`, limit);
      assert.deepEqual(
        windowed.map((e) => e.id),
        byStart.filter((e) => e.start >= iso(at(10)) && e.start < iso(at(3))).map((e) => e.id),
      );
    }
    const alicePages = await listAll((q) => alice.client.json("GET", `${base}${q}`), "", 4);
    assert.equal(alicePages.length, 13, "employees page through their own entries");
  });
});

Deno.test("Idempotency-Key: a retry returns the first 201 and stores one entry", async () => {
  await withApp(async (app) => {
    const { alice, manager, base, at } = await setup(app);
    const body = {
      userId: alice.userId,
      start: iso(at(2, 9)),
      end: iso(at(2, 17)),
      reason: "import",
    };
    const key = { "idempotency-key": "import-2026-11-row-17" };
    const first = await manager.client.json("POST", base, body, key);
    assert.equal(first.status, 201);
    app.clock.advance(30);
    const retry = await manager.client.json("POST", base, body, key);
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get("idempotent-replayed"), "true");
    const list = await manager.client.json("GET", `${base}?userId=${alice.userId}`);
    assert.deepEqual(list.body.data.map((e: EntryView) => e.id), [first.body.id]);

    const before = await snapshot(app.store);
    const reused = await manager.client.json("POST", base, { ...body, note: "other" }, key);
    assertApiError(reused, 422, "idempotency_key_reused");
    assertSameSnapshot(before, await snapshot(app.store));

    const fresh = await manager.client.json(
      "POST",
      base,
      { ...body, start: iso(at(1, 9)), end: iso(at(1, 17)) },
      { "idempotency-key": "import-2026-11-row-18" },
    );
    assert.equal(fresh.status, 201, "another key is another request");
    assert.notEqual(fresh.body.id, first.body.id);
  });
});

Deno.test("Idempotency-Key: a refused request does not use up the key", async () => {
  await withApp(async (app) => {
    const { alice, manager, base, at } = await setup(app);
    const key = { "idempotency-key": "row-1" };
    const good = { userId: alice.userId, start: iso(at(2, 9)), end: iso(at(2, 17)), reason: "r" };
    const before = await snapshot(app.store);
    const bad = await manager.client.json("POST", base, { ...good, reason: undefined }, key);
    assertApiError(bad, 400, "validation_failed");
    assertSameSnapshot(before, await snapshot(app.store), "nothing is written on a 4xx");
    const fixed = await manager.client.json("POST", base, good, key);
    assert.equal(fixed.status, 201, JSON.stringify(fixed.body));
    const replay = await manager.client.json("POST", base, good, key);
    assert.deepEqual(replay.body, fixed.body);
  });
});

Deno.test("a manager closes a forgotten running entry by setting its end", async () => {
  await withApp(async (app) => {
    const { admin, alice, manager, base } = await setup(app);
    const clock = `/api/v1/orgs/${admin.orgId}/clock`;
    const t0 = app.clock.ms;
    const entry = (await alice.client.json("POST", `${clock}/in`, {})).body as EntryView;
    app.clock.advance(3600);
    await alice.client.json("POST", `${clock}/break/start`, {});
    app.clock.advance(20 * 3600);
    const closed = await manager.client.json("PATCH", `${base}/${entry.id}`, {
      end: iso(t0 + 8 * HOUR),
      reason: "forgot to clock out",
    });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.end, iso(t0 + 8 * HOUR));
    assert.deepEqual(closed.body.breaks, [{
      start: iso(t0 + HOUR),
      end: iso(t0 + 8 * HOUR),
      typeId: null,
    }]);
    assert.equal(closed.body.durationSeconds, 3600);
    const state = await alice.client.json("GET", clock);
    assert.deepEqual(state.body, { state: "out", entry: null });
    assert.equal((await alice.client.json("POST", `${clock}/in`, {})).status, 201);
  });
});

Deno.test("entries for people outside the organization are 404", async () => {
  await withApp(async (app) => {
    const { at, create } = await setup(app);
    const stranger = await signUpOrg(app);
    const before = await snapshot(app.store);
    assertApiError(await create(stranger.userId, at(2, 9), at(2, 17)), 404, "not_found");
    assertApiError(
      await create("01ARZ3NDEKTSV4RRFFQ69G5FAV", at(2, 9), at(2, 17)),
      404,
      "not_found",
    );
    assertSameSnapshot(before, await snapshot(app.store));
  });
});
