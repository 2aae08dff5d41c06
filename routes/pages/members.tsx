/**
 * `/o/:orgId/members` for admins: list, add, change role, deactivate and reactivate; invite by
 * email and revoke pending invitations. Every action is a use case (`lib/members`,
 * `lib/invitations`); this page adapts form strings to their schemas and presents the result.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { requestContext } from "../request_context.ts";
import { DomainError } from "../../lib/errors.ts";
import {
  addMemberInput,
  inviteInput,
  listInput,
  updateMemberInput,
} from "../../lib/members/schemas.ts";
import {
  addMemberUseCase,
  listMembersUseCase,
  updateMemberUseCase,
} from "../../lib/members/use_cases.ts";
import {
  createInvitationUseCase,
  listInvitationsUseCase,
  revokeInvitationUseCase,
} from "../../lib/invitations/invitations.ts";
import { type MemberFormState, MembersPage } from "../../components/views/members.tsx";
import { formFailure, readForm } from "./forms.ts";
import { chrome, renderPage } from "./render.tsx";

/** A form string that may be left empty: empty means absent. */
const optional = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);

/** `"true"`/`"false"` as booleans; anything else is passed on for the schema to refuse. */
const bool = (v: string | undefined) => (v === "true" ? true : v === "false" ? false : v);

/** The form's fields as the use cases' inputs. */
const adapt = {
  add: (v: Record<string, string>) =>
    validate(addMemberInput, {
      name: v.name ?? "",
      email: optional(v.email),
      password: optional(v.password),
      role: v.role,
    }),
  invite: (v: Record<string, string>) =>
    validate(inviteInput, { email: v.email ?? "", role: v.role, name: optional(v.name) }),
  role: (v: Record<string, string>) =>
    validate(updateMemberInput, { userId: v.userId ?? "", patch: { role: v.role } }),
  active: (v: Record<string, string>) =>
    validate(updateMemberInput, { userId: v.userId ?? "", patch: { active: bool(v.active) } }),
};

async function membersPage(c: AppContext, failed?: MemberFormState, status?: ContentfulStatusCode) {
  const ctx = requestContext(c);
  // Admins only: the pending invitations are theirs to see (403 for anyone else).
  const invitations = await listInvitationsUseCase(ctx, { limit: 100 });
  const cursor = c.req.query("cursor");
  const page = await listMembersUseCase(
    ctx,
    validate(listInput, { limit: "100", ...(cursor ? { cursor } : {}) }),
  );
  const path = new URL(c.req.url).pathname;
  return renderPage(
    c,
    <MembersPage
      {...chrome(c, "members")}
      members={page.data}
      invitations={invitations.data}
      selfId={c.get("user")!.id}
      moreHref={page.nextCursor ? `${path}?cursor=${encodeURIComponent(page.nextCursor)}` : null}
      failed={failed}
    />,
    status,
  );
}

type Intent = MemberFormState["intent"];
const INTENTS: Intent[] = ["add", "invite", "role", "active", "revoke"];

/** The members page (mounted under `/o/:orgId`). */
export const memberPages = new Hono<AppEnv>()
  .get("/members", (c) => membersPage(c))
  .post("/members", async (c) => {
    const values = await readForm(c);
    const orgId = c.get("org").org.id;
    const self = c.get("user")!.id;
    const intent: Intent = INTENTS.includes(values.intent as Intent)
      ? values.intent as Intent
      : "add";
    try {
      const ctx = requestContext(c);
      if (intent === "add") {
        await addMemberUseCase(ctx, adapt.add(values));
        return c.redirect(`/o/${orgId}/members?ok=member_added`, 303);
      }
      if (intent === "invite") {
        await createInvitationUseCase(ctx, adapt.invite(values));
        return c.redirect(`/o/${orgId}/members?ok=invitation_sent`, 303);
      }
      if (intent === "revoke") {
        await revokeInvitationUseCase(ctx, { invitationId: values.invitationId ?? "" });
        return c.redirect(`/o/${orgId}/members?ok=invitation_revoked`, 303);
      }
      const after = await updateMemberUseCase(ctx, adapt[intent](values));
      if (after.id === self && (!after.active || after.role !== "admin")) {
        // The admin changed their own access: the members page is no longer theirs.
        return c.redirect(after.active ? `/o/${orgId}/clock?ok=member_updated` : "/app", 303);
      }
      return c.redirect(`/o/${orgId}/members?ok=member_updated`, 303);
    } catch (err) {
      const f = formFailure(err, values);
      if (
        intent !== "add" && intent !== "invite" && err instanceof DomainError &&
        err.kind === "not_found"
      ) {
        // A member or invitation id from elsewhere: nothing to show it against.
        throw err;
      }
      const offerInvite = intent === "add" && err instanceof DomainError &&
          err.code === "email_taken"
        ? (values.email ?? "").trim().toLowerCase()
        : null;
      return membersPage(
        c,
        { intent, userId: values.userId, values: f.values, error: f.error, offerInvite },
        f.status,
      );
    }
  });
