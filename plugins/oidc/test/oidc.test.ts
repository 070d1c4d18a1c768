import { createHash, randomBytes } from 'node:crypto';
import { createTestContext, runFederationConformance } from '@tributary/plugin-kit/conformance';
import { freePort } from '@tributary/plugin-kit/testing';
import { validateConfig, type FederationConnection } from '@tributary/plugin-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import oidc from '../src/index.js';
import { connectOidc } from '../src/connection.js';
import { browse, startOidcPeer, type OidcPeer } from './oidc-peer.js';

/** Nobody listens there: the headless browser stops at the redirect and hands its URL to the plugin. */
const CALLBACK = 'http://127.0.0.1:9/auth/federation/callback';
let idp: OidcPeer;
let unreachable: string;

const configFor = (overrides: Record<string, unknown> = {}) => ({
  issuer: idp.issuer,
  clientId: idp.clientId,
  clientSecret: idp.clientSecret,
  scopes: ['openid', 'email', 'profile', 'tenant', 'roles'],
  tenantIdFieldName: 'tenantId',
  rolesClaim: 'roles',
  allowInsecureRequests: true,
  ...overrides,
});
const connect = (overrides: Record<string, unknown> = {}): FederationConnection => connectOidc(oidc.config.parse(configFor(overrides)), createTestContext());

/** One flow as core runs it: the IdP's pages for `login`, then the callback. */
async function signIn(connection: FederationConnection, login: string) {
  const verifier = randomBytes(32).toString('base64url');
  const flow = { redirectUri: CALLBACK, state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex'), codeVerifier: verifier };
  const start = await connection.authorizationUrl({ ...flow, codeChallenge: createHash('sha256').update(verifier).digest('base64url') });
  return connection.handleCallback({ ...flow, url: await browse(start.toString(), { login, stopAt: CALLBACK }) });
}

beforeAll(async () => {
  idp = await startOidcPeer(CALLBACK);
  idp.accounts.set('alice', { email: 'Alice@Corp.test', email_verified: true, name: 'Alice', tenantId: 'corp', roles: ['staff', 'admin'] });
  unreachable = `http://127.0.0.1:${await freePort()}`;
});
afterAll(() => idp?.close());

runFederationConformance({
  source: oidc,
  config: () => configFor(),
  unreachableConfig: () => configFor({ issuer: unreachable }),
  redirectUri: CALLBACK,
  signIn: (url) => browse(url.toString(), { login: 'alice', stopAt: CALLBACK }),
  expectedEmail: 'alice@corp.test',
  runner: { describe, it, beforeAll, afterAll },
});

describe('oidc: identity', () => {
  it('maps sub, email, tenant claim, roles claim and the attribute mapping', async () => {
    expect(await signIn(connect(), 'alice')).toEqual({
      externalId: 'alice',
      email: 'Alice@Corp.test',
      emailVerified: true,
      profile: { name: 'Alice' },
      tenantId: 'corp',
      roles: ['staff', 'admin'],
    });
  });

  it('follows a custom attribute mapping and leaves tenant and roles out when not configured', async () => {
    const identity = await signIn(connect({ attributeMapping: { name: 'displayName' }, tenantIdFieldName: undefined, rolesClaim: undefined }), 'alice');
    expect(identity).toEqual({ externalId: 'alice', email: 'Alice@Corp.test', emailVerified: true, profile: { displayName: 'Alice' } });
  });

  it('an account without email is REJECTED with what to fix', async () => {
    idp.accounts.set('no-mail', { email: undefined as unknown as string });
    await expect(signIn(connect(), 'no-mail')).rejects.toMatchObject({ code: 'REJECTED', message: expect.stringContaining('"email" scope') });
  });
});

describe('oidc: config and test()', () => {
  it('names the field in config errors; clientSecret is the secret, issuer and allowInsecureRequests the destinations', () => {
    const result = validateConfig(oidc, { issuer: 'not a url', clientId: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path).sort()).toEqual(['clientId', 'clientSecret', 'issuer']);
    expect(oidc.secretFields).toEqual(['clientSecret']);
    expect(oidc.destinationFields).toEqual(['issuer', 'allowInsecureRequests']);
  });

  it('test() reports the issuer, and an unreachable one without throwing', async () => {
    expect(await connect().test!()).toMatchObject({ ok: true, message: `discovered ${idp.issuer}`, details: { userinfo: true } });
    expect(await connect({ issuer: unreachable }).test!()).toMatchObject({ ok: false, message: expect.stringContaining('could not be reached') });
  });

  it('a wrong client secret is REJECTED at the code exchange, without quoting it', async () => {
    const outcome = await signIn(connect({ clientSecret: 'wrong-client-secret' }), 'alice').catch((error: unknown) => error);
    expect(outcome).toMatchObject({ code: 'REJECTED', message: expect.stringContaining('invalid_client') });
    expect(String((outcome as Error).message)).not.toContain('wrong-client-secret');
  });
});
