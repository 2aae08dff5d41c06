/**
 * Operational hardening, one regression test per defect of issue 7: idempotency leases and
 * session replays (6), the Stripe webhook's body limit (9), caching, HSTS and the `__Host-`
 * cookie (10), any writable `KV_PATH` (11), the request log and request ids (12), and a damaged
 * KV file refused at start (13). The usage meter (8) is specified in `lib/billing/usage_test.ts`.
 */

import assert from "node:assert/strict";
import { Hono } from "hono";
import { loadConfig } from "../../config.ts";
import { createStripeGateway } from "../../lib/billing/stripe.ts";
import { globalKeys, Store, StoreIntegrityError } from "../../lib/kv/mod.ts";
import { idempotent, PENDING_LEASE_MS } from "../../routes/middleware/idempotency.ts";
import type { AppEnv } from "../../routes/context.ts";
import type { RequestLine } from "../../routes/middleware/request_log.ts";
import { Client, signUpOrg, type TestApp } from "../helpers.ts";
import { FakeStripe } from "../fakes/stripe.ts";
import { assertApiError, PASSWORD, uniqueEmail, withApp } from "./support.ts";

const ROOT = new URL("../../", import.meta.url);

function signupBody(email = uniqueEmail("idem")) {
  return {
    organization: { name: "Idem Co", timeZone: "America/New_York" },
    user: { name: "Ida", email, password: PASSWORD },
  };
}

// ---------------------------------------------------------------------------------------------
// Defect 6: idempotency claims are short leases; session-starting answers are not replayed.

Deno.test("idempotency: a request that died holding its key frees it after the lease (≤ 60 s), not 24 h", async () => {
  await withApp(async (app) => {
    // A handler that never finishes stands for a process that died mid-request.
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    let runs = 0;
    const api = new Hono<AppEnv>()
      .use("*", async (c, next) => {
        c.set("deps", app.deps);
        c.set("user", null);
        await next();
      })
      .post("/things", idempotent(), async (c) => {
        if (++runs === 1) await stuck;
        return c.json({ run: runs }, 201);
      });
    const send = () =>
      api.request("/things", {
        method: "POST",
        headers: { "idempotency-key": "k-1", "content-type": "application/json" },
        body: "{}",
      });
    const first = send();
    await new Promise((r) => setTimeout(r, 20));
    const during = await send();
    assert.equal(during.status, 409);
    assert.equal((await during.json()).error.code, "idempotency_in_progress");

    app.clock.advance(PENDING_LEASE_MS / 1000 - 1);
    assert.equal((await send()).status, 409, "still held inside the lease");

    app.clock.advance(2);
    const retry = await send();
    assert.equal(retry.status, 201, "an expired claim is taken over");
    assert.deepEqual(await retry.json(), { run: 2 });
    const replay = await send();
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(await replay.json(), { run: 2 });

    // The first request finishing late must not overwrite the answer of the one that took over.
    release();
    assert.equal((await first).status, 201);
    assert.deepEqual(await (await send()).json(), { run: 2 });
    assert.ok(PENDING_LEASE_MS <= 60_000);
  });
});

Deno.test("idempotency: a replayed sign-up is refused clearly instead of answering 201 without a session", async () => {
  await withApp(async (app) => {
    const body = signupBody();
    const headers = { "idempotency-key": "signup-1" };
    const first = new Client(app);
    const created = await first.json("POST", "/api/v1/signup", body, headers);
    assert.equal(created.status, 201);
    assert.equal((await first.json("GET", "/api/v1/me")).status, 200, "the first client is in");

    // The client lost the answer (and its cookie) and retries with the same key.
    const retry = new Client(app);
    const replay = await retry.json("POST", "/api/v1/signup", body, headers);
    assertApiError(replay, 409, "idempotency_replay_unavailable");
    assert.match(replay.body.error.message, /sign in/i);
    assert.equal(replay.headers.getSetCookie().length, 0);

    // Signing in works and leaves the retrying client signed in.
    const signin = await retry.json("POST", "/api/v1/session", {
      email: body.user.email,
      password: PASSWORD,
    }, headers);
    assert.equal(signin.status, 200);
    assert.equal((await retry.json("GET", "/api/v1/me")).status, 200);
  });
});

Deno.test("idempotency: a repeated sign-in with the same key signs the client in again", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    const headers = { "idempotency-key": "signin-1" };
    for (let i = 0; i < 2; i++) {
      const client = new Client(app);
      const res = await client.json("POST", "/api/v1/session", {
        email: a.email,
        password: PASSWORD,
      }, headers);
      assert.equal(res.status, 200);
      assert.equal((await client.json("GET", "/api/v1/me")).status, 200, `attempt ${i + 1}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Defect 9: the Stripe webhook takes signed events up to 1 MiB; everything else stays at 64 KiB.

Deno.test("webhook: a signed event over 64 KiB is accepted; over 1 MiB and elsewhere the limit holds", async () => {
  let app: TestApp | null = null;
  const fake = FakeStripe.start({ now: () => app!.clock.ms });
  try {
    const config = loadConfig({
      KV_PATH: ":memory:",
      STRIPE_SECRET_KEY: fake.secretKey,
      STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
      STRIPE_API_BASE: fake.url,
    });
    await withApp(async (a) => {
      app = a;
      const post = async (payload: string, signature: string) =>
        await a.fetch(
          new Request("http://localhost/api/stripe/webhook", {
            method: "POST",
            headers: { "content-type": "application/json", "stripe-signature": signature },
            body: payload,
          }),
        );
      const big = fake.buildEvent("customer.updated", {
        id: "cus_big",
        object: "customer",
        metadata: {},
        // An invoice-sized object: many lines, as Stripe sends them.
        lines: Array.from(
          { length: 900 },
          (_, i) => ({ id: `il_${i}`, description: "x".repeat(200) }),
        ),
      });
      const signed = await fake.sign(big);
      assert.ok(signed.payload.length > 64 * 1024 && signed.payload.length < 1024 * 1024);
      const ok = await post(signed.payload, signed.signature);
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.deepEqual(await ok.json(), {
        received: true,
        ignored: true,
        reason: "unhandled_type",
      });

      const huge = await fake.sign(
        fake.buildEvent("customer.updated", { id: "cus_huge", pad: "y".repeat(1024 * 1024) }),
      );
      const refused = await post(huge.payload, huge.signature);
      assert.equal(refused.status, 413);
      assert.equal((await refused.json()).error.code, "payload_too_large");

      const client = new Client(a);
      const elsewhere = await client.json("POST", "/api/v1/signup", {
        ...signupBody(),
        pad: "z".repeat(70 * 1024),
      });
      assertApiError(elsewhere, 413, "payload_too_large");
    }, { config, billing: createStripeGateway(config.stripe!, { maxNetworkRetries: 0 }) });
  } finally {
    await fake.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Defect 10: no-store on authenticated answers; HSTS and __Host- cookie under https.

Deno.test("authenticated answers carry Cache-Control: no-store", async () => {
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    for (const path of ["/api/v1/me", `/api/v1/orgs/${a.orgId}/members`]) {
      const res = await a.client.json("GET", path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store", path);
    }
    const refused = await a.client.json("GET", `/api/v1/orgs/${a.orgId}/nothing-here`);
    assert.equal(refused.headers.get("cache-control"), "no-store", "errors too");
    const anonymous = await new Client(app).json("GET", "/healthz");
    assert.equal(anonymous.headers.get("cache-control"), null);
  });
});

Deno.test("under an https PUBLIC_URL: HSTS, and the session cookie is __Host-cf_session (Secure, Path=/, no Domain)", async () => {
  const config = loadConfig({ KV_PATH: ":memory:", PUBLIC_URL: "https://clock.example.com" });
  await withApp(async (app) => {
    const client = new Client(app);
    const res = await client.json("POST", "/api/v1/signup", signupBody());
    assert.equal(res.status, 201);
    assert.equal(
      res.headers.get("strict-transport-security"),
      "max-age=31536000; includeSubDomains",
    );
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-cf_session="));
    assert.ok(cookie, res.headers.getSetCookie().join(" | "));
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; HttpOnly/);
    assert.doesNotMatch(cookie, /Domain=/i);
    assert.ok(!client.cookies.has("cf_session"));

    const me = await client.json("GET", "/api/v1/me");
    assert.equal(me.status, 200, "the __Host- cookie is read");
    assert.equal(
      me.headers.get("strict-transport-security"),
      "max-age=31536000; includeSubDomains",
    );

    const legacy = new Client(app);
    legacy.cookies.set("cf_session", client.cookies.get("__Host-cf_session")!);
    assertApiError(await legacy.json("GET", "/api/v1/me"), 401, "unauthenticated");

    const out = await client.request("DELETE", "/api/v1/session");
    assert.equal(out.status, 204);
    assert.ok(out.headers.getSetCookie().some((c) => /^__Host-cf_session=;.*Max-Age=0/.test(c)));
  }, { config });
});

Deno.test("over plain http there is no HSTS and the cookie keeps its plain name", async () => {
  await withApp(async (app) => {
    const client = new Client(app);
    const res = await client.json("POST", "/api/v1/signup", signupBody());
    assert.equal(res.headers.get("strict-transport-security"), null);
    assert.ok(res.headers.getSetCookie().some((c) => c.startsWith("cf_session=")));
  });
});

// ---------------------------------------------------------------------------------------------
// Defect 12: one JSON line per request, LOG_LEVEL honoured, X-Request-Id echoed.

Deno.test("request log: one JSON line per request with id, org, route, status and time, and no secrets", async () => {
  const lines: string[] = [];
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    lines.length = 0;
    const res = await a.client.json("GET", `/api/v1/orgs/${a.orgId}/members?limit=5`, undefined, {
      "x-request-id": "req-abc_123=",
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-request-id"), "req-abc_123=");
    assert.equal(lines.length, 1, lines.join("\n"));
    const line = JSON.parse(lines[0]) as RequestLine;
    assert.deepEqual(Object.keys(line).sort(), [
      "level",
      "method",
      "ms",
      "msg",
      "orgId",
      "requestId",
      "route",
      "status",
      "time",
    ]);
    assert.equal(line.level, "info");
    assert.equal(line.requestId, "req-abc_123=");
    assert.equal(line.orgId, a.orgId);
    assert.equal(line.route, "/api/v1/orgs/:orgId/members");
    assert.equal(line.method, "GET");
    assert.equal(line.status, 200);
    assert.ok(typeof line.ms === "number" && line.ms >= 0);
    assert.ok(!Number.isNaN(Date.parse(line.time)));

    lines.length = 0;
    await a.client.json("POST", "/api/v1/session", { email: a.email, password: PASSWORD });
    const token = a.client.cookies.get("cf_session")!;
    const signin = JSON.parse(lines[0]) as RequestLine;
    assert.equal(signin.orgId, null);
    for (const secret of [token, PASSWORD, a.email, "limit=5"]) {
      assert.ok(!lines.join("\n").includes(secret), `the log holds no ${secret}`);
    }
  }, {
    config: loadConfig({ KV_PATH: ":memory:", LOG_LEVEL: "info" }),
    log: (l) => lines.push(l),
  });
});

Deno.test("request ids: a missing, overlong or odd incoming id is replaced by a fresh one", async () => {
  await withApp(async (app) => {
    const ids = new Set<string>();
    for (const incoming of [undefined, "x".repeat(129), "has space", 'quote"d']) {
      const headers: Record<string, string> = incoming === undefined
        ? {}
        : { "x-request-id": incoming };
      const res = await new Client(app).request("GET", "/healthz", undefined, headers);
      const id = res.headers.get("x-request-id")!;
      assert.match(id, /^[0-9a-f-]{36}$/, `replaced: ${incoming}`);
      ids.add(id);
    }
    assert.equal(ids.size, 4, "fresh every time");
    const kept = await new Client(app).request("GET", "/healthz", undefined, {
      "x-request-id": "a".repeat(128),
    });
    assert.equal(kept.headers.get("x-request-id"), "a".repeat(128));
  });
});

Deno.test("request log: LOG_LEVEL warn or error suppresses request lines; 5xx are logged as errors", async () => {
  for (const level of ["warn", "error"]) {
    const lines: string[] = [];
    await withApp(async (app) => {
      await signUpOrg(app);
      await new Client(app).json("GET", "/api/v1/me");
      assert.deepEqual(lines, [], level);
    }, {
      config: loadConfig({ KV_PATH: ":memory:", LOG_LEVEL: level }),
      log: (l) => lines.push(l),
    });
  }
  const lines: string[] = [];
  await withApp(async (app) => {
    const a = await signUpOrg(app);
    // Every read now fails, as with a broken disk: an honest 500.
    const store = app.store as unknown as Record<string, unknown>;
    const broken = () => Promise.reject(new Error("disk I/O error"));
    store.get = store.getMany = broken;
    const error = console.error;
    console.error = () => {};
    try {
      const res = await a.client.json("GET", "/api/v1/me");
      assert.equal(res.status, 500);
    } finally {
      console.error = error;
      delete store.get;
      delete store.getMany;
    }
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]) as RequestLine;
    assert.equal(line.level, "error");
    assert.equal(line.status, 500);
  }, {
    config: loadConfig({ KV_PATH: ":memory:", LOG_LEVEL: "error" }),
    log: (l) => lines.push(l),
  });
});

// ---------------------------------------------------------------------------------------------
// Defects 11 and 13: starting the real server (`deno task start`'s permissions) on any KV_PATH,
// and refusing a damaged KV file with one clear message.

/** The `deno run` flags of the `start` task, read from deno.json. */
async function startFlags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const start = config.tasks.start;
  const command: string = typeof start === "string" ? start : start.command;
  const run = command.slice(command.lastIndexOf("deno run ") + "deno run ".length);
  const args = run.trim().split(/\s+/);
  assert.equal(args.at(-1), "main.ts");
  return args.slice(0, -1);
}

/** Run main.ts as `task start` does, with `env`; resolves when it listens or exits. */
async function startServer(env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(await startFlags()), "main.ts"],
    cwd: ROOT,
    env: { PORT: "0", HOSTNAME: "127.0.0.1", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let out = "";
  let err = "";
  const readOut = (async () => {
    for await (const chunk of child.stdout) out += decoder.decode(chunk);
  })();
  const readErr = (async () => {
    for await (const chunk of child.stderr) err += decoder.decode(chunk);
  })();
  const exited = child.status;
  const deadline = Date.now() + 60_000;
  let status: Deno.CommandStatus | null = null;
  while (!/listening on http:\/\/localhost:(\d+)/.test(out) && Date.now() < deadline) {
    const race = await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
    if (race && typeof race === "object" && "code" in race) {
      status = race as Deno.CommandStatus;
      break;
    }
  }
  const port = Number(/listening on http:\/\/localhost:(\d+)/.exec(out)?.[1] ?? 0);
  return {
    port,
    status,
    output: () => ({ out, err }),
    async stop() {
      if (!status) {
        child.kill("SIGTERM");
        status = await exited;
      }
      await readOut;
      await readErr;
      return { out, err, status };
    },
  };
}

Deno.test("start: a KV_PATH outside ./data, in a directory that does not exist yet, works", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clockflow-kv-" });
  const kvPath = `${dir}/nested/deeper/clockflow.sqlite3`;
  const server = await startServer({ KV_PATH: kvPath });
  try {
    assert.ok(server.port > 0, JSON.stringify(server.output()));
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    assert.deepEqual(await res.json(), { status: "ok" });
    assert.ok((await Deno.stat(kvPath)).isFile);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/** A KV file whose pages are damaged past its header (as a bad disk or a bad copy leaves it). */
async function damagedKvFile(dir: string): Promise<string> {
  const path = `${dir}/damaged.sqlite3`;
  const store = await Store.open(path);
  for (let i = 0; i < 20; i++) {
    await store.atomic().set(globalKeys.mail(`m${i}`), "x".repeat(30_000)).commit();
  }
  store.close();
  const bytes = await Deno.readFile(path);
  assert.ok(bytes.length > 64 * 1024, "the data reached the main file");
  for (let i = 8192; i < bytes.length; i += 3) bytes[i] = 0x55;
  await Deno.writeFile(path, bytes);
  for (const side of ["-wal", "-shm"]) await Deno.remove(path + side).catch(() => {});
  return path;
}

Deno.test("start: a damaged KV file stops the start with one clear message naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clockflow-bad-" });
  try {
    const garbage = `${dir}/garbage.sqlite3`;
    await Deno.writeFile(garbage, crypto.getRandomValues(new Uint8Array(20_000)));
    const damaged = await damagedKvFile(dir);
    for (const path of [garbage, damaged]) {
      const server = await startServer({ KV_PATH: path });
      const { out, err, status } = await server.stop();
      assert.equal(status?.code, 1, `${path}: ${out}\n${err}`);
      assert.equal(server.port, 0, "it never listened");
      assert.match(err, new RegExp(`The KV file ${path.replace(/[.]/g, "\\.")} is damaged`));
      assert.match(err, /Restore it from a backup, or move it aside/);
      assert.doesNotMatch(err, /^\s+at /m, "no stack trace");
      assert.doesNotMatch(err, /panicked/);
      assert.equal(err.trim().split("\n").length, 1, err);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Store.open refuses a file that is not a database before Deno KV touches it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clockflow-bad-" });
  try {
    const path = `${dir}/garbage.sqlite3`;
    await Deno.writeFile(path, new TextEncoder().encode("not sqlite at all ".repeat(500)));
    await assert.rejects(() => Store.open(path), (err: unknown) => {
      assert.ok(err instanceof StoreIntegrityError);
      assert.equal(err.path, path);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
