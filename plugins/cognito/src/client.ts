import { createHmac } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { SourceContext } from '@tributary/plugin-kit';
import type { CognitoConfig } from './config.js';

/** SECRET_HASH = base64(HMAC-SHA256(clientSecret, username + clientId)), required when the app client has a secret. */
export function secretHash(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

export function createCognitoClient(config: CognitoConfig, ctx: SourceContext): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // One retry at most: a sign-in waits on us, and core decides about retrying an unavailable source.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: Math.min(ctx.timeoutMs, 3_000), requestTimeout: ctx.timeoutMs, throwOnRequestTimeout: true },
    // The SDK logs nothing by default; keep it that way so request params (passwords) never reach logs.
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}
