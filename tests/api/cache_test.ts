/**
 * The read cache through real HTTP (issue #8, section 4): hours reports and PTO balances are
 * served from the cache on a repeated read (counted: the second read computes nothing), and
 * every write to one of their inputs — an entry correction, a PTO approval, a settings change, a
 * member's rate or hire date, a new member, a running entry, a new day — is seen by the very next
 * read.
 */

import assert from "node:assert/strict";
import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "../helpers.ts";
import { HOUR, withApp } from "./support.ts";
import { cacheErrorMessage, LruCache, ReadThrough } from "../../lib/cache/mod.ts";
import { UpstashCache } from "../../lib/cache/upstash.ts";
import { startUpstash } from "../fakes/upstash_rest.ts";

const H = 3600;

/** The instant of local wall time `date`T`time` in `tz`, as ISO (UTC). */
function local(date: string, time: string, tz: string): string {
  return Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(tz).toInstant()
    .toString();
}

/** An app with its own counted cache. */
async function withCachedApp(fn: (app: TestApp, cache: ReadThrough) => Promise<void>) {
  const cache = new ReadThrough(new LruCache());
  await withApp((app) => fn(app, cache), { cache });
}

/** What `fn` cost the cache: hits and computations. */
async function costOf<T>(cache: ReadThrough, fn: () => Promise<T>) {
  const before = { ...cache.stats };
  const value = await fn();
  return {
    value,
    hits: cache.stats.hits - before.hits,
    computed: cache.stats.computed - before.computed,
  };
}

async function ok(client: Client, method: string, path: string, body?: unknown, status = 200) {
  const res = await client.json(method, path, body);
  assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
  return res.body;
}

interface Row {
  userId: string;
  workedSeconds: number;
  overtimeSeconds: number;
  ptoSeconds: number;
  grossPayCents: number;
}

Deno.test("cache: an hours report is served from the cache and never stale after a write", async () => {
  await withCachedApp(async (app, cache) => {
    const tz = "America/Los_Angeles";
    app.clock.ms = Date.UTC(2027, 0, 20, 20);
    const a = await signUpOrg(app, undefined, tz);
    const base = `/api/v1/orgs/${a.orgId}`;
    const admin = a.client;
    const worker = await addMemberWithLogin(app, admin, a.orgId, "employee");
    await ok(admin, "PATCH", `${base}/members/${worker.userId}`, {
      hourlyRateCents: 2000,
      hireDate: "2026-06-01",
    });
    await ok(admin, "PATCH", `${base}/settings`, {
      pto: {
        types: [{
          id: "holiday",
          name: "Holiday",
          paid: true,
          accrual: { method: "annual_grant", earnSeconds: 80 * H, grantOn: "01-01" },
          waitingPeriodDays: 0,
          maxBalanceSeconds: null,
          carryoverCapSeconds: null,
          hoursPerDaySeconds: 8 * H,
        }],
      },
    });
    const entry = await ok(admin, "POST", `${base}/time-entries`, {
      userId: worker.userId,
      start: local("2027-01-04", "09:00", tz),
      end: local("2027-01-04", "17:00", tz),
      reason: "paper timesheet",
    }, 201);
    const week = "from=2027-01-04&to=2027-01-10";
    const all = async () => (await ok(admin, "GET", `${base}/reports/hours?${week}`)).data as Row[];
    const one = async () =>
      (await ok(admin, "GET", `${base}/reports/hours?${week}&userId=${worker.userId}`))
        .data[0] as Row;
    const mine = (rows: Row[]) => rows.find((r) => r.userId === worker.userId)!;

    // A repeated read is a hit: nothing is computed the second time, and the answer is the same.
    const first = await costOf(cache, all);
    assert.equal(first.computed, 1);
    assert.equal(mine(first.value).workedSeconds, 8 * H);
    const second = await costOf(cache, all);
    assert.deepEqual(second, { value: first.value, hits: 1, computed: 0 });
    const filtered = await costOf(cache, one);
    assert.equal(filtered.computed, 1);
    assert.deepEqual(await costOf(cache, one), { value: filtered.value, hits: 1, computed: 0 });
    // The explained report (the page's) is cached under its own key.
    const page = async () => {
      const res = await admin.request("GET", `/o/${a.orgId}/reports/hours?${week}`);
      assert.equal(res.status, 200);
      return await res.text();
    };
    assert.equal((await costOf(cache, page)).computed, 1);
    assert.equal((await costOf(cache, page)).hits, 1);

    // Entry correction: 9 h at once, in both reports.
    await ok(admin, "PATCH", `${base}/time-entries/${entry.id}`, {
      end: local("2027-01-04", "18:00", tz),
      reason: "left late",
    });
    assert.equal(mine(await all()).workedSeconds, 9 * H);
    assert.equal((await one()).workedSeconds, 9 * H);

    // Settings: California counts the ninth hour of a day as overtime.
    assert.equal((await one()).overtimeSeconds, 0);
    await ok(admin, "PATCH", `${base}/settings`, { overtime: { preset: "california" } });
    assert.equal(mine(await all()).overtimeSeconds, 1 * H);
    assert.equal((await one()).overtimeSeconds, 1 * H);

    // The member's rate: 8 h × 30 + 1 h × 45.
    await ok(admin, "PATCH", `${base}/members/${worker.userId}`, { hourlyRateCents: 3000 });
    assert.equal((await one()).grossPayCents, 8 * 3000 + 4500);
    assert.equal(mine(await all()).grossPayCents, 8 * 3000 + 4500);

    // PTO: a request counts once approved.
    const pto = await ok(worker.client, "POST", `${base}/pto/requests`, {
      typeId: "holiday",
      startDate: "2027-01-05",
      endDate: "2027-01-05",
    }, 201);
    assert.equal((await one()).ptoSeconds, 0);
    await ok(admin, "POST", `${base}/pto/requests/${pto.id}/approve`, {});
    assert.equal((await one()).ptoSeconds, 8 * H);
    assert.equal(mine(await all()).ptoSeconds, 8 * H);

    // A new member is in the organization's report at once.
    const before = (await all()).length;
    await ok(admin, "POST", `${base}/members`, { name: "Newcomer" }, 201);
    assert.equal((await all()).length, before + 1);

    // A running entry makes the current week depend on the clock: never cached, always current.
    await ok(worker.client, "POST", `${base}/clock/in`, {}, 201);
    const now = "from=2027-01-18&to=2027-01-24";
    const current = async () =>
      (await ok(admin, "GET", `${base}/reports/hours?${now}&userId=${worker.userId}`))
        .data[0] as Row;
    const running = await costOf(cache, current);
    app.clock.ms += HOUR;
    const later = await costOf(cache, current);
    assert.equal(later.value.workedSeconds - running.value.workedSeconds, 1 * H);
    assert.deepEqual([running.hits, later.hits, later.computed], [0, 0, 1]);
    // …while the closed week before it is still served from the cache.
    await one();
    assert.equal((await costOf(cache, one)).hits, 1);
  });
});

Deno.test("cache: PTO balances are served from the cache and never stale after a write", async () => {
  await withCachedApp(async (app, cache) => {
    const tz = "America/New_York";
    app.clock.ms = Date.UTC(2027, 0, 20, 17);
    const a = await signUpOrg(app, undefined, tz);
    const base = `/api/v1/orgs/${a.orgId}`;
    const admin = a.client;
    const worker = await addMemberWithLogin(app, admin, a.orgId, "employee");
    const grant = (hours: number) => ({
      id: "sick",
      name: "Sick leave",
      paid: true,
      accrual: { method: "annual_grant", earnSeconds: hours * H, grantOn: "01-01" },
      waitingPeriodDays: 0,
      maxBalanceSeconds: null,
      carryoverCapSeconds: null,
      hoursPerDaySeconds: 8 * H,
    });
    const vacation = {
      id: "vacation",
      name: "Vacation",
      paid: true,
      accrual: { method: "per_hours_worked", earnSeconds: 1 * H, perWorkedSeconds: 10 * H },
      waitingPeriodDays: 0,
      maxBalanceSeconds: null,
      carryoverCapSeconds: null,
      hoursPerDaySeconds: 8 * H,
    };
    await ok(admin, "PATCH", `${base}/settings`, {
      pto: { types: [vacation, grant(40)] },
      payPeriod: { type: "biweekly", anchorDate: "2026-01-05" },
    });
    await ok(admin, "PATCH", `${base}/members/${worker.userId}`, { hireDate: "2025-12-01" });
    // 20 h in the pay period 2026-12-14 … 2026-12-27: 2 h of vacation at its end.
    const entry = await ok(admin, "POST", `${base}/time-entries`, {
      userId: worker.userId,
      start: local("2026-12-15", "08:00", tz),
      end: local("2026-12-15", "18:00", tz),
      reason: "imported",
    }, 201);
    await ok(admin, "POST", `${base}/time-entries`, {
      userId: worker.userId,
      start: local("2026-12-16", "08:00", tz),
      end: local("2026-12-16", "18:00", tz),
      reason: "imported",
    }, 201);
    type Balance = {
      typeId: string;
      balanceSeconds: number;
      scheduledSeconds: number;
      availableSeconds: number;
      pendingSeconds: number;
    };
    const read = async (client = worker.client, q = "") =>
      (await ok(client, "GET", `${base}/pto/balances${q}`)).data as Balance[];
    const of = (rows: Balance[], typeId: string) => rows.find((b) => b.typeId === typeId)!;
    const asManager = () => read(admin, `?userId=${worker.userId}`);

    const first = await costOf(cache, () => read());
    assert.equal(first.computed, 1);
    assert.equal(of(first.value, "vacation").balanceSeconds, 2 * H);
    assert.equal(of(first.value, "sick").balanceSeconds, 80 * H); // 2026 and 2027 grants
    assert.deepEqual(await costOf(cache, () => read()), {
      value: first.value,
      hits: 1,
      computed: 0,
    });
    // The manager's read of the same member is the same entry.
    assert.deepEqual(await costOf(cache, asManager), { value: first.value, hits: 1, computed: 0 });
    // The ledger of one type is cached on its own.
    const ledger = () => ok(worker.client, "GET", `${base}/pto/ledger?typeId=vacation`);
    assert.equal((await costOf(cache, ledger)).computed, 1);
    assert.equal((await costOf(cache, ledger)).hits, 1);

    // Entry correction: 30 h worked in the period → 3 h.
    await ok(admin, "PATCH", `${base}/time-entries/${entry.id}`, {
      start: local("2026-12-15", "03:00", tz),
      end: local("2026-12-15", "23:00", tz),
      reason: "double shift",
    });
    assert.equal(of(await read(), "vacation").balanceSeconds, 2 * H + 1 * H);

    // PTO: pending, then approved (a future date: scheduled, no longer available).
    const req = await ok(worker.client, "POST", `${base}/pto/requests`, {
      typeId: "sick",
      startDate: "2027-02-01",
      endDate: "2027-02-01",
    }, 201);
    assert.equal(of(await read(), "sick").pendingSeconds, 8 * H);
    await ok(admin, "POST", `${base}/pto/requests/${req.id}/approve`, {});
    const approved = of(await read(), "sick");
    assert.deepEqual(
      [approved.pendingSeconds, approved.scheduledSeconds, approved.availableSeconds],
      [0, 8 * H, 72 * H],
    );
    assert.equal(of(await asManager(), "sick").scheduledSeconds, 8 * H);

    // Settings: a larger grant.
    await ok(admin, "PATCH", `${base}/settings`, { pto: { types: [vacation, grant(48)] } });
    assert.equal(of(await read(), "sick").balanceSeconds, 96 * H);

    // Hire date: hired in June 2026, the 2026 grant never happened.
    await ok(admin, "PATCH", `${base}/members/${worker.userId}`, { hireDate: "2026-06-01" });
    assert.equal(of(await read(), "sick").balanceSeconds, 48 * H);
    assert.equal(of(await asManager(), "sick").balanceSeconds, 48 * H);

    // A running entry makes per-hours balances depend on the clock: computed on every read.
    await ok(worker.client, "POST", `${base}/clock/in`, {}, 201);
    const running = await costOf(cache, () => read());
    const again = await costOf(cache, () => read());
    assert.deepEqual([running.computed, again.computed, again.hits], [1, 1, 0]);
    await ok(worker.client, "POST", `${base}/clock/out`, {});
    const closed = await costOf(cache, () => read());
    assert.equal(closed.computed, 1);
    assert.equal((await costOf(cache, () => read())).hits, 1);

    // No write at all, but a new day: the pay period 2027-01-18 … 01-31 ends and its 10 h of
    // work accrue 1 h. Today's date is part of the key, so yesterday's answer is not served.
    await ok(admin, "POST", `${base}/time-entries`, {
      userId: worker.userId,
      start: local("2027-01-19", "08:00", tz),
      end: local("2027-01-19", "18:00", tz),
      reason: "imported",
    }, 201);
    assert.equal(of(await read(), "vacation").balanceSeconds, 3 * H);
    assert.equal((await costOf(cache, () => read())).hits, 1);
    app.clock.ms = Date.UTC(2027, 1, 1, 17);
    const nextDay = await costOf(cache, () => read());
    assert.equal(nextDay.computed, 1);
    assert.equal(of(nextDay.value, "vacation").balanceSeconds, 4 * H);
  });
});

Deno.test("cache: entries are per organization, never shared across tenants", async () => {
  await withCachedApp(async (app, cache) => {
    app.clock.ms = Date.UTC(2027, 0, 20, 17);
    const one = await signUpOrg(app);
    const two = await signUpOrg(app);
    const week = "from=2027-01-04&to=2027-01-10";
    const r1 = await costOf(
      cache,
      () => ok(one.client, "GET", `/api/v1/orgs/${one.orgId}/reports/hours?${week}`),
    );
    const r2 = await costOf(
      cache,
      () => ok(two.client, "GET", `/api/v1/orgs/${two.orgId}/reports/hours?${week}`),
    );
    assert.deepEqual([r1.computed, r2.computed, r2.hits], [1, 1, 0]);
    assert.deepEqual(r2.value.data.map((r: Row) => r.userId), [two.userId]);
  });
});

Deno.test("cache: with Upstash Redis (real redis-server) a report is a hit, then fresh after a write", async () => {
  const shim = await startUpstash();
  const logged: string[] = [];
  const cache = new ReadThrough(
    new UpstashCache({ url: shim.url, token: shim.token }),
    (op, e) => logged.push(`${op}: ${cacheErrorMessage(e)}`),
  );
  try {
    await withApp(async (app) => {
      const tz = "America/Chicago";
      app.clock.ms = Date.UTC(2027, 0, 20, 17);
      const a = await signUpOrg(app, undefined, tz);
      const base = `/api/v1/orgs/${a.orgId}`;
      const entry = await ok(a.client, "POST", `${base}/time-entries`, {
        userId: a.userId,
        start: local("2027-01-05", "09:00", tz),
        end: local("2027-01-05", "12:00", tz),
        reason: "paper timesheet",
      }, 201);
      const path = `${base}/reports/hours?from=2027-01-04&to=2027-01-10&userId=${a.userId}`;
      const worked = async () => ((await ok(a.client, "GET", path)).data[0] as Row).workedSeconds;
      assert.deepEqual(await costOf(cache, worked), { value: 3 * H, hits: 0, computed: 1 });
      assert.deepEqual(await costOf(cache, worked), { value: 3 * H, hits: 1, computed: 0 });
      const keys = await shim.redis("KEYS", "*") as string[];
      assert.ok(keys.length >= 1 && keys.every((k) => k.startsWith(`cf:cache:${a.orgId}:`)));
      await ok(a.client, "PATCH", `${base}/time-entries/${entry.id}`, {
        end: local("2027-01-05", "13:00", tz),
        reason: "stayed",
      });
      assert.deepEqual(await costOf(cache, worked), { value: 4 * H, hits: 0, computed: 1 });
      // Redis gone: the report is still answered (computed), never a 500.
      await shim.stopRedis();
      assert.deepEqual(await costOf(cache, worked), { value: 4 * H, hits: 0, computed: 1 });
      // The log line names the failure, never the cached value.
      assert.equal(logged.length, 2);
      assert.ok(
        logged.every((l) => l.includes("redis unreachable") && !l.includes("workedSeconds")),
      );
    }, { cache });
  } finally {
    await shim.stop();
  }
});
