import { AsyncLocalStorage } from 'node:async_hooks';
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
  'passwordHash',
  '*.passwordHash',
  '*.passwordHashConfig',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'config',
  '*.config',
  'refresh_token',
  '*.refresh_token',
];

/** The HTTP request being served (http/request-id.ts enters it), so its log lines can say which one. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/**
 * `destination`: where lines go (standard output by default; tests read them back). A line written
 * while serving a request carries its `requestId`, whichever logger or child wrote it: services keep
 * the one logger they were given and need not pass a per-request one along.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      mixin: () => {
        const request = requestContext.getStore();
        return request ? { requestId: request.requestId } : {};
      },
    },
    destination,
  );
}
