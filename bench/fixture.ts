/**
 * The benchmark's data, written through the same `lib/` functions the app uses: one
 * organization with many employees, each with four full weeks of realistic shifts.
 *
 * Passwords are hashed once, at a low PBKDF2 cost, and shared by every bench account: hashing
 * is never part of a measured request, and signing in 500 people must stay fast.
 *
 * @module
 */

import { runMigrations, Store } from "../lib/kv/mod.ts";
import { MIGRATIONS } from "../lib/migrations.ts";
import { hashPassword } from "../lib/identity/password.ts";
import { signUp } from "../lib/orgs/orgs.ts";
import { addMember } from "../lib/members/members.ts";
import { createEntry } from "../lib/entries/manage.ts";
import { createApiKey } from "../lib/apikeys/keys.ts";
import { planShifts, seededRandom } from "../scripts/seed.ts";

/** The password of every bench account. */
export const BENCH_PASSWORD = "bench-password-123";
/** The time zone of the bench organization. */
export const BENCH_TIME_ZONE = "America/Chicago";

/** A week of one member's history: [from, to) in epoch ms and how many entries start in it. */
export interface Week {
  from: number;
  to: number;
  entries: number;
}

/** One bench member. */
export interface BenchMember {
  userId: string;
  email: string;
  weeks: Week[];
}

/** What {@linkcode seedApp} made. */
export interface AppFixture {
  orgId: string;
  /** The organization's admin (who creates the bench API key). */
  adminId: string;
  members: BenchMember[];
  entries: number;
}

/** The Mondays that start the `count` full weeks before the current one, oldest first. */
export function lastFullWeeks(timeZone: string, count: number, nowMs: number) {
  const today = Temporal.Instant.fromEpochMilliseconds(nowMs).toZonedDateTimeISO(timeZone)
    .toPlainDate();
  const thisMonday = today.subtract({ days: today.dayOfWeek - 1 });
  const midnight = (d: Temporal.PlainDate) =>
    d.toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from("00:00") })
      .epochMilliseconds;
  return Array.from({ length: count }, (_, i) => {
    const monday = thisMonday.subtract({ weeks: count - i });
    const days = Array.from({ length: 7 }, (_, d) => monday.add({ days: d }));
    return { days, from: midnight(monday), to: midnight(monday.add({ weeks: 1 })) };
  });
}

/** Run `task` over `items` with at most `limit` running at once. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Create the bench organization in the KV file at `path`: an admin and `members` employees with
 * four full weeks of shifts each (created with `createEntry`, as a manager would).
 */
export async function seedApp(path: string, members: number): Promise<AppFixture> {
  const now = Date.now();
  const store = await Store.open(path);
  try {
    await runMigrations(store, MIGRATIONS);
    const hash = await hashPassword(BENCH_PASSWORD, 1_000);
    const { org, user } = await signUp(store, {
      organization: { name: "Bench Builders", timeZone: BENCH_TIME_ZONE },
      user: { name: "Bench Admin", email: "admin@bench.example.com", passwordHash: hash },
    }, now);
    const scope = (await store.scopeForMember(user.id, org.id))!;
    const people: { userId: string; email: string }[] = [];
    for (let i = 0; i < members; i++) {
      const email = `worker${i}@bench.example.com`;
      const m = await addMember(scope, user.id, {
        name: `Worker ${i}`,
        email,
        passwordHash: hash,
        role: "employee",
      }, now);
      people.push({ userId: m.id, email });
    }
    const weeks = lastFullWeeks(BENCH_TIME_ZONE, 4, now);
    const days = weeks.flatMap((w) => w.days);
    let entries = 0;
    const out = await pool(people, 8, async (p, i) => {
      const shifts = planShifts(days, BENCH_TIME_ZONE, seededRandom(7_000 + i));
      for (const s of shifts) {
        await createEntry(scope, user.id, { userId: p.userId, ...s, reason: "bench" }, now);
      }
      entries += shifts.length;
      const counted = weeks.map(({ from, to }) => ({
        from,
        to,
        entries: shifts.filter((s) => s.start >= from && s.start < to).length,
      }));
      return { ...p, weeks: counted };
    });
    return { orgId: org.id, adminId: user.id, members: out, entries };
  } finally {
    store.close();
  }
}

/** The scopes of the bench's API key: punch for members, and read their clock state. */
export const BENCH_KEY_SCOPES = ["clock:write", "entries:read"] as const;

/**
 * Create an API key for the bench organization in the KV file at `path`, through `lib/` (as the
 * admin, never over HTTP), with {@linkcode BENCH_KEY_SCOPES}; returns the key's full text.
 */
export async function createBenchApiKey(path: string, fx: AppFixture): Promise<string> {
  const store = await Store.open(path);
  try {
    const scope = (await store.scopeForMember(fx.adminId, fx.orgId))!;
    const { key } = await createApiKey(scope, { type: "user", userId: fx.adminId }, {
      name: "bench",
      scopes: [...BENCH_KEY_SCOPES],
      expiresAt: null,
    }, Date.now());
    return key;
  } finally {
    store.close();
  }
}
