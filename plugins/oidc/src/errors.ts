import { SourceError, SourceUnavailable } from '@tributary/plugin-kit';
import * as client from 'openid-client';

/**
 * Maps openid-client errors: an IdP `error=...`, a refused grant or an answer that fails validation is
 * REJECTED; network trouble, timeouts and 5xx mean "cannot tell", never a refusal.
 */
export function mapOidcError(error: unknown, doing: string): SourceError {
  if (error instanceof SourceError) return error;
  if (error instanceof client.AuthorizationResponseError) {
    return new SourceError('REJECTED', `the identity provider answered ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`);
  }
  if (error instanceof client.ResponseBodyError) {
    if (error.status >= 500) return new SourceUnavailable(`the identity provider failed while ${doing} (${error.status})`, { cause: error });
    return new SourceError('REJECTED', `the identity provider refused ${doing}: ${error.error}`, { cause: error });
  }
  const code = (error as { code?: string }).code;
  if (error instanceof client.ClientError && code !== 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return new SourceError('REJECTED', `the identity provider's answer failed validation while ${doing}: ${(error as Error).message}`, { cause: error });
  }
  const name = (error as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new SourceUnavailable(`the identity provider did not answer while ${doing}`, { code: 'TIMEOUT', cause: error });
  return new SourceUnavailable(`the identity provider could not be reached while ${doing}`, { cause: error });
}
