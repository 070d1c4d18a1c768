import { cert, deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth, type Auth, type UserRecord } from 'firebase-admin/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeServiceAccount, PROJECT, startAuthEmulator, type AuthEmulator } from '../../plugins/firebase/test/emulator.js';
import { claimsOf } from '../sources/helpers.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { startGate, type Gate } from './gate.js';
import { writeBackApi, type WriteBackApi } from './support.js';

/**
 * Write-back to Google Firebase (the Auth emulator): an admin's changes in a write-back pool, read back
 * with firebase-admin. The pool reaches the emulator through a TCP gate, closed to make Firebase unreachable.
 */
const PASSWORD = 'Wr1te-back-passw0rd!';
const serviceAccount = fakeServiceAccount();

let emulator: AuthEmulator;
let gate: Gate;
let server: TestServer;
let api: WriteBackApi;
let poolId: string;
let reader: App;
let firebase: Auth;

beforeAll(async () => {
  [emulator, server] = await Promise.all([startAuthEmulator(), startTestServer({ env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '0' } })]);
  gate = await startGate('127.0.0.1', Number(emulator.host.split(':')[1]));
  api = writeBackApi(server);
  for (const id of ['acme', 'globex']) ok(await server.gql(`mutation { createTenant(input: { id: "${id}", name: "${id}" }) { id } }`));
  const config = { apiKey: 'fake-web-api-key', serviceAccount, tenantIdFieldName: 'tenantId', authEmulatorHost: `127.0.0.1:${gate.port}` };
  poolId = ok(
    await server.gql(`mutation ($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }`, {
      input: { name: 'firebase write-back', type: 'EXTERNAL', source: 'firebase', config, settings: { writeBack: true, syncUserAttributes: true } },
    }),
  ).createUserPool.id;
  // The test's own firebase-admin, straight at the emulator (not through the gate).
  reader = initializeApp(
    { credential: cert({ projectId: PROJECT, clientEmail: serviceAccount.client_email, privateKey: serviceAccount.private_key }), projectId: PROJECT },
    'write-back-reader',
  );
  process.env.FIREBASE_AUTH_EMULATOR_HOST = emulator.host;
  try {
    firebase = getAuth(reader);
  } finally {
    delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
  }
}, 180_000);
afterAll(async () => {
  if (reader) await deleteApp(reader);
  await gate?.close();
  await emulator?.stop();
  await server?.close();
});

/** The user as Firebase has it; null when it has none. */
async function atFirebase(uid: string): Promise<UserRecord | null> {
  return firebase.getUser(uid).catch((error: { code?: string }) => {
    if (error.code === 'auth/user-not-found') return null;
    throw error;
  });
}

const createRowId = async (userId: string) =>
  (await server.sql<any>(`select id from write_back_outbox where user_id = ? and action = 'CREATE'`, [userId]))[0].id as string;

describe('firebase write-back', () => {
  it(
    'createUser, updateUser (profile, tenant), disable, enable and deleteUser reach Firebase; writeBack is pending, then clears',
    { timeout: 120_000 },
    async () => {
      const created = await api.create(poolId, 'ann@wb.test', { profile: { name: 'Ann', claims: { plan: 'gold' } }, tenantId: 'acme' });
      expect(created.writeBack).toEqual({ pending: true, lastError: null, blocked: false });
      const delivered = await api.delivered(created.id);
      expect(delivered.writeBack).toEqual({ pending: false, lastError: null, blocked: false });
      // The outbox row's id, the create's idempotency key, is the uid.
      expect(delivered.externalId).toBe(await createRowId(created.id));
      const user = (await atFirebase(delivered.externalId))!;
      expect(user).toMatchObject({
        email: 'ann@wb.test',
        displayName: 'Ann',
        disabled: false,
        emailVerified: true,
        customClaims: { plan: 'gold', tenantId: 'acme' },
      });
      expect((await claimsOf(server, 'ann@wb.test', PASSWORD)).tenant_id).toBe('acme');

      const updated = await api.update(created.id, { profile: { name: 'Ann B', claims: { plan: 'platinum' } }, tenantId: 'globex' });
      expect(updated.writeBack.pending).toBe(true);
      await api.delivered(created.id);
      expect(await atFirebase(delivered.externalId)).toMatchObject({ displayName: 'Ann B', customClaims: { plan: 'platinum', tenantId: 'globex' } });

      // No tenant: the claim is removed, the other claims kept.
      await api.update(created.id, { tenantId: null });
      await api.delivered(created.id);
      expect((await atFirebase(delivered.externalId))!.customClaims).toEqual({ plan: 'platinum' });

      await api.update(created.id, { status: 'DISABLED' });
      await api.delivered(created.id);
      expect((await atFirebase(delivered.externalId))!.disabled).toBe(true);
      await api.update(created.id, { status: 'ACTIVE' });
      await api.delivered(created.id);
      expect((await atFirebase(delivered.externalId))!.disabled).toBe(false);

      await api.remove(created.id);
      await api.delivered(created.id);
      expect(await atFirebase(delivered.externalId)).toBeNull();
    },
  );

  it(
    'a delivery repeated after a lost answer neither fails nor applies twice; a repeated create sets what the first attempt may have left out',
    { timeout: 120_000 },
    async () => {
      const created = await api.create(poolId, 'again@wb.test', { profile: { name: 'Again' }, tenantId: 'acme' });
      const { externalId } = await api.delivered(created.id);

      // As if the first attempt had stopped between createUser and setCustomUserClaims.
      await firebase.setCustomUserClaims(externalId, null);
      await api.redeliver(created.id, 'CREATE');
      expect((await api.delivered(created.id)).writeBack).toEqual({ pending: false, lastError: null, blocked: false });
      expect((await firebase.listUsers(1000)).users.filter((user) => user.email === 'again@wb.test').map((user) => user.uid)).toEqual([externalId]);
      expect((await atFirebase(externalId))!.customClaims).toEqual({ tenantId: 'acme' });
      expect((await api.user(created.id)).externalId).toBe(externalId);

      await api.update(created.id, { profile: { name: 'Again 2' } });
      await api.delivered(created.id);
      await api.redeliver(created.id, 'UPDATE');
      await api.delivered(created.id);
      expect((await atFirebase(externalId))!.displayName).toBe('Again 2');

      await api.update(created.id, { status: 'DISABLED' });
      await api.delivered(created.id);
      await api.redeliver(created.id, 'DISABLE');
      await api.delivered(created.id);
      expect((await atFirebase(externalId))!.disabled).toBe(true);

      await api.remove(created.id);
      await api.delivered(created.id);
      await api.redeliver(created.id, 'DELETE');
      await api.delivered(created.id);
      expect(await atFirebase(externalId)).toBeNull();
      const [row] = await server.sql<any>(`select last_error, rejected_at from write_back_outbox where user_id = ? and action = 'DELETE'`, [created.id]);
      expect(row).toEqual({ last_error: null, rejected_at: null });
    },
  );

  it(
    'a create Firebase refuses (the email has another uid) is held with the changes behind it; retryWriteBack delivers once the cause is gone',
    { timeout: 120_000 },
    async () => {
      const other = await firebase.createUser({ email: 'taken@wb.test', displayName: 'Someone else' });
      const created = await api.create(poolId, 'taken@wb.test', { profile: { name: 'Mine' } });
      await api.refused(created.id, /^REJECTED: a Firebase user with this email already exists/);
      await api.update(created.id, { status: 'DISABLED' });
      await api.tick();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect((await api.user(created.id)).writeBack).toMatchObject({ pending: true, blocked: true });
      expect(await atFirebase(other.uid)).toMatchObject({ displayName: 'Someone else', disabled: false });

      await firebase.deleteUser(other.uid);
      await api.retry(created.id);
      const done = await api.delivered(created.id);
      expect(done.writeBack).toEqual({ pending: false, lastError: null, blocked: false });
      expect(await atFirebase(done.externalId)).toMatchObject({ email: 'taken@wb.test', displayName: 'Mine', disabled: true });
    },
  );

  it(
    'survives Firebase going away: changes wait (pending, the error shown, not held), then arrive once each when it is back',
    { timeout: 150_000 },
    async () => {
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
      expect((await atFirebase(externalId))!.displayName).toBe('Before');

      await gate.open();
      await api.tick();
      await api.delivered(created.id, 90_000);
      const lateDone = await api.delivered(late.id, 90_000);
      expect(await atFirebase(externalId)).toMatchObject({ displayName: 'While down', disabled: true, customClaims: { tenantId: 'acme' } });
      expect(await atFirebase(lateDone.externalId)).toMatchObject({ email: 'late@wb.test', displayName: 'Late' });
    },
  );
});
