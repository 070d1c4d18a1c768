import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { Mailer, MailNotSent } from './mailer.js';
import { renderMail } from './templates.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

const mail = { to: 'ann@example.com', ...renderMail('activation', { code: '424242', email: 'ann@example.com', expiresInMinutes: 10 }) };

describe('Mailer without SMTP', () => {
  it('in embedded mode writes the mail (code included) to the log, with a warning', async () => {
    const { lines, logger } = capture();
    await new Mailer({ smtpUrl: undefined, from: 'x@example.com', embedded: true, logger }).send(mail);
    expect(lines.join('')).toContain('424242');
    expect(lines.some((line) => line.includes('"level":40'))).toBe(true);
  });

  it('otherwise refuses to send (the job retries) and never logs the code', async () => {
    const { lines, logger } = capture();
    const mailer = new Mailer({ smtpUrl: undefined, from: 'x@example.com', embedded: false, logger });
    await expect(mailer.send(mail)).rejects.toBeInstanceOf(MailNotSent);
    expect(lines.join('')).not.toContain('424242');
  });
});
