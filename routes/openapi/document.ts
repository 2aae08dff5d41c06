/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the route registry
 * (`routes/openapi/registry.ts`) and the zod schemas the handlers validate with
 * (`z.toJSONSchema(schema, {io: "input"})`: what a client may send).
 *
 * @module
 */

import { z } from "zod";
import {
  HOST_KIOSK_COOKIE,
  HOST_SESSION_COOKIE,
  KIOSK_COOKIE,
  SESSION_COOKIE,
} from "../middleware/auth.ts";
import { type RouteDoc, ROUTES } from "./registry.ts";

/** A JSON object (the document and its parts). */
export type Json = Record<string, unknown>;

/** Where the API lives below the server URL. */
export const API_PREFIX = "/api/v1";

const ERROR_REF = { $ref: "#/components/schemas/Error" };

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of what `schema` accepts. */
export function inputSchema(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  delete json.$schema;
  return json;
}

const errorResponses: Record<string, Json> = {
  "400": { $ref: "#/components/responses/BadRequest" },
  "401": { $ref: "#/components/responses/Unauthorized" },
  "403": { $ref: "#/components/responses/Forbidden" },
  "404": { $ref: "#/components/responses/NotFound" },
  "409": { $ref: "#/components/responses/Conflict" },
  "422": { $ref: "#/components/responses/Unprocessable" },
  "429": { $ref: "#/components/responses/RateLimited" },
};

function operationId(r: RouteDoc): string {
  const words = `${r.method} ${r.path}`
    .replace(/\{(\w+)\}/g, "by $1")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1)).join(
    "",
  );
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
}

function queryParameters(schema: z.ZodType): Json[] {
  const json = inputSchema(schema);
  const props = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: "query",
      required: required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function security(r: RouteDoc): Json[] {
  switch (r.auth) {
    case "public":
      return [];
    case "session":
      return [{ sessionCookie: [] }];
    case "kiosk":
      return [{ kioskCookie: [] }];
    case "org":
      return r.keys === "refused"
        ? [{ sessionCookie: [] }]
        : [{ sessionCookie: [] }, { bearerApiKey: r.scope ? [r.scope] : [] }];
  }
}

function description(r: RouteDoc): string {
  const lines: string[] = [];
  if (r.auth === "org") {
    lines.push(
      r.scope
        ? `API keys need the \`${r.scope}\` scope.`
        : r.keys === "refused"
        ? "Signed-in members only: API keys are refused (403 `forbidden`)."
        : "Any API key of the organization, or a signed-in member.",
    );
  }
  if (r.auth === "session") lines.push("Session cookie only (a signed-in person).");
  if (r.auth === "public") lines.push("No credentials needed.");
  if (r.auth === "kiosk") {
    lines.push("A paired kiosk device's cookie only; plan feature `kiosk` (403 otherwise).");
  }
  return lines.join("\n\n");
}

function successResponse(r: RouteDoc): Json {
  if (r.status === 204) return { description: r.response };
  const schema = r.paged
    ? { $ref: "#/components/schemas/Page" }
    : { type: "object", additionalProperties: true };
  return { description: r.response, content: { "application/json": { schema } } };
}

function operation(r: RouteDoc): Json {
  const parameters = [
    ...pathParameters(r.path),
    ...(r.query ? queryParameters(r.query) : []),
    ...(r.idempotent ? [{ $ref: "#/components/parameters/IdempotencyKey" }] : []),
  ];
  const responses: Json = { [String(r.status)]: successResponse(r) };
  for (const [status, ref] of Object.entries(errorResponses)) {
    if (r.auth === "public" && (status === "401" || status === "403")) continue;
    responses[status] = ref;
  }
  return {
    operationId: operationId(r),
    summary: r.summary,
    description: description(r),
    tags: [r.tag],
    security: security(r),
    ...(parameters.length ? { parameters } : {}),
    ...(r.body
      ? {
        requestBody: {
          required: true,
          content: { "application/json": { schema: inputSchema(r.body) } },
        },
      }
      : {}),
    ...(r.rawBody
      ? {
        requestBody: {
          required: true,
          content: Object.fromEntries(
            r.rawBody.map((type) => [type, { schema: { type: "string", format: "binary" } }]),
          ),
        },
      }
      : {}),
    responses,
  };
}

function errorResponse(description: string): Json {
  return {
    description,
    content: { "application/json": { schema: ERROR_REF } },
  };
}

/** Options for {@linkcode openApiDocument}. */
export interface DocumentOptions {
  /** `PUBLIC_URL`, when set: the server's address; otherwise the document's own origin (`/`). */
  publicUrl?: string | null;
  /** The routes to describe (default: every registered one). */
  routes?: ReadonlyArray<RouteDoc>;
}

/** The OpenAPI 3.1 document of `/api/v1`. */
export function openApiDocument(options: DocumentOptions = {}): Json {
  const routes = options.routes ?? ROUTES;
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = `${API_PREFIX}${r.path}`;
    (paths[path] ??= {})[r.method] = operation(r);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({
    name,
    description: `${name} routes.`,
  }));
  return {
    openapi: "3.1.0",
    info: {
      title: "ClockFlow API",
      version: "1",
      summary: "Time tracking, timesheets, time off and reports for an organization.",
      description: 'Every answer is JSON. Errors have one shape, `{"error": {"code", ' +
        '"message", "details"}}`. Lists are paged: pass `limit` (1–500, default 50) and the ' +
        "previous page's `nextCursor` as `cursor`; `nextCursor` is null on the last page. " +
        "Creating POSTs accept an `Idempotency-Key` header: a retry with the same key answers " +
        "the first answer again. Organization routes accept a signed-in person's session " +
        "cookie or an API key (`Authorization: Bearer cf_…`) limited to its scopes.",
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{
      url: options.publicUrl ? options.publicUrl.replace(/\/+$/, "") : "/",
      description: options.publicUrl ? "This server (PUBLIC_URL)" : "This server",
    }],
    tags,
    paths,
    components: {
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: `The session cookie set by sign-in; named \`${HOST_SESSION_COOKIE}\` ` +
            "when the server runs under an https PUBLIC_URL. Unsafe methods must come from the " +
            "same origin.",
        },
        kioskCookie: {
          type: "apiKey",
          in: "cookie",
          name: KIOSK_COOKIE,
          description: `A paired kiosk device's credential, set by \`POST /kiosk/pair\`; named ` +
            `\`${HOST_KIOSK_COOKIE}\` when the server runs under an https PUBLIC_URL. Missing, ` +
            "unknown or revoked: 401 `kiosk_unpaired`.",
        },
        bearerApiKey: {
          type: "http",
          scheme: "bearer",
          description: "An organization API key (`cf_…`), limited to its scopes. Unknown, " +
            "revoked or expired keys get 401 `invalid_api_key`; a missing scope 403 " +
            "`insufficient_scope` with `details.required`.",
        },
      },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description: "1–255 visible ASCII characters. A retry with the same key gets the " +
            "first answer again instead of creating twice.",
          schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
        },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", description: "Stable, machine-readable code." },
                message: { type: "string", description: "For people." },
                details: { description: "Per-code details (e.g. field errors, `required`)." },
              },
            },
          },
        },
        Page: {
          type: "object",
          required: ["data", "nextCursor"],
          properties: {
            data: { type: "array", items: { type: "object", additionalProperties: true } },
            nextCursor: {
              type: ["string", "null"],
              description: "Pass as `cursor` for the next page; null on the last page.",
            },
          },
        },
      },
      responses: {
        BadRequest: errorResponse("Invalid input (`validation_error` with field details)."),
        Unauthorized: errorResponse("Not signed in, or `invalid_api_key`."),
        Forbidden: errorResponse(
          "Role, plan (`feature_not_in_plan`) or scope (`insufficient_scope`) refuses it.",
        ),
        NotFound: errorResponse("No such resource in this organization."),
        Conflict: errorResponse("The state changed (e.g. a stale `version`)."),
        Unprocessable: errorResponse("The request is well-formed but cannot be done."),
        RateLimited: {
          description: "Over the plan's rate (`rate_limited`); retry after `Retry-After`.",
          headers: {
            "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } },
            "RateLimit-Limit": {
              description: "Requests allowed per window (the plan's `apiRequestsPerMinute`).",
              schema: { type: "integer" },
            },
            "RateLimit-Remaining": {
              description: "Requests left in the window.",
              schema: { type: "integer" },
            },
            "RateLimit-Reset": {
              description: "Seconds until the window resets.",
              schema: { type: "integer" },
            },
          },
          content: { "application/json": { schema: ERROR_REF } },
        },
      },
    },
  };
}
