/**
 * Members of an organization.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { requireRole } from "../middleware/auth.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { memberBody, memberPatch, pageQuery } from "./schemas.ts";
import { addMember, getMember, listMembers, updateMember } from "../../lib/members/members.ts";
import { hashPassword } from "../../lib/identity/password.ts";
import { decodeCursorParam } from "../../lib/kv/mod.ts";
import { limitFor } from "../middleware/plan.ts";
import { onMembersChanged } from "../../lib/billing/seats.ts";

/** Routes mounted at `/api/v1/orgs/:orgId/members` (after `requireOrg`). */
export const membersApi = new Hono<AppEnv>()
  .get("/", requireRole("admin", "manager"), async (c) => {
    const q = readQuery(c, pageQuery);
    return c.json(
      await listMembers(c.get("org").scope, {
        limit: q.limit,
        cursor: decodeCursorParam(q.cursor),
      }),
    );
  })
  .post("/", requireRole("admin"), idempotent(), async (c) => {
    const body = await readJson(c, memberBody);
    const deps = c.get("deps");
    const passwordHash = body.password
      ? await hashPassword(body.password, deps.passwordIterations)
      : null;
    const member = await addMember(
      c.get("org").scope,
      c.get("user")!.id,
      {
        name: body.name,
        email: body.email ?? null,
        passwordHash,
        role: body.role,
      },
      deps.now(),
      { activeLimit: limitFor(c, "activeMembers") },
    );
    await onMembersChanged(deps, c.get("org").scope);
    return c.json(member, 201);
  })
  .get("/:userId", async (c) => {
    const { scope, membership } = c.get("org");
    const userId = c.req.param("userId");
    if (membership.role === "employee" && userId !== membership.userId) {
      return c.json({ error: { code: "not_found", message: "member not found" } }, 404);
    }
    return c.json(await getMember(scope, userId));
  })
  .patch("/:userId", requireRole("admin"), async (c) => {
    const body = await readJson(c, memberPatch);
    const member = await updateMember(
      c.get("org").scope,
      c.get("user")!.id,
      c.req.param("userId"),
      body,
      c.get("deps").now(),
      { activeLimit: limitFor(c, "activeMembers") },
    );
    if (body.active !== undefined) await onMembersChanged(c.get("deps"), c.get("org").scope);
    return c.json(member);
  });
