import { AdminDeleteUserCommand, AdminGetUserCommand, ListUsersCommand, type AdminGetUserCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsProxy, type AwsProxy } from '../../plugins/cognito/test/aws-proxy.js';
import { startCognitoLocal, type CognitoLocal } from '../../plugins/cognito/test/cognito-local.js';
import { createFixture, createUser, type Fixture } from '../../plugins/cognito/test/setup.js';
import { claimsOf } from '../sources/helpers.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { startGate, type Gate } from './gate.js';
import { writeBackApi, type WriteBackApi } from './support.js';

/**
 * Write-back to Amazon Cognito (cognito-local behind the signature-checking AWS proxy): an admin's changes
 * in a write-back pool, read back at Cognito with the real AWS SDK. The pool talks to Cognito through a
 * TCP gate, closed to make Cognito unreachable and opened again at the same address.
 */
const KEYS = { accessKeyId: 'AKIATRIBUTARYTEST', secretAccessKey: 'cognito-secret-access-key-0123456789' };
const PASSWORD = 'Wr1te-back-passw0rd!';

let peer: CognitoLocal;
let proxy: AwsProxy;
let gate: Gate;
let fixture: Fixture;
let server: TestServer;
let api: WriteBackApi;
let poolId: string;
let config: Record<string, unknown>;

beforeAll(async () => {
  [peer, server] = await Promise.all([startCognitoLocal(), startTestServer({ env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '0' } })]);
  proxy = await startAwsProxy(peer.endpoint, { credentials: KEYS });
  gate = await startGate('127.0.0.1', Number(new URL(proxy.endpoint).port));
  fixture = await createFixture(peer.admin);
  api = writeBackApi(server);
  for (const id of ['acme', 'globex']) ok(await server.gql(`mutation { createTenant(input: { id: "${id}", name: "${id}" }) { id } }`));
  config = {
    region: 'us-east-1',
    userPoolId: fixture.poolId,
    clientId: fixture.secretClientId,
    clientSecret: fixture.clientSecret,
    tenantIdFieldName: 'tenantId',
    ...KEYS,
    endpoint: `http://127.0.0.1:${gate.port}`,
  };
  poolId = ok(
    await server.gql(`mutation ($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }`, {
      input: { name: 'cognito write-back', type: 'EXTERNAL', source: 'cognito', config, settings: { writeBack: true, syncUserAttributes: true } },
    }),
  ).createUserPool.id;
}, 60_000);
afterAll(async () => {
  await gate?.close();
  await proxy?.close();
  await peer?.stop();
  await server?.close();
});

/** The user as Cognito has it, read straight from cognito-local (not through the gate); null when it has none. */
async function atCognito(email: string): Promise<(AdminGetUserCommandOutput & { attributes: Record<string, string> }) | null> {
  try {
    const user = await peer.admin.send(new AdminGetUserCommand({ UserPoolId: fixture.poolId, Username: email }));
    return { ...user, attributes: Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name!, a.Value!])) };
  } catch (error) {
    if ((error as { name?: string }).name === 'UserNotFoundException') return null;
    throw error;
  }
}

const usersWithEmail = async (email: string) =>
  (await peer.admin.send(new ListUsersCommand({ UserPoolId: fixture.poolId, Filter: `email = "${email}"` }))).Users ?? [];

describe('cognito write-back', () => {
  it(
    'createUser, updateUser (profile, tenant), disable, enable and deleteUser reach Cognito; writeBack is pending, then clears',
    { timeout: 120_000 },
    async () => {
      const created = await api.create(poolId, 'ann@wb.test', { profile: { given_name: 'Ann', 'custom:plan': 'gold' }, tenantId: 'acme' });
      expect(created.writeBack).toEqual({ pending: true, lastError: null, blocked: false });
      const delivered = await api.delivered(created.id);
      expect(delivered.writeBack).toEqual({ pending: false, lastError: null, blocked: false });

      const cognito = (await atCognito('ann@wb.test'))!;
      expect(cognito).toMatchObject({ Enabled: true, UserStatus: 'CONFIRMED' });
      expect(cognito.attributes).toMatchObject({ email: 'ann@wb.test', given_name: 'Ann', 'custom:plan': 'gold', 'custom:tenantId': 'acme' });
      expect(delivered.externalId).toBe(cognito.attributes.sub);
      // The password reached Cognito (and only Cognito): the user signs in through the pool with it.
      expect((await claimsOf(server, 'ann@wb.test', PASSWORD)).tenant_id).toBe('acme');
      expect(JSON.stringify(await server.sql(`select * from write_back_outbox`))).not.toContain(PASSWORD);

      const updated = await api.update(created.id, { profile: { given_name: 'Ann B', 'custom:plan': 'platinum' }, tenantId: 'globex' });
      expect(updated.writeBack.pending).toBe(true);
      await api.delivered(created.id);
      expect((await atCognito('ann@wb.test'))!.attributes).toMatchObject({ given_name: 'Ann B', 'custom:plan': 'platinum', 'custom:tenantId': 'globex' });

      // No tenant: the tenant attribute is removed.
      await api.update(created.id, { tenantId: null });
      await api.delivered(created.id);
      expect((await atCognito('ann@wb.test'))!.attributes).not.toHaveProperty('custom:tenantId');

      await api.update(created.id, { status: 'DISABLED' });
      await api.delivered(created.id);
      expect((await atCognito('ann@wb.test'))!.Enabled).toBe(false);
      await api.update(created.id, { status: 'ACTIVE' });
      await api.delivered(created.id);
      expect((await atCognito('ann@wb.test'))!.Enabled).toBe(true);

      await api.remove(created.id);
      await api.delivered(created.id);
      expect(await atCognito('ann@wb.test')).toBeNull();
    },
  );

  it('a delivery repeated after a lost answer neither fails nor applies twice: create, update, disable, delete', { timeout: 120_000 }, async () => {
    const created = await api.create(poolId, 'again@wb.test', { profile: { given_name: 'Again' } });
    const first = await api.delivered(created.id);

    // AdminCreateUser again: UsernameExistsException for a user with every attribute asked for is this create.
    await api.redeliver(created.id, 'CREATE');
    expect((await api.delivered(created.id)).writeBack).toEqual({ pending: false, lastError: null, blocked: false });
    expect(await usersWithEmail('again@wb.test')).toHaveLength(1);
    expect((await api.user(created.id)).externalId).toBe(first.externalId);
    expect(await claimsOf(server, 'again@wb.test', PASSWORD)).toMatchObject({ pool: poolId });

    await api.update(created.id, { profile: { given_name: 'Again 2' } });
    await api.delivered(created.id);
    await api.redeliver(created.id, 'UPDATE');
    await api.delivered(created.id);
    expect((await atCognito('again@wb.test'))!.attributes.given_name).toBe('Again 2');

    await api.update(created.id, { status: 'DISABLED' });
    await api.delivered(created.id);
    await api.redeliver(created.id, 'DISABLE');
    await api.delivered(created.id);
    expect((await atCognito('again@wb.test'))!.Enabled).toBe(false);

    // AdminDeleteUser of a user Cognito no longer has: the delete is done.
    await api.remove(created.id);
    await api.delivered(created.id);
    await api.redeliver(created.id, 'DELETE');
    await api.delivered(created.id);
    expect(await atCognito('again@wb.test')).toBeNull();
    const [row] = await server.sql<any>(`select last_error, rejected_at from write_back_outbox where user_id = ? and action = 'DELETE'`, [created.id]);
    expect(row).toEqual({ last_error: null, rejected_at: null });
  });

  it(
    'a create whose first attempt stopped before the password (user left in FORCE_CHANGE_PASSWORD) gets the password on the repeat',
    { timeout: 60_000 },
    async () => {
      // What the first attempt left at Cognito: AdminCreateUser done, AdminSetUserPassword never sent.
      await createUser(peer.admin, fixture.poolId, 'halfway@wb.test', { given_name: 'Half' }, null);
      expect((await atCognito('halfway@wb.test'))!.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
      const created = await api.create(poolId, 'halfway@wb.test', { profile: { given_name: 'Half' } });
      await api.delivered(created.id);
      expect((await atCognito('halfway@wb.test'))!.UserStatus).toBe('CONFIRMED');
      expect(await claimsOf(server, 'halfway@wb.test', PASSWORD)).toMatchObject({ pool: poolId });
    },
  );

  it(
    'a create Cognito refuses (the email is someone else’s) holds the user’s changes; retryWriteBack after the cause is gone delivers them all',
    { timeout: 120_000 },
    async () => {
      await createUser(peer.admin, fixture.poolId, 'taken@wb.test', { given_name: 'Someone else' });
      const created = await api.create(poolId, 'taken@wb.test', { profile: { given_name: 'Mine' } });
      await api.refused(created.id, /^REJECTED: a Cognito user with this email already exists/);
      await api.update(created.id, { profile: { given_name: 'Mine, edited' } });
      // Not retried by itself: the minute tick leaves it (no further attempt), and the edit waits behind it.
      const attempts = async () =>
        (await server.sql<any>(`select attempts from write_back_outbox where user_id = ? and action = 'CREATE'`, [created.id]))[0].attempts;
      const before = await attempts();
      await api.tick();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(await attempts()).toBe(before);
      expect((await api.user(created.id)).writeBack).toMatchObject({ pending: true, blocked: true });
      expect(await server.sql(`select action from write_back_outbox where user_id = ? and delivered_at is null order by seq`, [created.id])).toEqual([
        { action: 'CREATE' },
        { action: 'UPDATE' },
      ]);
      expect((await atCognito('taken@wb.test'))!.attributes.given_name).toBe('Someone else');

      // Retried while the cause stands: refused again.
      const retried = await api.retry(created.id);
      expect(retried.id).toBe(created.id);
      await api.refused(created.id, /^REJECTED: a Cognito user with this email already exists/);

      await peer.admin.send(new AdminDeleteUserCommand({ UserPoolId: fixture.poolId, Username: 'taken@wb.test' }));
      const again = await api.retry(created.id);
      expect(again.writeBack.blocked).toBe(false);
      const done = await api.delivered(created.id);
      expect(done.writeBack).toEqual({ pending: false, lastError: null, blocked: false });
      const cognito = (await atCognito('taken@wb.test'))!;
      expect(cognito.attributes.given_name).toBe('Mine, edited');
      expect(done.externalId).toBe(cognito.attributes.sub);
    },
  );

  it('discardWriteBack drops a refused create with the changes behind it; the source keeps its own user; audited', { timeout: 120_000 }, async () => {
    await createUser(peer.admin, fixture.poolId, 'theirs@wb.test', { given_name: 'Theirs' });
    const created = await api.create(poolId, 'theirs@wb.test', { profile: { given_name: 'Ours' } });
    await api.refused(created.id, /^REJECTED/);
    await api.update(created.id, { status: 'DISABLED' });

    const discarded = await api.discard(created.id);
    expect(discarded.writeBack).toEqual({ pending: false, lastError: null, blocked: false });
    expect(await server.sql(`select action from write_back_outbox where user_id = ?`, [created.id])).toEqual([]);
    expect(await atCognito('theirs@wb.test')).toMatchObject({ Enabled: true, attributes: expect.objectContaining({ given_name: 'Theirs' }) });
    // The local user stays as the admin made it: the divergence the description names.
    expect(discarded).toMatchObject({ status: 'DISABLED', externalId: null, profile: { given_name: 'Ours' } });
    const [event] = await server.sql<any>(`select actor, details from audit_events where action = 'writeBackDiscarded' and target = ?`, [created.id]);
    expect(event.details.changes).toEqual([
      { action: 'CREATE', error: expect.stringMatching(/^REJECTED/) },
      { action: 'DISABLE', error: null },
    ]);
    expect(JSON.stringify(event)).not.toContain(PASSWORD);
  });

  it('discardWriteBack of a refused update lets the later changes through; both mutations validate their input', { timeout: 120_000 }, async () => {
    const created = await api.create(poolId, 'gone@wb.test', { profile: { given_name: 'Gone' } });
    await api.delivered(created.id);
    // Deleted at Cognito behind Tributary's back: a write to that user is refused, not an outage.
    await peer.admin.send(new AdminDeleteUserCommand({ UserPoolId: fixture.poolId, Username: 'gone@wb.test' }));
    await api.update(created.id, { profile: { given_name: 'Gone 2' } });
    await api.refused(created.id, /^REJECTED: no Cognito user has this id/);
    await api.update(created.id, { status: 'DISABLED' });
    await api.discard(created.id);
    // The DISABLE behind it goes now, and is refused in turn (the user is still gone).
    await expect
      .poll(
        async () =>
          await server.sql<any>(`select action, rejected_at is not null as refused from write_back_outbox where user_id = ? and delivered_at is null`, [
            created.id,
          ]),
        {
          timeout: 30_000,
        },
      )
      .toEqual([{ action: 'DISABLE', refused: true }]);
    await api.discard(created.id);
    expect((await api.user(created.id)).writeBack).toEqual({ pending: false, lastError: null, blocked: false });

    // Nothing waiting, a malformed id, an unknown user.
    const nothing = await server.gql(`mutation ($userId: ID!) { retryWriteBack(userId: $userId) { id } }`, { userId: created.id });
    expect(nothing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    const malformed = await server.gql(`mutation { discardWriteBack(userId: "not-an-id") { id } }`);
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    const unknown = await server.gql(`mutation { retryWriteBack(userId: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('wrong pool credentials (INVALID_CONFIG) are retried, not held: fixing the pool config lets the change through', { timeout: 150_000 }, async () => {
    const wrongKeys = ok(
      await server.gql(`mutation ($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }`, {
        input: {
          name: 'cognito write-back, wrong keys',
          type: 'EXTERNAL',
          source: 'cognito',
          config: { ...config, secretAccessKey: 'not-the-cognito-secret-key' },
          settings: { writeBack: true },
        },
      }),
    ).createUserPool.id;
    const created = await api.create(wrongKeys, 'keys@wb.test', { profile: { given_name: 'Keys' } });
    await expect
      .poll(async () => (await api.user(created.id)).writeBack, { timeout: 45_000, interval: 500 })
      .toEqual({ pending: true, blocked: false, lastError: expect.stringMatching(/^INVALID_CONFIG: /) });
    expect(JSON.stringify(await api.user(created.id))).not.toContain('not-the-cognito-secret-key');

    ok(
      await server.gql(`mutation ($id: ID!, $config: JSONObject!) { updateUserPool(id: $id, input: { config: $config }) { id } }`, {
        id: wrongKeys,
        config: { ...config },
      }),
    );
    await api.tick();
    await api.delivered(created.id, 120_000);
    expect((await atCognito('keys@wb.test'))!.attributes.given_name).toBe('Keys');
  });

  it(
    'survives Cognito going away: changes wait (pending, the error shown, not held), then arrive once each when it is back',
    { timeout: 150_000 },
    async () => {
      const created = await api.create(poolId, 'outage@wb.test', { profile: { given_name: 'Before' } });
      await api.delivered(created.id);

      await gate.close();
      await api.update(created.id, { profile: { given_name: 'While down' }, tenantId: 'acme' });
      await api.update(created.id, { status: 'DISABLED' });
      const late = await api.create(poolId, 'late@wb.test', { profile: { given_name: 'Late' } });
      await expect
        .poll(async () => (await api.user(created.id)).writeBack, { timeout: 45_000, interval: 500 })
        .toEqual({ pending: true, blocked: false, lastError: expect.stringMatching(/^UNAVAILABLE: /) });
      expect(await api.user(created.id)).toMatchObject({ status: 'DISABLED', profile: { given_name: 'While down' } });
      expect((await atCognito('outage@wb.test'))!.attributes.given_name).toBe('Before');
      // An outage is not a refusal: nothing to discard.
      const early = await server.gql(`mutation ($userId: ID!) { discardWriteBack(userId: $userId) { id } }`, { userId: created.id });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });

      await gate.open();
      await api.tick();
      await api.delivered(created.id, 90_000);
      await api.delivered(late.id, 90_000);
      const cognito = (await atCognito('outage@wb.test'))!;
      expect(cognito.Enabled).toBe(false);
      expect(cognito.attributes).toMatchObject({ given_name: 'While down', 'custom:tenantId': 'acme' });
      expect(await usersWithEmail('late@wb.test')).toHaveLength(1);
    },
  );
});
