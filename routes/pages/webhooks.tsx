/**
 * `/o/:orgId/webhooks` for admins: the organization's webhook endpoints with test, rotate,
 * enable/disable and delete; a form to add one (its secret shown once, with a copy button); and
 * `/o/:orgId/webhooks/:webhookId`: one endpoint's edit form and delivery log with retry. Every
 * form posts to `/o/:orgId/webhooks` with an `intent` (`create`, `update`, `test`, `rotate`,
 * `enable`, `disable`, `delete`, `retry`) and ids in hidden fields. The form's strings are
 * adapted to `lib/webhooks/schemas.ts` and handed to the same use cases as the API
 * (`lib/webhooks/use_cases.ts`). On a plan without `webhooks` the page says so instead.
 *
 * @module
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext, AppEnv } from "../context.ts";
import { DomainError } from "../../lib/errors.ts";
import { EVENT_TYPES } from "../../lib/events/events.ts";
import type { WebhookEndpointView } from "../../lib/webhooks/endpoints.ts";
import {
  createWebhookUseCase,
  deleteWebhookUseCase,
  getWebhookUseCase,
  listDeliveriesUseCase,
  listWebhooksUseCase,
  retryDeliveryUseCase,
  rotateWebhookSecretUseCase,
  testWebhookUseCase,
  updateWebhookUseCase,
} from "../../lib/webhooks/use_cases.ts";
import {
  eventField,
  WebhookDetailPage,
  WebhooksPage,
  type WebhooksPageProps,
} from "../../components/views/webhooks.tsx";
import type { FormError } from "../../components/forms.tsx";
import { fieldError, formFailure, readForm } from "./forms.ts";
import { textField } from "./form_adapter.ts";
import { withRole } from "./guards.ts";
import { requestContext } from "../request_context.ts";
import { chrome, renderPage } from "./render.tsx";

/** Success messages of this page (`?ok=`), looked up, never reflected. */
const FLASH: Record<string, string> = {
  webhook_deleted: "Endpoint deleted. Nothing more is sent to it.",
  webhook_enabled: "Endpoint switched on. New events are sent to it again.",
  webhook_disabled: "Endpoint switched off. Events are not sent to it until you switch it on.",
  webhook_updated: "Endpoint saved.",
  webhook_retried: "Retry queued. Its attempt appears in the log below.",
};

/** The create and edit forms adapted to the schemas: checked events as a list. */
function endpointFromForm(values: Record<string, string>) {
  return {
    url: values.url ?? "",
    events: EVENT_TYPES.filter((t) => eventField(t) in values),
    description: textField(values.description) ?? "",
  };
}

async function webhooksPage(
  c: AppContext,
  extra: Pick<WebhooksPageProps, "shown" | "tested" | "failed"> = {},
  status?: ContentfulStatusCode,
) {
  const base = chrome(c, "webhooks");
  let endpoints: WebhookEndpointView[] = [];
  let unavailable: string | null = null;
  try {
    endpoints = (await listWebhooksUseCase(requestContext(c))).data;
  } catch (err) {
    if (!(err instanceof DomainError) || !err.code.startsWith("feature_")) throw err;
    unavailable = `${err.message}. Endpoints receive nothing while webhooks are off.`;
  }
  return renderPage(
    c,
    <WebhooksPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      endpoints={endpoints}
      unavailable={unavailable}
      {...extra}
    />,
    status,
  );
}

async function detailPage(
  c: AppContext,
  id: string,
  failed: { values: Record<string, string>; error: FormError } | null = null,
  status?: ContentfulStatusCode,
) {
  const ctx = requestContext(c);
  const endpoint = await getWebhookUseCase(ctx, { id });
  const cursor = c.req.query("cursor");
  const page = await listDeliveriesUseCase(ctx, { id, query: { limit: 50, cursor } });
  const path = new URL(c.req.url).pathname;
  const base = chrome(c, "webhooks");
  return renderPage(
    c,
    <WebhookDetailPage
      {...base}
      flash={FLASH[c.req.query("ok") ?? ""] ?? base.flash}
      endpoint={endpoint}
      deliveries={page.data}
      moreHref={page.nextCursor ? `${path}?cursor=${encodeURIComponent(page.nextCursor)}` : null}
      failed={failed}
    />,
    status,
  );
}

/** The webhooks pages (mounted under `/o/:orgId`). */
export const webhookPages = new Hono<AppEnv>()
  .use("/webhooks", withRole("admin"))
  .use("/webhooks/*", withRole("admin"))
  .get("/webhooks", (c) => webhooksPage(c))
  .get("/webhooks/:webhookId", (c) => detailPage(c, c.req.param("webhookId")))
  .post("/webhooks", async (c) => {
    const values = await readForm(c);
    const ctx = requestContext(c);
    const here = `/o/${ctx.org.id}/webhooks`;
    const id = values.webhookId ?? "";
    try {
      switch (values.intent) {
        case "create": {
          const made = await createWebhookUseCase(ctx, endpointFromForm(values));
          return webhooksPage(
            c,
            { shown: { url: made.url, secret: made.secret, rotated: false } },
            201,
          );
        }
        case "rotate": {
          const rotated = await rotateWebhookSecretUseCase(ctx, { id });
          return webhooksPage(c, {
            shown: { url: rotated.url, secret: rotated.secret, rotated: true },
          });
        }
        case "test":
          return webhooksPage(c, { tested: await testWebhookUseCase(ctx, { id }) });
        case "enable":
        case "disable": {
          const on = values.intent === "enable";
          await updateWebhookUseCase(ctx, { id, patch: { enabled: on } });
          return c.redirect(`${here}?ok=${on ? "webhook_enabled" : "webhook_disabled"}`, 303);
        }
        case "delete":
          await deleteWebhookUseCase(ctx, { id });
          return c.redirect(`${here}?ok=webhook_deleted`, 303);
        case "update":
          await updateWebhookUseCase(ctx, { id, patch: endpointFromForm(values) });
          return c.redirect(`${here}/${id}?ok=webhook_updated`, 303);
        case "retry":
          await retryDeliveryUseCase(ctx, { id, deliveryId: values.deliveryId ?? "" });
          return c.redirect(`${here}/${id}?ok=webhook_retried`, 303);
      }
      throw fieldError("intent", "Choose what to do");
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") throw err;
      const f = formFailure(err, values);
      const failed = { values: f.values, error: f.error };
      if (values.intent === "update" || values.intent === "retry") {
        return await detailPage(c, id, failed, f.status);
      }
      return webhooksPage(c, { failed }, f.status);
    }
  });
