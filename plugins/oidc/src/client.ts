import type { SourceContext } from '@tributary/plugin-kit';
import * as client from 'openid-client';
import type { OidcConfig } from './config.js';
import { mapOidcError } from './errors.js';

/**
 * The IdP's metadata and client settings, from its discovery document. Discovery is lazy and retried
 * after a failure: an IdP that is down at start must not break the pool for good.
 */
export function createOidcClient(config: OidcConfig, ctx: SourceContext): () => Promise<client.Configuration> {
  let discovered: Promise<client.Configuration> | undefined;
  return () => {
    discovered ??= client
      .discovery(new URL(config.issuer), config.clientId, undefined, client.ClientSecretPost(config.clientSecret), {
        execute: config.allowInsecureRequests ? [client.allowInsecureRequests] : [],
        timeout: Math.ceil(ctx.timeoutMs / 1000),
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw mapOidcError(error, 'reading its discovery document');
      });
    return discovered;
  };
}
