import { definePoolSource, SourceError, SourceUnavailable, type FederationConnection } from '@tributary/plugin-kit';
import * as client from 'openid-client';
import { OidcConfig } from './config.js';
import { identityFromClaims } from './identity.js';

/** Network and 5xx trouble means "cannot tell", never a refusal. */
function mapError(error: unknown, doing: string): SourceError {
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

export default definePoolSource({
  key: 'oidc',
  displayName: 'OpenID Connect',
  type: 'IDP_FEDERATION',
  config: OidcConfig,
  async connect(config, ctx): Promise<FederationConnection> {
    let discovered: Promise<client.Configuration> | undefined;
    // Discovery is lazy and retried after a failure: an IdP that is down at start must not break the pool for good.
    const configuration = () => {
      discovered ??= client
        .discovery(new URL(config.issuer), config.clientId, undefined, client.ClientSecretPost(config.clientSecret), {
          execute: config.allowInsecureRequests ? [client.allowInsecureRequests] : [],
          timeout: Math.ceil(ctx.timeoutMs / 1000),
        })
        .catch((error: unknown) => {
          discovered = undefined;
          throw mapError(error, 'reading its discovery document');
        });
      return discovered;
    };
    return {
      async authorizationUrl({ redirectUri, state, nonce, codeChallenge }) {
        return client.buildAuthorizationUrl(await configuration(), {
          redirect_uri: redirectUri,
          scope: config.scopes.join(' '),
          state,
          nonce,
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        });
      },
      async handleCallback({ url, state, nonce, codeVerifier }) {
        const oidc = await configuration();
        try {
          const tokens = await client.authorizationCodeGrant(oidc, url, {
            pkceCodeVerifier: codeVerifier,
            expectedState: state,
            expectedNonce: nonce,
            idTokenExpected: true,
          });
          let claims: Record<string, unknown> = { ...tokens.claims() };
          if (config.useUserinfo && oidc.serverMetadata().userinfo_endpoint) {
            const userinfo = await client.fetchUserInfo(oidc, tokens.access_token, claims.sub as string);
            claims = { ...userinfo, ...claims, email_verified: claims.email_verified ?? userinfo.email_verified };
          }
          return identityFromClaims(claims, config);
        } catch (error) {
          throw mapError(error, 'completing the sign-in');
        }
      },
      async test() {
        try {
          const metadata = (await configuration()).serverMetadata();
          return {
            ok: true,
            message: `discovered ${metadata.issuer}`,
            details: { authorizationEndpoint: metadata.authorization_endpoint, userinfo: Boolean(metadata.userinfo_endpoint) },
          };
        } catch (error) {
          return { ok: false, message: mapError(error, 'testing the connection').message };
        }
      },
    };
  },
});
