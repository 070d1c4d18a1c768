import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Inbox {
  /** `smtp://127.0.0.1:<port>`, for TRIBUTARY_SMTP_URL (the port survives stop() and start()). */
  url: string;
  mails: ParsedMail[];
  /** The first mail (received already or within `timeoutMs`) to `to` that `match` accepts. */
  next(to: string, options?: { match?: (mail: ParsedMail) => boolean; timeoutMs?: number; after?: number }): Promise<ParsedMail>;
  /** Mails to `to` received so far. */
  to(to: string): ParsedMail[];
  /** An outage: the port stops answering until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The 6-digit code in a mail's plain-text body. */
export function codeIn(mail: ParsedMail): string {
  const code = /\b(\d{6})\b/.exec(mail.text ?? '')?.[1];
  if (!code) throw new Error(`no code in mail "${mail.subject}": ${mail.text}`);
  return code;
}

const recipients = (mail: ParsedMail): string[] =>
  (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((address) => address.value.map((entry) => (entry.address ?? '').toLowerCase()));

/** A real SMTP server in-process (smtp-server), parsing what it receives with mailparser. */
export async function startSmtp(): Promise<Inbox> {
  const mails: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let port = 0;
  let server: SMTPServer | undefined;

  const listen = async (): Promise<void> => {
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            mails.push(mail);
            for (const wake of waiters) wake();
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(port, '127.0.0.1', () => resolve());
    });
    port = (smtp.server.address() as AddressInfo).port;
    server = smtp;
  };
  const close = async (): Promise<void> => {
    const running = server;
    server = undefined;
    if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
  };
  await listen();

  const to = (address: string) => mails.filter((mail) => recipients(mail).includes(address.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    to,
    async next(address, { match = () => true, timeoutMs = 30_000, after = 0 } = {}) {
      const found = () => to(address).slice(after).find(match);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = found();
        if (mail) return mail;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no mail to ${address} within ${timeoutMs} ms (inbox: ${mails.map((m) => `${recipients(m)}: ${m.subject}`).join('; ')})`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
    stop: close,
    start: listen,
    close,
  };
}
