import { createHash } from 'node:crypto';
import { decodeBase64, sameBytes } from './encoding.js';

/**
 * LEGACY: one salted digest, as LDAP directories store it: `{SSHA512}`, `{SSHA256}`, `{SSHA}` (SHA-1) or
 * `{SMD5}` followed by base64(digest(password ‖ salt) ‖ salt), with a salt of 4 to 64 bytes. Unsalted
 * forms (`{SHA}`, `{MD5}`, bare hex) are refused. A GPU tries billions of these a second: they are
 * accepted only to be replaced by argon2id at the user's first sign-in, and imports report them.
 */
const DIGESTS = { SSHA512: ['sha512', 64], SSHA256: ['sha256', 32], SSHA: ['sha1', 20], SMD5: ['md5', 16] } as const;
type Scheme = keyof typeof DIGESTS;

const FORMAT = /^\{(SSHA512|SSHA256|SSHA|SMD5)\}([A-Za-z0-9+/]+={0,2})$/;
const SALT_BYTES = { min: 4, max: 64 } as const;

export const isSaltedDigestHash = (hash: string): boolean => FORMAT.test(hash) || /^\{S(SHA|MD5)/.test(hash);

function parse(stored: string): { scheme: Scheme; digest: Buffer; salt: Buffer } | null {
  const match = FORMAT.exec(stored);
  const bytes = match && decodeBase64(match[2]!);
  if (!bytes) return null;
  const scheme = match[1] as Scheme;
  const length = DIGESTS[scheme][1];
  const saltLength = bytes.length - length;
  if (saltLength < SALT_BYTES.min || saltLength > SALT_BYTES.max) return null;
  return { scheme, digest: bytes.subarray(0, length), salt: bytes.subarray(length) };
}

/** `ssha512`, `ssha256`, `ssha` or `smd5` for a well-formed hash, else null. */
export function saltedDigestFormat(stored: string): string | null {
  return parse(stored)?.scheme.toLowerCase() ?? null;
}

/**
 * On the event loop: one digest of a password is a microsecond, less than a round trip to the thread pool.
 * The bounded salt keeps it so.
 */
export function verifySaltedDigest(stored: string, password: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return Promise.resolve(false);
  const actual = createHash(DIGESTS[parsed.scheme][0]).update(password, 'utf8').update(parsed.salt).digest();
  return Promise.resolve(sameBytes(parsed.digest, actual));
}
