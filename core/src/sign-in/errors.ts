/** Sign-in outcomes a client sees. Messages are fixed strings: nothing about which check failed. */
export type SignInErrorCode = 'invalid_request' | 'invalid_credentials' | 'too_many_attempts' | 'source_unavailable' | 'access_denied';

const STATUS: Record<SignInErrorCode, number> = {
  invalid_request: 400,
  invalid_credentials: 401,
  too_many_attempts: 429,
  source_unavailable: 503,
  access_denied: 403,
};

export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly code: SignInErrorCode,
    message: string,
    readonly extra: { retryAfterSeconds?: number; field?: string } = {},
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const invalidCredentials = (): SignInError => new SignInError('invalid_credentials', 'the email or password is wrong');
