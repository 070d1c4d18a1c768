import { decodeBase64 } from '../passwords/encoding.js';
import { isObject, text } from './import-record.js';

/**
 * Auth0's bulk-import `custom_password_hash` ({ algorithm, hash: { value, encoding }, salt: { value,
 * encoding, position } }, plus keylen, cost, blockSize, parallelization for scrypt) as a stored hash the
 * verifier knows, or the reason it cannot be: argon2, bcrypt, pbkdf2 and ldap carry their own
 * self-describing string; scrypt is rewritten in passlib's PHC form; salted md5/sha1/sha256/sha512 with
 * the salt after the password become the LDAP forms ({SMD5}, {SSHA}, {SSHA256}, {SSHA512}). hmac, md4,
 * unsalted digests and a salt before the password are not supported.
 */
export function auth0CustomHash(custom: unknown): { hash: string } | { problem: string } {
  if (!isObject(custom) || !isObject(custom.hash)) return { problem: 'custom_password_hash needs an algorithm and a hash' };
  const algorithm = text(custom.algorithm);
  const value = text(custom.hash.value);
  if (!algorithm || !value) return { problem: 'custom_password_hash needs an algorithm and a hash.value' };
  if (['argon2', 'bcrypt', 'pbkdf2', 'ldap'].includes(algorithm)) return { hash: value };
  const digest = decode(value, custom.hash.encoding);
  if (!digest) return { problem: `custom_password_hash.hash.encoding must be base64, hex or utf8` };
  const salt = isObject(custom.salt) && text(custom.salt.value) ? decode(custom.salt.value as string, custom.salt.encoding ?? 'utf8') : null;
  if (algorithm === 'scrypt') {
    const [N, r, p] = [Number(custom.cost ?? 16_384), Number(custom.blockSize ?? 8), Number(custom.parallelization ?? 1)];
    const ln = Math.log2(N);
    if (!salt || !Number.isInteger(ln)) return { problem: 'scrypt needs a salt and a power of two as cost' };
    return { hash: `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(digest)}` };
  }
  const scheme = { md5: 'SMD5', sha1: 'SSHA', sha256: 'SSHA256', sha512: 'SSHA512' }[algorithm];
  if (!scheme) return { problem: `custom_password_hash algorithm "${algorithm}" is not supported` };
  if (!salt) return { problem: `unsalted ${algorithm} hashes are not accepted` };
  if (isObject(custom.salt) && custom.salt.position !== 'suffix') return { problem: `${algorithm} with the salt before the password is not supported` };
  return { hash: `{${scheme}}${Buffer.concat([digest, salt]).toString('base64')}` };
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function decode(value: string, encoding: unknown): Buffer | null {
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(value) ? Buffer.from(value, 'hex') : null;
  if (encoding === 'base64') return decodeBase64(value);
  if (encoding === 'utf8') return Buffer.from(value, 'utf8');
  return null;
}
