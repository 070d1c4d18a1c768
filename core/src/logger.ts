import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear: a secret must never reach a log line. */
const REDACT = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  '*.clientSecret',
  '*.secretAccessKey',
  '*.serviceAccount',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'config',
  '*.config',
  'refresh_token',
  '*.refresh_token',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } });
}
