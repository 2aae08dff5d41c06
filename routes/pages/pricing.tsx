/**
 * `GET /pricing`: the public pricing page, rendered from the plan catalog.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { renderPage } from "./render.tsx";
import { PricingPage } from "../../components/views/pricing.tsx";

/** The pricing page (public). */
export const pricingPages = new Hono<AppEnv>()
  .get("/pricing", (c) => renderPage(c, <PricingPage userName={c.get("user")?.name ?? null} />));
