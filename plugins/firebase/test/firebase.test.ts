import { getAuth } from 'firebase-admin/auth';
import { createTestContext, runSourceConformance } from '@tributary/plugin-kit/conformance';
import { freePort } from '@tributary/plugin-kit/testing';
import { configJsonSchema, validateConfig, type ExternalConnection } from '@tributary/plugin-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import firebase from '../src/index.js';
import { connectFirebase } from '../src/connection.js';
import { emulatorAdmin, fakeServiceAccount, FIREBASE_SAMPLE, importScryptUsers, startAuthEmulator, type AuthEmulator } from './emulator.js';

const PASSWORD = 'Corr3ct-horse!';
const serviceAccount = fakeServiceAccount();
let emulator: AuthEmulator;
let source: ExternalConnection;
let ids: Record<string, string>;

const configFor = (overrides: Record<string, unknown> = {}) => ({
  apiKey: 'fake-api-key',
  serviceAccount: JSON.stringify(serviceAccount),
  tenantIdFieldName: 'tenantId',
  authEmulatorHost: emulator.host,
  ...overrides,
});
const connect = (overrides: Record<string, unknown> = {}, timeoutMs = 5_000) =>
  connectFirebase(firebase.config.parse(configFor(overrides)), createTestContext({ timeoutMs }));

/** Seeds through the plugin's own createUser where it can, through the emulator's REST API otherwise. */
async function seed(): Promise<Record<string, string>> {
  await emulator.reset();
  const alice = await source.createUser!({
    email: 'alice@example.com',
    password: PASSWORD,
    profile: { name: 'Alice Liddell', claims: { plan: 'gold' } },
    tenantId: 'tenant-1',
  });
  const bob = await source.createUser!({ email: 'bob@example.com', password: PASSWORD, tenantId: 'tenant-2' });
  await source.disableUser!(bob.externalId);
  return { alice: alice.externalId, bob: bob.externalId };
}

beforeAll(async () => {
  emulator = await startAuthEmulator();
  source = connect();
  ids = await seed();
}, 90_000);
afterAll(async () => {
  await source?.close?.();
  await emulator?.stop();
});

runSourceConformance({
  source: firebase,
  config: () => configFor(),
  seedUser: { email: 'alice@example.com', password: PASSWORD },
  unknownEmail: 'nobody@example.com',
  runner: { describe, it, beforeAll, afterAll },
  // Custom claims other than the tenant's come back under profile.claims.
  writes: { profile: { name: 'Dave' }, updatedProfile: { name: 'David', claims: { plan: 'silver' } } },
});

describe('firebase: authenticate', () => {
  it('maps the profile and reads the tenant from the custom claim', async () => {
    expect(await source.authenticate({ email: 'alice@example.com', password: PASSWORD })).toEqual({
      externalId: ids.alice,
      email: 'alice@example.com',
      emailVerified: true,
      profile: { name: 'Alice Liddell', claims: { plan: 'gold' } },
      tenantId: 'tenant-1',
      disabled: false,
    });
  });

  it('returns null for a wrong password and an unknown user', async () => {
    expect(await source.authenticate({ email: 'alice@example.com', password: 'wrong-password' })).toBeNull();
    expect(await source.authenticate({ email: 'ghost@example.com', password: PASSWORD })).toBeNull();
  });

  it('rejects a disabled user with a reason', async () => {
    await expect(source.authenticate({ email: 'bob@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'REJECTED', message: /disabled/ });
  });

  it('treats INVALID_LOGIN_CREDENTIALS (email enumeration protection) as wrong credentials', async () => {
    await fetch(`${emulator.url}/emulator/v1/projects/demo-test/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ emailPrivacyConfig: { enableImprovedEmailPrivacy: true } }),
    });
    try {
      expect(await source.authenticate({ email: 'alice@example.com', password: 'wrong-password' })).toBeNull();
      expect(await source.authenticate({ email: 'ghost@example.com', password: PASSWORD })).toBeNull();
    } finally {
      await fetch(`${emulator.url}/emulator/v1/projects/demo-test/config`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ emailPrivacyConfig: { enableImprovedEmailPrivacy: false } }),
      });
    }
  });
});

describe('firebase: users', () => {
  it('listUsers pages with pageToken', async () => {
    // 1,005 users: more than one page of 1,000; batchCreate is the fast path the emulator offers.
    const users = Array.from({ length: 1005 }, (_, i) => ({ localId: `bulk-${i}`, email: `bulk-${i}@example.com` }));
    const response = await fetch(`${emulator.url}/identitytoolkit.googleapis.com/v1/projects/demo-test/accounts:batchCreate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
      body: JSON.stringify({ users }),
    });
    expect(response.ok).toBe(true);
    const first = await source.listUsers!();
    expect(first.users).toHaveLength(1000);
    expect(first.cursor).toEqual(expect.any(String));
    const second = await source.listUsers!(first.cursor);
    expect(second.users).toHaveLength(7);
    expect(second.cursor ?? null).toBeNull();
  });
});

describe('firebase: config, test() and failures', () => {
  it('names the field in config errors and never echoes the key', () => {
    const result = validateConfig(firebase, { apiKey: '', serviceAccount: '{"private_key":"-----BEGIN PRIVATE KEY----- abc"}' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((issue) => issue.path).sort()).toEqual(['apiKey', 'serviceAccount']);
      expect(JSON.stringify(result.issues)).not.toContain('BEGIN');
    }
    expect(firebase.secretFields).toEqual(['serviceAccount', 'passwordHashConfig']);
  });

  it('refuses a service account whose private key cannot be read, without quoting it', () => {
    const garbled = { ...serviceAccount, private_key: '-----BEGIN PRIVATE KEY-----\nnot-a-key-s3cr3t\n-----END PRIVATE KEY-----\n' };
    let thrown: unknown;
    try {
      connect({ serviceAccount: garbled });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'INVALID_CONFIG', field: 'serviceAccount', message: expect.stringContaining('serviceAccount') });
    expect(`${(thrown as Error).message} ${String((thrown as Error).cause)}`).not.toContain('s3cr3t');
  });

  it('keeps each connection on its own app and emulator host', () => {
    expect(process.env.FIREBASE_AUTH_EMULATOR_HOST).toBeUndefined();
    expect(() => getAuth()).toThrow(); // no default app was created
  });

  it('test() passes against the emulator and reports an unreachable one', async () => {
    expect(await source.test!()).toMatchObject({ ok: true, message: expect.stringContaining('demo-test') });
    const down = connect({ authEmulatorHost: `127.0.0.1:${await freePort()}` });
    expect(await down.test!()).toMatchObject({ ok: false, details: { code: 'UNAVAILABLE' } });
    await down.close?.();
  });

  it('peer down → SourceUnavailable, never null', async () => {
    const down = connect({ authEmulatorHost: `127.0.0.1:${await freePort()}` });
    await expect(down.authenticate({ email: 'alice@example.com', password: PASSWORD })).rejects.toMatchObject({ name: 'SourceUnavailable' });
    await expect(down.listUsers!()).rejects.toMatchObject({ name: 'SourceUnavailable' });
    await down.close?.();
  });
});

describe('firebase: password hashes for imports (passwordHashConfig)', () => {
  const { hashConfig } = FIREBASE_SAMPLE;
  // What core's verifier reads: the project's config with the user's salt and hash, standard base64.
  const sampleHash = `$firebase-scrypt$8$14$Bw==$${hashConfig.base64SignerKey}$${FIREBASE_SAMPLE.salt}$${FIREBASE_SAMPLE.hash}`;

  it('validates the hash config, naming the field and never quoting the signer key; the whole block is secret', () => {
    const issuesOf = (passwordHashConfig: Record<string, unknown>) => {
      const result = validateConfig(firebase, { ...configFor(), passwordHashConfig });
      return result.ok ? [] : result.issues;
    };
    expect(issuesOf({ ...hashConfig })).toEqual([]);
    const paths = (config: Record<string, unknown>) => issuesOf(config).map((issue) => issue.path);
    expect(paths({ ...hashConfig, rounds: 9 })).toEqual(['passwordHashConfig.rounds']);
    expect(paths({ ...hashConfig, rounds: 0 })).toEqual(['passwordHashConfig.rounds']);
    expect(paths({ ...hashConfig, memCost: 15 })).toEqual(['passwordHashConfig.memCost']);
    expect(paths({ ...hashConfig, memCost: 2.5 })).toEqual(['passwordHashConfig.memCost']);
    expect(paths({ ...hashConfig, algorithm: 'BCRYPT' })).toEqual(['passwordHashConfig.algorithm']);
    const { base64SignerKey: _key, ...withoutKey } = hashConfig;
    expect(paths(withoutKey)).toEqual(['passwordHashConfig.base64SignerKey']);
    const badKey = issuesOf({ ...hashConfig, base64SignerKey: 'not base64: s3cr3t-signer' });
    expect(badKey.map((issue) => issue.path)).toEqual(['passwordHashConfig.base64SignerKey']);
    expect(JSON.stringify(badKey)).not.toContain('s3cr3t-signer');
    expect(configJsonSchema(firebase.config)).toMatchObject({ properties: { passwordHashConfig: { writeOnly: true } } });
  });

  it('listUsers hands over the hash of a user imported with SCRYPT, as the emulator stores it; authenticate and getUser never do', async () => {
    await emulator.reset();
    const admin = emulatorAdmin(emulator.host);
    try {
      await importScryptUsers(admin.auth, [
        { uid: 'sample-user', email: 'user1@example.com', salt: FIREBASE_SAMPLE.salt, hash: FIREBASE_SAMPLE.hash },
        // What Firebase lists to a service account not allowed to read hashes: base64("REDACTED").
        { uid: 'redacted', email: 'redacted@example.com', salt: FIREBASE_SAMPLE.salt, hash: Buffer.from('REDACTED').toString('base64') },
      ]);
      // The emulator keeps what importUsers sent (web-safe base64) and lists it, as Firebase does for a service account allowed to read hashes.
      const record = await admin.auth.getUser('sample-user');
      expect(Buffer.from(record.passwordHash!, 'base64url').equals(Buffer.from(FIREBASE_SAMPLE.hash, 'base64'))).toBe(true);
      expect(Buffer.from(record.passwordSalt!, 'base64url').equals(Buffer.from(FIREBASE_SAMPLE.salt, 'base64'))).toBe(true);
      // A user with a password the emulator hashed itself (fake hash), and one with none (as a federated-only user).
      await source.createUser!({ email: 'raw@example.com', password: PASSWORD });
      await admin.auth.createUser({ uid: 'no-password', email: 'federated@example.com' });
    } finally {
      await admin.close();
    }

    const withConfig = connect({ passwordHashConfig: { ...hashConfig } });
    try {
      const { users } = await withConfig.listUsers!();
      const byEmail = new Map(users.map((user) => [user.email, user]));
      expect(byEmail.get('user1@example.com')).toMatchObject({ externalId: 'sample-user', passwordHash: sampleHash });
      // The emulator's own hashes are `fakeHash:salt=…:password=…`: passed on as the format, for core to refuse (it is not base64).
      expect(byEmail.get('raw@example.com')?.passwordHash).toMatch(/^\$firebase-scrypt\$8\$14\$.*fakeHash:/);
      expect(byEmail.get('federated@example.com')).not.toHaveProperty('passwordHash');
      expect(byEmail.get('redacted@example.com')).not.toHaveProperty('passwordHash');

      expect(await withConfig.getUser!('user1@example.com')).not.toHaveProperty('passwordHash');
      const signedIn = await withConfig.authenticate({ email: 'raw@example.com', password: PASSWORD });
      expect(signedIn).toMatchObject({ email: 'raw@example.com' });
      expect(signedIn).not.toHaveProperty('passwordHash');
    } finally {
      await withConfig.close?.();
    }
    // Without the config, no hash at all.
    expect((await source.listUsers!()).users.filter((user) => 'passwordHash' in user)).toEqual([]);
  });
});
