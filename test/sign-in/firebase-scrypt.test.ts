// Imported Firebase scrypt hashes: verified off the event loop, and only with the parameters Firebase
// projects use, so one crafted row cannot stall every request or exhaust memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREBASE_SCRYPT_BOUNDS, firebaseScrypt, formatFirebaseScryptHash, type FirebaseScryptParams, verifyPassword } from '@tributary/core';
import { startTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';

// A Firebase project's hash config at the upper bound of what Firebase offers.
const PARAMS: FirebaseScryptParams = {
  rounds: FIREBASE_SCRYPT_BOUNDS.rounds.max,
  memCost: FIREBASE_SCRYPT_BOUNDS.memCost.max,
  saltSeparator: 'Bw==',
  signerKey: Buffer.from('firebase-signer-key-for-tests-0123456789').toString('base64'),
};
const SALT = Buffer.from('salty-salt');
const hashOf = async (password: string, params = PARAMS) =>
  formatFirebaseScryptHash(params, SALT.toString('base64'), (await firebaseScrypt(password, SALT, params)).toString('base64'));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const insertUser = (email: string, hash: string) =>
  server.sql(
    "insert into users (id, email, status, profile, metadata, password_hash, created_at, updated_at) values (gen_random_uuid(), ?, 'ACTIVE', '{}', '{}', ?, now(), now())",
    [email, hash],
  );

describe('firebase-scrypt hashes', () => {
  it('a valid hash still signs the user in over HTTP', async () => {
    await insertUser('fb-valid@import.test', await hashOf('firebase-pass-1'));
    expect((await signIn(server, 'fb-valid@import.test', 'firebase-pass-1')).status).toBe(200);
  });

  it('/healthz answers while a verification runs: the scrypt work is off the event loop', async () => {
    const hash = await hashOf('firebase-pass-2');
    const order: string[] = [];
    // A verification on the event loop would finish before this function returns, so before /healthz is even asked.
    const verifications = Promise.all([1, 2, 3, 4].map(() => verifyPassword(hash, 'firebase-pass-2'))).then((results) => {
      order.push('verified');
      return results;
    });
    const health = fetch(`${server.url}/healthz`).then((response) => {
      order.push(`healthz ${response.status}`);
    });
    const [results] = await Promise.all([verifications, health]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(order).toEqual(['healthz 200', 'verified']);
  });

  it('refuses a hash whose parameters Firebase never uses, as a failed verification, never a crash', async () => {
    const good = await hashOf('firebase-pass-3');
    const [, , , , ...rest] = good.split('$');
    const outOfBounds = [
      `$firebase-scrypt$8$17$${rest.join('$')}`,
      `$firebase-scrypt$64$14$${rest.join('$')}`,
      `$firebase-scrypt$0$14$${rest.join('$')}`,
      `$firebase-scrypt$8$1.5$${rest.join('$')}`,
      `${good}$trailing`,
    ];
    for (const [index, hash] of outOfBounds.entries()) {
      expect(await verifyPassword(hash, 'firebase-pass-3')).toEqual({ ok: false, needsRehash: false });
      await insertUser(`fb-bounds-${index}@import.test`, hash);
      const response = await signIn(server, `fb-bounds-${index}@import.test`, 'firebase-pass-3');
      expect(response).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
    }
  });
});
