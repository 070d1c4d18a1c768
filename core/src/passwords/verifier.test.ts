import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { ARGON2ID_OPTIONS } from './argon2id.js';
import { firebaseScrypt, formatFirebaseScryptHash } from './firebase-scrypt.js';
import { hashPassword, verifyPassword } from './verifier.js';

const password = 'correct horse battery staple';

describe('verifyPassword', () => {
  it('verifies an argon2id hash with the current parameters and keeps it', async () => {
    const hash = await hashPassword(password);
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, password)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword(hash, 'wrong')).toEqual({ ok: false, needsRehash: false });
  });

  it('verifies an argon2 hash with older parameters and asks for a rehash only when it matches', async () => {
    const weaker = await argon2.hash(password, { ...ARGON2ID_OPTIONS, memoryCost: 4096, timeCost: 3 });
    expect(await verifyPassword(weaker, password)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(weaker, 'wrong')).toEqual({ ok: false, needsRehash: false });
    const argon2i = await argon2.hash(password, { ...ARGON2ID_OPTIONS, type: argon2.argon2i });
    expect(await verifyPassword(argon2i, password)).toEqual({ ok: true, needsRehash: true });
  });

  it('fails a malformed argon2 hash without throwing', async () => {
    expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$garbage', password)).toEqual({ ok: false, needsRehash: false });
  });

  it('verifies an imported bcrypt hash of every prefix and asks for a rehash', async () => {
    const hash = bcrypt.hashSync(password, 4);
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const variant = prefix + hash.slice(4);
      expect(await verifyPassword(variant, password)).toEqual({ ok: true, needsRehash: true });
      expect((await verifyPassword(variant, 'wrong')).ok).toBe(false);
    }
  });

  it('fails a malformed bcrypt hash without throwing', async () => {
    expect((await verifyPassword('$2b$04$not-a-real-hash', password)).ok).toBe(false);
  });

  it('verifies an imported Firebase scrypt hash and asks for a rehash', async () => {
    const params = { rounds: 8, memCost: 10, saltSeparator: 'Bw==', signerKey: randomBytes(64).toString('base64') };
    const salt = randomBytes(16);
    const derived = await firebaseScrypt(password, salt, params);
    const hash = formatFirebaseScryptHash(params, salt.toString('base64'), derived.toString('base64'));
    expect(await verifyPassword(hash, password)).toEqual({ ok: true, needsRehash: true });
    expect((await verifyPassword(hash, 'wrong')).ok).toBe(false);
    // Parameters beyond Firebase's are not verified at all, even for the right password.
    const outOfBounds = formatFirebaseScryptHash({ ...params, memCost: 20 }, salt.toString('base64'), derived.toString('base64'));
    expect((await verifyPassword(outOfBounds, password)).ok).toBe(false);
  });

  it.each([['plain text'], [''], ['$1$md5crypt$hash'], ['$pbkdf2-sha256$29000$abc$def'], [password]])(
    'fails an unknown format (%j) and never rehashes it',
    async (hash) => {
      expect(await verifyPassword(hash, password)).toEqual({ ok: false, needsRehash: false });
    },
  );
});
