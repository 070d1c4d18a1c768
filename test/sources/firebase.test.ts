import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emulatorPoolConfig, fakeServiceAccount, PROJECT, startAuthEmulator, type AuthEmulator } from '../../plugins/firebase/test/emulator.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { auditOf } from '../support/sign-in.js';
import { claimsOf, expectSignInError, listedConfig, poolsOf, reorderPools, sourceInfo, testConnection, userByEmail, userById } from './helpers.js';

/**
 * Google Firebase end to end: pools created over the admin API, users seeded in the Firebase Auth
 * emulator through its REST API, sign-in over HTTP. The emulator ignores credentials, so the bad-credential
 * case is the one it can show: a service account whose private key cannot be read.
 */
const PASSWORD = 'Corr3ct-horse!';
const serviceAccount = fakeServiceAccount();

let emulator: AuthEmulator;
let server: TestServer;
let pools: ReturnType<typeof poolsOf>;

const config = (overrides: Record<string, unknown> = {}) => emulatorPoolConfig(emulator, serviceAccount, { tenantIdFieldName: 'tenantId', ...overrides });

/** The emulator's admin REST API ("Bearer owner" is its admin credential). */
async function admin(method: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await fetch(`${emulator.url}/identitytoolkit.googleapis.com/v1/projects/${PROJECT}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, any>;
  if (!response.ok || answer.error?.length) throw new Error(`emulator ${method}: ${JSON.stringify(answer)}`);
  return answer;
}

let uids = 0;
/** A user with a verifiable password (rawPassword), a display name and custom claims. */
async function seed(email: string, displayName: string, claims: Record<string, unknown> = {}): Promise<string> {
  const localId = `e2e-${++uids}`;
  await admin('accounts:batchCreate', {
    users: [{ localId, email, rawPassword: PASSWORD, displayName, emailVerified: true, customAttributes: JSON.stringify(claims) }],
  });
  return localId;
}

beforeAll(async () => {
  [emulator, server] = await Promise.all([startAuthEmulator(), startTestServer()]);
  pools = poolsOf(server, 'firebase');
}, 90_000);
afterEach(() => pools.cleanup());
afterAll(async () => {
  await emulator?.stop();
  await server?.close();
});

describe('firebase: built in, configured over GraphQL', () => {
  it('poolSources lists it with its secret field', async () => {
    const source = await sourceInfo(server, 'firebase');
    expect(source).toMatchObject({ displayName: 'Google Firebase', type: 'EXTERNAL', secretFields: ['serviceAccount', 'passwordHashConfig'] });
    expect(source.configSchema.properties.serviceAccount.writeOnly).toBe(true);
  });

  it('masks the service account in userPools; testUserPoolConnection is ok with it and not ok with an unreadable key, without quoting it', async () => {
    const id = await pools.create(config());
    const listed = await listedConfig(server, id);
    expect(listed).toEqual({ ...config(), serviceAccount: '********' });
    expect(JSON.stringify(listed)).not.toContain('PRIVATE KEY');
    expect(await testConnection(server, id)).toMatchObject({ ok: true, message: expect.stringContaining(PROJECT) });

    const garbled = { ...serviceAccount, private_key: '-----BEGIN PRIVATE KEY-----\nbm90LWEta2V5LXMzY3IzdA==\n-----END PRIVATE KEY-----\n' };
    const bad = await testConnection(server, await pools.create(config({ serviceAccount: garbled })));
    expect(bad).toMatchObject({ ok: false, message: expect.stringContaining('serviceAccount') });
    expect(JSON.stringify(bad)).not.toMatch(/PRIVATE KEY|bm90LWEta2V5|MII/);
  });
});

describe('firebase: sign-in over HTTP', () => {
  it('syncUserAttributes with the tenant from a custom claim: changes in Firebase reach the profile at the next sign-in', async () => {
    const id = await pools.create(config(), { syncUserAttributes: true, tenantResolution: { mode: 'FROM_ATTRIBUTE' } });
    const uid = await seed('sync@firebase.test', 'Before', { tenantId: 'acme-firebase', plan: 'gold' });

    const claims = await claimsOf(server, 'Sync@firebase.test', PASSWORD);
    expect(claims).toMatchObject({ pool: id, tenant_id: 'acme-firebase', email: 'sync@firebase.test' });
    const user = await userByEmail(server, 'sync@firebase.test');
    expect(user).toMatchObject({
      externalId: uid,
      pool: { id },
      tenant: { id: 'acme-firebase' },
      profile: { name: 'Before', claims: { plan: 'gold' }, email_verified: true },
    });

    await admin('accounts:update', { localId: uid, displayName: 'After', customAttributes: JSON.stringify({ tenantId: 'acme-firebase', plan: 'platinum' }) });
    expect((await claimsOf(server, 'sync@firebase.test', PASSWORD)).pool).toBe(id);
    expect((await userById(server, user.id)).profile).toMatchObject({ name: 'After', claims: { plan: 'platinum' } });

    await expectSignInError(server, 'sync@firebase.test', 'wrong-password', 401, 'invalid_credentials');
    await expectSignInError(server, 'nobody@firebase.test', PASSWORD, 401, 'invalid_credentials');
  });

  it('a user disabled in Firebase is refused like a wrong password', async () => {
    await pools.create(config());
    const uid = await seed('disabled@firebase.test', 'Disabled');
    await admin('accounts:update', { localId: uid, disableUser: true });
    await expectSignInError(server, 'disabled@firebase.test', PASSWORD, 401, 'invalid_credentials');
    expect((await auditOf(server, 'disabled@firebase.test')).at(-1)!.details).toMatchObject({ kind: 'refused' });
  });

  // Stops the peer: keep this the last test of the file.
  it('jitMigration: after the emulator stops, a migrated user still signs in (pool claim local); a synced user gets 503', async () => {
    const synced = await pools.create(config(), { syncUserAttributes: true });
    await seed('owned@firebase.test', 'Owned');
    expect((await claimsOf(server, 'owned@firebase.test', PASSWORD)).pool).toBe(synced);
    const jit = await pools.create(config(), { jitMigration: true, tenantResolution: { mode: 'FROM_ATTRIBUTE' } });
    await reorderPools(server, [jit, synced]);
    await seed('jit@firebase.test', 'Jit', { tenantId: 'jit-tenant' });
    expect(await claimsOf(server, 'jit@firebase.test', PASSWORD)).toMatchObject({ pool: jit, tenant_id: 'jit-tenant' });
    expect(await userByEmail(server, 'jit@firebase.test')).toMatchObject({ pool: null, migratedFrom: { id: jit }, tenant: { id: 'jit-tenant' } });

    await emulator.stop();

    expect(await claimsOf(server, 'jit@firebase.test', PASSWORD)).toMatchObject({ pool: 'local', tenant_id: 'jit-tenant' });
    await expectSignInError(server, 'jit@firebase.test', 'wrong-password', 401, 'invalid_credentials');
    await expectSignInError(server, 'owned@firebase.test', PASSWORD, 503, 'source_unavailable');
    expect((await auditOf(server, 'owned@firebase.test')).at(-1)!.details).toMatchObject({ pool: synced, code: 'UNAVAILABLE' });
  });
});
