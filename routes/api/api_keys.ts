/**
 * API keys of an organization (admins in person, plan feature `api`). The rules live in
 * `lib/apikeys/use_cases.ts`; this door parses, calls and presents.
 *
 * | method and path | body / query |
 * | --- | --- |
 * | `POST …/api-keys` | `{name, scopes, expiresAt?}` → 201 with `key` (shown only here) |
 * | `GET …/api-keys` | `limit`, `cursor` |
 * | `DELETE …/api-keys/{id}` | → 204, revoked at once |
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import {
  createApiKeyUseCase,
  listApiKeysUseCase,
  revokeApiKeyUseCase,
} from "../../lib/apikeys/use_cases.ts";

/** Any JSON body: the use case validates it after authorizing. */
const body = z.any();

/** Routes mounted at `/api/v1/orgs/:orgId/api-keys` (after `requireOrg`). */
export const apiKeysApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await listApiKeysUseCase(requestContext(c), c.req.query())))
  .post("/", async (c) => {
    const created = await createApiKeyUseCase(requestContext(c), await readJson(c, body));
    c.header("Cache-Control", "no-store");
    return c.json(created, 201);
  })
  .delete("/:id", async (c) => {
    await revokeApiKeyUseCase(requestContext(c), { id: c.req.param("id") });
    return c.body(null, 204);
  });
