/**
 * Shared helpers of the API tests: a test app that is always closed, whole-store snapshots for
 * "nothing changed" assertions, and assertions on the error shape of the API.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { AppDeps } from "../../routes/context.ts";
import type { Store } from "../../lib/kv/mod.ts";
import { type Client, type TestApp, testApp } from "../helpers.ts";

/** The password every test account uses. */
export const PASSWORD = "correct horse battery";

/** Run `fn` on a fresh test app and close its store afterwards, whatever happens. */
export async function withApp<T>(
  fn: (app: TestApp) => Promise<T>,
  overrides: Partial<AppDeps> = {},
): Promise<T> {
  const app = await testApp(overrides);
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}

/** ISO 8601 (UTC) of epoch milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Seconds → milliseconds, to write offsets readably (`HOUR`, `4 * HOUR`). */
export const SECOND = 1000;
/** One minute in ms. */
export const MINUTE = 60 * SECOND;
/** One hour in ms. */
export const HOUR = 60 * MINUTE;
/** One day in ms. */
export const DAY = 24 * HOUR;

function partText(part: unknown): string {
  if (typeof part === "bigint") return `${part}n`;
  if (part instanceof Uint8Array) return `bytes:${Array.from(part).join(",")}`;
  return JSON.stringify(part);
}

function valueText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Deno.KvU64) return `u64:${v.value}`;
    if (v instanceof Uint8Array) return `bytes:${Array.from(v).join(",")}`;
    return v;
  });
}

/** Every entry of the store, keyed by its key, with versionstamp and value. */
export type Snapshot = Map<string, { versionstamp: string; value: string }>;

/**
 * True for usage metering keys (`["org", orgId, "usage", …]`, `lib/billing/usage.ts`) and rate
 * limiter state (`["ratelimit", …]`, `lib/ratelimit/kv.ts`): counting an API request is not a
 * change of the organization's data, so snapshots leave them out (every request that reached an
 * organization is counted, refused or not).
 */
export function isUsageKey(key: Deno.KvKey): boolean {
  return (key[0] === "org" && key[2] === "usage") || key[0] === "ratelimit";
}

/** Read every KV entry (global and per tenant), except usage metering keys. */
export async function snapshot(store: Store): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for await (const e of store.listAll()) {
    if (isUsageKey(e.key)) continue;
    out.set(`[${e.key.map(partText).join(",")}]`, {
      versionstamp: e.versionstamp,
      value: valueText(e.value),
    });
  }
  return out;
}

/** The keys of a snapshot that start with `["org", orgId`. */
export function tenantPart(snap: Snapshot, orgId: string): Snapshot {
  const prefix = `["org",${JSON.stringify(orgId)},`;
  return new Map([...snap].filter(([k]) => k.startsWith(prefix)));
}

/** Assert two snapshots are identical, naming the keys that differ. */
export function assertSameSnapshot(before: Snapshot, after: Snapshot, label = ""): void {
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...before.keys()].filter((k) =>
    after.has(k) && after.get(k)!.versionstamp !== before.get(k)!.versionstamp
  );
  assert.deepEqual(
    { added, removed, changed },
    { added: [], removed: [], changed: [] },
    `the store changed${label ? ` (${label})` : ""}`,
  );
}

/** The parsed answer of {@linkcode Client.json}. */
// deno-lint-ignore no-explicit-any
export type JsonAnswer = { status: number; body: any; headers: Headers };

/** The body of `res` after asserting its status (default 200), naming the body when it differs. */
// deno-lint-ignore no-explicit-any
export async function bodyOf(res: Promise<JsonAnswer>, status = 200): Promise<any> {
  const r = await res;
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

/**
 * Assert `res` is the API's error shape `{error:{code,message,details?}}` with `status` and
 * `code` (when given), answered as JSON.
 */
export function assertApiError(res: JsonAnswer, status: number, code?: string): void {
  const context = `${status}${code ? ` ${code}` : ""} expected, got ${res.status} ${
    JSON.stringify(res.body)
  }`;
  assert.equal(res.status, status, context);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/, context);
  assert.equal(typeof res.body?.error?.code, "string", context);
  assert.equal(typeof res.body.error.message, "string", context);
  assert.ok(res.body.error.message.length > 0, context);
  assert.deepEqual(
    Object.keys(res.body).sort(),
    ["error"],
    `only "error" at the top level: ${context}`,
  );
  for (const k of Object.keys(res.body.error)) {
    assert.ok(["code", "message", "details"].includes(k), `unexpected error field ${k}`);
  }
  if (code !== undefined) assert.equal(res.body.error.code, code, context);
}

/** Assert `res` is a 4xx in the API's error shape (any status between 400 and 499). */
export function assertClientError(res: JsonAnswer, code?: string): void {
  assert.ok(
    res.status >= 400 && res.status < 500,
    `4xx expected, got ${res.status} ${JSON.stringify(res.body)}`,
  );
  assertApiError(res, res.status, code);
}

/**
 * The value of the session cookie in `client`'s jar (fails when there is none). The cookie is
 * `cf_session`, or `__Host-cf_session` under an https `PUBLIC_URL`.
 */
export function sessionToken(client: Client): string {
  const token = client.cookies.get("cf_session") ?? client.cookies.get("__Host-cf_session");
  assert.ok(token, "the client holds a session cookie");
  return token;
}

/** The `Set-Cookie` header that sets the session cookie (either name). */
export function sessionSetCookie(headers: Headers): string {
  const found = headers.getSetCookie().find((c) => /^(__Host-)?cf_session=/.test(c));
  assert.ok(found, `a cf_session cookie is set: ${headers.getSetCookie().join(" | ")}`);
  return found;
}

/** Add a member through the API as `admin`; returns the member view. */
export async function addMember(
  admin: Client,
  orgId: string,
  body: Record<string, unknown>,
): Promise<{ id: string; name: string; email: string | null; role: string; active: boolean }> {
  const res = await admin.json("POST", `/api/v1/orgs/${orgId}/members`, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

let emails = 0;

/** A fresh, unique email address. */
export function uniqueEmail(tag = "p"): string {
  return `${tag}${++emails}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

/**
 * The body of `res` as text; for an event stream (`GET …/live`, which never ends by itself) only
 * its first chunk, after which the stream is cancelled (the client disconnects). Sweeps that
 * call every route read answers with this, so an open stream does not hang them.
 */
export async function answerText(res: Response): Promise<string> {
  if (!/^text\/event-stream/.test(res.headers.get("content-type") ?? "")) return await res.text();
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}
