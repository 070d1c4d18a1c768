import { createServer } from 'node:http';
import { createTestContext } from '@tributary/plugin-kit/conformance';
import { SourceUnavailable } from '@tributary/plugin-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cognito from '../src/index.js';
import { connectCognito } from '../src/connection.js';
import { mapCognitoError, WRONG_CREDENTIALS } from '../src/errors.js';
import { startAwsProxy, type AwsProxy } from './aws-proxy.js';
import { freePort } from '@tributary/plugin-kit/testing';

/** An AWS-shaped service exception, as the SDK raises them. */
const aws = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

const connect = (endpoint: string, timeoutMs = 2_000) =>
  connectCognito(
    cognito.config.parse({
      region: 'us-east-1',
      userPoolId: 'us-east-1_abc',
      clientId: 'client',
      accessKeyId: 'AKIA',
      secretAccessKey: 'hunter2-key',
      endpoint,
    }),
    createTestContext({ timeoutMs }),
  );
const credentials = { email: 'alice@example.com', password: 'Corr3ct-horse!' };

describe('cognito: AWS behaviour cognito-local does not reproduce', () => {
  it('maps AWS wrong-password and unknown-user answers to wrong credentials', () => {
    expect(mapCognitoError(aws('NotAuthorizedException', 'Incorrect username or password.'), 'InitiateAuth')).toBe(WRONG_CREDENTIALS);
    expect(mapCognitoError(aws('UserNotFoundException', 'User does not exist.'), 'InitiateAuth')).toBe(WRONG_CREDENTIALS);
  });

  it('maps "User is disabled." to REJECTED, not null', () => {
    expect(mapCognitoError(aws('NotAuthorizedException', 'User is disabled.'), 'InitiateAuth')).toMatchObject({ code: 'REJECTED', message: /disabled/ });
  });

  it('maps a refused SECRET_HASH and a client without USER_PASSWORD_AUTH to INVALID_CONFIG', () => {
    const hash = aws('NotAuthorizedException', 'Unable to verify secret hash for client 123abc');
    expect(mapCognitoError(hash, 'InitiateAuth')).toMatchObject({ code: 'INVALID_CONFIG', field: 'clientSecret' });
    const flow = aws('InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client');
    expect(mapCognitoError(aws('NotAuthorizedException', flow.message), 'InitiateAuth')).toMatchObject({ code: 'INVALID_CONFIG', field: 'clientId' });
  });

  it('maps throttling and lock-outs to RATE_LIMITED, 5xx to UNAVAILABLE', () => {
    expect(mapCognitoError(aws('TooManyRequestsException', 'Rate exceeded'), 'InitiateAuth')).toMatchObject({ code: 'RATE_LIMITED' });
    expect(mapCognitoError(aws('NotAuthorizedException', 'Password attempts exceeded'), 'InitiateAuth')).toMatchObject({ code: 'RATE_LIMITED' });
    expect(mapCognitoError(aws('InternalErrorException', 'oops', 500), 'InitiateAuth')).toBeInstanceOf(SourceUnavailable);
  });

  it('maps bad keys and a wrong pool to INVALID_CONFIG', () => {
    expect(mapCognitoError(aws('UnrecognizedClientException', 'The security token included in the request is invalid.'), 'x')).toMatchObject({
      code: 'INVALID_CONFIG',
    });
    expect(mapCognitoError(aws('ResourceNotFoundException', 'User pool us-east-1_abc does not exist.'), 'x')).toMatchObject({ code: 'INVALID_CONFIG' });
  });
});

describe('cognito: peer failures become SourceUnavailable, never null', () => {
  let proxy: AwsProxy;
  beforeAll(async () => {
    proxy = await startAwsProxy(`http://127.0.0.1:${await freePort()}`);
  });
  afterAll(() => proxy?.close());

  it('peer down', async () => {
    const down = connect(`http://127.0.0.1:${await freePort()}`);
    await expect(down.authenticate(credentials)).rejects.toMatchObject({ name: 'SourceUnavailable', code: 'UNAVAILABLE' });
    await expect(down.listUsers!()).rejects.toBeInstanceOf(SourceUnavailable);
  });

  it('5xx', async () => {
    proxy.fault = { status: 500, type: 'InternalErrorException', message: 'Internal error' };
    await expect(connect(proxy.endpoint).authenticate(credentials)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('throttling', async () => {
    proxy.fault = { status: 400, type: 'TooManyRequestsException', message: 'Too many requests' };
    await expect(connect(proxy.endpoint).authenticate(credentials)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('bad keys: test() explains, without the secret', async () => {
    proxy.fault = { status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    const result = await connect(proxy.endpoint).test!();
    expect(result).toMatchObject({ ok: false, details: { code: 'INVALID_CONFIG' } });
    expect(result.message).toMatch(/access key/);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      await expect(connect(endpoint, 300).authenticate(credentials)).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
