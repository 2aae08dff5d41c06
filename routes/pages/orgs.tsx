/**
 * `/app` (go to the first organization) and `/app/orgs` (switch or create organizations). The
 * new-organization form is handed as it is to `createAnotherOrganization`
 * (`lib/orgs/use_cases.ts`), which checks it with the same schema as `POST /api/v1/orgs`.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { organizationsOf } from "../../lib/orgs/orgs.ts";
import { createAnotherOrganization } from "../../lib/orgs/use_cases.ts";
import { flashMessage } from "../../components/flash.ts";
import { OrgsPage } from "../../components/views/orgs.tsx";
import { type FormFailure, formFailure, readForm } from "./forms.ts";
import { signedIn } from "./guards.ts";
import { renderPage } from "./render.tsx";

/** The form's wording of the schema's refusals of a blank name and an unknown time zone. */
function withFormWording(err: unknown, values: Record<string, string>): unknown {
  if (!(err instanceof DomainError) || !Array.isArray(err.details)) return err;
  const details = (err.details as { path: string; message: string }[]).map((d) =>
    d.path === "name" && !(values.name ?? "").trim()
      ? { ...d, message: "Enter the organization's name" }
      : d.path === "timeZone"
      ? { ...d, message: "Choose a time zone from the list" }
      : d
  );
  return new DomainError(err.kind, err.code, err.message, details);
}

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
      const deps = c.get("deps");
      const org = await createAnotherOrganization(
        { store: deps.store, now: deps.now() },
        c.get("principal")!,
        { name: values.name ?? "", timeZone: values.timeZone ?? "" },
      );
      return c.redirect(`/o/${org.id}/clock?ok=org_created`, 303);
    } catch (err) {
      return orgsPage(c, formFailure(withFormWording(err, values), values));
    }
  });
