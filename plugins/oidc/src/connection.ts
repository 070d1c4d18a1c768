import type { FederationConnection, SourceContext } from '@tributary/plugin-kit';
import * as client from 'openid-client';
import { createOidcClient } from './client.js';
import type { OidcConfig } from './config.js';
import { mapOidcError } from './errors.js';
import { mapIdentity } from './map-identity.js';

export function connectOidc(config: OidcConfig, ctx: SourceContext): FederationConnection {
  const configuration = createOidcClient(config, ctx);
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
        return mapIdentity(claims, config);
      } catch (error) {
        throw mapOidcError(error, 'completing the sign-in');
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
        return { ok: false, message: mapOidcError(error, 'testing the connection').message };
      }
    },
  };
}
