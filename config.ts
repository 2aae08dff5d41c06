/**
 * Environment configuration, validated with zod. Fails fast with a message that names the
 * variable and what it should be.
 *
 * @module
 */

import { z } from "zod";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOSTNAME: z.string().default("0.0.0.0"),
  KV_PATH: z.string().min(1).default("./data/clockflow.sqlite3")
    .describe("a file path, :memory:, or a KV Connect URL (https://…)"),
  PUBLIC_URL: z.url().optional()
    .describe("the address people use, e.g. https://app.example.com (sets Secure cookies)"),
  TRUST_PROXY: z.enum(["true", "false"]).default("false")
    .describe("true behind a reverse proxy that sets X-Forwarded-For / -Proto"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/** Validated configuration. */
export interface Config {
  port: number;
  hostname: string;
  kvPath: string;
  publicUrl: string | null;
  trustProxy: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
}

/**
 * Read configuration from `env` (default: the process environment).
 *
 * @throws Error listing every invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    hostname: e.HOSTNAME,
    kvPath: e.KV_PATH,
    publicUrl: e.PUBLIC_URL ?? null,
    trustProxy: e.TRUST_PROXY === "true",
    logLevel: e.LOG_LEVEL,
  };
}
