import { timingSafeEqual } from 'node:crypto';
import { inHashSlot } from './hash-slots.js';

/**
 * Base64 as the hash formats write it: standard, unpadded (PHC), or passlib's "ab64" ('.' for '+').
 * Anything else is null, so a hash with stray characters is refused rather than half decoded.
 */
export function decodeBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/.]*={0,2}$/.test(text)) return null;
  return Buffer.from(text.replaceAll('.', '+'), 'base64');
}

/** Constant-time comparison of a derived key with the stored one (lengths are public: the format fixes them). */
export const sameBytes = (expected: Buffer, actual: Buffer): boolean => expected.length === actual.length && timingSafeEqual(expected, actual);

/** Runs a key derivation in a hash slot and compares its key with the stored one; a derivation error is a mismatch. */
export const derivesTo = (expected: Buffer, derive: () => Promise<Buffer>): Promise<boolean> =>
  inHashSlot(derive).then(
    (actual) => sameBytes(expected, actual),
    () => false,
  );

export const within = (value: number, min: number, max: number): boolean => Number.isSafeInteger(value) && value >= min && value <= max;

/** `a=1,b=2` as numbers; null when a part is malformed or repeated. */
export function phcParams(text: string): Map<string, number> | null {
  const params = new Map<string, number>();
  for (const part of text.split(',')) {
    const match = /^([a-z]+)=(\d{1,10})$/.exec(part);
    if (!match || params.has(match[1]!)) return null;
    params.set(match[1]!, Number(match[2]));
  }
  return params;
}
