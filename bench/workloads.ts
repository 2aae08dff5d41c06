/**
 * The request lists the load generator cycles through, for the app and for the baseline, and
 * the set-up calls made through the app's public API (sign-in, resetting clock states).
 *
 * @module
 */

import type { AppFixture, BenchMember } from "./fixture.ts";
import { BENCH_PASSWORD, pool } from "./fixture.ts";
import type { WrkRequest } from "./wrk.ts";

/** Sign every member in through `POST /api/v1/session`; returns their `Cookie` header values. */
export async function signInAll(baseUrl: string, fx: AppFixture): Promise<string[]> {
  return await pool(fx.members, 8, async (m) => {
    const res = await fetch(`${baseUrl}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: m.email, password: BENCH_PASSWORD }),
    });
    await res.body?.cancel();
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0])
      .find((c) => c.startsWith("cf_session="));
    if (res.status !== 200 || !cookie) throw new Error(`sign-in of ${m.email}: ${res.status}`);
    return cookie;
  });
}

/** Clock out every member who is clocked in (so a run starts with everybody out). */
export async function clockEveryoneOut(
  baseUrl: string,
  orgId: string,
  cookies: string[],
): Promise<number> {
  const clock = `${baseUrl}/api/v1/orgs/${orgId}/clock`;
  const outs = await pool(cookies, 8, async (cookie): Promise<number> => {
    const res = await fetch(clock, { headers: { cookie } });
    const { state } = await res.json();
    if (state === "out") return 0;
    const out = await fetch(`${clock}/out`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: baseUrl },
      body: "{}",
    });
    await out.body?.cancel();
    if (out.status !== 200) throw new Error(`clock-out failed: ${out.status}`);
    return 1;
  });
  return outs.reduce((a, b) => a + b, 0);
}

/**
 * Clock in every member in turn, then clock every member out, and so on: with N members and
 * C ≪ N connections, a member's next punch is sent only long after its previous one answered.
 */
export function appClockRequests(baseUrl: string, orgId: string, cookies: string[]): WrkRequest[] {
  return ["in", "out"].flatMap((op) =>
    cookies.map((cookie): WrkRequest => ({
      method: "POST",
      path: `/api/v1/orgs/${orgId}/clock/${op}`,
      headers: { Cookie: cookie, "Content-Type": "application/json", Origin: baseUrl },
      body: "{}",
    }))
  );
}

/** Clock requests for the baseline servers, members `first…first+count-1`, same order. */
export function bareClockRequests(first: number, count: number): WrkRequest[] {
  return ["in", "out"].flatMap((op) =>
    Array.from({ length: count }, (_, i): WrkRequest => ({
      method: "POST",
      path: `/clock/${first + i}/${op}`,
      headers: { "Content-Type": "application/json" },
      body: "{}",
    }))
  );
}

/** Each member lists each of their four weeks, members interleaved. */
export function appWeekRequests(
  orgId: string,
  members: BenchMember[],
  cookies: string[],
): WrkRequest[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  return members[0].weeks.flatMap((_, w) =>
    members.map((m, i): WrkRequest => ({
      method: "GET",
      path: `/api/v1/orgs/${orgId}/time-entries?userId=${m.userId}&from=${
        iso(m.weeks[w].from)
      }&to=${iso(m.weeks[w].to)}`,
      headers: { Cookie: cookies[i] },
    }))
  );
}

/** Week listings for the baseline servers, same order as {@linkcode appWeekRequests}. */
export function bareWeekRequests(first: number, members: BenchMember[]): WrkRequest[] {
  return members[0].weeks.flatMap((_, w) =>
    members.map((_, i): WrkRequest => ({ method: "GET", path: `/week/${first + i}/${w}` }))
  );
}

/** The headers of a request made with the API key `key`. */
function bearer(key: string): Record<string, string> {
  return { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
}

/**
 * {@linkcode appClockRequests} made with one API key (scope `clock:write`), each naming the
 * member it punches for (`{userId}`), members in the same order.
 */
export function apiKeyClockRequests(
  orgId: string,
  key: string,
  members: BenchMember[],
): WrkRequest[] {
  return ["in", "out"].flatMap((op) =>
    members.map((m): WrkRequest => ({
      method: "POST",
      path: `/api/v1/orgs/${orgId}/clock/${op}`,
      headers: bearer(key),
      body: JSON.stringify({ userId: m.userId }),
    }))
  );
}

/** {@linkcode clockEveryoneOut} with the API key `key` (scopes `entries:read`, `clock:write`). */
export async function clockEveryoneOutWithKey(
  baseUrl: string,
  orgId: string,
  key: string,
  members: BenchMember[],
): Promise<number> {
  const clock = `${baseUrl}/api/v1/orgs/${orgId}/clock`;
  const outs = await pool(members, 8, async (m): Promise<number> => {
    const res = await fetch(`${clock}?userId=${m.userId}`, { headers: bearer(key) });
    if (res.status !== 200) throw new Error(`clock status failed: ${res.status}`);
    const { state } = await res.json();
    if (state === "out") return 0;
    const out = await fetch(`${clock}/out`, {
      method: "POST",
      headers: bearer(key),
      body: JSON.stringify({ userId: m.userId }),
    });
    await out.body?.cancel();
    if (out.status !== 200) throw new Error(`clock-out failed: ${out.status}`);
    return 1;
  });
  return outs.reduce((a, b) => a + b, 0);
}
