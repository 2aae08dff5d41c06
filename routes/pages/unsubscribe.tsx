/**
 * `/unsubscribe?token=…`: the link in every notification mail. No sign-in: the signed token
 * names the organization, the person and the kind (`lib/notifications/unsubscribe.ts`).
 *
 * - `GET` shows what the link turns off, with a button (it changes nothing: mail scanners
 *   follow links);
 * - `POST` (the button, or a mail provider's RFC 8058 one-click request
 *   `List-Unsubscribe=One-Click` to the same URL) turns that kind's email off;
 * - a forged, altered or unknown token answers 400 and changes nothing.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { readUnsubscribeLink, unsubscribe } from "../../lib/notifications/use_cases.ts";
import type { UnsubscribeView } from "../../lib/notifications/use_cases.ts";
import { UnsubscribePage } from "../../components/views/notifications.tsx";
import { readForm } from "./forms.ts";
import { renderPage } from "./render.tsx";

function page(c: AppContext, token: string, link: UnsubscribeView | null, done: boolean) {
  return renderPage(
    c,
    <UnsubscribePage
      link={link}
      token={token}
      done={done}
      userName={c.get("user")?.name ?? null}
    />,
    link ? 200 : 400,
  );
}

/** Turn a refused link into the page's "not valid" answer; rethrow anything else. */
function refused(err: unknown): null {
  if (err instanceof DomainError && err.kind === "invalid") return null;
  throw err;
}

/** The unsubscribe pages. */
export const unsubscribePages = new Hono<AppEnv>()
  .get("/unsubscribe", async (c) => {
    const token = c.req.query("token") ?? "";
    const link = await readUnsubscribeLink(c.get("deps").store, { token }).catch(refused);
    return page(c, token, link, false);
  })
  .post("/unsubscribe", async (c) => {
    const values = await readForm(c).catch(() => ({} as Record<string, string>));
    const token = values.token ?? c.req.query("token") ?? "";
    const deps = c.get("deps");
    const link = await unsubscribe(deps.store, { token }, deps.now()).catch(refused);
    return page(c, token, link, link !== null);
  });
