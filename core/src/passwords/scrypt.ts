import { scrypt } from 'node:crypto';
import { decodeBase64, derivesTo, phcParams, within } from './encoding.js';

/** Plain scrypt in passlib's PHC form: `$scrypt$ln=16,r=8,p=1$<salt>$<hash>` (N = 2^ln; unpadded base64 or ab64). */
const FORMAT = /^\$scrypt\$([^$]+)\$([^$]*)\$([^$]+)$/;

/**
 * scrypt needs 128 × N × r bytes and p times that work: memory is held to 128 MiB (N × r ≤ 2^20, passlib's
 * default is 64 MiB) and work to four times that, so one hostile hash cannot take gigabytes or seconds.
 */
export const SCRYPT_BOUNDS = { ln: { min: 1, max: 20 }, r: { min: 1, max: 32 }, p: { min: 1, max: 16 }, memory: 2 ** 20, work: 2 ** 22 } as const;

interface ScryptHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export const isScryptHash = (hash: string): boolean => hash.startsWith('$scrypt$');

function parse(stored: string): ScryptHash | null {
  const match = FORMAT.exec(stored);
  const params = match && phcParams(match[1]!);
  if (!params || params.size !== 3) return null;
  const [ln, r, p] = [params.get('ln'), params.get('r'), params.get('p')];
  const { ln: lnBounds, r: rBounds, p: pBounds, memory, work } = SCRYPT_BOUNDS;
  if (ln === undefined || r === undefined || p === undefined) return null;
  if (!within(ln, lnBounds.min, lnBounds.max) || !within(r, rBounds.min, rBounds.max) || !within(p, pBounds.min, pBounds.max)) return null;
  const N = 2 ** ln;
  if (N * r > memory || N * r * p > work) return null;
  const [salt, hash] = [decodeBase64(match[2]!), decodeBase64(match[3]!)];
  if (!salt?.length || !hash || !within(hash.length, 16, 64) || salt.length > 256) return null;
  return { N, r, p, salt, hash };
}

export const scryptFormat = (stored: string): string | null => (parse(stored) ? 'scrypt' : null);

const derive = (password: string, { N, r, p, salt, hash }: ScryptHash): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(password, salt, hash.length, { N, r, p, maxmem: 2 * 128 * N * r }, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** On libuv's thread pool (node:crypto's async scrypt), in a hash slot. */
export async function verifyScrypt(stored: string, password: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  return derivesTo(parsed.hash, () => derive(password, parsed));
}
