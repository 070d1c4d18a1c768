import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../logger.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailerOptions {
  /** `smtp://host:port` or `smtps://user:pass@host:port` (TRIBUTARY_SMTP_URL). */
  smtpUrl: string | undefined;
  from: string;
  /** Embedded mode: without SMTP, mails are written to the log (a development setup reads its codes there). */
  embedded: boolean;
  logger: Logger;
}

/** A mail that cannot go out now; the job retries it. The message names the transport's failure only. */
export class MailNotSent extends Error {
  override readonly name = 'MailNotSent';
}

/** SMTP through nodemailer, one pooled transport per process. */
export class Mailer {
  readonly #transport: Transporter | undefined;

  constructor(private readonly options: MailerOptions) {
    this.#transport = options.smtpUrl
      ? nodemailer.createTransport({
          url: options.smtpUrl,
          pool: true,
          maxConnections: 2,
          // An unreachable server fails the delivery fast; the job retries it with backoff.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        })
      : undefined;
    if (!this.#transport) {
      if (options.embedded) options.logger.warn('TRIBUTARY_SMTP_URL is not set: mails (and the codes in them) are written to the log (embedded mode only)');
      else options.logger.warn('TRIBUTARY_SMTP_URL is not set: mails (activation, reset and sign-in codes) wait in the outbox until it is');
    }
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.#transport) {
      if (!this.options.embedded) throw new MailNotSent('no SMTP server is configured (TRIBUTARY_SMTP_URL)');
      this.options.logger.warn(
        { mail: { to: mail.to, subject: mail.subject, text: mail.text } },
        'mail not sent (no SMTP server configured): written here instead',
      );
      return;
    }
    try {
      await this.#transport.sendMail({ from: this.options.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    } catch (error) {
      // nodemailer's errors carry the server's reply, never the message: safe to record.
      const code = (error as { code?: string; responseCode?: number }).code ?? 'SMTP';
      throw new MailNotSent(`${code}: ${(error as Error).message}`, { cause: error });
    }
  }

  close(): void {
    this.#transport?.close();
  }
}
