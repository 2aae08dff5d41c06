/**
 * Test support for the export sources: an organization with real data made through the API (a
 * manager records entries, the member submits, the manager approves), and the use-case context
 * a source runs with, read from the store as a request would read it.
 *
 * @module
 */

import { addMemberWithLogin, type Client, signUpOrg, type TestApp } from "./helpers.ts";
import type { RequestContext } from "../lib/context.ts";
import { getOrg } from "../lib/orgs/orgs.ts";
import { getSettings } from "../lib/settings/repository.ts";
import { entitlementsOf, getBillingRecord } from "../lib/billing/entitlements.ts";
import { getMembership, type Role } from "../lib/members/members.ts";
import { userPrincipal } from "../lib/principal.ts";

/** Seconds in an hour. */
export const H = 3600;
/** The organization's zone. */
export const TZ = "America/New_York";
/** The default biweekly schedule (from Monday 2026-01-05): this period is Oct 26 – Nov 8… */
export const P1 = { start: "2026-10-26", end: "2026-11-08" };
/** …and the next one, which holds "now" (Friday 2026-11-20). */
export const P2 = { start: "2026-11-09", end: "2026-11-22" };

/** The UTC ISO instant of a local wall time in {@linkcode TZ}. */
export function local(date: string, time: string): string {
  const ms = Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(TZ).epochMilliseconds;
  return new Date(ms).toISOString();
}

/** A part of the request context export sources never touch: any use fails the test loudly. */
function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      throw new Error(`export sources must not use ctx.${name}.${String(prop)}`);
    },
  });
}

/** The use-case context of `userId` acting in `orgId` (as `requireOrg` would build it). */
export async function contextOf(
  app: TestApp,
  orgId: string,
  userId: string,
): Promise<RequestContext> {
  const scope = await app.store.scopeForMember(userId, orgId);
  if (!scope) throw new Error("not a member");
  const [org, settings, billing, m] = await Promise.all([
    getOrg(scope),
    getSettings(scope),
    getBillingRecord(scope),
    getMembership(scope, userId),
  ]);
  const now = app.clock.now();
  const mode = {
    enabled: app.deps.config.stripe !== null,
    defaultPlan: app.deps.config.defaultPlan,
  };
  return {
    scope,
    org,
    principal: userPrincipal(userId),
    member: null,
    role: m!.value.role as Role,
    settings,
    billing,
    entitlements: entitlementsOf(
      billing.record,
      settings.settings.disabledFeatures,
      now,
      mode,
    ),
    now,
    jobs: unused("jobs"),
    events: unused("events"),
    services: unused("services"),
  };
}

/**
 * An organization (FLSA overtime, biweekly periods) on Friday 2026-11-20 with:
 * - Alice (employee), in P1: Mon–Fri Oct 26–30 08:00–17:30 with a 30-minute unpaid meal break
 *   (9 h worked a day: 45 h, so 5 h weekly overtime on Friday) plus a paid 15-minute rest break
 *   on Monday, and Mon Nov 2 09:00–16:30 (7 h 30 min); her P1 timesheet submitted and approved.
 *   In P2: Tue Nov 10 09:00–13:00 (4 h).
 * - Bob (employee): nothing. The admin and a manager: nothing.
 */
export async function payrollOrg(app: TestApp) {
  app.clock.ms = Date.parse(local("2026-11-20", "12:00"));
  const admin = await signUpOrg(app, "Acme Zoë Co", TZ);
  const manager = await addMemberWithLogin(app, admin.client, admin.orgId, "manager");
  const alice = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const bob = await addMemberWithLogin(app, admin.client, admin.orgId, "employee");
  const base = `/api/v1/orgs/${admin.orgId}`;
  const entry = async (
    userId: string,
    date: string,
    from: string,
    to: string,
    breaks: { start: string; end: string; typeId?: string }[] = [],
    client: Client = manager.client,
  ) => {
    const res = await client.json("POST", `${base}/time-entries`, {
      userId,
      start: local(date, from),
      end: local(date, to),
      breaks: breaks.map((b) => ({ ...b, start: local(date, b.start), end: local(date, b.end) })),
      reason: "paper timesheet",
    });
    if (res.status !== 201) throw new Error(`entry: ${JSON.stringify(res.body)}`);
  };
  for (const date of ["2026-10-26", "2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30"]) {
    const breaks = [{ start: "12:00", end: "12:30", typeId: "meal" }];
    if (date === "2026-10-26") breaks.push({ start: "15:00", end: "15:15", typeId: "rest" });
    await entry(alice.userId, date, "08:00", "17:30", breaks);
  }
  await entry(alice.userId, "2026-11-02", "09:00", "16:30");
  await entry(alice.userId, "2026-11-10", "09:00", "13:00");
  const sheet = `${base}/timesheets/${P1.start}.${alice.userId}`;
  for (const [client, action] of [[alice.client, "submit"], [manager.client, "approve"]] as const) {
    const res = await client.json("POST", `${sheet}/${action}`, {});
    if (res.status !== 200) throw new Error(`${action}: ${JSON.stringify(res.body)}`);
  }
  const names = new Map<string, string>();
  for (const p of [admin, manager, alice, bob]) {
    const res = await admin.client.json("GET", `${base}/members/${p.userId}`);
    names.set(p.userId, res.body.name);
  }
  return { admin, manager, alice, bob, base, names };
}

/** Every row of an async row stream. */
export async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

/** A writer's bytes as one string. */
export async function textOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let out = "";
  for await (const c of chunks) out += decoder.decode(c, { stream: true });
  return out + decoder.decode();
}
