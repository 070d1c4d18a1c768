import { sign, type KeyObject } from 'node:crypto';
import { SIGNING_ALGORITHM } from './signing-keys.js';

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS (RFC 7515) over ES256, signed synchronously by node:crypto. jose signs through WebCrypto,
 * whose every signature is a job on libuv's thread pool: on a sign-in that cost ~1 ms after the hash
 * (two thread hand-offs, competing with the database write for the cores). Signed here, both tokens take
 * ~0.1 ms on the main thread while the write is in flight. Keys, JWKs and every verification stay with
 * jose; the tests verify these tokens with jose's jwtVerify.
 */
export function signEs256(header: { kid: string; typ: 'JWT' | 'at+jwt' }, claims: object, key: KeyObject): string {
  const input = `${encode({ alg: SIGNING_ALGORITHM, ...header })}.${encode(claims)}`;
  // ieee-p1363: the raw r‖s JWS requires, not DER.
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
