import { randomBytes } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import { hashSync as bcryptHashSync } from '@node-rs/bcrypt';
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
    const weaker = await argon2Hash(password, { ...ARGON2ID_OPTIONS, memoryCost: 4096, timeCost: 3 });
    expect(await verifyPassword(weaker, password)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(weaker, 'wrong')).toEqual({ ok: false, needsRehash: false });
    const argon2i = await argon2Hash(password, { ...ARGON2ID_OPTIONS, algorithm: 1 });
    expect(await verifyPassword(argon2i, password)).toEqual({ ok: true, needsRehash: true });
  });

  // Made once by the `argon2` package (0.45, the library before @node-rs/argon2), whose PHC strings order
  // the parameters m, p, t: every hash stored before the move must keep verifying, and today's parameters
  // must not be rehashed for their order alone.
  it.each([
    ['argon2id, OWASP parameters', '$argon2id$v=19$m=19456,p=1,t=2$i34INCTm5b+lb7nIQuBZoA$kFQAUsnk0CtsYl9gPu3TukRsePaTi1t+rgs3vd0O4Lw', false],
    ['argon2id, weaker parameters', '$argon2id$v=19$m=4096,p=1,t=3$b0eeccG2eJm4OVQD8cKyPQ$LpzFpeEiFrFijMsmrwbCDYOseh4zThL52KVNkcGlyEc', true],
    ['argon2i', '$argon2i$v=19$m=19456,p=1,t=2$UZoHFkli2xxeG6W8xt65yw$Lc73fpFQsApHgVoRZdMZmvV+yZHNX9v8loHISw/VU34', true],
  ])('verifies a hash the argon2 package made (%s)', async (_label, stored, needsRehash) => {
    expect(await verifyPassword(stored, password)).toEqual({ ok: true, needsRehash });
    expect(await verifyPassword(stored, 'wrong')).toEqual({ ok: false, needsRehash: false });
  });

  it('fails a malformed argon2 hash without throwing', async () => {
    expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$garbage', password)).toEqual({ ok: false, needsRehash: false });
  });

  it('verifies an imported bcrypt hash of every prefix and asks for a rehash', async () => {
    const hash = bcryptHashSync(password, 4);
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const variant = prefix + hash.slice(4);
      expect(await verifyPassword(variant, password)).toEqual({ ok: true, needsRehash: true });
      expect((await verifyPassword(variant, 'wrong')).ok).toBe(false);
    }
  });

  it('verifies a bcrypt hash that bcryptjs made (the library before @node-rs/bcrypt)', async () => {
    const hash = '$2b$10$BNi6T8S2Y8xGzWlrgQMNPO4J8BGI1bTOoHtE.X6EPIDbIRS8/lu0a';
    expect(await verifyPassword(hash, password)).toEqual({ ok: true, needsRehash: true });
    expect((await verifyPassword(`$2y$${hash.slice(4)}`, password)).ok).toBe(true);
    expect((await verifyPassword(hash, 'wrong')).ok).toBe(false);
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

  it("verifies Firebase's published sample (github.com/firebase/scrypt README): our scrypt is Firebase's", async () => {
    // A sample project's hash config and user from Firebase's own documentation, not a secret.
    const sample = {
      rounds: 8,
      memCost: 14,
      saltSeparator: 'Bw==',
      signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
    };
    const [salt, derived] = ['42xEC+ixf3L2lw==', 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=='];
    const hash = formatFirebaseScryptHash(sample, salt, derived);
    expect(await verifyPassword(hash, 'user1password')).toEqual({ ok: true, needsRehash: true });
    expect((await verifyPassword(hash, 'user1passwordX')).ok).toBe(false);
    // Another project's signer key: the same salt and hash never verify.
    const otherKey = formatFirebaseScryptHash({ ...sample, signerKey: randomBytes(64).toString('base64') }, salt, derived);
    expect((await verifyPassword(otherKey, 'user1password')).ok).toBe(false);
  });

  it.each([['plain text'], [''], ['$1$md5crypt$hash'], ['$5$rounds=5000$salt$hash'], [password]])(
    'fails an unknown format (%j) and never rehashes it',
    async (hash) => {
      expect(await verifyPassword(hash, password)).toEqual({ ok: false, needsRehash: false });
    },
  );
});
