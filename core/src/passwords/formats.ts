import { argon2Format, verifyArgon2 } from './argon2id.js';
import { bcryptFormat, isBcryptHash, verifyBcrypt } from './bcrypt.js';
import { firebaseScryptFormat, isFirebaseScryptHash, verifyFirebaseScrypt } from './firebase-scrypt.js';
import { isPbkdf2Hash, pbkdf2Format, verifyPbkdf2 } from './pbkdf2.js';
import { isSaltedDigestHash, saltedDigestFormat, verifySaltedDigest } from './salted-digest.js';
import { isScryptHash, scryptFormat, verifyScrypt } from './scrypt.js';

/**
 * The stored hash formats, a family per module. Each family claims its hashes by their prefix, names the
 * exact format of a well-formed hash within its bounds (null otherwise: malformed, or parameters that
 * would stall a thread), and verifies on the thread pool in a hash slot. A hash no family claims, or one
 * its family does not name, never verifies.
 */
interface HashFamily {
  claims(hash: string): boolean;
  format(hash: string): string | null;
  verify(hash: string, password: string): Promise<boolean>;
  /** Fast digests: importable, but a leak of them is a leak of the passwords. */
  legacy: boolean;
}

const FAMILIES: readonly HashFamily[] = [
  { claims: (hash) => hash.startsWith('$argon2'), format: argon2Format, verify: verifyArgon2, legacy: false },
  { claims: isBcryptHash, format: bcryptFormat, verify: verifyBcrypt, legacy: false },
  { claims: isFirebaseScryptHash, format: firebaseScryptFormat, verify: verifyFirebaseScrypt, legacy: false },
  { claims: isPbkdf2Hash, format: pbkdf2Format, verify: verifyPbkdf2, legacy: false },
  { claims: isScryptHash, format: scryptFormat, verify: verifyScrypt, legacy: false },
  { claims: isSaltedDigestHash, format: saltedDigestFormat, verify: verifySaltedDigest, legacy: true },
];

export interface HashFormat {
  /** e.g. `argon2id`, `bcrypt`, `pbkdf2-sha256`, `ssha512`. */
  name: string;
  legacy: boolean;
}

const familyOf = (hash: string): HashFamily | undefined => FAMILIES.find((family) => family.claims(hash));

/** The format of a hash the verifier accepts, or null (unknown, malformed or out of bounds). Cheap: no hashing. */
export function identifyHash(hash: string): HashFormat | null {
  const family = familyOf(hash);
  const name = family?.format(hash);
  return family && name ? { name, legacy: family.legacy } : null;
}

/** False for a hash no family accepts; never throws. */
export function verifyAnyHash(hash: string, password: string): Promise<boolean> {
  return familyOf(hash)?.verify(hash, password) ?? Promise.resolve(false);
}
