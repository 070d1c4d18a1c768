import { createCipheriv, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Firebase Auth's modified scrypt, as exported by `firebase auth:export`, stored as
 * `$firebase-scrypt$<rounds>$<memCost>$<saltSeparator b64>$<signerKey b64>$<salt b64>$<hash b64>`.
 * The derived key encrypts the project's signer key with AES-256-CTR (zero IV); the result is the hash.
 */
const PREFIX = '$firebase-scrypt$';

export const isFirebaseScryptHash = (hash: string): boolean => hash.startsWith(PREFIX);

export interface FirebaseScryptParams {
  rounds: number;
  memCost: number;
  saltSeparator: string;
  signerKey: string;
}

export function formatFirebaseScryptHash(params: FirebaseScryptParams, salt: string, hash: string): string {
  return `${PREFIX}${params.rounds}$${params.memCost}$${params.saltSeparator}$${params.signerKey}$${salt}$${hash}`;
}

export function firebaseScrypt(password: string, salt: Buffer, params: FirebaseScryptParams): Buffer {
  const N = 2 ** params.memCost;
  const derived = scryptSync(Buffer.from(password, 'utf8'), Buffer.concat([salt, Buffer.from(params.saltSeparator, 'base64')]), 32, {
    N,
    r: params.rounds,
    p: 1,
    maxmem: 128 * N * params.rounds * 2,
  });
  const cipher = createCipheriv('aes-256-ctr', derived, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.from(params.signerKey, 'base64')), cipher.final()]);
}

export function verifyFirebaseScrypt(stored: string, password: string): boolean {
  const [rounds, memCost, saltSeparator, signerKey, salt, hash] = stored.slice(PREFIX.length).split('$');
  if (!rounds || !memCost || saltSeparator === undefined || !signerKey || !salt || !hash) return false;
  const params = { rounds: Number(rounds), memCost: Number(memCost), saltSeparator, signerKey };
  if (!Number.isInteger(params.rounds) || !Number.isInteger(params.memCost) || params.memCost > 20 || params.rounds > 16) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = firebaseScrypt(password, Buffer.from(salt, 'base64'), params);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
