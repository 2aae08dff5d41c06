/**
 * Test helpers: the real app on a `:memory:` store with an adjustable clock, and a tiny client
 * that keeps cookies like a browser.
 *
 * @module
 */

import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { Store } from "../lib/kv/mod.ts";
import type { AppDeps } from "../routes/context.ts";
import type { Job, JobTransport } from "../lib/jobs/jobs.ts";
import { DEFAULT_THROTTLE } from "../lib/identity/throttle.ts";
import { KvMailbox } from "../lib/mail/mail.ts";

/** A clock tests move by hand. */
export class TestClock {
  constructor(public ms: number = Date.UTC(2026, 10, 2, 8, 0, 0)) {}
  now = (): number => this.ms;
  /** Move forward by `seconds`. */
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** A running test app. */
export interface TestApp {
  store: Store;
  clock: TestClock;
  deps: AppDeps;
  fetch: (req: Request) => Promise<Response>;
  close(): void;
}

/** Build the app on a fresh in-memory store. */
export async function testApp(overrides: Partial<AppDeps> = {}): Promise<TestApp> {
  const store = await Store.open(":memory:");
  const clock = new TestClock();
  const deps: AppDeps = {
    store,
    config: loadConfig({ KV_PATH: ":memory:" }),
    now: clock.now,
    passwordIterations: 1_000,
    throttle: DEFAULT_THROTTLE,
    mailer: new KvMailbox(store, clock.now, () => {}),
    // Request log lines (LOG_LEVEL) stay out of test output; tests that read them inject `log`.
    log: () => {},
    ...overrides,
  };
  const app = createApp(deps);
  return {
    store,
    clock,
    deps,
    fetch: async (req) => await app.fetch(req, { remoteAddr: { hostname: "127.0.0.1" } }),
    close: () => store.close(),
  };
}

/** A client with its own cookie jar. */
export class Client {
  cookies = new Map<string, string>();
  constructor(readonly app: TestApp, readonly base = "http://localhost") {}

  /** Send a request; `body` objects are sent as JSON. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const h = new Headers(headers);
    if (body !== undefined && typeof body !== "string") h.set("content-type", "application/json");
    if (body !== undefined && typeof body === "string" && !h.has("content-type")) {
      h.set("content-type", "application/json");
    }
    if (this.cookies.size) {
      h.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const res = await this.app.fetch(
      new Request(this.base + path, {
        method,
        headers: h,
        body: body === undefined
          ? undefined
          : typeof body === "string"
          ? body
          : JSON.stringify(body),
        redirect: "manual",
      }),
    );
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(";");
      const [k, v] = pair.split("=");
      if (attrs.some((a) => /max-age=0/i.test(a)) || v === "") this.cookies.delete(k.trim());
      else this.cookies.set(k.trim(), v);
    }
    return res;
  }

  /** Send and parse JSON, returning status and body. */
  // deno-lint-ignore no-explicit-any
  async json<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const res = await this.request(method, path, body, headers);
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : null) as T,
      headers: res.headers,
    };
  }
}

let counter = 0;

/** Sign up a new organization; returns the admin's client and ids. */
export async function signUpOrg(
  app: TestApp,
  name = `Org ${++counter}`,
  timeZone = "America/New_York",
) {
  const client = new Client(app);
  const email = `admin${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const res = await client.json("POST", "/api/v1/signup", {
    organization: { name, timeZone },
    user: { name: "Ada Admin", email, password: "correct horse battery" },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${JSON.stringify(res.body)}`);
  return {
    client,
    orgId: res.body.organization.id as string,
    userId: res.body.user.id as string,
    email,
  };
}

/** Add a member with a login and return a signed-in client for them. */
export async function addMemberWithLogin(
  app: TestApp,
  admin: Client,
  orgId: string,
  role: "admin" | "manager" | "employee" = "employee",
) {
  const email = `m${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const res = await admin.json("POST", `/api/v1/orgs/${orgId}/members`, {
    name: `Member ${counter}`,
    email,
    password: "correct horse battery",
    role,
  });
  if (res.status !== 201) throw new Error(`add member failed: ${JSON.stringify(res.body)}`);
  const client = new Client(app);
  const s = await client.json("POST", "/api/v1/session", {
    email,
    password: "correct horse battery",
  });
  if (s.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(s.body)}`);
  return { client, userId: res.body.id as string, email };
}

/** A job transport that only records what it is handed (nothing runs); `take()` empties it. */
export class RecordingTransport implements JobTransport {
  readonly jobs: Job[] = [];
  enqueue(job: Job): Promise<void> {
    this.jobs.push(job);
    return Promise.resolve();
  }
  /** The jobs handed over since the last call. */
  take(): Job[] {
    return this.jobs.splice(0);
  }
}
