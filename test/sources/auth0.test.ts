import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAuth0, type FakeAuth0 } from '../../plugins/auth0/test/fake-auth0/server.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf } from '../support/sign-in.js';
import { claimsOf, expectSignInError, listedConfig, poolsOf, reorderPools, sourceInfo, testConnection, userByEmail, userById } from './helpers.js';

/**
 * Auth0 end to end: pools created over the admin API, users seeded in the HTTPS fake of Auth0's
 * Authentication and Management APIs, sign-in over HTTP. The sign-in server runs in this process, so
 * trusting the fake's self-signed certificate here is what lets the plugin reach it.
 */
const PASSWORD = 'Corr3ct-horse!';
const CLIENT = { id: 'tributary-e2e-client', secret: 'auth0-client-secret-0123456789' };

let fake: FakeAuth0;
let server: TestServer;
let pools: ReturnType<typeof poolsOf>;

const config = (overrides: Record<string, unknown> = {}) => ({
  domain: fake.domain,
  clientId: CLIENT.id,
  clientSecret: CLIENT.secret,
  connection: 'Username-Password-Authentication',
  tenantIdFieldName: 'orgId',
  ...overrides,
});
const seed = (email: string, extra: Record<string, unknown> = {}) => fake.store.addUser({ email, password: PASSWORD, email_verified: true, ...extra });

beforeAll(async () => {
  [fake, server] = await Promise.all([startFakeAuth0(), startTestServer()]);
  setDefaultCACertificates([...getCACertificates('default'), fake.ca]);
  fake.store.clients.set(CLIENT.id, { secret: CLIENT.secret, grants: ['client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm'] });
  pools = poolsOf(server, 'auth0');
  for (const key of ['editor', 'billing-admin'])
    ok(await server.gql('mutation($key: String!) { createRole(input: { key: $key, name: $key }) { id } }', { key }));
});
afterEach(() => pools.cleanup());
afterAll(async () => {
  await fake?.close();
  await server?.close();
});

describe('auth0: built in, configured over GraphQL', () => {
  it('poolSources lists it with its secret field', async () => {
    const source = await sourceInfo(server, 'auth0');
    expect(source).toMatchObject({ displayName: 'Auth0', type: 'EXTERNAL', secretFields: ['clientSecret'] });
    expect(source.configSchema.properties.clientSecret.writeOnly).toBe(true);
  });

  it('masks the client secret in userPools; testUserPoolConnection is ok with it and not ok with a wrong one, without quoting it', async () => {
    const id = await pools.create(config());
    expect(await listedConfig(server, id)).toEqual({ ...config(), clientSecret: '********' });
    expect(await testConnection(server, id)).toMatchObject({ ok: true, message: expect.stringContaining(fake.domain) });

    const wrong = await testConnection(server, await pools.create(config({ clientSecret: 'not-the-auth0-client-secret' })));
    expect(wrong).toMatchObject({ ok: false, message: expect.stringContaining('clientSecret') });
    expect(JSON.stringify(wrong)).not.toMatch(/not-the-auth0-client-secret|auth0-client-secret-0123456789/);
  });
});

describe('auth0: sign-in over HTTP', () => {
  it('syncUserAttributes, tenant from app_metadata and role names mapped to local roles, refreshed at every sign-in', async () => {
    const id = await pools.create(config(), { syncUserAttributes: true, tenantResolution: { mode: 'FROM_ATTRIBUTE' } });
    const remote = seed('sync@auth0.test', { name: 'Before', app_metadata: { orgId: 'acme-auth0' }, roles: ['editor', 'not-a-local-role'] });

    const claims = await claimsOf(server, 'Sync@auth0.test', PASSWORD);
    expect(claims).toMatchObject({ pool: id, tenant_id: 'acme-auth0', roles: ['editor'] });
    const user = await userByEmail(server, 'sync@auth0.test');
    expect(user).toMatchObject({
      externalId: remote.user_id,
      pool: { id },
      tenant: { id: 'acme-auth0' },
      roles: [{ key: 'editor' }],
      profile: { name: 'Before', email_verified: true },
    });
    expect((await auditOf(server, 'sync@auth0.test')).at(-1)!.details).toMatchObject({ unknownRoles: ['not-a-local-role'] });

    fake.store.patch(remote, { name: 'After', user_metadata: { plan: 'platinum' } });
    remote.roles = ['billing-admin', 'editor'];
    expect([...(await claimsOf(server, 'sync@auth0.test', PASSWORD)).roles].sort()).toEqual(['billing-admin', 'editor']);
    const after = await userById(server, user.id);
    expect(after.profile).toMatchObject({ name: 'After', user_metadata: { plan: 'platinum' } });
    expect(after.roles.map((role) => role.key).sort()).toEqual(['billing-admin', 'editor']);

    await expectSignInError(server, 'sync@auth0.test', 'wrong-password', 401, 'invalid_credentials');
    await expectSignInError(server, 'nobody@auth0.test', PASSWORD, 401, 'invalid_credentials');
  });

  it('a user blocked in Auth0 is refused like a wrong password', async () => {
    await pools.create(config());
    seed('blocked@auth0.test', { blocked: true });
    await expectSignInError(server, 'blocked@auth0.test', PASSWORD, 401, 'invalid_credentials');
    expect((await auditOf(server, 'blocked@auth0.test')).at(-1)!.details).toMatchObject({ kind: 'refused' });
  });

  // Stops the peer: keep this the last test of the file.
  it('jitMigration: after Auth0 stops, a migrated user still signs in (pool claim local); a synced user gets 503', async () => {
    const synced = await pools.create(config(), { syncUserAttributes: true });
    seed('owned@auth0.test');
    expect((await claimsOf(server, 'owned@auth0.test', PASSWORD)).pool).toBe(synced);
    const jit = await pools.create(config(), { jitMigration: true, tenantResolution: { mode: 'FROM_ATTRIBUTE' } });
    await reorderPools(server, [jit, synced]);
    seed('jit@auth0.test', { app_metadata: { orgId: 'jit-tenant' }, roles: ['editor'] });
    expect(await claimsOf(server, 'jit@auth0.test', PASSWORD)).toMatchObject({ pool: jit, tenant_id: 'jit-tenant', roles: ['editor'] });
    expect(await userByEmail(server, 'jit@auth0.test')).toMatchObject({ pool: null, migratedFrom: { id: jit }, tenant: { id: 'jit-tenant' } });

    await fake.close();

    expect(await claimsOf(server, 'jit@auth0.test', PASSWORD)).toMatchObject({ pool: 'local', tenant_id: 'jit-tenant', roles: ['editor'] });
    await expectSignInError(server, 'jit@auth0.test', 'wrong-password', 401, 'invalid_credentials');
    await expectSignInError(server, 'owned@auth0.test', PASSWORD, 503, 'source_unavailable');
    expect((await auditOf(server, 'owned@auth0.test')).at(-1)!.details).toMatchObject({ pool: synced, code: 'UNAVAILABLE' });
  });
});
