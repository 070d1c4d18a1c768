import { SourceUnavailable } from '@tributary/plugin-kit';
import { describe, expect, it } from 'vitest';
import { mapAdminError, mapSignInError } from '../src/errors.js';

/** Production answers the emulator does not produce, checked on the mapping itself. */
describe('firebase: error mapping', () => {
  const body = (message: string) => ({ error: { code: 400, message, errors: [{ message, reason: 'invalid' }] } });

  it('wrong credentials in every spelling → null', () => {
    for (const code of ['INVALID_PASSWORD', 'EMAIL_NOT_FOUND', 'INVALID_LOGIN_CREDENTIALS']) expect(mapSignInError(400, body(code), null)).toBeNull();
  });

  it('USER_DISABLED → REJECTED', () => {
    expect(mapSignInError(400, body('USER_DISABLED'), null)).toMatchObject({ code: 'REJECTED' });
  });

  it('TOO_MANY_ATTEMPTS_TRY_LATER → RATE_LIMITED, with retry-after when given', () => {
    const detail = 'TOO_MANY_ATTEMPTS_TRY_LATER : Access to this account has been temporarily disabled due to many failed login attempts.';
    expect(mapSignInError(400, body(detail), null)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: undefined });
    expect(mapSignInError(429, body('QUOTA_EXCEEDED'), '12')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 12_000 });
  });

  it('a bad Web API key → INVALID_CONFIG on apiKey; 5xx → UNAVAILABLE', () => {
    const invalidKey = { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } };
    expect(mapSignInError(400, invalidKey, null)).toMatchObject({ code: 'INVALID_CONFIG', field: 'apiKey' });
    expect(mapSignInError(503, null, null)).toBeInstanceOf(SourceUnavailable);
  });

  it('admin SDK: bad credentials → INVALID_CONFIG, network → UNAVAILABLE', () => {
    expect(mapAdminError({ code: 'app/invalid-credential', message: 'Failed to fetch a valid access token' }, 'getUser')).toMatchObject({
      code: 'INVALID_CONFIG',
    });
    expect(mapAdminError({ code: 'app/network-error', message: 'ECONNREFUSED' }, 'getUser')).toMatchObject({ code: 'UNAVAILABLE' });
    expect(mapAdminError({ code: 'auth/internal-error' }, 'getUser')).toBeInstanceOf(SourceUnavailable);
  });
});
