/**
 * One error type for everything a source can report. Codes are UPPER_SNAKE and stable:
 * core maps them to HTTP statuses and GraphQL codes in one place.
 */
export type SourceErrorCode =
  /** The pool's config is rejected by the plugin's schema or by the provider (bad keys, wrong pool id). */
  | 'INVALID_CONFIG'
  /** The provider could not be reached or answered 5xx: we cannot tell whether the credentials are good. */
  | 'UNAVAILABLE'
  /** The provider timed out. */
  | 'TIMEOUT'
  /** The provider throttled us; `retryAfterMs` says for how long when it told us. */
  | 'RATE_LIMITED'
  /** The provider answered something we cannot read. */
  | 'BAD_RESPONSE'
  /** The provider refused the operation for a reason other than wrong credentials (user disabled, must change password). */
  | 'REJECTED'
  /** The plugin does not support the operation. */
  | 'UNSUPPORTED';

export interface SourceErrorOptions {
  cause?: unknown;
  retryAfterMs?: number;
  /** Config field the error is about, for INVALID_CONFIG. */
  field?: string;
}

export class SourceError extends Error {
  override readonly name: string = 'SourceError';
  readonly code: SourceErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly field: string | undefined;

  constructor(code: SourceErrorCode, message: string, options: SourceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.field = options.field;
  }

  /** True when the source could not answer: never to be read as "wrong password". */
  get unavailable(): boolean {
    return UNAVAILABLE_CODES.has(this.code);
  }
}

const UNAVAILABLE_CODES: ReadonlySet<SourceErrorCode> = new Set(['UNAVAILABLE', 'TIMEOUT', 'RATE_LIMITED', 'BAD_RESPONSE']);

/** The source cannot tell whether the credentials are good (down, slow, throttling, garbage). */
export class SourceUnavailable extends SourceError {
  override readonly name = 'SourceUnavailable';
  constructor(message: string, options: SourceErrorOptions & { code?: 'UNAVAILABLE' | 'TIMEOUT' | 'RATE_LIMITED' | 'BAD_RESPONSE' } = {}) {
    super(options.code ?? 'UNAVAILABLE', message, options);
  }
}

export function isSourceError(error: unknown): error is SourceError {
  return error instanceof SourceError;
}
