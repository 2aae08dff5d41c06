/**
 * Helpers of the identity tests: reading the mail the app sent (the embedded KV mailbox of the
 * test app) and following the links in it, and clients that come from a given address (through
 * a trusted proxy's `X-Forwarded-For`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import type { KvMailbox, StoredMail } from "../../lib/mail/mail.ts";
import { Client, type TestApp } from "../helpers.ts";
import { PASSWORD, uniqueEmail } from "./support.ts";

/** Every mail sent to `to`, newest first. */
export async function mailsTo(app: TestApp, to: string): Promise<StoredMail[]> {
  const all = await (app.deps.mailer as KvMailbox).list(1000);
  return all.filter((m) => m.to === to.toLowerCase());
}

/** The newest mail to `to` (fails when there is none). */
export async function lastMailTo(app: TestApp, to: string): Promise<StoredMail> {
  const [mail] = await mailsTo(app, to);
  assert.ok(mail, `a mail was sent to ${to}`);
  return mail;
}

/**
 * The path of the link in `mail` whose path starts with `prefix` (e.g. `/verify-email/`), and
 * the origin it points to.
 */
export function linkIn(mail: StoredMail, prefix: string): { origin: string; path: string } {
  const match = new RegExp(`(https?://[^/\\s]+)(${prefix}[A-Za-z0-9_-]+)`).exec(mail.text);
  assert.ok(match, `a ${prefix} link in: ${mail.text}`);
  return { origin: match[1], path: match[2] };
}

/** The token at the end of a mailed link's path. */
export function tokenOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Configuration of an app behind a trusted proxy (the client address comes from it). */
export function behindProxy(extra: Record<string, string> = {}) {
  return loadConfig({ KV_PATH: ":memory:", TRUST_PROXY: "true", ...extra });
}

/** Headers of a request the trusted proxy forwarded from `ip` (the client claimed `claimed`). */
export function fromIp(ip: string, claimed = "192.0.2.77"): Record<string, string> {
  return { "x-forwarded-for": `${claimed}, ${ip}` };
}

/** Sign up through the API; returns the signed-in client and the account's email. */
export async function signUpPerson(app: TestApp, headers: Record<string, string> = {}) {
  const client = new Client(app);
  const email = uniqueEmail("person");
  const res = await client.json("POST", "/api/v1/signup", {
    organization: { name: "Person Co", timeZone: "UTC" },
    user: { name: "Pat Person", email, password: PASSWORD },
  }, headers);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return {
    client,
    email,
    userId: res.body.user.id as string,
    orgId: res.body.organization.id as string,
  };
}

/** A sign-in attempt from a fresh client. */
export function signIn(
  app: TestApp,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) {
  return new Client(app).json("POST", "/api/v1/session", { email, password }, headers);
}
