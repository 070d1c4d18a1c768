import { pino, type DestinationStream, type Logger } from 'pino';

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

/** `destination`: where lines go (standard output by default; tests read them back). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
