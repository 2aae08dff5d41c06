/**
 * The SMTP adapter of the mail port ({@linkcode MailPort}), used when `SMTP_URL` and
 * `MAIL_FROM` are set. Delivery goes through nodemailer (pinned in `deno.json`), which speaks
 * SMTP with STARTTLS (`smtp://`) or implicit TLS (`smtps://`) and AUTH PLAIN/LOGIN.
 *
 * The job id travels as the `Message-ID` (`<jobId@clockflow>`), so a redelivered job carries the
 * same id and receiving systems can drop the duplicate; SMTP itself cannot refuse a repeat.
 * Credentials in the URL are never logged: errors are rethrown with the host only.
 *
 * @module
 */

import nodemailer from "nodemailer";
import type { Mail, MailPort } from "./mail.ts";

/** Options of {@linkcode SmtpMailer}. */
export interface SmtpOptions {
  /** `smtp://` or `smtps://user:pass@host:port`. */
  url: string;
  /** The From header, e.g. `ClockFlow <no-reply@example.com>`. */
  from: string;
  /** Give up on a silent server after this long (ms). */
  timeoutMs?: number;
}

/** `smtp://user:pass@host:port` without its credentials, for messages. */
export function redactSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "(invalid SMTP_URL)";
  }
}

/**
 * Sends each mail over SMTP.
 *
 * @example
 * ```ts
 * const mailer = new SmtpMailer({ url: "smtp://user:pass@127.0.0.1:2525", from: "a@example.com" });
 * await mailer.send("01J…", { to: "b@example.com", subject: "Hi", text: "Hello" });
 * mailer.close();
 * ```
 */
export class SmtpMailer implements MailPort {
  readonly #transport: ReturnType<typeof nodemailer.createTransport>;
  readonly #from: string;
  readonly #where: string;
  readonly #secrets: string[];

  constructor(options: SmtpOptions) {
    const timeout = options.timeoutMs ?? 30_000;
    this.#transport = nodemailer.createTransport({
      url: options.url,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    this.#from = options.from;
    this.#where = redactSmtpUrl(options.url);
    const u = URL.parse(options.url);
    this.#secrets = [u?.password, u?.username].flatMap((s) => s ? [s, decodeURIComponent(s)] : []);
  }

  async send(id: string, mail: Mail): Promise<void> {
    let info;
    try {
      info = await this.#transport.sendMail({
        from: this.#from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        messageId: `<${id.replace(/[^A-Za-z0-9._-]/g, "")}@clockflow>`,
      });
    } catch (err) {
      // nodemailer's messages name the server's reply; make sure no credential rides along.
      let reason = err instanceof Error ? err.message : String(err);
      for (const secret of this.#secrets) reason = reason.replaceAll(secret, "***");
      throw new Error(`SMTP delivery to ${this.#where} failed: ${reason}`);
    }
    if (info.rejected?.length) {
      throw new Error(`SMTP server ${this.#where} rejected the recipient`);
    }
  }

  /** Close pooled connections. */
  close(): void {
    this.#transport.close();
  }
}
