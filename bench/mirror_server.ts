/**
 * The "KV floor": a bare `Deno.serve` that makes, per request, the same sequence of KV calls as
 * the app's endpoint (same count, order, key counts and value sizes), without Hono, zod,
 * cookies or the domain code. Comparing it with the app tells how much of the app's cost is
 * the number of sequential KV calls and how much is everything else. It copies the app as of
 * November 26, 2026 (entries under `["entry", userId, start, id]`, settings read by clock-in and
 * by entry views); `--explain` also counts the app's calls live, so a drift shows.
 *
 * - `POST /clock/:member/in`: 5 `get`s (session, user, user→org link, membership, org
 *   profile), `getMany` of the org profile and settings (the clock-in rules), `getMany` of the
 *   member's revision and open-entry pointer, `list` of the member's
 *   entries started since the longest entry's duration ago (the overlap check), then the
 *   clock-in commit (3 checks, 7 sets).
 * - `POST /clock/:member/out`: the 5 `get`s, `getMany` (revision, open pointer), `get` of the
 *   open entry, the clock-out commit (3 checks, 4 sets, 1 delete), then `getMany` of the org
 *   profile and settings (the break rules of the entry view it answers).
 * - `GET /week/:member/:week`: the 5 `get`s, one `list` of the week's entries, `getMany` of the
 *   org profile and settings (the break rules of the entry views), answered as JSON.
 * - `POST /reset`: clock everybody out (between a warm-up and a measured run).
 *
 * With `fewer` or `fewest` as second argument it makes the calls suggested in
 * `bench/README.md` instead (see {@linkcode Plan}).
 *
 * ```sh
 * deno run -A bench/mirror_server.ts /tmp/mirror.sqlite3 [app|fewer|fewest]
 * ```
 *
 * @module
 */

import { auditLike, entryLike } from "./baseline_server.ts";
import { listenAndAnnounce } from "./serve.ts";

const AUTH_PARTS = ["session", "user", "user_org", "member", "profile"] as const;
const LONGEST_ENTRY_MS = 10.5 * 3600_000;

function authValue(part: (typeof AUTH_PARTS)[number], member: number): unknown {
  const userId = `01BENCHUSER${String(member).padStart(15, "0")}`;
  switch (part) {
    case "session":
      return { userId, createdAt: 0, expiresAt: 4e12 };
    case "user":
      return {
        id: userId,
        name: `Worker ${member}`,
        email: `worker${member}@bench.example.com`,
        passwordHash: `pbkdf2-sha256$1000$${"s".repeat(22)}$${"h".repeat(43)}`,
        createdAt: 0,
      };
    case "user_org":
      return 0;
    case "member":
      return { userId, role: "employee", active: true, createdAt: 0, updatedAt: 0 };
    case "profile":
      return {
        id: "01BENCHORG0000000000000000",
        slug: "bench-builders",
        name: "Bench Builders",
        timeZone: "America/Chicago",
        createdAt: 0,
      };
  }
}

/**
 * Write the mirror's data: the five auth records of each member, and for member `m`, week `w`,
 * `counts[m][w]` entries under `["week", m, w, i]`.
 */
export async function seedMirror(kv: Deno.Kv, counts: number[][]): Promise<void> {
  let op = kv.atomic();
  let pending = 0;
  const add = async (key: Deno.KvKey, value: unknown) => {
    op.set(key, value);
    if (++pending === 500) {
      await op.commit();
      op = kv.atomic();
      pending = 0;
    }
  };
  for (const [m, weeks] of counts.entries()) {
    for (const part of AUTH_PARTS) await add(["auth", m, part], authValue(part, m));
    for (const [w, n] of weeks.entries()) {
      for (let i = 0; i < n; i++) {
        const start = Date.UTC(2026, 0, 1) + (w * 7 + i) * 86400_000;
        await add(["week", m, w, i], entryLike(m, start, `${m}-${w}-${i}`));
      }
    }
  }
  await op.commit();
}

/**
 * Which calls to make:
 * - `app`: the app's calls today;
 * - `fewer`: the session, then one `getMany` of everything else the request needs (user, link,
 *   membership, profile, settings and, for the clock, revision and open pointer); no overlap
 *   scan on clock-in (the revision would keep the latest end instead);
 * - `fewest`: as `fewer`, but the session is in that one `getMany` too (the cookie would carry
 *   the user id beside the token).
 */
export type Plan = "app" | "fewer" | "fewest";

/** Every plan, in the order `--explain` runs them. */
export const PLANS: readonly Plan[] = ["app", "fewer", "fewest"];

const SETTINGS: Deno.KvKey = ["settings"];
type Open = { id: string; start: number };
type State = {
  memberStamp: string;
  rev: Deno.KvEntryMaybe<unknown>;
  open: Deno.KvEntryMaybe<Open>;
};

async function authOneByOne(kv: Deno.Kv, m: number): Promise<string> {
  let memberStamp = "";
  for (const part of AUTH_PARTS) {
    const e = await kv.get(["auth", m, part]);
    if (part === "member") memberStamp = e.versionstamp!;
  }
  return memberStamp;
}

/** `fewer`/`fewest`: everything in one `getMany` (after the session's `get` for `fewer`). */
async function readAtOnce(kv: Deno.Kv, m: number, plan: Plan, extra: Deno.KvKey[]) {
  const parts = plan === "fewest" ? AUTH_PARTS : AUTH_PARTS.slice(1);
  if (plan === "fewer") await kv.get(["auth", m, "session"]);
  const got = await kv.getMany<unknown[]>([
    ...parts.map((part) => ["auth", m, part]),
    SETTINGS,
    ...extra,
  ]);
  return { member: got[parts.indexOf("member")], rest: got.slice(parts.length + 1) };
}

async function readState(kv: Deno.Kv, m: number, plan: Plan, clockIn: boolean): Promise<State> {
  if (plan === "app") {
    const memberStamp = await authOneByOne(kv, m);
    if (clockIn) await kv.getMany([["auth", m, "profile"], SETTINGS]);
    const [rev, open] = await kv.getMany<[unknown, Open]>([["rev", m], ["open", m]]);
    return { memberStamp, rev, open };
  }
  const { member, rest } = await readAtOnce(kv, m, plan, [["rev", m], ["open", m]]);
  return {
    memberStamp: member.versionstamp!,
    rev: rest[0],
    open: rest[1] as Deno.KvEntryMaybe<Open>,
  };
}

let seq = 0;

async function clock(kv: Deno.Kv, m: number, out: boolean, plan: Plan): Promise<Response> {
  const { memberStamp, rev, open } = await readState(kv, m, plan, !out);
  const now = Date.now();
  const op = kv.atomic()
    .check({ key: ["rev", m], versionstamp: rev.versionstamp })
    .check({ key: ["auth", m, "member"], versionstamp: memberStamp })
    .set(["rev", m], { maxDurationMs: LONGEST_ENTRY_MS, maxEnd: now });
  let entry;
  if (out) {
    if (open.value === null) return new Response("not clocked in", { status: 409 });
    const key = ["entry", m, open.value.start, open.value.id];
    const current = await kv.get<ReturnType<typeof entryLike>>(key);
    entry = { ...current.value!, end: now };
    op.check({ key, versionstamp: current.versionstamp }).set(key, entry).delete(["open", m]);
  } else {
    if (open.value !== null) return new Response("already clocked in", { status: 409 });
    if (plan === "app") {
      const selector = {
        start: ["entry", m, now - LONGEST_ENTRY_MS],
        end: ["entry", m, Number.MAX_SAFE_INTEGER],
      };
      for await (const _ of kv.list(selector, { batchSize: 1000 })) { /* overlap check */ }
    }
    entry = entryLike(m, now, `${now}-${++seq}`);
    op.check({ key: ["open", m], versionstamp: null })
      .set(["entry", m, now, entry.id], entry)
      .set(["entry_ref", entry.id], { userId: m, start: now })
      .set(["entry_by_start", now, entry.id], { userId: m })
      .set(["open", m], { id: entry.id, start: now });
  }
  op.set(["audit", `${entry.id}-${now}`], auditLike(entry.id, entry))
    .set(["audit_by_entity", "entry", entry.id, now], entry.id);
  const res = await op.commit();
  if (!res.ok) return new Response("conflict", { status: 409 });
  if (out && plan === "app") await kv.getMany([["auth", m, "profile"], SETTINGS]);
  return Response.json(entry, { status: out ? 200 : 201 });
}

async function week(kv: Deno.Kv, m: number, w: number, plan: Plan): Promise<Response> {
  if (plan === "app") await authOneByOne(kv, m);
  else await readAtOnce(kv, m, plan, []);
  const data = [];
  for await (const e of kv.list({ prefix: ["week", m, w] }, { limit: 50 })) data.push(e.value);
  if (plan === "app") await kv.getMany([["auth", m, "profile"], SETTINGS]);
  return Response.json({ data, nextCursor: null });
}

/** The mirror's request handler over `kv` (same paths as the baseline). */
export function mirrorHandler(kv: Deno.Kv, plan: Plan): (req: Request) => Promise<Response> {
  return async (req) => {
    const parts = new URL(req.url).pathname.split("/");
    if (req.method === "POST" && parts[1] === "clock") {
      await req.body?.cancel();
      return await clock(kv, Number(parts[2]), parts[3] === "out", plan);
    }
    if (req.method === "POST" && parts[1] === "reset") {
      for await (const e of kv.list({ prefix: ["open"] })) await kv.delete(e.key);
      return new Response(null, { status: 204 });
    }
    if (req.method === "GET" && parts[1] === "week") {
      return await week(kv, Number(parts[2]), Number(parts[3]), plan);
    }
    return new Response("not found", { status: 404 });
  };
}

if (import.meta.main) {
  const kv = await Deno.openKv(Deno.args[0]);
  listenAndAnnounce(
    mirrorHandler(kv, PLANS.find((p) => p === Deno.args[1]) ?? "app"),
    () => kv.close(),
  );
}
