import { randomBytes } from 'node:crypto';
import { createLogger, firebaseScrypt } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emulatorAdmin,
  emulatorPoolConfig,
  fakeServiceAccount,
  FIREBASE_SAMPLE,
  importScryptUsers,
  PROJECT,
  startAuthEmulator,
  type AuthEmulator,
} from '../../plugins/firebase/test/emulator.js';
import { run } from '../jobs/support.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';
import { claimsOf, expectSignInError, listedConfig, poolsOf, userByEmail } from './helpers.js';

/**
 * Firebase pools that import password hashes straight from the source: users are imported into the
 * Firebase Auth emulator with the Admin SDK's importUsers and real SCRYPT hashes (Firebase's published
 * sample, and one made here for a known password with the same hash config); the emulator stores them as
 * given and lists them back. An importUsers job over GraphQL makes those users local, and they sign in
 * over HTTP with their old password while the pool is disabled and after the emulator is stopped.
 */
const { hashConfig } = FIREBASE_SAMPLE;
const serviceAccount = fakeServiceAccount();
const OTHER_PROJECT = 'demo-wrong-config';
const lines: string[] = [];

let emulator: AuthEmulator;
let server: TestServer;
let pools: ReturnType<typeof poolsOf>;

const config = (overrides: Record<string, unknown> = {}) => emulatorPoolConfig(emulator, serviceAccount, overrides);

/** A user made with the sample project's hash config for a password of ours (our firebaseScrypt: proven against Firebase's sample in core). */
async function scryptUser(uid: string, email: string, password: string, saltBytes = 12) {
  const salt = randomBytes(saltBytes);
  const params = {
    rounds: hashConfig.rounds,
    memCost: hashConfig.memCost,
    saltSeparator: hashConfig.base64SaltSeparator,
    signerKey: hashConfig.base64SignerKey,
  };
  return { uid, email, salt: salt.toString('base64'), hash: (await firebaseScrypt(password, salt, params)).toString('base64') };
}

async function seed(
  projectId: string,
  users: Parameters<typeof importScryptUsers>[1],
  extra: (auth: ReturnType<typeof emulatorAdmin>['auth']) => Promise<void> = async () => undefined,
) {
  const admin = emulatorAdmin(emulator.host, projectId);
  try {
    await importScryptUsers(admin.auth, users);
    await extra(admin.auth);
  } finally {
    await admin.close();
  }
}

const storedHash = async (email: string) =>
  (await server.sql<{ password_hash: string | null }>('select password_hash from users where email = ?', [email]))[0]?.password_hash;

async function jobDetails(id: string): Promise<{ progress: { warnings: number }; report: Record<string, any> }> {
  return ok(await server.gql('query($id: ID!) { poolJob(id: $id) { progress { warnings } report } }', { id })).poolJob;
}

const setEnabled = async (id: string, enabled: boolean) =>
  ok(await server.gql('mutation($id: ID!, $enabled: Boolean!) { updateUserPool(id: $id, input: { enabled: $enabled }) { id } }', { id, enabled }));

beforeAll(async () => {
  [emulator, server] = await Promise.all([
    startAuthEmulator(),
    startTestServer({ logger: createLogger('debug', { write: (line: string) => void lines.push(line) }) }),
  ]);
  pools = poolsOf(server, 'firebase');
}, 90_000);
afterAll(async () => {
  await emulator?.stop();
  await server?.close();
});

describe('firebase: importing password hashes from the source', () => {
  it('a wrong hash config imports hashes that never verify: the old password is refused locally, nothing accepted silently', async () => {
    await seed(OTHER_PROJECT, [await scryptUser('wrong-1', 'wrong@fbhash.test', 'Wr0ng-config-pw')]);
    const wrongKey = randomBytes(64).toString('base64');
    const id = await pools.create(config({ projectId: OTHER_PROJECT, passwordHashConfig: { ...hashConfig, base64SignerKey: wrongKey } }));
    const done = await run(server, 'importUsers', id);
    expect(done.progress).toMatchObject({ seen: 1, created: 1, failed: 0 });
    expect(await userByEmail(server, 'wrong@fbhash.test')).toMatchObject({ pool: null, migratedFrom: { id } });

    await expectSignInError(server, 'wrong@fbhash.test', 'Wr0ng-config-pw', 401, 'invalid_credentials');
    expect(await storedHash('wrong@fbhash.test')).toMatch(/^\$firebase-scrypt\$/);
    expect(lines.join('\n')).not.toContain(wrongKey);
  });

  // Stops the peer: keep this the last test of the file.
  it('pool users become local with their Firebase hash, sign in with the old password without Firebase, and are rehashed to argon2id', async () => {
    const second = await scryptUser('known-2', 'known@fbhash.test', 'Kn0wn-firebase-pw');
    // A well-formed hash whose string would not fit users.password_hash (255): a warning, not a failed job.
    const long = await scryptUser('long-5', 'long@fbhash.test', 'L0ng-salt-pw', 120);
    await seed(
      PROJECT,
      [{ uid: 'sample-1', email: 'user1@fbhash.test', salt: FIREBASE_SAMPLE.salt, hash: FIREBASE_SAMPLE.hash }, second, long],
      async (auth) => {
        // The emulator's own hash for a password it was given (`fakeHash:…`), and a user without a password.
        await auth.createUser({ uid: 'raw-3', email: 'raw@fbhash.test', password: 'Raw-emulator-pw1' });
        await auth.createUser({ uid: 'none-4', email: 'federated@fbhash.test' });
      },
    );

    // First as a plain pool (no hash config): every user is the pool's.
    const id = await pools.create(config());
    expect((await run(server, 'importUsers', id)).progress).toMatchObject({ seen: 5, created: 5 });
    expect(await userByEmail(server, 'user1@fbhash.test')).toMatchObject({ pool: { id }, migratedFrom: null });
    expect(await storedHash('user1@fbhash.test')).toBeNull();

    // Then with the project's hash config: those existing pool users with a real hash become local.
    ok(
      await server.gql('mutation($id: ID!, $config: JSONObject!) { updateUserPool(id: $id, input: { config: $config }) { id } }', {
        id,
        config: config({ serviceAccount: '********', passwordHashConfig: { ...hashConfig } }),
      }),
    );
    const listed = await listedConfig(server, id);
    expect(listed).toMatchObject({ serviceAccount: '********', passwordHashConfig: '********' });
    const pool = JSON.stringify(ok(await server.gql('query($id: ID!) { userPool(id: $id) { config } userPools { config } }', { id })));
    expect(pool).not.toContain(hashConfig.base64SignerKey);

    const imported = await run(server, 'importUsers', id);
    expect(imported.progress).toMatchObject({ seen: 5, created: 0, updated: 2, unchanged: 3, failed: 0, conflicts: 0 });
    const details = await jobDetails(imported.id);
    // The emulator's fake hash is not a Firebase hash, the long one does not fit: left out with a warning, the users stay the pool's.
    expect(details.progress.warnings).toBe(2);
    expect(details.report.warnings).toEqual([
      { externalId: 'long-5', email: 'long@fbhash.test', reason: expect.stringContaining('too long') },
      { externalId: 'raw-3', email: 'raw@fbhash.test', reason: expect.stringContaining('format') },
    ]);
    expect(JSON.stringify(details.report)).not.toMatch(/fakeHash|Raw-emulator-pw1|firebase-scrypt/);
    for (const email of ['user1@fbhash.test', 'known@fbhash.test']) {
      expect(await userByEmail(server, email)).toMatchObject({ pool: null, migratedFrom: { id } });
      expect(await storedHash(email)).toMatch(/^\$firebase-scrypt\$8\$14\$/);
    }
    for (const email of ['raw@fbhash.test', 'federated@fbhash.test', 'long@fbhash.test']) {
      expect(await userByEmail(server, email)).toMatchObject({ pool: { id }, migratedFrom: null });
      expect(await storedHash(email)).toBeNull();
    }

    // The pool disabled: its own users are refused, the imported ones sign in here with their Firebase password.
    await setEnabled(id, false);
    await expectSignInError(server, 'user1@fbhash.test', 'user1passwordX', 401, 'invalid_credentials');
    expect(await claimsOf(server, 'user1@fbhash.test', FIREBASE_SAMPLE.password)).toMatchObject({ pool: 'local', email: 'user1@fbhash.test' });
    await expectSignInError(server, 'raw@fbhash.test', 'Raw-emulator-pw1', 401, 'invalid_credentials');
    const rehashed = await storedHash('user1@fbhash.test');
    expect(rehashed).toMatch(/^\$argon2id\$/);

    // A sync reads the same hash again, even under another email: a local user's newer password is never
    // overwritten, and no second account is made with the old one.
    await setEnabled(id, true);
    const admin = emulatorAdmin(emulator.host);
    await admin.auth.updateUser('sample-1', { email: 'renamed@fbhash.test' }).finally(() => admin.close());
    const synced = await run(server, 'syncUsers', id);
    expect(synced.progress).toMatchObject({ seen: 5, created: 0, updated: 0, unchanged: 5, disabled: 0 });
    expect(await storedHash('user1@fbhash.test')).toBe(rehashed);
    expect(await server.sql("select id from users where email = 'renamed@fbhash.test'")).toEqual([]);

    // Firebase gone: both imported users still sign in with their old passwords.
    await emulator.stop();
    expect(await claimsOf(server, 'user1@fbhash.test', FIREBASE_SAMPLE.password)).toMatchObject({ pool: 'local' });
    expect(await claimsOf(server, 'known@fbhash.test', 'Kn0wn-firebase-pw')).toMatchObject({ pool: 'local' });
    expect(await storedHash('known@fbhash.test')).toMatch(/^\$argon2id\$/);
    expect((await signIn(server, 'known@fbhash.test', 'user1password')).status).toBe(401);

    const logs = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0); // the server did log (at debug) through all of it
    expect(logs).not.toContain(hashConfig.base64SignerKey);
    expect(logs).not.toContain(FIREBASE_SAMPLE.hash);
  });
});
