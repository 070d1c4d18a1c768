import { SourceError, SourceUnavailable } from '@tributary/plugin-kit';

interface HttpErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  error?: string;
  error_description?: string;
  body?: unknown;
  headers?: Headers;
  rawResponse?: { headers?: Headers };
  cause?: unknown;
}

/** Wrong credentials, for authenticate to turn into null. */
export const WRONG_CREDENTIALS = Symbol('wrong credentials');

/** Auth0 says when to come back in retry-after (seconds) or x-ratelimit-reset (epoch seconds). */
export function retryAfterMs(headers: Headers | undefined, now: Date): number | undefined {
  const after = Number(headers?.get('retry-after'));
  if (Number.isFinite(after) && after > 0) return after * 1000;
  const reset = Number(headers?.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now.getTime());
  return undefined;
}

/** A SourceError already made by ctx.fetch, possibly wrapped by the SDK. */
function innerSourceError(error: unknown): SourceError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof SourceError) return current;
    current = (current as HttpErrorLike).cause;
  }
  return undefined;
}

/**
 * Maps errors from both SDK halves: AuthApiError (`error`, `error_description`, `statusCode`) from the
 * Authentication API and ManagementError (`statusCode`, `body.errorCode`) from the Management API.
 */
export function mapAuth0Error(error: unknown, operation: string, now: Date): SourceError | typeof WRONG_CREDENTIALS {
  const inner = innerSourceError(error);
  if (inner) return inner;
  const e = (error ?? {}) as HttpErrorLike;
  const body = (e.body && typeof e.body === 'object' ? e.body : {}) as { errorCode?: string; error?: string };
  const code = e.error ?? body.errorCode ?? body.error ?? '';
  const description = e.error_description ?? '';
  const status = e.statusCode;
  const headers = e.headers ?? e.rawResponse?.headers;
  const cause = { cause: error };

  if (code === 'invalid_grant' && /wrong (email|username) or password/i.test(description)) return WRONG_CREDENTIALS;
  if (/blocked/i.test(description) && code !== 'too_many_attempts') return new SourceError('REJECTED', 'the user is blocked in Auth0', cause);
  if (code === 'too_many_attempts' || status === 429) {
    const wait = retryAfterMs(headers, now);
    return new SourceUnavailable(`Auth0 throttled ${operation}`, { ...cause, code: 'RATE_LIMITED', ...(wait === undefined ? {} : { retryAfterMs: wait }) });
  }
  if (code === 'mfa_required') return new SourceError('REJECTED', 'the user must complete multi-factor authentication in Auth0', cause);
  if (code === 'invalid_grant' && /verify your email/i.test(description))
    return new SourceError('REJECTED', 'the user must verify their email in Auth0', cause);
  if (code === 'invalid_grant' && /password.*(expired|reset)/i.test(description))
    return new SourceError('REJECTED', 'the user must reset their password in Auth0', cause);
  if (code === 'unauthorized_client') {
    return new SourceError('INVALID_CONFIG', 'enable the Password grant type on the Auth0 application (Advanced Settings → Grant Types)', {
      ...cause,
      field: 'clientId',
    });
  }
  if (code === 'access_denied' || code === 'invalid_client' || status === 401) {
    return new SourceError('INVALID_CONFIG', `Auth0 refused the application credentials for ${operation}: check clientId and clientSecret`, {
      ...cause,
      field: 'clientSecret',
    });
  }
  if (code === 'insufficient_scope' || status === 403) {
    return new SourceError(
      'INVALID_CONFIG',
      `Auth0 refused ${operation}: authorize the application for the Management API with read:users and read:roles`,
      cause,
    );
  }
  if (code === 'inexistent_user' || status === 404) return new SourceError('REJECTED', `Auth0: no such user (${operation})`, cause);
  if (e.name === 'ManagementTimeoutError' || e.name === 'TimeoutError' || /timeout|timed out/i.test(e.message ?? '')) {
    return new SourceUnavailable(`Auth0 did not answer ${operation} in time`, { ...cause, code: 'TIMEOUT' });
  }
  if (status !== undefined && status >= 400 && status < 500) return new SourceError('REJECTED', `Auth0 refused ${operation} (${code || status})`, cause);
  return new SourceUnavailable(`Auth0 failed ${operation} (${code || status || 'unreachable'})`, cause);
}

export function toSourceError(error: unknown, operation: string, now: Date): SourceError {
  const mapped = mapAuth0Error(error, operation, now);
  return mapped === WRONG_CREDENTIALS ? new SourceError('REJECTED', `Auth0 refused ${operation}`, { cause: error }) : mapped;
}
