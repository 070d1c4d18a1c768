import { createCipheriv, scrypt, type ScryptOptions } from 'node:crypto';
import { FIREBASE_SCRYPT_BOUNDS, FIREBASE_SCRYPT_PREFIX as PREFIX, type FirebaseScryptParams } from '@tributary/plugin-kit';
import { decodeBase64, derivesTo, within } from './encoding.js';

/**
 * Firebase Auth's modified scrypt, as exported by `firebase auth:export` or listed by the Firebase pool
 * source; the string format and its bounds live in the plugin kit, which sources build it with.
 * The derived key encrypts the project's signer key with AES-256-CTR (zero IV); the result is the hash.
 */
export { FIREBASE_SCRYPT_BOUNDS, formatFirebaseScryptHash, type FirebaseScryptParams } from '@tributary/plugin-kit';

export const isFirebaseScryptHash = (hash: string): boolean => hash.startsWith(PREFIX);

const scryptAsync = (password: Buffer, salt: Buffer, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scrypt(password, salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))));

/** On libuv's thread pool: a verification never stalls the event loop (and /healthz with it). */
export async function firebaseScrypt(password: string, salt: Buffer, params: FirebaseScryptParams): Promise<Buffer> {
  const N = 2 ** params.memCost;
  const derived = await scryptAsync(Buffer.from(password, 'utf8'), Buffer.concat([salt, Buffer.from(params.saltSeparator, 'base64')]), {
    N,
    r: params.rounds,
    p: 1,
    maxmem: 128 * N * params.rounds * 2,
  });
  const cipher = createCipheriv('aes-256-ctr', derived, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.from(params.signerKey, 'base64')), cipher.final()]);
}

/** The parameters of a well-formed hash within Firebase's bounds, else null. */
function parse(stored: string): { params: FirebaseScryptParams; salt: Buffer; hash: Buffer } | null {
  if (!stored.startsWith(PREFIX)) return null;
  const [rounds, memCost, saltSeparator, signerKey, salt, hash, extra] = stored.slice(PREFIX.length).split('$');
  if (!rounds || !memCost || saltSeparator === undefined || !signerKey || !salt || !hash || extra !== undefined) return null;
  const params = { rounds: Number(rounds), memCost: Number(memCost), saltSeparator, signerKey };
  const { rounds: r, memCost: m } = FIREBASE_SCRYPT_BOUNDS;
  if (!within(params.rounds, r.min, r.max) || !within(params.memCost, m.min, m.max)) return null;
  const decoded = [saltSeparator, signerKey, salt, hash].map(decodeBase64);
  if (decoded.some((bytes) => bytes === null)) return null;
  return { params, salt: decoded[2]!, hash: decoded[3]! };
}

export const firebaseScryptFormat = (stored: string): string | null => (parse(stored) ? 'firebase-scrypt' : null);

/** A hash whose parameters are out of bounds or malformed fails verification; it never throws. Runs in a hash slot. */
export async function verifyFirebaseScrypt(stored: string, password: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  return derivesTo(parsed.hash, () => firebaseScrypt(password, parsed.salt, parsed.params));
}
