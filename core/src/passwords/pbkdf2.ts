import { pbkdf2 } from 'node:crypto';
import { decodeBase64, derivesTo, phcParams, within } from './encoding.js';

/**
 * PBKDF2-HMAC with SHA-1, SHA-256 or SHA-512, in the three spellings exports use:
 * - PHC / passlib: `$pbkdf2-sha256$i=600000,l=32$<salt>$<hash>` or `$pbkdf2-sha256$600000$<salt>$<hash>`
 *   (`$pbkdf2$` is SHA-1), salt and hash in unpadded base64 or passlib's ab64;
 * - LDAP (passlib's ldap_pbkdf2_*, OpenLDAP's pw-pbkdf2): `{PBKDF2-SHA256}600000$<salt>$<hash>` (`{PBKDF2}` is SHA-1);
 * - Django: `pbkdf2_sha256$600000$<salt as text>$<hash, padded base64>` (and `pbkdf2_sha1`).
 */
const DIGESTS = { sha1: 20, sha256: 32, sha512: 64 } as const;
type Digest = keyof typeof DIGESTS;

/**
 * OWASP asks for 1,300,000 (SHA-1), 600,000 (SHA-256) and 210,000 (SHA-512) iterations; Django 5 uses
 * 1,000,000. Work grows with iterations × output blocks, so that product is bounded (2,000,000 blocks,
 * about 0.7 s of a thread here), as are the lengths, and a hostile hash is refused unverified.
 */
export const PBKDF2_BOUNDS = { blocks: 2_000_000, keyBytes: { min: 16, max: 64 }, saltBytes: { min: 1, max: 256 } } as const;

interface Pbkdf2Hash {
  digest: Digest;
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

const PHC = /^\$pbkdf2(?:-(sha1|sha256|sha512))?\$([^$]+)\$([^$]*)\$([^$]+)$/;
const LDAP = /^\{PBKDF2(?:-(SHA1|SHA256|SHA512))?\}(\d{1,10})\$([^$]*)\$([^$]+)$/;
const DJANGO = /^pbkdf2_(sha1|sha256)\$(\d{1,10})\$([^$]+)\$([A-Za-z0-9+/]+={0,2})$/;

export const isPbkdf2Hash = (hash: string): boolean => hash.startsWith('$pbkdf2') || hash.startsWith('{PBKDF2') || hash.startsWith('pbkdf2_');

function iterationsOf(params: string, keyBytes: number): number | null {
  if (/^\d{1,10}$/.test(params)) return Number(params);
  const parsed = phcParams(params);
  if (!parsed?.has('i') || [...parsed.keys()].some((key) => key !== 'i' && key !== 'l')) return null;
  if (parsed.has('l') && parsed.get('l') !== keyBytes) return null;
  return parsed.get('i')!;
}

function parse(stored: string): Pbkdf2Hash | null {
  let digest: Digest;
  let iterations: number | null;
  let salt: Buffer | null;
  let hash: Buffer | null;
  const phc = PHC.exec(stored);
  const ldap = phc ? null : LDAP.exec(stored);
  const django = phc || ldap ? null : DJANGO.exec(stored);
  if (phc) {
    digest = (phc[1] ?? 'sha1') as Digest;
    [salt, hash] = [decodeBase64(phc[3]!), decodeBase64(phc[4]!)];
    iterations = hash && iterationsOf(phc[2]!, hash.length);
  } else if (ldap) {
    digest = (ldap[1]?.toLowerCase() ?? 'sha1') as Digest;
    [iterations, salt, hash] = [Number(ldap[2]), decodeBase64(ldap[3]!), decodeBase64(ldap[4]!)];
  } else if (django) {
    digest = django[1] as Digest;
    [iterations, salt, hash] = [Number(django[2]), Buffer.from(django[3]!, 'utf8'), decodeBase64(django[4]!)];
  } else return null;
  if (!salt || !hash || iterations === null) return null;
  const blocks = iterations * Math.ceil(hash.length / DIGESTS[digest]);
  const { keyBytes, saltBytes } = PBKDF2_BOUNDS;
  if (!within(iterations, 1, PBKDF2_BOUNDS.blocks) || blocks > PBKDF2_BOUNDS.blocks) return null;
  if (!within(hash.length, keyBytes.min, keyBytes.max) || !within(salt.length, saltBytes.min, saltBytes.max)) return null;
  return { digest, iterations, salt, hash };
}

/** `pbkdf2-sha1`, `pbkdf2-sha256` or `pbkdf2-sha512` for a well-formed hash within the bounds, else null. */
export function pbkdf2Format(stored: string): string | null {
  const parsed = parse(stored);
  return parsed ? `pbkdf2-${parsed.digest}` : null;
}

const derive = (password: string, { salt, iterations, hash, digest }: Pbkdf2Hash): Promise<Buffer> =>
  new Promise((resolve, reject) => pbkdf2(password, salt, iterations, hash.length, digest, (error, key) => (error ? reject(error) : resolve(key))));

/** On libuv's thread pool (node:crypto's async pbkdf2), in a hash slot. */
export async function verifyPbkdf2(stored: string, password: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  return derivesTo(parsed.hash, () => derive(password, parsed));
}
