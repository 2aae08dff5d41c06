/**
 * `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 document (`routes/openapi/document.ts`),
 * built once per process and public (it describes routes, not data).
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { type Json, openApiDocument } from "../openapi/document.ts";

const built = new Map<string, string>();

/** The document as JSON text for `publicUrl` (cached: the routes do not change at run time). */
export function openApiJson(publicUrl: string | null): string {
  const key = publicUrl ?? "";
  let text = built.get(key);
  if (text === undefined) {
    const doc: Json = openApiDocument({ publicUrl });
    text = JSON.stringify(doc, null, 2) + "\n";
    built.set(key, text);
  }
  return text;
}

/** Routes mounted at `/api/v1`. */
export const openApiRoute = new Hono<AppEnv>()
  .get("/openapi.json", (c) => {
    return c.body(openApiJson(c.get("deps").config.publicUrl), 200, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "public, max-age=300",
    });
  });
