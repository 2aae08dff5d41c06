/**
 * Static files from `static/`. Content-hashed files under `static/build/` are cached for a year;
 * the rest for five minutes.
 *
 * @module
 */

import { Hono } from "hono";
import type { AppEnv } from "./context.ts";

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  json: "application/json",
  webmanifest: "application/manifest+json",
  map: "application/json",
};

const ROOT = new URL("../static/", import.meta.url);

/** Serve `static/` at the mount point. */
export function staticFiles(): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/*", async (c) => {
    const rel = decodeURIComponent(new URL(c.req.url).pathname.replace(/^\/static\//, ""));
    if (!/^[A-Za-z0-9._/-]+$/.test(rel) || rel.split("/").some((p) => p === ".." || p === "")) {
      return c.notFound();
    }
    const ext = rel.split(".").pop() ?? "";
    const type = TYPES[ext];
    if (!type) return c.notFound();
    try {
      const body = await Deno.readFile(new URL(rel, ROOT));
      const immutable = rel.startsWith("build/") && /-[A-Za-z0-9]{8,}\./.test(rel);
      return c.body(body, 200, {
        "content-type": type,
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=300",
      });
    } catch {
      return c.notFound();
    }
  });
}
