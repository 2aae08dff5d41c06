/**
 * `/o/:orgId/api-keys` for admins: list, create (the key shown once, with a copy button) and
 * revoke API keys. Every form posts to the same path with an `intent` (`create`, `revoke`). The
 * form's strings are adapted to `lib/apikeys/schemas.ts` and handed to the same use cases as the
 * API (`lib/apikeys/use_cases.ts`). On a plan without `api` the page says so instead.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import {
  createApiKeyUseCase,
  listApiKeysUseCase,
  revokeApiKeyUseCase,
} from "../../lib/apikeys/use_cases.ts";
import { SCOPES } from "../../lib/apikeys/scopes.ts";
import {
  ApiKeysPage,
  type ApiKeysPageProps,
  scopeField,
} from "../../components/views/api_keys.tsx";
import { fieldError, formFailure, readForm } from "./forms.ts";
import { withRole } from "./guards.ts";
import { requestContext } from "../request_context.ts";
import { chrome, renderPage } from "./render.tsx";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = { key_revoked: "API key revoked. It no longer works." };

/**
 * The create form adapted to `apiKeyInput`: checked scopes as a list, the expiry date as the
 * start of the next day in the organization's time zone.
 */
function keyFromForm(values: Record<string, string>, timeZone: string) {
  const expiresOn = (values.expiresOn ?? "").trim();
  let expiresAt: string | null = null;
  if (expiresOn) {
    try {
      expiresAt = Temporal.PlainDate.from(expiresOn, { overflow: "reject" }).add({ days: 1 })
        .toZonedDateTime(timeZone).toInstant().toString();
    } catch {
      throw fieldError("expiresOn", "Enter a real date, like 2027-01-31");
    }
  }
  return {
    name: values.name ?? "",
    scopes: SCOPES.filter((s) => scopeField(s) in values),
    expiresAt,
  };
}

/** The schema's `expiresAt` said about this form's `expiresOn` field. */
function withFormFields(err: unknown): unknown {
  if (!(err instanceof DomainError) || !Array.isArray(err.details)) return err;
  const details = (err.details as { path: string; message: string }[]).map((d) =>
    d.path === "expiresAt" ? { ...d, path: "expiresOn" } : d
  );
  return new DomainError(err.kind, err.code, err.message, details);
}

async function apiKeysPage(
  c: AppContext,
  extra: Pick<ApiKeysPageProps, "created" | "failed"> = {},
  status?: ContentfulStatusCode,
) {
  const base = chrome(c, "api-keys");
  const path = new URL(c.req.url).pathname;
  let page: { data: ApiKeysPageProps["keys"]; nextCursor: string | null } = {
    data: [],
    nextCursor: null,
  };
  let unavailable: string | null = null;
  try {
    page = await listApiKeysUseCase(requestContext(c), {
      limit: 50,
      cursor: c.req.query("cursor"),
    });
  } catch (err) {
    if (!(err instanceof DomainError) || !err.code.startsWith("feature_")) throw err;
    unavailable = `${err.message}. Existing keys do not work while the plan lacks the API.`;
  }
  return renderPage(
    c,
    <ApiKeysPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      keys={page.data}
      moreHref={page.nextCursor ? `${path}?cursor=${encodeURIComponent(page.nextCursor)}` : null}
      unavailable={unavailable}
      {...extra}
    />,
    status,
  );
}

/** The API keys page (mounted under `/o/:orgId`). */
export const apiKeyPages = new Hono<AppEnv>()
  .use("/api-keys", withRole("admin"))
  .get("/api-keys", (c) => apiKeysPage(c))
  .post("/api-keys", async (c) => {
    const values = await readForm(c);
    const ctx = requestContext(c);
    try {
      if (values.intent === "revoke") {
        await revokeApiKeyUseCase(ctx, { id: values.keyId ?? "" });
        return c.redirect(`/o/${ctx.org.id}/api-keys?ok=key_revoked`, 303);
      }
      if (values.intent !== "create") throw fieldError("intent", "Choose what to do");
      const created = await createApiKeyUseCase(ctx, keyFromForm(values, ctx.org.timeZone));
      return apiKeysPage(c, { created: { name: created.name, key: created.key } }, 201);
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") throw err;
      const f = formFailure(withFormFields(err), values);
      return apiKeysPage(c, { failed: { values: f.values, error: f.error } }, f.status);
    }
  });
