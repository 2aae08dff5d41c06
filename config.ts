/**
 * Environment configuration, validated with zod. Fails fast with a message that names the
 * variable and what it should be.
 *
 * @module
 */

import { z } from "zod";
import { PLAN_IDS, type PlanId } from "./lib/billing/plans.ts";
import { type NameServer, parseNameServer } from "./lib/branding/dns.ts";

/** Plans with Stripe prices, and their billing intervals. */
const PAID_PLANS = ["team", "business", "enterprise"] as const;
const INTERVALS = ["monthly", "yearly"] as const;
const priceVars = Object.fromEntries(
  PAID_PLANS.flatMap((p) =>
    INTERVALS.map((i) => [
      `STRIPE_PRICE_${p.toUpperCase()}_${i.toUpperCase()}`,
      z.string().regex(/^price_[A-Za-z0-9_]+$/, "a Stripe price id (price_…)").optional(),
    ])
  ),
);

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
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, "a Stripe secret key (sk_…)")
    .optional().describe("turns billing on"),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\w+$/, "a webhook signing secret (whsec_…)")
    .optional(),
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional()
    .describe("http(s)://host:port replacing Stripe's API address (tests, local servers)"),
  DEFAULT_PLAN: z.enum(PLAN_IDS).default("enterprise")
    .describe("the plan every organization has while billing is off"),
  OPERATOR_EMAILS: z.string().default("")
    .describe("comma-separated emails of the people who may see /ops"),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "an smtp:// or smtps:// URL" })
    .refine((u) => new URL(u).hostname !== "", "an smtp:// or smtps:// URL with a host")
    .optional()
    .describe("smtp(s)://user:pass@host:port: send mail over SMTP instead of the KV mailbox"),
  MAIL_FROM: z.string().trim().min(3).max(320)
    .refine(
      (v) => /^(?:[^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(v),
      "an address, e.g. ClockFlow <no-reply@example.com>",
    )
    .optional()
    .describe("the From of every mail sent over SMTP"),
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/, error: "an http(s):// URL" }).optional()
    .describe("Upstash Redis REST address: rate limits and the read cache in Redis"),
  UPSTASH_REDIS_REST_TOKEN: z.string().trim().min(1).optional()
    .describe("the Upstash Redis REST token (set together with UPSTASH_REDIS_REST_URL)"),
  QSTASH_TOKEN: z.string().trim().min(1).optional()
    .describe("Upstash QStash token: background jobs go through QStash instead of the KV queue"),
  QSTASH_CURRENT_SIGNING_KEY: z.string().trim().min(1).optional()
    .describe("QStash's current signing key (callbacks are verified with both keys)"),
  QSTASH_NEXT_SIGNING_KEY: z.string().trim().min(1).optional()
    .describe("QStash's next signing key"),
  QSTASH_URL: z.url({ protocol: /^https?$/, error: "an http(s):// URL" }).optional()
    .describe("the QStash API address (default https://qstash.upstash.io; a compatible server)"),
  KV_GROUP_COMMIT: z.enum(["on", "off"]).default("on")
    .describe("pack concurrent KV commits into one atomic operation (lib/kv/group_commit.ts)"),
  KV_MAX_CHECKS: z.coerce.number().int().min(1).max(100).optional()
    .describe("checks per atomic operation the KV backend accepts (default 100 local, 10 remote)"),
  ALLOW_PRIVATE_WEBHOOKS: z.enum(["true", "false"]).default("false")
    .describe(
      "development and tests only: let webhook and Slack URLs reach private addresses and http",
    ),
  DNS_NAMESERVER: z.string().trim()
    .refine(
      (v) => parseNameServer(v) !== null,
      "an IP address with an optional port, e.g. 127.0.0.1:5353",
    )
    .optional()
    .describe("the DNS server custom domains are verified with (default: the system's resolver)"),
  ...priceVars,
}).refine((e) => !e.QSTASH_TOKEN || (e.QSTASH_CURRENT_SIGNING_KEY && e.QSTASH_NEXT_SIGNING_KEY), {
  message: "set QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY together with QSTASH_TOKEN",
  path: ["QSTASH_CURRENT_SIGNING_KEY"],
}).refine((e) => !e.QSTASH_TOKEN || e.PUBLIC_URL, {
  message: "set PUBLIC_URL (QStash calls the jobs back there) together with QSTASH_TOKEN",
  path: ["PUBLIC_URL"],
}).refine((e) => !e.UPSTASH_REDIS_REST_URL || e.UPSTASH_REDIS_REST_TOKEN, {
  message: "set UPSTASH_REDIS_REST_TOKEN together with UPSTASH_REDIS_REST_URL",
  path: ["UPSTASH_REDIS_REST_TOKEN"],
}).refine((e) => !e.UPSTASH_REDIS_REST_TOKEN || e.UPSTASH_REDIS_REST_URL, {
  message: "set UPSTASH_REDIS_REST_URL together with UPSTASH_REDIS_REST_TOKEN",
  path: ["UPSTASH_REDIS_REST_URL"],
}).refine((e) => !e.STRIPE_SECRET_KEY || e.STRIPE_WEBHOOK_SECRET, {
  message: "set STRIPE_WEBHOOK_SECRET together with STRIPE_SECRET_KEY",
  path: ["STRIPE_WEBHOOK_SECRET"],
}).refine((e) => !e.SMTP_URL || e.MAIL_FROM, {
  message: "set MAIL_FROM (the sender address) together with SMTP_URL",
  path: ["MAIL_FROM"],
}).refine((e) => !e.MAIL_FROM || e.SMTP_URL, {
  message: "MAIL_FROM is used only with SMTP_URL: set SMTP_URL too, or unset MAIL_FROM",
  path: ["SMTP_URL"],
});

/** SMTP settings; null when mail stays in the embedded KV mailbox. */
export interface SmtpConfig {
  /** `smtp://` or `smtps://user:pass@host:port` (holds credentials: never log it). */
  url: string;
  /** The From header of every mail. */
  from: string;
}

/** Stripe settings; null when billing is off. */
export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  /** Replacement API address (`http(s)://host:port`), or null for Stripe itself. */
  apiBase: string | null;
  /** Price ids by `<plan>_<interval>`, e.g. `team_monthly`. */
  prices: Partial<Record<`${(typeof PAID_PLANS)[number]}_${(typeof INTERVALS)[number]}`, string>>;
}

/** Upstash Redis settings; null when rate limits are kept in Deno KV. */
export interface UpstashConfig {
  /** `UPSTASH_REDIS_REST_URL`. */
  url: string;
  /** `UPSTASH_REDIS_REST_TOKEN` (a secret: never log it). */
  token: string;
}

/** QStash settings; null when jobs travel through the Deno KV queue. */
export interface QStashConfig {
  /** `QSTASH_TOKEN` (a secret: never log it). */
  token: string;
  /** Both signing keys (secrets): callbacks signed with either are accepted. */
  currentSigningKey: string;
  nextSigningKey: string;
  /** `QSTASH_URL`, or null for Upstash's own. */
  baseUrl: string | null;
}

/** Validated configuration. */
export interface Config {
  port: number;
  hostname: string;
  kvPath: string;
  publicUrl: string | null;
  trustProxy: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Stripe billing, or null when `STRIPE_SECRET_KEY` is not set. */
  stripe: StripeConfig | null;
  /** The plan of every organization while billing is off. */
  defaultPlan: PlanId;
  /** Lower-cased emails allowed to see the operator view. */
  operatorEmails: string[];
  /** SMTP delivery, or null when mail is kept in the KV mailbox (`/ops/mail`). */
  smtp: SmtpConfig | null;
  /** Upstash Redis (REST) for rate limits and the read cache, or null: the embedded KV limiter and an in-process cache. */
  upstash: UpstashConfig | null;
  /** QStash for background jobs, or null: the Deno KV queue. */
  qstash: QStashConfig | null;
  /** Tenant URLs (webhooks, Slack) may reach private addresses and use http (dev and tests). */
  allowPrivateWebhooks: boolean;
  /** Group commit in `lib/kv` (on by default) and the backend's check limit, when set. */
  groupCommit: { enabled: boolean; maxChecks?: number };
  /** The name server custom domains' TXT records are looked up with; null: the system's. */
  dnsNameServer: NameServer | null;
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
    stripe: e.STRIPE_SECRET_KEY
      ? {
        secretKey: e.STRIPE_SECRET_KEY,
        webhookSecret: e.STRIPE_WEBHOOK_SECRET!,
        apiBase: e.STRIPE_API_BASE ?? null,
        prices: Object.fromEntries(
          PAID_PLANS.flatMap((p) =>
            INTERVALS.flatMap((i) => {
              const id = (e as Record<string, unknown>)[
                `STRIPE_PRICE_${p.toUpperCase()}_${i.toUpperCase()}`
              ];
              return typeof id === "string" ? [[`${p}_${i}`, id]] : [];
            })
          ),
        ),
      }
      : null,
    defaultPlan: e.DEFAULT_PLAN,
    operatorEmails: e.OPERATOR_EMAILS.split(",").map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    smtp: e.SMTP_URL && e.MAIL_FROM ? { url: e.SMTP_URL, from: e.MAIL_FROM } : null,
    upstash: e.UPSTASH_REDIS_REST_URL && e.UPSTASH_REDIS_REST_TOKEN
      ? { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN }
      : null,
    qstash: e.QSTASH_TOKEN
      ? {
        token: e.QSTASH_TOKEN,
        currentSigningKey: e.QSTASH_CURRENT_SIGNING_KEY!,
        nextSigningKey: e.QSTASH_NEXT_SIGNING_KEY!,
        baseUrl: e.QSTASH_URL ?? null,
      }
      : null,
    allowPrivateWebhooks: e.ALLOW_PRIVATE_WEBHOOKS === "true",
    groupCommit: {
      enabled: e.KV_GROUP_COMMIT === "on",
      ...(e.KV_MAX_CHECKS !== undefined ? { maxChecks: e.KV_MAX_CHECKS } : {}),
    },
    dnsNameServer: e.DNS_NAMESERVER ? parseNameServer(e.DNS_NAMESERVER) : null,
  };
}
