import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAwsProxy, type AwsProxy } from '../../plugins/cognito/test/aws-proxy.js';
import { startCognitoLocal, type CognitoLocal } from '../../plugins/cognito/test/cognito-local.js';
import { createFixture, createUser, PASSWORD, setAttributes, setGroups, type Fixture } from '../../plugins/cognito/test/setup.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf } from '../support/sign-in.js';
import { claimsOf, expectSignInError, listedConfig, poolsOf, reorderPools, sourceInfo, testConnection, userByEmail, userById } from './helpers.js';

/**
 * Amazon Cognito end to end: pools created over the admin API, users seeded in cognito-local, sign-in
 * over HTTP. cognito-local sits behind the AWS-behaviour proxy, which checks request signatures against
 * these keys as AWS does (cognito-local accepts any).
 */
const KEYS = { accessKeyId: 'AKIATRIBUTARYTEST', secretAccessKey: 'cognito-secret-access-key-0123456789' };

let peer: CognitoLocal;
let proxy: AwsProxy;
let fixture: Fixture;
let server: TestServer;
let pools: ReturnType<typeof poolsOf>;

/** The app client with a secret: every sign-in sends SECRET_HASH. */
const config = (overrides: Record<string, unknown> = {}) => ({
  region: 'us-east-1',
  userPoolId: fixture.poolId,
  clientId: fixture.secretClientId,
  clientSecret: fixture.clientSecret,
  tenantIdFieldName: 'tenantId',
  ...KEYS,
  endpoint: proxy.endpoint,
  ...overrides,
});

beforeAll(async () => {
  [peer, server] = await Promise.all([startCognitoLocal(), startTestServer()]);
  proxy = await startAwsProxy(peer.endpoint, { credentials: KEYS });
  fixture = await createFixture(peer.admin);
  pools = poolsOf(server, 'cognito');
});
afterEach(() => pools.cleanup());
afterAll(async () => {
  await proxy?.close();
  await peer?.stop();
  await server?.close();
});

describe('cognito: built in, configured over GraphQL', () => {
  it('poolSources lists it with its secret fields', async () => {
    const source = await sourceInfo(server, 'cognito');
    expect(source).toMatchObject({ displayName: 'Amazon Cognito', type: 'EXTERNAL', secretFields: ['clientSecret', 'secretAccessKey'] });
    expect(source.configSchema.required).toEqual(expect.arrayContaining(['region', 'userPoolId', 'clientId', 'accessKeyId', 'secretAccessKey']));
  });

  it('masks the secrets in userPools; testUserPoolConnection is ok with good keys and not ok with bad ones, without quoting them', async () => {
    const id = await pools.create(config());
    expect(await listedConfig(server, id)).toEqual({ ...config(), clientSecret: '********', secretAccessKey: '********' });
    expect(await testConnection(server, id)).toMatchObject({ ok: true, message: expect.stringContaining('tributary-test') });

    const wrongSecret = await testConnection(server, await pools.create(config({ secretAccessKey: 'not-the-cognito-secret-key' })));
    expect(wrongSecret).toMatchObject({ ok: false, message: expect.stringContaining('access key') });
    const wrongKeyId = await testConnection(server, await pools.create(config({ accessKeyId: 'AKIAUNKNOWN' })));
    expect(wrongKeyId).toMatchObject({ ok: false, message: expect.stringContaining('access key') });
    const everything = JSON.stringify([wrongSecret, wrongKeyId]);
    for (const secret of ['not-the-cognito-secret-key', KEYS.secretAccessKey, fixture.clientSecret]) expect(everything).not.toContain(secret);
  });
});

describe('cognito: sign-in over HTTP', () => {
  it('syncUserAttributes with the tenant from custom:tenantId: attribute changes in Cognito reach the profile at the next sign-in', async () => {
    const id = await pools.create(config(), { syncUserAttributes: true, tenantResolution: { mode: 'FROM_ATTRIBUTE' } });
    await createUser(peer.admin, fixture.poolId, 'sync@cognito.test', { given_name: 'Before', 'custom:tenantId': 'acme-cognito', 'custom:plan': 'gold' });

    const claims = await claimsOf(server, 'Sync@cognito.test', PASSWORD);
    expect(claims).toMatchObject({ pool: id, tenant_id: 'acme-cognito', email: 'sync@cognito.test' });
    const user = await userByEmail(server, 'sync@cognito.test');
    expect(user).toMatchObject({
      pool: { id },
      migratedFrom: null,
      tenant: { id: 'acme-cognito' },
      profile: { given_name: 'Before', 'custom:plan': 'gold', email_verified: true },
    });
    expect(user.externalId).toMatch(/^[0-9a-f-]{36}$/); // the Cognito sub

    await setAttributes(peer.admin, fixture.poolId, 'sync@cognito.test', { given_name: 'After', 'custom:plan': 'platinum' });
    expect((await claimsOf(server, 'sync@cognito.test', PASSWORD)).pool).toBe(id);
    expect((await userById(server, user.id)).profile).toMatchObject({ given_name: 'After', 'custom:plan': 'platinum' });

    await expectSignInError(server, 'sync@cognito.test', 'Wrong-passw0rd!', 401, 'invalid_credentials');
    await expectSignInError(server, 'nobody@cognito.test', PASSWORD, 401, 'invalid_credentials');
  });

  it('Cognito groups map to local roles by key, refreshed at every sign-in while the pool syncs', async () => {
    ok(await server.gql('mutation { createRole(input: { key: "cognito-editors", name: "Editors" }) { id } }'));
    await pools.create(config(), { syncUserAttributes: true });
    await createUser(peer.admin, fixture.poolId, 'groups@cognito.test');
    await setGroups(peer.admin, fixture.poolId, 'groups@cognito.test', ['cognito-editors', 'no-such-local-role']);
    expect((await claimsOf(server, 'groups@cognito.test', PASSWORD)).roles).toEqual(['cognito-editors']);
    expect((await auditOf(server, 'groups@cognito.test')).at(-1)!.details).toMatchObject({ unknownRoles: ['no-such-local-role'] });
    await setGroups(peer.admin, fixture.poolId, 'groups@cognito.test', []);
    expect((await claimsOf(server, 'groups@cognito.test', PASSWORD)).roles).toEqual([]);
  });

  it('a user without the tenant attribute gets no tenant under FROM_ATTRIBUTE', async () => {
    await pools.create(config(), { tenantResolution: { mode: 'FROM_ATTRIBUTE' } });
    await createUser(peer.admin, fixture.poolId, 'notenant@cognito.test');
    expect((await claimsOf(server, 'notenant@cognito.test', PASSWORD)).tenant_id ?? null).toBeNull();
  });

  // Stops the peer: keep this the last test of the file.
  it('jitMigration: after Cognito stops, a migrated user still signs in (pool claim local); a synced user gets 503', async () => {
    const synced = await pools.create(config(), { syncUserAttributes: true });
    await createUser(peer.admin, fixture.poolId, 'owned@cognito.test');
    expect((await claimsOf(server, 'owned@cognito.test', PASSWORD)).pool).toBe(synced);
    const jit = await pools.create(config(), { jitMigration: true, tenantResolution: { mode: 'FROM_ATTRIBUTE' } });
    await reorderPools(server, [jit, synced]);
    await createUser(peer.admin, fixture.poolId, 'jit@cognito.test', { 'custom:tenantId': 'jit-tenant' });
    expect(await claimsOf(server, 'jit@cognito.test', PASSWORD)).toMatchObject({ pool: jit, tenant_id: 'jit-tenant' });
    expect(await userByEmail(server, 'jit@cognito.test')).toMatchObject({ pool: null, migratedFrom: { id: jit }, tenant: { id: 'jit-tenant' } });

    await proxy.close();
    await peer.stop();

    expect(await claimsOf(server, 'jit@cognito.test', PASSWORD)).toMatchObject({ pool: 'local', tenant_id: 'jit-tenant' });
    await expectSignInError(server, 'jit@cognito.test', 'Wrong-passw0rd!', 401, 'invalid_credentials');
    await expectSignInError(server, 'owned@cognito.test', PASSWORD, 503, 'source_unavailable');
    expect((await auditOf(server, 'owned@cognito.test')).at(-1)!.details).toMatchObject({ pool: synced, code: 'UNAVAILABLE' });
  });
});
