/**
 * Invitations: an organization's admins invite, list and revoke (`invitationsApi`, under
 * `/api/v1/orgs/:orgId/invitations`); the invitee reads and accepts through the link's token
 * (`invitationLinkApi`, under `/api/v1/invitations`). Parse, call the use case, answer.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { billingMode } from "../middleware/plan.ts";
import { requestContext } from "../request_context.ts";
import { startSession } from "./identity.ts";
import { acceptInvitationBody, inviteInput, listInput } from "../../lib/members/schemas.ts";
import {
  createInvitationUseCase,
  listInvitationsUseCase,
  revokeInvitationUseCase,
} from "../../lib/invitations/invitations.ts";
import {
  acceptInvitation,
  type InvitationDoor,
  previewInvitation,
} from "../../lib/invitations/accept.ts";
import { viewUser } from "../../lib/identity/users.ts";

/** Routes mounted at `/api/v1/orgs/:orgId/invitations` (after `requireOrg`). */
export const invitationsApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    return c.json(await listInvitationsUseCase(requestContext(c), readQuery(c, listInput)));
  })
  .post("/", idempotent(), async (c) => {
    const body = await readJson(c, inviteInput);
    return c.json(await createInvitationUseCase(requestContext(c), body), 201);
  })
  .delete("/:invitationId", async (c) => {
    await revokeInvitationUseCase(requestContext(c), { invitationId: c.req.param("invitationId") });
    return c.body(null, 204);
  });

/** The invitee's door: who they are (maybe nobody yet), and where jobs go. */
export function invitationDoor(c: AppContext): InvitationDoor {
  const deps = c.get("deps");
  return {
    store: deps.store,
    userId: c.get("user")?.id ?? null,
    now: deps.now(),
    jobs: c.get("outbox").port(),
    services: { passwordIterations: deps.passwordIterations, billingEnabled: !!deps.billing },
    billingMode: billingMode(deps),
  };
}

/** Routes mounted at `/api/v1/invitations` (the token is the proof; a session is optional). */
export const invitationLinkApi = new Hono<AppEnv>()
  .get("/:token", async (c) => {
    const p = await previewInvitation(invitationDoor(c), c.req.param("token"));
    return c.json({
      organization: p.organization,
      email: p.email,
      role: p.role,
      name: p.name,
      expiresAt: p.expiresAt,
    });
  })
  .post("/:token/accept", async (c) => {
    const body = await readJson(c, acceptInvitationBody);
    const done = await acceptInvitation(invitationDoor(c), c.req.param("token"), body);
    if (done.created) await startSession(c, done.user.id);
    return c.json({
      organization: done.organization,
      member: done.member,
      user: viewUser(done.user),
      accountCreated: done.created,
    }, 201);
  });
