/**
 * Helpers of the invitation tests: reading the mailed link from the test app's mailbox.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { TestApp } from "../helpers.ts";
import type { KvMailbox } from "../../lib/mail/mail.ts";

/** The newest invitation mail to `email` (fails when there is none). */
export async function latestInvitationMail(app: TestApp, email: string) {
  const mails = await (app.deps.mailer as KvMailbox).list();
  const mail = mails.find((m) => m.to === email.toLowerCase() && /\/invitations\//.test(m.text));
  assert.ok(mail, `an invitation mail to ${email}`);
  return mail;
}

/** The token of the newest invitation link mailed to `email`. */
export async function latestInvitationToken(app: TestApp, email: string): Promise<string> {
  const mail = await latestInvitationMail(app, email);
  const token = mail.text.match(/\/invitations\/([A-Za-z0-9_-]+)/)?.[1];
  assert.ok(token, `a link in ${mail.text}`);
  return token;
}
