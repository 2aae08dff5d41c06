/**
 * `/app` (go to the first organization) and `/app/orgs` (switch or create organizations).
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { validate } from "../middleware/body.ts";
import { createOrganization, organizationsOf } from "../../lib/orgs/orgs.ts";
import { flashMessage } from "../../components/flash.ts";
import { OrgsPage } from "../../components/views/orgs.tsx";
import { type FormFailure, formFailure, orgForm, readForm } from "./forms.ts";
import { signedIn } from "./guards.ts";
import { renderPage } from "./render.tsx";

async function orgsPage(c: AppContext, failure?: FormFailure) {
  const user = c.get("user")!;
  const orgs = await organizationsOf(c.get("deps").store, user.id);
  return renderPage(
    c,
    <OrgsPage
      orgs={orgs}
      userName={user.name}
      flash={flashMessage(c.req.query("ok"))}
      values={failure?.values}
      error={failure?.error}
    />,
    failure?.status,
  );
}

/** `/app` and `/app/orgs`. */
export const orgPages = new Hono<AppEnv>()
  .use("/app", signedIn())
  .use("/app/*", signedIn())
  .get("/app", async (c) => {
    const orgs = await organizationsOf(c.get("deps").store, c.get("user")!.id);
    return c.redirect(orgs.length ? `/o/${orgs[0].id}/clock` : "/app/orgs", 303);
  })
  .get("/app/orgs", (c) => orgsPage(c))
  .post("/app/orgs", async (c) => {
    const values = await readForm(c);
    try {
      const input = validate(orgForm, values);
      const deps = c.get("deps");
      const org = await createOrganization(deps.store, c.get("user")!, input, deps.now());
      return c.redirect(`/o/${org.id}/clock?ok=org_created`, 303);
    } catch (err) {
      return orgsPage(c, formFailure(err, values));
    }
  });
