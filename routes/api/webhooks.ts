/**
 * Webhook endpoints of an organization (admins, or API keys with `webhooks:read|write`; plan
 * feature `webhooks`). The rules live in `lib/webhooks/use_cases.ts`; this door parses, calls
 * and presents.
 *
 * | method and path | body / query |
 * | --- | --- |
 * | `GET …/webhooks` | → `{data}` |
 * | `POST …/webhooks` | `{url, events, description?}` → 201 with `secret` (shown only here) |
 * | `GET …/webhooks/{webhookId}` | |
 * | `PATCH …/webhooks/{webhookId}` | `{url?, events?, description?, enabled?}` |
 * | `DELETE …/webhooks/{webhookId}` | → 204 |
 * | `POST …/webhooks/{webhookId}/test` | → the attempt of a `webhook.test` message |
 * | `POST …/webhooks/{webhookId}/rotate-secret` | → the endpoint with its new `secret` |
 * | `GET …/webhooks/{webhookId}/deliveries` | `limit`, `cursor` → attempts, newest first |
 * | `POST …/webhooks/{webhookId}/deliveries/{deliveryId}/retry` | → 202, one more attempt queued |
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { readJson } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { requestContext } from "../request_context.ts";
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

/** Any JSON body: the use case validates it after authorizing. */
const body = z.any();

/** Routes mounted at `/api/v1/orgs/:orgId/webhooks` (after `requireOrg`). */
export const webhooksApi = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await listWebhooksUseCase(requestContext(c))))
  .post("/", idempotent(), async (c) => {
    const created = await createWebhookUseCase(requestContext(c), await readJson(c, body));
    c.header("Cache-Control", "no-store");
    return c.json(created, 201);
  })
  .get("/:webhookId", async (c) => {
    return c.json(await getWebhookUseCase(requestContext(c), { id: c.req.param("webhookId") }));
  })
  .patch("/:webhookId", async (c) => {
    const patch = await readJson(c, body);
    const id = c.req.param("webhookId");
    return c.json(await updateWebhookUseCase(requestContext(c), { id, patch }));
  })
  .delete("/:webhookId", async (c) => {
    await deleteWebhookUseCase(requestContext(c), { id: c.req.param("webhookId") });
    return c.body(null, 204);
  })
  .post("/:webhookId/test", async (c) => {
    return c.json(await testWebhookUseCase(requestContext(c), { id: c.req.param("webhookId") }));
  })
  .post("/:webhookId/rotate-secret", async (c) => {
    const id = c.req.param("webhookId");
    const rotated = await rotateWebhookSecretUseCase(requestContext(c), { id });
    c.header("Cache-Control", "no-store");
    return c.json(rotated);
  })
  .get("/:webhookId/deliveries", async (c) => {
    const id = c.req.param("webhookId");
    return c.json(await listDeliveriesUseCase(requestContext(c), { id, query: c.req.query() }));
  })
  .post("/:webhookId/deliveries/:deliveryId/retry", async (c) => {
    const queued = await retryDeliveryUseCase(requestContext(c), {
      id: c.req.param("webhookId"),
      deliveryId: c.req.param("deliveryId"),
    });
    return c.json(queued, 202);
  });
