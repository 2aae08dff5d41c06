/**
 * The kiosk's tiny client of the device API (`/api/v1/kiosk/*`, see docs/kiosk.md): JSON in and
 * out, the device cookie sent by the browser, and the server's clock read from each answer's
 * `Date` header so punches carry the server's time even when the tablet's clock is off.
 *
 * @module
 */

/** What `POST /api/v1/kiosk/pair` and `GET /api/v1/kiosk/me` answer. */
export interface KioskMe {
  kiosk: { id: string; name: string; locationId: string | null };
  organization: { id: string; name: string; timeZone: string };
  branding: { accentColor: string | null; logoUrl: string | null };
}

/** A member's state. */
export type MemberState = "out" | "in" | "break";

/** What `POST /api/v1/kiosk/identify` answers. */
export interface Identified {
  userId: string;
  name: string;
  state: MemberState;
  since: string | null;
}

/** An answer: its status, parsed JSON body (null when none) and `Retry-After` in seconds. */
export interface Answer {
  status: number;
  body: unknown;
  retryAfter: number | null;
}

/** The error code of an answer (`{error: {code}}`), if any. */
export function errorCode(answer: Answer): string | null {
  const code = (answer.body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === "string" ? code : null;
}

/** The server's clock minus this device's, in ms (0 until an answer says otherwise). */
let offsetMs = 0;

/**
 * Learn the server's clock from a `Date` header. The header has whole seconds, so offsets under
 * five seconds are ignored (they are mostly its rounding).
 */
function learnClock(date: string | null): void {
  const server = date ? Date.parse(date) : NaN;
  if (!Number.isFinite(server)) return;
  const offset = server - Date.now();
  offsetMs = Math.abs(offset) < 5_000 ? 0 : offset;
}

/** Now on the server's clock (epoch ms), as far as this device knows. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/**
 * Call the device API. Resolves with the answer whatever its status; rejects (a `TypeError`)
 * only when no answer came (offline, connection refused).
 */
export async function call(method: "GET" | "POST", path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`/api/v1/kiosk/${path}`, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  learnClock(res.headers.get("date"));
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  const header = res.headers.get("retry-after");
  const retry = header === null ? NaN : Number(header);
  return { status: res.status, body: parsed, retryAfter: Number.isFinite(retry) ? retry : null };
}
