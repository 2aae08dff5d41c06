/**
 * Time entries: listing, reading, corrections with a reason and each entry's history. Parse,
 * call the entry use case (`lib/entries/use_cases.ts`, which decides who may do what), answer
 * JSON. Entry views apply the organization's break rules (paid break types, automatic meal
 * deduction).
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { requestContext } from "../request_context.ts";
import {
  entryBody,
  entryDelete,
  entryHistoryQuery,
  entryPatch,
  entryQuery,
} from "../../lib/entries/schemas.ts";
import {
  createEntryUseCase,
  deleteEntryUseCase,
  entryHistoryUseCase,
  entryView,
  getEntryUseCase,
  listEntriesUseCase,
  updateEntryUseCase,
} from "../../lib/entries/use_cases.ts";

/** Routes mounted at `/api/v1/orgs/:orgId/time-entries` (after `requireOrg`). */
export const entriesApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const input = readQuery(c, entryQuery);
    const ctx = requestContext(c);
    const page = await listEntriesUseCase(ctx, input);
    return c.json({ data: page.data.map((e) => entryView(ctx, e)), nextCursor: page.nextCursor });
  })
  .post("/", idempotent(), async (c) => {
    const input = await readJson(c, entryBody);
    const ctx = requestContext(c);
    return c.json(entryView(ctx, await createEntryUseCase(ctx, input)), 201);
  })
  .get("/:id", async (c) => {
    const ctx = requestContext(c);
    return c.json(entryView(ctx, await getEntryUseCase(ctx, { id: c.req.param("id") })));
  })
  .patch("/:id", async (c) => {
    const input = await readJson(c, entryPatch);
    const ctx = requestContext(c);
    const entry = await updateEntryUseCase(ctx, { ...input, id: c.req.param("id") });
    return c.json(entryView(ctx, entry));
  })
  .delete("/:id", async (c) => {
    const { reason } = await readJson(c, entryDelete);
    await deleteEntryUseCase(requestContext(c), { id: c.req.param("id"), reason });
    return c.body(null, 204);
  })
  .get("/:id/history", async (c) => {
    const q = readQuery(c, entryHistoryQuery);
    const page = await entryHistoryUseCase(requestContext(c), { ...q, id: c.req.param("id") });
    return c.json({ data: page.data, nextCursor: page.nextCursor });
  });
