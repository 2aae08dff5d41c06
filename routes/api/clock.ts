/**
 * The signed-in member's own time clock: parse, call the clock use case
 * (`lib/clock/use_cases.ts`), answer the entry as JSON.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { readJson, readQuery } from "../middleware/body.ts";
import { idempotent } from "../middleware/idempotency.ts";
import { requestContext } from "../request_context.ts";
import {
  breakEndBody,
  breakStartBody,
  clockInBody,
  clockOutBody,
  clockStatusQuery,
} from "../../lib/clock/schemas.ts";
import {
  breakEndUseCase,
  breakStartUseCase,
  clockInUseCase,
  clockOutUseCase,
  clockStatusUseCase,
} from "../../lib/clock/use_cases.ts";
import { entryView } from "../../lib/entries/use_cases.ts";

/** Routes mounted at `/api/v1/orgs/:orgId/clock` (after `requireOrg`). */
export const clockApi = new Hono<AppEnv>()
  .get("/", async (c) => {
    const ctx = requestContext(c);
    const { state, entry } = await clockStatusUseCase(ctx, readQuery(c, clockStatusQuery));
    return c.json({ state, entry: entry && entryView(ctx, entry) });
  })
  .post("/in", idempotent(), async (c) => {
    const input = await readJson(c, clockInBody);
    const ctx = requestContext(c);
    return c.json(entryView(ctx, await clockInUseCase(ctx, input)), 201);
  })
  .post("/break/start", async (c) => {
    const input = await readJson(c, breakStartBody);
    const ctx = requestContext(c);
    return c.json(entryView(ctx, await breakStartUseCase(ctx, input)));
  })
  .post("/break/end", async (c) => {
    const input = await readJson(c, breakEndBody);
    const ctx = requestContext(c);
    return c.json(entryView(ctx, await breakEndUseCase(ctx, input)));
  })
  .post("/out", async (c) => {
    const input = await readJson(c, clockOutBody);
    const ctx = requestContext(c);
    return c.json(entryView(ctx, await clockOutUseCase(ctx, input)));
  });
