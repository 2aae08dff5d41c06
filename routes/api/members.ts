/**
 * Members of an organization: parse, call the use case (`lib/members/use_cases.ts`), answer.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { requestContext } from "../request_context.ts";
import { addMemberInput, listInput, memberPatch } from "../../lib/members/schemas.ts";
import {
  addMemberUseCase,
  getMemberUseCase,
  listMembersUseCase,
  updateMemberUseCase,
} from "../../lib/members/use_cases.ts";

/** Routes mounted at `/api/v1/orgs/:orgId/members` (after `requireOrg`). */
export const membersApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    return c.json(await listMembersUseCase(requestContext(c), readQuery(c, listInput)));
  })
  .post("/", idempotent(), async (c) => {
    const body = await readJson(c, addMemberInput);
    return c.json(await addMemberUseCase(requestContext(c), body), 201);
  })
  .get("/:userId", async (c) => {
    return c.json(await getMemberUseCase(requestContext(c), { userId: c.req.param("userId") }));
  })
  .patch("/:userId", async (c) => {
    const patch = await readJson(c, memberPatch);
    const ctx = requestContext(c);
    return c.json(await updateMemberUseCase(ctx, { userId: c.req.param("userId"), patch }));
  });
