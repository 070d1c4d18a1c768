/**
 * The errors of the end-user HTTP API (sign-in, tokens, federation), one family in the manner of
 * OAuth (RFC 6749 §5.2) and panva's oidc-provider: each carries its HTTP status, its `error` code,
 * a public description (written for the end user: it never says which check failed or who exists),
 * typed details for the audit log only, and the original as `cause`. Routes and services throw them;
 * `http/error-handler.ts` is the one place that renders them, as JSON or as a redirect to the app.
 */
export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'access_denied'
  | 'too_many_attempts'
  | 'source_unavailable'
  | 'temporarily_unavailable'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'request_too_large'
  | 'not_found'
  | 'weak_password'
  | 'invalid_payload'
  | 'registration_closed'
  | 'invalid_code'
  | 'invalid_token';

export interface ApiErrorOptions {
  /** For the audit log and server logs; never sent to the client. */
  details?: Record<string, unknown>;
  /** Sent as Retry-After. */
  retryAfterSeconds?: number;
  /** Extra members of the JSON answer, for the client (e.g. the failing `path` of a payload): never a secret. */
  publicDetails?: Record<string, unknown>;
  cause?: unknown;
}

export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly code: ApiErrorCode;
  readonly details: Record<string, unknown>;
  readonly retryAfterSeconds: number | undefined;
  readonly publicDetails: Record<string, unknown>;

  constructor(description: string, options: ApiErrorOptions = {}) {
    super(description, { cause: options.cause });
    this.details = options.details ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.publicDetails = options.publicDetails ?? {};
  }
}

export class InvalidRequest extends ApiError {
  override readonly name = 'InvalidRequest';
  readonly status = 400;
  readonly code = 'invalid_request';
}

export class InvalidCredentials extends ApiError {
  override readonly name = 'InvalidCredentials';
  readonly status = 401;
  readonly code = 'invalid_credentials';
  /** One fixed sentence for every reason, so the answer says nothing about which check failed. */
  constructor(options: ApiErrorOptions = {}) {
    super('the email or password is wrong', options);
  }
}

export class AccessDenied extends ApiError {
  override readonly name = 'AccessDenied';
  readonly status = 403;
  readonly code = 'access_denied';
}

export class TooManyAttempts extends ApiError {
  override readonly name = 'TooManyAttempts';
  readonly status = 429;
  readonly code = 'too_many_attempts';
}

/** An identity source (or a script standing in for one) could not answer: nothing was decided. */
export class SourceUnavailable extends ApiError {
  override readonly name = 'SourceUnavailable';
  readonly status = 503;
  readonly code = 'source_unavailable';
}

/** The OAuth name of a passing failure, for redirects back to an app (RFC 6749 §4.1.2.1). */
export class TemporarilyUnavailable extends ApiError {
  override readonly name = 'TemporarilyUnavailable';
  readonly status = 503;
  readonly code = 'temporarily_unavailable';
}

export class InvalidGrant extends ApiError {
  override readonly name = 'InvalidGrant';
  readonly status = 400;
  readonly code = 'invalid_grant';
}

export class UnsupportedGrantType extends ApiError {
  override readonly name = 'UnsupportedGrantType';
  readonly status = 400;
  readonly code = 'unsupported_grant_type';
}

/** A request body the server cannot read (charset, content-encoding, too many parameters), with the parser's own 4xx. */
export class UnreadableBody extends ApiError {
  override readonly name = 'UnreadableBody';
  readonly code = 'invalid_request';
  constructor(
    readonly status: number,
    description: string,
    options: ApiErrorOptions = {},
  ) {
    super(description, options);
  }
}

export class RequestTooLarge extends ApiError {
  override readonly name = 'RequestTooLarge';
  readonly status = 413;
  readonly code = 'request_too_large';
}

export class NotFound extends ApiError {
  override readonly name = 'NotFound';
  readonly status = 404;
  readonly code = 'not_found';
}

/** A new password the policy refuses (passwords/policy.ts); the description says what to change. */
export class WeakPassword extends ApiError {
  override readonly name = 'WeakPassword';
  readonly status = 400;
  readonly code = 'weak_password';
}

/** A registration payload the pool's payload schema refuses; `path` (public) names the failing member. */
export class InvalidPayload extends ApiError {
  override readonly name = 'InvalidPayload';
  readonly status = 400;
  readonly code = 'invalid_payload';
}

export class RegistrationClosed extends ApiError {
  override readonly name = 'RegistrationClosed';
  readonly status = 403;
  readonly code = 'registration_closed';
}

/** A one-time code that is wrong, expired, spent or out of attempts: one answer for all (details say which). */
export class InvalidCode extends ApiError {
  override readonly name = 'InvalidCode';
  readonly status = 400;
  readonly code = 'invalid_code';
  constructor(options: ApiErrorOptions = {}) {
    super('the code is wrong or expired; ask for a new one', options);
  }
}

/** RFC 6750 §3.1: a bearer access token that is missing, forged, expired, or whose session has ended. */
export class InvalidToken extends ApiError {
  override readonly name = 'InvalidToken';
  readonly status = 401;
  readonly code = 'invalid_token';
}
