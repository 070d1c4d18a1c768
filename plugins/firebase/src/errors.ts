import { SourceError, SourceUnavailable } from '@tributary/plugin-kit';

/** Identity Toolkit answers `{ error: { message: "CODE : detail" } }`; these mean "wrong credentials". */
const WRONG_CREDENTIALS = new Set(['INVALID_PASSWORD', 'EMAIL_NOT_FOUND', 'INVALID_LOGIN_CREDENTIALS', 'INVALID_EMAIL', 'MISSING_PASSWORD']);

/** null = wrong credentials; otherwise the error to throw. */
export function mapSignInError(status: number, body: unknown, retryAfter: string | null): SourceError | null {
  const raw = (body as { error?: { message?: unknown } } | null)?.error?.message;
  const code = typeof raw === 'string' ? (raw.split(' : ')[0] ?? '').trim() : '';
  if (WRONG_CREDENTIALS.has(code)) return null;
  if (code === 'USER_DISABLED') return new SourceError('REJECTED', 'the user is disabled in Firebase');
  if (code === 'TOO_MANY_ATTEMPTS_TRY_LATER' || status === 429) {
    const seconds = Number(retryAfter);
    return new SourceUnavailable('Firebase is throttling sign-ins for this account', {
      code: 'RATE_LIMITED',
      ...(Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}),
    });
  }
  if (/API key not valid|API_KEY_INVALID/i.test(JSON.stringify(body ?? ''))) {
    return new SourceError('INVALID_CONFIG', 'Firebase refused the Web API key: check apiKey', { field: 'apiKey' });
  }
  if (code === 'OPERATION_NOT_ALLOWED' || code === 'PASSWORD_LOGIN_DISABLED') {
    return new SourceError('INVALID_CONFIG', 'enable the Email/Password provider in Firebase Authentication');
  }
  if (status >= 500) return new SourceUnavailable(`Firebase answered ${status}`);
  return new SourceUnavailable(`Firebase answered ${status} ${code || 'without an error code'}`, { code: 'BAD_RESPONSE' });
}

interface FirebaseErrorLike {
  code?: string;
  message?: string;
  name?: string;
}

/** Errors from firebase-admin. `auth/user-not-found` is handled by callers: its meaning depends on the call. */
export function mapAdminError(error: unknown, operation: string): SourceError {
  if (error instanceof SourceError) return error;
  const { code = '' } = (error ?? {}) as FirebaseErrorLike;
  const cause = { cause: error };
  if (code === 'auth/user-not-found') return new SourceError('REJECTED', `Firebase: no such user (${operation})`, cause);
  if (/invalid-credential|insufficient-permission|project-not-found|invalid-project-id/.test(code)) {
    return new SourceError('INVALID_CONFIG', `Firebase refused ${operation} (${code}): check serviceAccount and projectId`, {
      ...cause,
      field: 'serviceAccount',
    });
  }
  if (/too-many-requests|quota-exceeded/.test(code)) return new SourceUnavailable(`Firebase throttled ${operation}`, { ...cause, code: 'RATE_LIMITED' });
  if (code === 'app/network-timeout') return new SourceUnavailable(`Firebase did not answer ${operation} in time`, { ...cause, code: 'TIMEOUT' });
  if (/email-already-exists|invalid-|claims-too-large|reserved-claims|uid-already-exists/.test(code)) {
    return new SourceError('REJECTED', `Firebase refused ${operation} (${code})`, cause);
  }
  // network errors, internal-error, unknown: we cannot tell anything.
  return new SourceUnavailable(`Firebase failed ${operation} (${code || 'unknown error'})`, cause);
}
