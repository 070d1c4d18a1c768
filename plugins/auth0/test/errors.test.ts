import { describe, expect, it } from 'vitest';
import { mapAuth0Error, WRONG_CREDENTIALS } from '../src/errors.js';

const now = new Date('2025-01-01T00:00:00Z');
const authError = (statusCode: number, error: string, error_description: string, headers = new Headers()) =>
  Object.assign(new Error(error_description), { name: 'AuthApiError', statusCode, error, error_description, headers });

/** Answers of the real Authentication API that the fake does not play, checked on the mapping. */
describe('auth0: error mapping', () => {
  it('maps Auth0 answers to the kit codes', () => {
    expect(mapAuth0Error(authError(403, 'invalid_grant', 'Wrong email or password.'), 'x', now)).toBe(WRONG_CREDENTIALS);
    expect(mapAuth0Error(authError(403, 'mfa_required', 'Multifactor authentication required'), 'x', now)).toMatchObject({ code: 'REJECTED' });
    expect(mapAuth0Error(authError(401, 'unauthorized', 'user is blocked'), 'x', now)).toMatchObject({ code: 'REJECTED' });
    expect(mapAuth0Error(authError(403, 'invalid_grant', 'Please verify your email before logging in.'), 'x', now)).toMatchObject({ code: 'REJECTED' });
    const reset = new Headers({ 'x-ratelimit-reset': String(now.getTime() / 1000 + 5) });
    expect(mapAuth0Error(authError(429, 'too_many_requests', 'Global limit', reset), 'x', now)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 5000 });
    expect(mapAuth0Error(authError(502, 'server_error', 'Bad gateway'), 'x', now)).toMatchObject({ code: 'UNAVAILABLE' });
  });
});
