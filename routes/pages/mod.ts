/**
 * Server-rendered pages.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";

/** Every page route. */
export const pages = new Hono<AppEnv>()
  .get("/", (c) => c.redirect(c.get("user") ? "/app" : "/signin"));
