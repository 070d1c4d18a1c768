import { createTestContext, runSourceConformance } from '@tributary/plugin-kit/conformance';
import { freePort } from '@tributary/plugin-kit/testing';
import { validateConfig, type ExternalConnection } from '@tributary/plugin-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import cognito from '../src/index.js';
import { connectCognito } from '../src/connection.js';
import { secretHash } from '../src/client.js';
import { startAwsProxy, type AwsProxy } from './aws-proxy.js';
import { startCognitoLocal, type CognitoLocal } from './cognito-local.js';
import { createFixture, createUser, PASSWORD, setGroups, type Fixture } from './setup.js';

let peer: CognitoLocal;
let proxy: AwsProxy;
let fixture: Fixture;
let source: ExternalConnection;

const configFor = (overrides: Record<string, unknown> = {}) => ({
  region: 'us-east-1',
  userPoolId: fixture.poolId,
  clientId: fixture.clientId,
  tenantIdFieldName: 'tenantId',
  accessKeyId: 'local',
  secretAccessKey: 'local-secret-key',
  endpoint: proxy.endpoint,
  ...overrides,
});
const connect = (overrides: Record<string, unknown> = {}) => {
  const parsed = cognito.config.parse(configFor(overrides));
  return connectCognito(parsed, createTestContext({ timeoutMs: 2_000 }));
};

beforeAll(async () => {
  peer = await startCognitoLocal();
  // The proxy checks request signatures as AWS does: the configured access key must be the one that signs.
  proxy = await startAwsProxy(peer.endpoint, { credentials: { accessKeyId: 'local', secretAccessKey: 'local-secret-key' } });
  fixture = await createFixture(peer.admin);
  source = connect();
});
afterAll(async () => {
  await proxy?.close();
  await peer?.stop();
});

runSourceConformance({
  source: cognito,
  config: () => configFor(),
  seedUser: { email: 'alice@example.com', password: PASSWORD },
  unknownEmail: 'nobody@example.com',
  runner: { describe, it, beforeAll, afterAll },
  // custom:* attributes round-trip under their Cognito names; the tenant is custom:tenantId.
  writes: { profile: { given_name: 'Dave' }, updatedProfile: { given_name: 'David', 'custom:plan': 'silver' } },
});

describe('cognito: groups are roles', () => {
  it('authenticate (from the ID token) and getUser (from AdminListGroupsForUser) return the groups; listed users carry none', async () => {
    await createUser(peer.admin, fixture.poolId, 'grouped@example.com');
    await setGroups(peer.admin, fixture.poolId, 'grouped@example.com', ['editors', 'billing']);
    const signedIn = await source.authenticate({ email: 'grouped@example.com', password: PASSWORD });
    expect([...signedIn!.roles!].sort()).toEqual(['billing', 'editors']);
    expect([...(await source.getUser!('grouped@example.com'))!.roles!].sort()).toEqual(['billing', 'editors']);
    await setGroups(peer.admin, fixture.poolId, 'grouped@example.com', []);
    expect((await source.authenticate({ email: 'grouped@example.com', password: PASSWORD }))!.roles).toEqual([]);
    const listed = (await source.listUsers!(null)).users.find((user) => user.email === 'grouped@example.com');
    expect(listed).toBeDefined();
    expect(listed!.roles).toBeUndefined();
    await source.deleteUser!(listed!.externalId);
  });
});

describe('cognito: authenticate', () => {
  it('maps the profile and reads the tenant from custom:tenantId', async () => {
    const identity = await source.authenticate({ email: 'alice@example.com', password: PASSWORD });
    expect(identity).toMatchObject({
      email: 'alice@example.com',
      emailVerified: true,
      tenantId: 'tenant-1',
      disabled: false,
      profile: { given_name: 'Alice', family_name: 'Liddell', 'custom:plan': 'gold', 'custom:tenantId': 'tenant-1' },
    });
    expect(identity?.externalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(identity?.profile).not.toHaveProperty('sub');
  });

  it('returns null for a wrong password and an unknown user', async () => {
    expect(await source.authenticate({ email: 'alice@example.com', password: 'nope-Nope-1' })).toBeNull();
    expect(await source.authenticate({ email: 'ghost@example.com', password: PASSWORD })).toBeNull();
  });

  it('rejects a disabled user with a reason instead of null', async () => {
    await expect(source.authenticate({ email: 'bob@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'REJECTED', message: /disabled/ });
  });

  it('rejects a user who must change the password (NEW_PASSWORD_REQUIRED)', async () => {
    await expect(source.authenticate({ email: 'carol@example.com', password: 'Temp-pass-1!' })).rejects.toMatchObject({
      code: 'REJECTED',
      message: /new password/,
    });
  });

  it('works with an app client secret (SECRET_HASH)', async () => {
    const withSecret = connect({ clientId: fixture.secretClientId, clientSecret: fixture.clientSecret });
    expect(await withSecret.authenticate({ email: 'alice@example.com', password: PASSWORD })).toMatchObject({ tenantId: 'tenant-1' });
    // cognito-local accepts any SECRET_HASH: check what was sent against the formula, computed by
    // `echo -n userclient | openssl dgst -sha256 -hmac secret -binary | base64`.
    expect(secretHash('secret', 'user', 'client')).toBe('wvW87lzZoI+qQCVGmWVBJLlucdJ65huAVP1z+0MgA6E=');
    expect(proxy.secretHashes.at(-1)).toBe(secretHash(fixture.clientSecret, 'alice@example.com', fixture.secretClientId));
  });
});

describe('cognito: users', () => {
  it('getUser finds by email and returns null for an unknown email', async () => {
    expect(await source.getUser!('alice@example.com')).toMatchObject({ tenantId: 'tenant-1' });
    expect(await source.getUser!('bob@example.com')).toMatchObject({ disabled: true, tenantId: 'tenant-2' });
    expect(await source.getUser!('ghost@example.com')).toBeNull();
  });

  it('listUsers pages 60 at a time with PaginationToken', async () => {
    for (let i = 0; i < 125; i++) await createUser(peer.admin, fixture.poolId, `bulk-${i}@example.com`, {}, null);
    proxy.listLimits.length = 0;
    const seen = new Set<string>();
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const page = await source.listUsers!(cursor);
      page.users.forEach((user) => seen.add(user.externalId));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.size).toBe(128);
    expect(proxy.listLimits.every((limit) => limit === 60)).toBe(true);
  });

  it('the proxy pages as AWS does: a Limit above 60 is refused, so a plugin asking for more would fail here', async () => {
    const client = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: proxy.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local-secret-key' },
    });
    try {
      await expect(client.send(new ListUsersCommand({ UserPoolId: fixture.poolId, Limit: 100 }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      const first = await client.send(new ListUsersCommand({ UserPoolId: fixture.poolId, Limit: 60 }));
      expect(first.Users).toHaveLength(60);
      expect(first.PaginationToken).toBeTruthy();
    } finally {
      client.destroy();
    }
  });
});

describe('cognito: config and test()', () => {
  it('names the field in config errors', () => {
    const result = validateConfig(cognito, { ...configFor(), userPoolId: 'nope', endpoint: 'not a url' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path).sort()).toEqual(['endpoint', 'userPoolId']);
    expect(cognito.secretFields).toEqual(['clientSecret', 'secretAccessKey']);
  });

  it('test() passes for a good config and explains a wrong pool id or tenant field', async () => {
    expect(await source.test!()).toMatchObject({ ok: true, message: expect.stringContaining('tributary-test') });
    expect(await connect({ userPoolId: 'us-east-1_missing' }).test!()).toMatchObject({ ok: false, message: expect.stringContaining('userPoolId') });
    expect(await connect({ tenantIdFieldName: 'orgId' }).test!()).toMatchObject({ ok: false, message: expect.stringContaining('custom:orgId') });
  });

  it('test() refuses a wrong secret access key or key id, without quoting them', async () => {
    for (const keys of [{ secretAccessKey: 'wrong-secret-key' }, { accessKeyId: 'AKIAWRONG' }]) {
      const result = await connect(keys).test!();
      expect(result).toMatchObject({ ok: false, details: { code: 'INVALID_CONFIG' }, message: expect.stringContaining('access key') });
      expect(JSON.stringify(result)).not.toMatch(/wrong-secret-key|local-secret-key/);
    }
  });

  it('test() says the peer is unreachable', async () => {
    const down = connect({ endpoint: `http://127.0.0.1:${await freePort()}` });
    expect(await down.test!()).toMatchObject({ ok: false, details: { code: 'UNAVAILABLE' } });
  });
});
