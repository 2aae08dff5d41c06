/**
 * The OpenAPI document (`GET /api/v1/openapi.json`): it covers every route the app registers
 * under `/api/v1` and nothing the app lacks (save the named PENDING routes), it is structurally
 * sound OpenAPI 3.1, its bodies are the handlers' own zod schemas, and the committed
 * `docs/openapi.json` (which CI lints with Redocly) is exactly the generated document.
 */

import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import { clockInBody } from "../../lib/clock/schemas.ts";
import { requestInput } from "../../lib/pto/schemas.ts";
import { SCOPES } from "../../lib/apikeys/scopes.ts";
import {
  API_PREFIX,
  inputSchema,
  type Json,
  openApiDocument,
} from "../../routes/openapi/document.ts";
import { PENDING_ROUTES, ROUTES } from "../../routes/openapi/registry.ts";
import { OPENAPI_FILE } from "../../scripts/openapi.ts";
import { openApiJson } from "../../routes/api/openapi.ts";
import { signUpOrg } from "../helpers.ts";
import { withApp } from "./support.ts";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** `method /path` of every operation in `doc`, paths relative to `/api/v1`. */
function documented(doc: Json): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of Object.keys(item)) {
      if (METHODS.includes(method)) out.add(`${method} ${path.slice(API_PREFIX.length)}`);
    }
  }
  return out;
}

/** `method /path` of every handler the app registers under `/api/v1` (`:p` → `{p}`). */
async function registered(): Promise<Set<string>> {
  return await withApp((app) => {
    const out = new Set<string>();
    for (const r of createApp(app.deps).routes) {
      if (r.method === "ALL" || !r.path.startsWith(`${API_PREFIX}/`)) continue;
      const path = r.path.slice(API_PREFIX.length).replace(/:(\w+)/g, "{$1}").replace(/\/$/, "");
      out.add(`${r.method.toLowerCase()} ${path}`);
    }
    return Promise.resolve(out);
  });
}

/** Resolve a local `$ref` (`#/a/b`) in `doc`, or undefined. */
function resolve(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let at: unknown = doc;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
    if (at === null || typeof at !== "object" || !(key in at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Every `$ref` string anywhere in `node`. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

/** Parameters of an operation, `$ref`s resolved. */
function parameters(doc: Json, op: Json): Json[] {
  return ((op.parameters ?? []) as Json[]).map((p) =>
    typeof p.$ref === "string" ? resolve(doc, p.$ref) as Json : p
  );
}

function operations(doc: Json): Array<[string, string, Json]> {
  const out: Array<[string, string, Json]> = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.includes(method)) out.push([method, path, op as Json]);
    }
  }
  return out;
}

Deno.test("every /api/v1 route the app registers is in the OpenAPI document, and no other", async () => {
  const app = await registered();
  const doc = documented(openApiDocument());
  assert.ok(app.size > 40, `the app lists its routes (${app.size})`);
  const missing = [...app].filter((r) => !doc.has(r));
  assert.deepEqual(
    missing,
    [],
    "routes the document lacks: add them to routes/openapi/registry.ts",
  );
  const extra = [...doc].filter((r) => !app.has(r) && !PENDING_ROUTES.includes(r));
  assert.deepEqual(extra, [], "documented routes the app does not register");
  const landed = PENDING_ROUTES.filter((r) => app.has(r));
  assert.deepEqual(
    landed,
    [],
    "these routes exist now: remove them from PENDING_ROUTES in routes/openapi/registry.ts",
  );
  for (const r of PENDING_ROUTES) assert.ok(doc.has(r), `pending route ${r} is documented`);
});

Deno.test("the coverage check notices a route the registry drops", async () => {
  const app = await registered();
  const fewer = documented(openApiDocument({ routes: ROUTES.filter((r) => r.path !== "/me") }));
  assert.deepEqual([...app].filter((r) => !fewer.has(r)), ["get /me"]);
});

Deno.test("the document is structurally sound OpenAPI 3.1", () => {
  const doc = openApiDocument();
  assert.equal(doc.openapi, "3.1.0");
  for (const ref of refs(doc)) assert.notEqual(resolve(doc, ref), undefined, `$ref ${ref}`);
  const schemes = Object.keys((doc.components as Json).securitySchemes as Json);
  const ids = new Set<string>();
  for (const [method, path, op] of operations(doc)) {
    const where = `${method} ${path}`;
    assert.ok(path.startsWith(`${API_PREFIX}/`), where);
    assert.ok(typeof op.operationId === "string" && !ids.has(op.operationId), `${where} id`);
    ids.add(op.operationId as string);
    assert.ok(typeof op.summary === "string" && op.summary, `${where} summary`);
    const params = parameters(doc, op);
    const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const declared = params.filter((p) => p.in === "path").map((p) => p.name as string).sort();
    assert.deepEqual(declared, inPath, `${where} path parameters`);
    for (const p of params.filter((p) => p.in === "path")) assert.equal(p.required, true, where);
    for (const req of op.security as Json[]) {
      for (const name of Object.keys(req)) assert.ok(schemes.includes(name), `${where} ${name}`);
    }
    const responses = op.responses as Record<string, Json>;
    assert.ok(Object.keys(responses).some((s) => /^2\d\d$/.test(s)), `${where} 2xx`);
    for (const [status, res] of Object.entries(responses)) {
      if (!status.startsWith("4")) continue;
      const r = (typeof res.$ref === "string" ? resolve(doc, res.$ref) : res) as Json;
      const schema = ((r.content as Json)["application/json"] as Json).schema as Json;
      assert.equal(schema.$ref, "#/components/schemas/Error", `${where} ${status} error shape`);
    }
  }
});

Deno.test("security: org routes take the cookie or a scoped key; identity routes the cookie; sign-in none", () => {
  const doc = openApiDocument();
  const schemes = (doc.components as Json).securitySchemes as Record<string, Json>;
  assert.deepEqual(schemes.sessionCookie.type, "apiKey");
  assert.equal(schemes.sessionCookie.in, "cookie");
  assert.equal(schemes.sessionCookie.name, "cf_session");
  assert.match(schemes.sessionCookie.description as string, /__Host-cf_session/);
  assert.deepEqual([schemes.bearerApiKey.type, schemes.bearerApiKey.scheme], ["http", "bearer"]);
  const op = (path: string, method: string) =>
    ((doc.paths as Record<string, Json>)[API_PREFIX + path] as Record<string, Json>)[method];
  assert.deepEqual(op("/orgs/{orgId}/clock/in", "post").security, [
    { sessionCookie: [] },
    { bearerApiKey: ["clock:write"] },
  ]);
  assert.deepEqual(op("/me", "get").security, [{ sessionCookie: [] }]);
  assert.deepEqual(op("/session", "post").security, []);
  // Billing and key management refuse API keys: the cookie only.
  assert.deepEqual(op("/orgs/{orgId}/api-keys", "post").security, [{ sessionCookie: [] }]);
  assert.deepEqual(op("/orgs/{orgId}/billing", "get").security, [{ sessionCookie: [] }]);
  for (const [method, path, o] of operations(doc)) {
    if (!path.startsWith(`${API_PREFIX}/orgs/{orgId}`)) continue;
    const names = (o.security as Json[]).map((s) => Object.keys(s)[0]);
    const keysRefused = /\/(billing|api-keys|notification-preferences|live\/me)(\/|$)/.test(path);
    assert.deepEqual(
      names,
      keysRefused ? ["sessionCookie"] : ["sessionCookie", "bearerApiKey"],
      `${method} ${path}`,
    );
    for (const s of ((o.security as Json[])[1]?.bearerApiKey ?? []) as string[]) {
      assert.ok((SCOPES as readonly string[]).includes(s), `${method} ${path} scope ${s}`);
    }
  }
});

Deno.test("bodies and queries are the handlers' zod schemas; paging, idempotency and the key body are described", () => {
  const doc = openApiDocument();
  const op = (path: string, method: string) =>
    ((doc.paths as Record<string, Json>)[API_PREFIX + path] as Record<string, Json>)[method];
  const body = (o: Json) =>
    (((o.requestBody as Json).content as Json)["application/json"] as Json).schema;
  assert.deepEqual(body(op("/orgs/{orgId}/clock/in", "post")), inputSchema(clockInBody));
  assert.deepEqual(body(op("/orgs/{orgId}/pto/requests", "post")), inputSchema(requestInput));
  // Paging: limit and cursor in, nextCursor out.
  const list = op("/orgs/{orgId}/time-entries", "get");
  const names = parameters(doc, list).map((p) => p.name);
  assert.ok(names.includes("limit") && names.includes("cursor"), names.join());
  const page = resolve(doc, "#/components/schemas/Page") as Json;
  assert.ok("nextCursor" in (page.properties as Json));
  // Idempotency-Key on creating POSTs that use idempotent(), not on the others.
  const idem = (o: Json) => parameters(doc, o).some((p) => p.name === "Idempotency-Key");
  assert.ok(idem(op("/orgs/{orgId}/clock/in", "post")));
  assert.ok(idem(op("/orgs/{orgId}/time-entries", "post")));
  assert.ok(!idem(op("/orgs/{orgId}/clock/out", "post")));
  // API keys: scopes are the scope enum.
  const keyBody = body(op("/orgs/{orgId}/api-keys", "post")) as Json;
  const scopes = (keyBody.properties as Record<string, Json>).scopes.items as Json;
  assert.deepEqual(scopes.enum, [...SCOPES]);
  assert.deepEqual(keyBody.required, ["name", "scopes"]);
});

Deno.test("Idempotency-Key is documented on exactly the POST routes that honour it", async () => {
  await withApp(async (app) => {
    const { client, orgId } = await signUpOrg(app);
    const registeredNow = await registered();
    const wrong: string[] = [];
    for (const r of ROUTES) {
      const id = `${r.method} ${r.path}`;
      if (r.method !== "post" || !registeredNow.has(id)) continue;
      const path = API_PREFIX + r.path.replace("{orgId}", orgId).replace(/\{\w+\}/g, "x");
      // An invalid key is refused by the idempotency middleware before anything else runs.
      const res = await client.json("POST", path, {}, { "idempotency-key": "not valid" });
      const honours = res.status === 400 && res.body?.error?.code === "invalid_idempotency_key";
      if (honours !== !!r.idempotent) wrong.push(`${id}: documented ${!!r.idempotent}`);
    }
    assert.deepEqual(wrong, []);
  });
});

Deno.test("GET /api/v1/openapi.json serves the document; servers follow PUBLIC_URL", async () => {
  await withApp(async (app) => {
    const res = await app.fetch(new Request("http://localhost/api/v1/openapi.json"));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const doc = await res.json() as { servers: Json[] };
    assert.deepEqual(doc as Json, openApiDocument());
    assert.deepEqual(doc.servers.map((s) => s.url), ["/"]);
  });
  await withApp(async (app) => {
    const res = await app.fetch(new Request("http://localhost/api/v1/openapi.json"));
    const doc = await res.json() as { servers: Json[] };
    assert.deepEqual(doc.servers.map((s) => s.url), ["https://clock.example.test"]);
  }, { config: loadConfig({ KV_PATH: ":memory:", PUBLIC_URL: "https://clock.example.test/" }) });
});

Deno.test("docs/openapi.json is the generated document (run `deno task openapi` after changing routes)", async () => {
  assert.equal(await Deno.readTextFile(OPENAPI_FILE), openApiJson(null));
});
