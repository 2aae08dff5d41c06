/**
 * The baseline: a bare `Deno.serve` on its own KV file, doing per request only the store work
 * the app's endpoint cannot avoid, with values of the same size:
 *
 * - `POST /clock/:member/in` — one atomic commit shaped like a clock-in: 3 checks + 7 sets
 *   (revision, entry, two index pointers, open-entry pointer, audit record and its index);
 * - `POST /clock/:member/out` — shaped like a clock-out: 3 checks + 4 sets + 1 delete;
 * - `GET /week/:member/:week` — one `list` of that member-week's entries, answered as JSON.
 *
 * No sessions, no routing library, no validation, no reads before the commit.
 *
 * ```sh
 * deno run -A bench/baseline_server.ts /tmp/baseline.sqlite3   # prints {"port": …}
 * ```
 *
 * @module
 */

import { listenAndAnnounce } from "./serve.ts";

/** A stand-in for a stored time entry, of the same size and shape. */
export function entryLike(member: number, start: number, id: string) {
  return {
    id,
    userId: `01BENCHUSER${String(member).padStart(15, "0")}`,
    start,
    end: start + 8.5 * 3600_000,
    breaks: [{ start: start + 4.5 * 3600_000, end: start + 5 * 3600_000 }],
    note: "Riverside clinic remodel",
    locationId: null,
    clockInGeo: null,
    clockOutGeo: null,
    source: "manual",
    createdAt: start,
    updatedAt: start,
  };
}

/** A stand-in for an audit record holding the entry's view after the change. */
export function auditLike(id: string, entry: ReturnType<typeof entryLike>) {
  const view = { ...entry, start: new Date(entry.start).toISOString(), durationSeconds: 28800 };
  return {
    id,
    at: new Date().toISOString(),
    actorId: entry.userId,
    action: "clock.in",
    entity: { kind: "entry", id: entry.id },
    reason: null,
    before: null,
    after: view,
  };
}

/**
 * Write the list fixture: for member `m` and week `w`, `counts[m][w]` entries under
 * `["e", m, w, i]`, mirroring how many entries the app's fixture has in that member-week.
 */
export async function seedBaseline(kv: Deno.Kv, counts: number[][]): Promise<void> {
  let op = kv.atomic();
  let pending = 0;
  for (const [m, weeks] of counts.entries()) {
    for (const [w, n] of weeks.entries()) {
      for (let i = 0; i < n; i++) {
        op.set(["e", m, w, i], entryLike(m, Date.UTC(2026, 0, 1) + (w * 7 + i) * 86400_000, "x"));
        if (++pending === 500) {
          await op.commit();
          op = kv.atomic();
          pending = 0;
        }
      }
    }
  }
  await op.commit();
}

let seq = 0;

/** One clock-like atomic commit for `member`; `out` mirrors a clock-out. */
async function clockCommit(kv: Deno.Kv, member: number, out: boolean): Promise<Response> {
  const now = Date.now();
  const id = `${now}-${++seq}`;
  const entry = entryLike(member, now, id);
  const op = kv.atomic()
    .check({ key: ["rev", member, "never"], versionstamp: null })
    .check({ key: ["member", member, "never"], versionstamp: null })
    .check({ key: ["open", member, "never"], versionstamp: null })
    .set(["rev", member], { maxDurationMs: 30_600_000 })
    .set(["entry", id], entry)
    .set(["audit", id], auditLike(id, entry))
    .set(["audit_by_entity", "entry", id, id], id);
  if (out) op.delete(["open", member]);
  else {op.set(["by_user", member, now, id], id).set(["by_start", now, id], id).set([
      "open",
      member,
    ], id);}
  const res = await op.commit();
  if (!res.ok) return new Response("conflict", { status: 409 });
  return Response.json(entry, { status: out ? 200 : 201 });
}

/** The baseline's request handler over `kv`. */
export function baselineHandler(kv: Deno.Kv): (req: Request) => Promise<Response> {
  return async (req) => {
    const parts = new URL(req.url).pathname.split("/");
    if (req.method === "POST" && parts[1] === "clock") {
      await req.body?.cancel();
      return await clockCommit(kv, Number(parts[2]), parts[3] === "out");
    }
    if (req.method === "GET" && parts[1] === "week") {
      const data = [];
      const iter = kv.list({ prefix: ["e", Number(parts[2]), Number(parts[3])] }, { limit: 50 });
      for await (const e of iter) data.push(e.value);
      return Response.json({ data, nextCursor: null });
    }
    return new Response("not found", { status: 404 });
  };
}

if (import.meta.main) {
  const kv = await Deno.openKv(Deno.args[0]);
  listenAndAnnounce(baselineHandler(kv), () => kv.close());
}
