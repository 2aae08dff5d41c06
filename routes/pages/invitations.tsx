/**
 * `/invitations/:token`: the page of a mailed invitation link, for anyone holding it. It shows
 * the organization and the role and lets the visitor accept (signed in as the invited address),
 * sign in, or create the invited account and join in one step (then they are signed in). The
 * decisions are the use cases' (`lib/invitations/accept.ts`).
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { invitationDoor } from "../api/invitations.ts";
import { startSession } from "../api/identity.ts";
import { DomainError } from "../../lib/errors.ts";
import { acceptInvitationBody } from "../../lib/members/schemas.ts";
import { acceptInvitation, previewInvitation } from "../../lib/invitations/accept.ts";
import { InvitationPage, InvitationProblemPage } from "../../components/views/invitation.tsx";
import { formFailure, readForm } from "./forms.ts";
import { renderPage } from "./render.tsx";

function isLinkProblem(err: unknown): err is DomainError {
  return err instanceof DomainError &&
    (err.code === "invitation_not_found" || err.code === "invitation_expired");
}

async function invitationPage(
  c: AppContext,
  failed?: { values: Record<string, string>; error: DomainError },
) {
  const token = c.req.param("token") ?? "";
  const userName = c.get("user")?.name ?? null;
  try {
    const p = await previewInvitation(invitationDoor(c), token);
    const f = failed ? formFailure(failed.error, failed.values) : null;
    return renderPage(
      c,
      <InvitationPage
        token={token}
        organizationName={p.organization.name}
        email={p.email}
        role={p.role}
        suggestedName={p.name}
        expiresAt={p.expiresAt}
        viewer={p.viewer}
        signedInAs={p.signedInAs}
        userName={userName}
        values={f?.values}
        error={f?.error}
      />,
      (f?.status ?? 200) as ContentfulStatusCode,
    );
  } catch (err) {
    if (!isLinkProblem(err)) throw err;
    const expired = err.code === "invitation_expired";
    return renderPage(c, <InvitationProblemPage expired={expired} userName={userName} />, 404);
  }
}

/** The invitation link's page. */
export const invitationPages = new Hono<AppEnv>()
  .get("/invitations/:token", (c) => invitationPage(c))
  .post("/invitations/:token", async (c) => {
    const values = await readForm(c);
    try {
      const body = values.intent === "create"
        ? validate(acceptInvitationBody, {
          name: values.name ?? "",
          password: values.password ?? "",
        })
        : {};
      const done = await acceptInvitation(invitationDoor(c), c.req.param("token"), body);
      if (done.created) await startSession(c, done.user.id);
      return c.redirect(`/o/${done.organization.id}/clock?ok=invitation_accepted`, 303);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return invitationPage(c, { values: { name: values.name ?? "" }, error: err });
    }
  });
