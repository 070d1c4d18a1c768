import { createHash, pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import { hashSync as bcryptHashSync } from '@node-rs/bcrypt';
import { describe, expect, it } from 'vitest';
import { identifyHash } from './formats.js';
import { verifyPassword } from './verifier.js';

const password = 'correct horse battery staple';
const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/*
 * Literals made outside Node: by Python's hashlib (pbkdf2_hmac, scrypt, sha*, md5) in the layout each
 * format documents, and two from passlib's own documentation (the password there is "password").
 */
const REFERENCE: Array<[name: string, hash: string, format: string, legacy: boolean, secret?: string]> = [
  ['passlib docs, pbkdf2_sha256', '$pbkdf2-sha256$6400$0ZrzXitFSGltTQnBWOsdAw$Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M', 'pbkdf2-sha256', false, 'password'],
  ['passlib docs, scrypt', '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E', 'scrypt', false, 'password'],
  ['PHC pbkdf2 (SHA-1, passlib ab64)', '$pbkdf2$10000$Dx4tPEtaaXiHlqW0w9Lh8A$502R6WUWjUqTBpLN//e4DmtRAgk', 'pbkdf2-sha1', false],
  [
    'PHC pbkdf2-sha256 with i= and l=',
    '$pbkdf2-sha256$i=10000,l=32$Dx4tPEtaaXiHlqW0w9Lh8A$hGDLNXG5Sm9uu2ZYRpXNSusnebx1h8JAySyIaGdtRR0',
    'pbkdf2-sha256',
    false,
  ],
  [
    'PHC pbkdf2-sha512',
    '$pbkdf2-sha512$i=10000,l=64$Dx4tPEtaaXiHlqW0w9Lh8A$qFaBF/kuxC2aioI08fTaBw4PZMACSSUSYS4CacK1vFIH0M/YU2LS8s98Fs0lkFjfCZSZN0PaAOrfRoPjEJ/UEw',
    'pbkdf2-sha512',
    false,
  ],
  ['LDAP {PBKDF2} (SHA-1)', '{PBKDF2}10000$Dx4tPEtaaXiHlqW0w9Lh8A$502R6WUWjUqTBpLN//e4DmtRAgk', 'pbkdf2-sha1', false],
  ['LDAP {PBKDF2-SHA256}', '{PBKDF2-SHA256}10000$Dx4tPEtaaXiHlqW0w9Lh8A$hGDLNXG5Sm9uu2ZYRpXNSusnebx1h8JAySyIaGdtRR0', 'pbkdf2-sha256', false],
  [
    'LDAP {PBKDF2-SHA512}',
    '{PBKDF2-SHA512}10000$Dx4tPEtaaXiHlqW0w9Lh8A$qFaBF/kuxC2aioI08fTaBw4PZMACSSUSYS4CacK1vFIH0M/YU2LS8s98Fs0lkFjfCZSZN0PaAOrfRoPjEJ/UEw',
    'pbkdf2-sha512',
    false,
  ],
  ['Django pbkdf2_sha256', 'pbkdf2_sha256$10000$Zq4Lb0sT3xY9$6LSU19n0nFFuHhTTpjWtq+pncTqiW5/nk0q2SxpZs2U=', 'pbkdf2-sha256', false],
  ['Django pbkdf2_sha1', 'pbkdf2_sha1$10000$Zq4Lb0sT3xY9$kuRtmX9n8uVPSN1VvgL7sXSQiQE=', 'pbkdf2-sha1', false],
  ['scrypt, p = 2', '$scrypt$ln=10,r=8,p=2$Dx4tPEtaaXiHlqW0w9Lh8A$j1UcOUR5eH+2zC73Tap3nEv6ej1XaBXndCM0gYlXULU', 'scrypt', false],
  ['{SSHA512}', '{SSHA512}xUMESH157N1hIur/mcief3P7Og9CuOcrw27Pmu7pMYqQncIZywgF3Pz737pxcotVnelp2njAhgKssZB2ar4LOqGyw9Tl9gcY', 'ssha512', true],
  ['{SSHA256}', '{SSHA256}PdDwo/zjNW4fChnEKQMy2pZSShtJAyJXonyy92vIpUShssPU5fYHGA==', 'ssha256', true],
  ['{SSHA} (SHA-1)', '{SSHA}5tWrRrGKlWZvPXl8vtN+DGiY2TyhssPU5fYHGA==', 'ssha', true],
  ['{SMD5}', '{SMD5}ZzqsED8YBam/bsh1unQcSqGyw9Tl9gcY', 'smd5', true],
];

describe('imported hash formats', () => {
  it.each(REFERENCE)('verifies a reference %s hash, names its format and asks for a rehash', async (_label, hash, format, legacy, secret = password) => {
    expect(identifyHash(hash)).toEqual({ name: format, legacy });
    expect(await verifyPassword(hash, secret)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(hash, `${secret}!`)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword(hash, '')).toEqual({ ok: false, needsRehash: false });
  });

  it('verifies hashes node:crypto makes with fresh salts (PBKDF2 of each digest, scrypt, salted digests)', async () => {
    const salt = randomBytes(16);
    const made = [
      `$pbkdf2-sha256$i=20000$${b64(salt)}$${b64(pbkdf2Sync(password, salt, 20_000, 32, 'sha256'))}`,
      `{PBKDF2-SHA512}20000$${b64(salt).replaceAll('+', '.')}$${b64(pbkdf2Sync(password, salt, 20_000, 64, 'sha512')).replaceAll('+', '.')}`,
      `$scrypt$ln=14,r=8,p=1$${b64(salt)}$${b64(scryptSync(password, salt, 32, { N: 2 ** 14, r: 8, p: 1 }))}`,
      `{SSHA256}${Buffer.concat([createHash('sha256').update(password).update(salt).digest(), salt]).toString('base64')}`,
    ];
    for (const hash of made) {
      expect(await verifyPassword(hash, password)).toEqual({ ok: true, needsRehash: true });
      expect((await verifyPassword(hash, 'Correct horse battery staple')).ok).toBe(false);
    }
  });

  it('names argon2 variants and bcrypt, and argon2d verifies like argon2i and argon2id', async () => {
    for (const [algorithm, name] of [
      [0, 'argon2d'],
      [1, 'argon2i'],
      [2, 'argon2id'],
    ] as const) {
      const hash = await argon2Hash(password, { algorithm, memoryCost: 4096, timeCost: 2 });
      expect(identifyHash(hash)).toEqual({ name, legacy: false });
      expect(await verifyPassword(hash, password)).toEqual({ ok: true, needsRehash: true });
      expect((await verifyPassword(hash, 'wrong')).ok).toBe(false);
    }
    expect(identifyHash(bcryptHashSync(password, 4))).toEqual({ name: 'bcrypt', legacy: false });
  });

  // Each would take seconds to days of a thread, or gigabytes, if it were computed: refused before.
  it.each([
    ['argon2id, 4 GiB', '$argon2id$v=19$m=4194304,t=2,p=1$i34INCTm5b+lb7nIQuBZoA$kFQAUsnk0CtsYl9gPu3TukRsePaTi1t+rgs3vd0O4Lw'],
    ['argon2id, 1000 passes', '$argon2id$v=19$m=19456,t=1000,p=1$i34INCTm5b+lb7nIQuBZoA$kFQAUsnk0CtsYl9gPu3TukRsePaTi1t+rgs3vd0O4Lw'],
    ['argon2i, 128 MiB × 10 passes', '$argon2i$v=19$m=131072,t=10,p=1$UZoHFkli2xxeG6W8xt65yw$Lc73fpFQsApHgVoRZdMZmvV+yZHNX9v8loHISw/VU34'],
    ['bcrypt, cost 31', `$2b$31$${bcryptHashSync(password, 4).slice(7)}`],
    ['bcrypt, cost 15', `$2b$15$${bcryptHashSync(password, 4).slice(7)}`],
    ['pbkdf2-sha256, 3,000,000 iterations', '$pbkdf2-sha256$3000000$Dx4tPEtaaXiHlqW0w9Lh8A$hGDLNXG5Sm9uu2ZYRpXNSusnebx1h8JAySyIaGdtRR0'],
    ['pbkdf2-sha1, 1,000,000 iterations × 4 blocks', '{PBKDF2}1000000$Dx4tPEtaaXiHlqW0w9Lh8A$' + b64(randomBytes(64))],
    ['pbkdf2-sha256, iterations past 2^53', `pbkdf2_sha256$9999999999$Zq4Lb0sT3xY9$6LSU19n0nFFuHhTTpjWtq+pncTqiW5/nk0q2SxpZs2U=`],
    ['scrypt, 1 GiB (ln = 20, r = 8)', '$scrypt$ln=20,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E'],
    ['scrypt, p = 16 over 64 MiB', '$scrypt$ln=16,r=8,p=16$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E'],
    ['scrypt, ln = 64', '$scrypt$ln=64,r=1,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E'],
  ])('refuses out-of-bounds parameters without computing them (%s)', async (_label, hash) => {
    expect(identifyHash(hash)).toBeNull();
    expect(await verifyPassword(hash, password)).toEqual({ ok: false, needsRehash: false });
  });

  it.each([
    ['PHC pbkdf2 with l= not the hash length', '$pbkdf2-sha256$i=10000,l=64$Dx4tPEtaaXiHlqW0w9Lh8A$hGDLNXG5Sm9uu2ZYRpXNSusnebx1h8JAySyIaGdtRR0'],
    ['PHC pbkdf2 with an unknown parameter', '$pbkdf2-sha256$i=10000,x=1$Dx4tPEtaaXiHlqW0w9Lh8A$hGDLNXG5Sm9uu2ZYRpXNSusnebx1h8JAySyIaGdtRR0'],
    ['PHC pbkdf2 with a short hash', '$pbkdf2-sha256$29000$abc$def'],
    ['pbkdf2 of an unknown digest', '$pbkdf2-md5$10000$Dx4tPEtaaXiHlqW0w9Lh8A$hGDLNXG5Sm9uu2ZYRpXNSusnebx1h8JAySyIaGdtRR0'],
    ['pbkdf2 with characters outside base64', '{PBKDF2-SHA256}10000$Dx4tPEtaaXiHlqW0w9Lh8A$hGDLNXG5Sm9uu2ZYRpXN*usnebx1h8JAySyIaGdtRR0'],
    ['scrypt missing p', '$scrypt$ln=10,r=8$Dx4tPEtaaXiHlqW0w9Lh8A$j1UcOUR5eH+2zC73Tap3nEv6ej1XaBXndCM0gYlXULU'],
    ['{SSHA256} without a salt', `{SSHA256}${createHash('sha256').update(password).digest('base64')}`],
    ['unsalted {SHA}', `{SHA}${createHash('sha1').update(password).digest('base64')}`],
    ['unsalted {MD5}', `{MD5}${createHash('md5').update(password).digest('base64')}`],
    ['bare hex SHA-256', createHash('sha256').update(password).digest('hex')],
    ['md5-crypt', '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/'],
    ['sha512-crypt', '$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/'],
  ])('refuses a malformed or unsupported hash (%s) as unknown', async (_label, hash) => {
    expect(identifyHash(hash)).toBeNull();
    expect(await verifyPassword(hash, password)).toEqual({ ok: false, needsRehash: false });
  });
});
