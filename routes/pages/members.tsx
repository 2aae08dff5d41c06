/**
 * `/o/:orgId/members` for admins: list, add, change role, deactivate and reactivate.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { DomainError } from "../../lib/errors.ts";
import { hashPassword } from "../../lib/identity/password.ts";
import { decodeCursorParam } from "../../lib/kv/mod.ts";
import { addMember, listMembers, updateMember } from "../../lib/members/members.ts";
import { onMembersChanged } from "../../lib/billing/seats.ts";
import { type MemberFormState, MembersPage } from "../../components/views/members.tsx";
import { formFailure, memberForm, readForm, roleField } from "./forms.ts";
import { withRole } from "./guards.ts";
import { limitFor } from "../middleware/plan.ts";
import { chrome, renderPage } from "./render.tsx";

const changeForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("role"), userId: z.string().max(64), role: roleField }),
  z.object({
    intent: z.literal("active"),
    userId: z.string().max(64),
    active: z.enum(["true", "false"]).transform((v) => v === "true"),
  }),
]);

async function membersPage(c: AppContext, failed?: MemberFormState, status?: ContentfulStatusCode) {
  const { scope } = c.get("org");
  const cursor = decodeCursorParam(c.req.query("cursor"));
  const page = await listMembers(scope, { limit: 100, cursor });
  const path = new URL(c.req.url).pathname;
  return renderPage(
    c,
    <MembersPage
      {...chrome(c, "members")}
      members={page.data}
      selfId={c.get("user")!.id}
      moreHref={page.nextCursor ? `${path}?cursor=${encodeURIComponent(page.nextCursor)}` : null}
      failed={failed}
    />,
    status,
  );
}

/** The members page (mounted under `/o/:orgId`). */
export const memberPages = new Hono<AppEnv>()
  .use("/members", withRole("admin"))
  .get("/members", (c) => membersPage(c))
  .post("/members", async (c) => {
    const values = await readForm(c);
    const { scope, org } = c.get("org");
    const deps = c.get("deps");
    const self = c.get("user")!.id;
    try {
      if (values.intent === "add") {
        const input = validate(memberForm, values);
        const passwordHash = input.password
          ? await hashPassword(input.password, deps.passwordIterations)
          : null;
        await addMember(scope, self, { ...input, passwordHash }, deps.now(), {
          activeLimit: limitFor(c, "activeMembers"),
        });
        await onMembersChanged(deps, scope);
        return c.redirect(`/o/${org.id}/members?ok=member_added`, 303);
      }
      const change = validate(changeForm, values);
      const patch = change.intent === "role" ? { role: change.role } : { active: change.active };
      const after = await updateMember(scope, self, change.userId, patch, deps.now(), {
        activeLimit: limitFor(c, "activeMembers"),
      });
      if (change.intent === "active") await onMembersChanged(deps, scope);
      if (after.id === self && (!after.active || after.role !== "admin")) {
        // The admin changed their own access: the members page is no longer theirs.
        return c.redirect(after.active ? `/o/${org.id}/clock?ok=member_updated` : "/app", 303);
      }
      return c.redirect(`/o/${org.id}/members?ok=member_updated`, 303);
    } catch (err) {
      const f = formFailure(err, values);
      const intent = values.intent === "role" || values.intent === "active" ? values.intent : "add";
      if (intent !== "add" && err instanceof DomainError && err.kind === "not_found") {
        // A member id from elsewhere: nothing to show it against.
        throw err;
      }
      return membersPage(
        c,
        { intent, userId: values.userId, values: f.values, error: f.error },
        f.status,
      );
    }
  });
