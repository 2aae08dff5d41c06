/**
 * The mail port. Use cases never send mail themselves: they add a `send_mail` job to the commit
 * of the change that causes it (`lib/jobs/outbox.ts`), and the job hands the mail to this port.
 *
 * - {@linkcode KvMailbox} (no `SMTP_URL`): keeps every mail in KV (`["mail", id]`, listed for
 *   operators at `/ops/mail`) and writes one line `MAIL {json}` to standard output.
 *
 * Sending is idempotent by the job id: a redelivered job keeps the same mail id.
 *
 * @module
 */

import { globalKeys, type Store } from "../kv/mod.ts";

/** One mail to one address. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra header fields (`List-Unsubscribe`, …): single-line values. */
  headers?: Record<string, string>;
}

/** A mail as kept by the embedded port. */
export interface StoredMail extends Mail {
  id: string;
  sentAt: number;
}

/** Where mail goes. */
export interface MailPort {
  /** Send `mail` once under `id` (a repeated id sends nothing new where the port can tell). */
  send(id: string, mail: Mail): Promise<void>;
}

/** How long the embedded port keeps mail. */
export const MAILBOX_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * The embedded mail port: mail is stored in KV and printed as `MAIL {json}`.
 *
 * @example
 * ```ts
 * const mailer = new KvMailbox(store, Date.now);
 * await mailer.send("01J…", { to: "a@example.com", subject: "Hi", text: "Hello" });
 * ```
 */
export class KvMailbox implements MailPort {
  constructor(
    readonly store: Store,
    readonly now: () => number,
    readonly log: (line: string) => void = console.log,
  ) {}

  async send(id: string, mail: Mail): Promise<void> {
    const stored: StoredMail = { id, ...mail, sentAt: this.now() };
    const first = await this.store.atomic().check(globalKeys.mail(id), null)
      .set(globalKeys.mail(id), stored, { expireIn: MAILBOX_TTL_MS }).commit();
    if (first) this.log(`MAIL ${JSON.stringify(mail)}`);
  }

  /** The newest mail first (at most `limit`). */
  async list(limit = 100): Promise<StoredMail[]> {
    const out: StoredMail[] = [];
    for await (
      const e of this.store.list<StoredMail>(globalKeys.mail(), { reverse: true, limit })
    ) {
      out.push(e.value);
    }
    return out;
  }
}
