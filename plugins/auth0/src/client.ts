import { ManagementClient } from 'auth0';
import { AuthenticationClient } from 'auth0/legacy';
import type { SourceContext } from '@tributary/plugin-kit';
import type { Auth0Config } from './config.js';

export interface Auth0Clients {
  /** Authentication API: the password (or password-realm) grant. auth0 v5+ keeps it only in `auth0/legacy`. */
  authentication: AuthenticationClient;
  /** Management API: users and roles, with a client_credentials token the SDK fetches and caches. */
  management: ManagementClient;
}

export function createAuth0Clients(config: Auth0Config, ctx: SourceContext): Auth0Clients {
  const authentication = new AuthenticationClient({
    domain: config.domain,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    fetch: ctx.fetch,
    timeoutDuration: ctx.timeoutMs,
    // A sign-in is waiting: core decides whether to retry an unavailable source, not the SDK.
    retry: { enabled: false },
    telemetry: false,
  });
  const management = new ManagementClient({
    domain: config.domain,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    fetch: ctx.fetch,
    timeoutInSeconds: Math.max(1, Math.ceil(ctx.timeoutMs / 1000)),
    maxRetries: 0,
    telemetry: false,
  });
  return { authentication, management };
}

/** The payload of an ID token the SDK has already verified (signature, iss, aud, exp). */
export function idTokenClaims(idToken: string): Record<string, unknown> {
  const payload = idToken.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
