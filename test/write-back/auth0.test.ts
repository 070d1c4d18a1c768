import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAuth0, type FakeAuth0 } from '../../plugins/auth0/test/fake-auth0/server.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { startGate, type Gate } from './gate.js';
import { writeBackApi, type WriteBackApi } from './support.js';

/**
 * Write-back to Auth0 (the HTTPS fake of its Management API): an admin's changes in a write-back pool,
 * read back with the auth0 SDK's ManagementClient. The pool reaches the fake through a TCP gate (TLS
 * passes through it), closed to make Auth0 unreachable.
 */
const PASSWORD = 'Wr1te-back-passw0rd!';
const CLIENT = { id: 'tributary-write-back', secret: 'auth0-client-secret-0123456789' };

let fake: FakeAuth0;
let gate: Gate;
let server: TestServer;
let api: WriteBackApi;
let poolId: string;
let auth0: ManagementClient;

beforeAll(async () => {
  [fake, server] = await Promise.all([startFakeAuth0(), startTestServer({ env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '0' } })]);
  setDefaultCACertificates([...getCACertificates('default'), fake.ca]);
  fake.store.clients.set(CLIENT.id, { secret: CLIENT.secret, grants: ['client_credentials', 'password'] });
  gate = await startGate('127.0.0.1', Number(fake.domain.split(':')[1]));
  api = writeBackApi(server);
  for (const id of ['acme', 'globex']) ok(await server.gql(`mutation { createTenant(input: { id: "${id}", name: "${id}" }) { id } }`));
  const config = {
    domain: `127.0.0.1:${gate.port}`,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    connection: 'Username-Password-Authentication',
    tenantIdFieldName: 'orgId',
  };
  poolId = ok(
    await server.gql(`mutation ($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }`, {
      input: { name: 'auth0 write-back', type: 'EXTERNAL', source: 'auth0', config, settings: { writeBack: true, syncUserAttributes: true } },
    }),
  ).createUserPool.id;
  // The test's own Management API client, straight at the fake (not through the gate).
  auth0 = new ManagementClient({ domain: fake.domain, clientId: CLIENT.id, clientSecret: CLIENT.secret, maxRetries: 0 });
});
afterAll(async () => {
  await gate?.close();
  await fake?.close();
  await server?.close();
});

/** The user as Auth0 has it; null when it has none. */
async function atAuth0(id: string): Promise<Record<string, any> | null> {
  return (auth0.users.get(id) as Promise<Record<string, any>>).catch((error: { statusCode?: number }) => {
    if (error.statusCode === 404) return null;
    throw error;
  });
}

const withEmail = async (email: string) => (await auth0.users.listUsersByEmail({ email })) as Record<string, any>[];

describe('auth0 write-back', () => {
  it(
    'createUser, updateUser (profile, tenant), disable, enable and deleteUser reach Auth0; writeBack is pending, then clears',
    { timeout: 120_000 },
    async () => {
      const created = await api.create(poolId, 'ann@wb.test', {
        profile: { name: 'Ann', given_name: 'Ann', user_metadata: { plan: 'gold' } },
        tenantId: 'acme',
      });
      expect(created.writeBack).toEqual({ pending: true, lastError: null, blocked: false });
      const delivered = await api.delivered(created.id);
      expect(delivered.writeBack).toEqual({ pending: false, lastError: null, blocked: false });
      // The create's idempotency key (the outbox row's id) is the user's id in the connection.
      const [row] = await server.sql<any>(`select id from write_back_outbox where user_id = ? and action = 'CREATE'`, [created.id]);
      expect(delivered.externalId).toBe(`auth0|${row.id}`);
      expect(await atAuth0(delivered.externalId)).toMatchObject({
        email: 'ann@wb.test',
        email_verified: true,
        name: 'Ann',
        given_name: 'Ann',
        user_metadata: { plan: 'gold' },
        app_metadata: { orgId: 'acme' },
      });
      // Auth0 never returns a password: the fake's store shows it arrived.
      expect(fake.store.users.get(delivered.externalId)!.password).toBe(PASSWORD);

      const updated = await api.update(created.id, { profile: { name: 'Ann B', user_metadata: { plan: 'platinum' } }, tenantId: 'globex' });
      expect(updated.writeBack.pending).toBe(true);
      await api.delivered(created.id);
      expect(await atAuth0(delivered.externalId)).toMatchObject({ name: 'Ann B', user_metadata: { plan: 'platinum' }, app_metadata: { orgId: 'globex' } });
      // No tenant: the app_metadata key is removed.
      await api.update(created.id, { tenantId: null });
      await api.delivered(created.id);
      expect((await atAuth0(delivered.externalId))!.app_metadata).toEqual({});

      await api.update(created.id, { status: 'DISABLED' });
      await api.delivered(created.id);
      expect((await atAuth0(delivered.externalId))!.blocked).toBe(true);
      await api.update(created.id, { status: 'ACTIVE' });
      await api.delivered(created.id);
      expect((await atAuth0(delivered.externalId))!.blocked).toBe(false);

      await api.remove(created.id);
      await api.delivered(created.id);
      expect(await atAuth0(delivered.externalId)).toBeNull();
    },
  );

  it(
    'a delivery repeated after a lost answer neither fails nor applies twice: create (409 for its own id), update, disable, delete (404)',
    { timeout: 120_000 },
    async () => {
      const created = await api.create(poolId, 'again@wb.test', { profile: { name: 'Again' } });
      const { externalId } = await api.delivered(created.id);

      await api.redeliver(created.id, 'CREATE');
      expect((await api.delivered(created.id)).writeBack).toEqual({ pending: false, lastError: null, blocked: false });
      expect((await withEmail('again@wb.test')).map((user) => user.user_id)).toEqual([externalId]);
      expect((await api.user(created.id)).externalId).toBe(externalId);

      await api.update(created.id, { profile: { name: 'Again 2' } });
      await api.delivered(created.id);
      await api.redeliver(created.id, 'UPDATE');
      await api.delivered(created.id);
      expect((await atAuth0(externalId))!.name).toBe('Again 2');

      await api.update(created.id, { status: 'DISABLED' });
      await api.delivered(created.id);
      await api.redeliver(created.id, 'DISABLE');
      await api.delivered(created.id);
      expect((await atAuth0(externalId))!.blocked).toBe(true);

      await api.remove(created.id);
      await api.delivered(created.id);
      await api.redeliver(created.id, 'DELETE');
      await api.delivered(created.id);
      expect(await atAuth0(externalId)).toBeNull();
      const [row] = await server.sql<any>(`select last_error, rejected_at from write_back_outbox where user_id = ? and action = 'DELETE'`, [created.id]);
      expect(row).toEqual({ last_error: null, rejected_at: null });
    },
  );

  it(
    'a create Auth0 refuses (409: the email is someone else’s) is held; discardWriteBack drops it with the changes behind it',
    { timeout: 120_000 },
    async () => {
      const other = fake.store.addUser({ email: 'taken@wb.test', password: 'their-own-password', name: 'Someone else' });
      const created = await api.create(poolId, 'taken@wb.test', { profile: { name: 'Mine' } });
      await api.refused(created.id, /^REJECTED: an Auth0 user with this email already exists/);
      await api.update(created.id, { profile: { name: 'Mine, edited' } });
      await api.tick();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect((await api.user(created.id)).writeBack).toMatchObject({ pending: true, blocked: true });

      const discarded = await api.discard(created.id);
      expect(discarded).toMatchObject({ externalId: null, profile: { name: 'Mine, edited' }, writeBack: { pending: false, lastError: null, blocked: false } });
      const theirs = (await atAuth0(other.user_id))!;
      expect(theirs.name).toBe('Someone else');
      expect(theirs.blocked ?? false).toBe(false);
      expect(fake.store.users.get(other.user_id)!.password).toBe('their-own-password');
      expect(await withEmail('taken@wb.test')).toHaveLength(1);
    },
  );

  it(
    'a user deleted here while its refused create is held: discardWriteBack drops the create and the delete, and answers null',
    { timeout: 60_000 },
    async () => {
      fake.store.addUser({ email: 'held@wb.test', password: 'their-own-password', name: 'Held' });
      const created = await api.create(poolId, 'held@wb.test', { profile: { name: 'Never there' } });
      await api.refused(created.id, /^REJECTED/);
      await api.remove(created.id);
      expect(await server.sql(`select action from write_back_outbox where user_id = ? order by seq`, [created.id])).toEqual([
        { action: 'CREATE' },
        { action: 'DELETE' },
      ]);
      const answer = await server.gql(`mutation ($userId: ID!) { discardWriteBack(userId: $userId) { id } }`, { userId: created.id });
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ discardWriteBack: null });
      expect(await server.sql(`select action from write_back_outbox where user_id = ?`, [created.id])).toEqual([]);
      expect(await withEmail('held@wb.test')).toHaveLength(1);
      // Nothing left: the user is unknown now.
      const again = await server.gql(`mutation ($userId: ID!) { retryWriteBack(userId: $userId) { id } }`, { userId: created.id });
      expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    },
  );

  it('survives Auth0 going away: changes wait (pending, the error shown, not held), then arrive once each when it is back', { timeout: 150_000 }, async () => {
    const created = await api.create(poolId, 'outage@wb.test', { profile: { name: 'Before' } });
    const { externalId } = await api.delivered(created.id);

    await gate.close();
    await api.update(created.id, { profile: { name: 'While down' }, tenantId: 'acme' });
    await api.update(created.id, { status: 'DISABLED' });
    const late = await api.create(poolId, 'late@wb.test', { profile: { name: 'Late' } });
    await expect
      .poll(async () => (await api.user(created.id)).writeBack, { timeout: 45_000, interval: 500 })
      .toEqual({ pending: true, blocked: false, lastError: expect.stringMatching(/^(UNAVAILABLE|TIMEOUT): /) });
    expect(await api.user(created.id)).toMatchObject({ status: 'DISABLED', profile: { name: 'While down' } });
    expect((await atAuth0(externalId))!.name).toBe('Before');

    await gate.open();
    await api.tick();
    await api.delivered(created.id, 90_000);
    const lateDone = await api.delivered(late.id, 90_000);
    expect(await atAuth0(externalId)).toMatchObject({ name: 'While down', blocked: true, app_metadata: { orgId: 'acme' } });
    expect(await atAuth0(lateDone.externalId)).toMatchObject({ email: 'late@wb.test', name: 'Late' });
  });
});
