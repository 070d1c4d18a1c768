import { SourceError, SourceUnavailable } from '@tributary/plugin-kit';

/** What an AWS SDK error looks like to us: a name, a message, maybe an HTTP status. */
interface AwsErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** Sentinel for "the credentials are wrong": authenticate turns it into null, other calls into REJECTED. */
export const WRONG_CREDENTIALS = Symbol('wrong credentials');

const CONFIG_ERRORS = new Set([
  'ResourceNotFoundException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'AccessDeniedException',
  'ExpiredTokenException',
  'InvalidUserPoolConfigurationException',
]);
const THROTTLING = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'TooManyFailedAttemptsException']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);

/**
 * Maps any error from the Cognito SDK to a SourceError, or WRONG_CREDENTIALS.
 * AWS says "wrong password" with NotAuthorizedException, cognito-local with InvalidPasswordException;
 * an unknown user is UserNotFoundException unless the pool hides it behind NotAuthorizedException.
 * Messages are ours: AWS messages never carry secrets, but we keep them out of `message` anyway.
 */
export function mapCognitoError(error: unknown, operation: string): SourceError | typeof WRONG_CREDENTIALS {
  if (error instanceof SourceError) return error;
  const aws = (error ?? {}) as AwsErrorLike;
  const name = aws.name ?? '';
  const text = aws.message ?? '';
  const status = aws.$metadata?.httpStatusCode;

  if (name === 'NotAuthorizedException') {
    // "User not authorized" is cognito-local's answer for an unknown user.
    if (/incorrect username or password|^user not authorized$/i.test(text)) return WRONG_CREDENTIALS;
    if (/user is disabled/i.test(text)) return new SourceError('REJECTED', 'the user is disabled in Cognito', { cause: error });
    if (/password attempts exceeded/i.test(text)) {
      return new SourceUnavailable('Cognito locked the user after too many failed attempts', { code: 'RATE_LIMITED', cause: error });
    }
    if (/secret hash|client secret/i.test(text)) {
      return new SourceError('INVALID_CONFIG', 'Cognito refused the SECRET_HASH: check clientSecret', { cause: error, field: 'clientSecret' });
    }
    if (/auth flow not enabled|USER_PASSWORD_AUTH/i.test(text)) {
      return new SourceError('INVALID_CONFIG', 'enable ALLOW_USER_PASSWORD_AUTH on the Cognito app client', { cause: error, field: 'clientId' });
    }
    return new SourceError('REJECTED', `Cognito refused ${operation}: ${text}`, { cause: error });
  }
  if (name === 'UserNotFoundException' || name === 'InvalidPasswordException') return WRONG_CREDENTIALS;
  if (name === 'PasswordResetRequiredException') return new SourceError('REJECTED', 'the user must reset their password in Cognito', { cause: error });
  if (name === 'UserNotConfirmedException') return new SourceError('REJECTED', 'the user has not confirmed their account in Cognito', { cause: error });
  if (name === 'UsernameExistsException') return new SourceError('REJECTED', 'a Cognito user with this email already exists', { cause: error });
  if (name === 'InvalidParameterException') return new SourceError('REJECTED', `Cognito refused ${operation}: ${text}`, { cause: error });
  if (CONFIG_ERRORS.has(name)) {
    return new SourceError('INVALID_CONFIG', `Cognito refused ${operation} (${name}): check region, userPoolId, clientId and the access key`, { cause: error });
  }
  if (THROTTLING.has(name) || aws.$retryable?.throttling || status === 429) {
    return new SourceUnavailable(`Cognito throttled ${operation}`, { code: 'RATE_LIMITED', cause: error });
  }
  if (name === 'TimeoutError' || name === 'AbortError' || aws.code === 'ETIMEDOUT' || /timed? ?out/i.test(text)) {
    return new SourceUnavailable(`Cognito did not answer ${operation} in time`, { code: 'TIMEOUT', cause: error });
  }
  if (NETWORK.has(aws.code ?? '') || NETWORK.has(name)) {
    return new SourceUnavailable(`Cognito is unreachable (${aws.code ?? name})`, { cause: error });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new SourceError('REJECTED', `Cognito refused ${operation} (${name || status})`, { cause: error });
  }
  // 5xx, InternalErrorException, unparseable answers: we cannot tell anything about the credentials.
  return new SourceUnavailable(`Cognito failed ${operation} (${name || status || 'unknown error'})`, { cause: error });
}

/** For calls where wrong credentials cannot happen: always a SourceError. */
export function toSourceError(error: unknown, operation: string): SourceError {
  const mapped = mapCognitoError(error, operation);
  return mapped === WRONG_CREDENTIALS ? new SourceError('REJECTED', `Cognito: user not found (${operation})`, { cause: error }) : mapped;
}
