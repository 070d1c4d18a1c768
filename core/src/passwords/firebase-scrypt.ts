import { createCipheriv, scrypt, type ScryptOptions } from 'node:crypto';
import { decodeBase64, derivesTo, within } from './encoding.js';

/**
 * Firebase Auth's modified scrypt, as exported by `firebase auth:export`, stored as
 * `$firebase-scrypt$<rounds>$<memCost>$<saltSeparator b64>$<signerKey b64>$<salt b64>$<hash b64>`.
 * The derived key encrypts the project's signer key with AES-256-CTR (zero IV); the result is the hash.
 */
const PREFIX = '$firebase-scrypt$';

/**
 * What Firebase projects use (the console's hash config offers rounds 1-8 and memory cost 1-14).
 * Anything larger would make one sign-in cost seconds of a worker thread and up to gigabytes: such a
 * hash is not verified at all.
 */
export const FIREBASE_SCRYPT_BOUNDS = { rounds: { min: 1, max: 8 }, memCost: { min: 1, max: 14 } } as const;

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
