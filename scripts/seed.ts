/**
 * Seed a demo organization, "Demo Builders" (America/Chicago): an admin, a manager and ten
 * employees, all able to sign in, with four weeks of realistic shifts ending yesterday and one
 * employee clocked in right now.
 *
 * Uses the same configuration as `main.ts` (`KV_PATH`, default `./data/clockflow.sqlite3`) and
 * only the domain functions of `lib/`, so the data is exactly what the app would have written.
 * Running it again changes nothing: when the demo admin's email already has an account it says
 * so and exits 0.
 *
 * ```sh
 * deno task seed
 * ```
 *
 * @module
 */

import { loadConfig } from "../config.ts";
import { runMigrations, Store } from "../lib/kv/mod.ts";
import { MIGRATIONS } from "../lib/migrations.ts";
import { DomainError } from "../lib/errors.ts";
import { DEFAULT_ITERATIONS, hashPassword } from "../lib/identity/password.ts";
import { findUserByEmail } from "../lib/identity/users.ts";
import { signUp } from "../lib/orgs/orgs.ts";
import { addMember, getMembership, type Role, updateMember } from "../lib/members/members.ts";
import { createEntry } from "../lib/entries/manage.ts";
import { clockIn } from "../lib/clock/clock.ts";

/** The demo organization's name. */
export const DEMO_ORG = "Demo Builders";
/** The demo organization's time zone. */
export const DEMO_TIME_ZONE = "America/Chicago";
/** The password of every demo account. */
export const DEMO_PASSWORD = "clockflow-demo-2026";
/** The reason recorded in the audit trail of every seeded entry. */
export const SEED_REASON = "Seeded demo data";

/** A demo person. */
export interface DemoPerson {
  name: string;
  email: string;
  role: Role;
}

/** The demo staff; the first is the admin who signs the organization up. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { name: "Dana Whitfield", email: "dana.whitfield@example.com", role: "admin" },
  { name: "Marcus Reyes", email: "marcus.reyes@example.com", role: "manager" },
  ...[
    "Aisha Thompson",
    "Bryan Kowalski",
    "Carmen Ortiz",
    "Derek Nguyen",
    "Emily Larsen",
    "Frank Okafor",
    "Grace Kim",
    "Hector Alvarez",
    "Isabel Moreau",
    "Jamal Carter",
  ].map((name): DemoPerson => ({
    name,
    email: `${name.toLowerCase().replace(" ", ".")}@example.com`,
    role: "employee",
  })),
];

/** One planned shift: instants in epoch ms. */
export interface Shift {
  start: number;
  end: number;
  breaks: { start: number; end: number }[];
  note: string | null;
}

/** A small deterministic random generator (mulberry32) so every seed looks alike. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SITES = ["Maple St. duplex", "Riverside clinic remodel", "Oak Park warehouse"];

/**
 * Plan one person's shifts on `days` (local dates in `timeZone`): weekdays about 7:00–15:30 with
 * a 30-minute lunch, a few minutes of variance, an occasional overtime day or day off, and some
 * short Saturday shifts. Deterministic for a given `random`.
 *
 * @example
 * ```ts
 * const days = [Temporal.PlainDate.from("2026-11-23")];
 * planShifts(days, "America/Chicago", seededRandom(1)); // [{ start, end, breaks: [lunch], … }]
 * ```
 */
export function planShifts(
  days: Temporal.PlainDate[],
  timeZone: string,
  random: () => number,
): Shift[] {
  const at = (day: Temporal.PlainDate, minutes: number) =>
    day.toZonedDateTime({ timeZone, plainTime: Temporal.PlainTime.from("00:00") })
      .add({ minutes: Math.round(minutes) }).epochMilliseconds;
  const jitter = (lo: number, hi: number) => lo + random() * (hi - lo);
  const site = SITES[Math.floor(random() * SITES.length)];
  const shifts: Shift[] = [];
  for (const day of days) {
    const weekday = day.dayOfWeek; // 1 = Monday … 7 = Sunday
    if (weekday === 7) continue;
    if (weekday === 6) {
      if (random() < 0.3) {
        const start = 7 * 60 + jitter(-5, 10);
        const end = 11 * 60 + jitter(15, 60);
        shifts.push({
          start: at(day, start),
          end: at(day, end),
          breaks: [],
          note: "Saturday crew",
        });
      }
      continue;
    }
    if (random() < 0.04) continue; // a sick day or a day off
    const start = 7 * 60 + (random() < 0.08 ? jitter(10, 25) : jitter(-8, 8));
    const lunch = 11 * 60 + 30 + jitter(0, 45);
    const overtime = random() < 0.06;
    const end = overtime ? 17 * 60 + jitter(0, 105) : 15 * 60 + 30 + jitter(-5, 15);
    shifts.push({
      start: at(day, start),
      end: at(day, end),
      breaks: [{ start: at(day, lunch), end: at(day, lunch + 30 + jitter(-2, 4)) }],
      note: overtime ? `${site}: overtime for the concrete pour` : site,
    });
  }
  return shifts;
}

/** The `count` local dates before today in `timeZone`, oldest first. */
export function pastDays(timeZone: string, count: number, nowMs: number): Temporal.PlainDate[] {
  const today = Temporal.Instant.fromEpochMilliseconds(nowMs).toZonedDateTimeISO(timeZone)
    .toPlainDate();
  return Array.from({ length: count }, (_, i) => today.subtract({ days: count - i }));
}

function printSignIn(baseUrl: string): void {
  console.log(`\nSign in at ${baseUrl}/signin (start the server first: deno task start)`);
  console.log(`Password for every demo account: ${DEMO_PASSWORD}`);
  for (const p of DEMO_PEOPLE) console.log(`  ${p.role.padEnd(9)} ${p.name.padEnd(16)} ${p.email}`);
}

/** Create the demo organization in `store`; returns what was made, or null if it exists. */
export async function seedDemo(
  store: Store,
  nowMs: number,
): Promise<{ entries: number; days: Temporal.PlainDate[]; clockedIn: string } | null> {
  const [admin, ...others] = DEMO_PEOPLE;
  if (await findUserByEmail(store, admin.email)) return null;
  const hashes = await Promise.all(
    DEMO_PEOPLE.map(() => hashPassword(DEMO_PASSWORD, DEFAULT_ITERATIONS)),
  );
  let created;
  try {
    created = await signUp(store, {
      organization: { name: DEMO_ORG, timeZone: DEMO_TIME_ZONE },
      user: { name: admin.name, email: admin.email, passwordHash: hashes[0] },
    }, nowMs);
  } catch (err) {
    if (err instanceof DomainError && err.code === "email_taken") return null;
    throw err;
  }
  const scope = (await store.scopeForMember(created.user.id, created.org.id))!;
  const ids: string[] = [];
  for (const [i, p] of others.entries()) {
    const m = await addMember(scope, created.user.id, {
      name: p.name,
      email: p.email,
      passwordHash: hashes[i + 1],
      role: p.role,
    }, nowMs);
    // A realistic pay rate (cents per hour) so reports show gross pay: $19.00 to $38.00.
    await updateMember(scope, created.user.id, m.id, { hourlyRateCents: 1900 + 95 * i * 2 }, nowMs);
    ids.push(m.id);
  }
  const [managerId, ...employeeIds] = ids;
  const employees = others.slice(1);
  const days = pastDays(DEMO_TIME_ZONE, 28, nowMs);
  const counts = await Promise.all(employeeIds.map(async (userId, i) => {
    const shifts = planShifts(days, DEMO_TIME_ZONE, seededRandom(1000 + i));
    for (const s of shifts) {
      await createEntry(scope, managerId, { userId, ...s, reason: SEED_REASON }, nowMs);
    }
    return shifts.length;
  }));
  const clockedIn = employeeIds[0];
  const sevenToday = Temporal.Instant.fromEpochMilliseconds(nowMs)
    .toZonedDateTimeISO(DEMO_TIME_ZONE).withPlainTime("06:57").epochMilliseconds;
  const membership = (await getMembership(scope, clockedIn))!;
  await clockIn(scope, { userId: clockedIn, membershipVersionstamp: membership.versionstamp }, {
    note: "Riverside clinic remodel",
  }, Math.min(nowMs, sevenToday));
  return { entries: counts.reduce((a, b) => a + b, 0), days, clockedIn: employees[0].name };
}

if (import.meta.main) {
  const started = performance.now();
  const config = loadConfig();
  const baseUrl = config.publicUrl?.replace(/\/+$/, "") ?? `http://localhost:${config.port}`;
  const store = await Store.open(config.kvPath);
  try {
    await runMigrations(store, MIGRATIONS);
    const result = await seedDemo(store, Date.now());
    if (!result) {
      console.log(
        `Demo data already present in ${config.kvPath}: ${
          DEMO_PEOPLE[0].email
        } has an account. Nothing changed.`,
      );
    } else {
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`Seeded "${DEMO_ORG}" (${DEMO_TIME_ZONE}) into ${config.kvPath} in ${secs} s:`);
      console.log(
        `  ${DEMO_PEOPLE.length} members, ${result.entries} time entries from ` +
          `${result.days[0]} to ${result.days.at(-1)}; ${result.clockedIn} is clocked in now.`,
      );
    }
    printSignIn(baseUrl);
  } finally {
    store.close();
  }
}
